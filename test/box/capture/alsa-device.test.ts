// A capture device that is missing when the recorder starts: logged clearly, an alarm raised,
// reopened with back-off, and recording resumes by itself once the device exists. Real ALSA:
// the file plugin fails to open while its input file is missing, as hw:1,0 does while the USB
// interface is unplugged. (alsa-lib caches its configuration, so the PCM's definition itself
// must exist from the start, just as a card's does.)
import t from 'tap';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTrunk } from '../../../src/simulate/trunk.js';
import { boxFixture, listRecordings, spawnCli } from '../../helpers/box-fixture.js';

t.test('missing device: alarm, back-off, then recording resumes by itself', async (t) => {
  const dir = t.testdir({});
  const trunk = makeTrunk({ rate: 8000, channels: 1, durationMs: 12_000, calls: [{ line: 0, atMs: 1000, talkMs: 5000 }] });
  const infile = join(dir, 'trunk.raw');
  writeFileSync(`${infile}.later`, trunk.audio);
  const box = boxFixture({ infile, channels: 1, dir, extraYaml: 'vox: { hangMs: 2000 }\n' });

  const child = spawnCli(box, ['record', '--config', box.config, '--duration', '12']);
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const deadline = Date.now() + 20_000;
  while (!log.includes('"capture device lost; reopening"') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  t.match(log, /"device":"trunk".*"err":"[^"]*Unable to open PCM device[^"]*".*"retryInMs":500/, 'the log names the device and the reason');
  t.match(log, /"kind":"capture-lost"/, 'an alarm is raised');

  renameSync(`${infile}.later`, infile);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  t.equal(code, 0, 'record exits 0 after its --duration of audio');
  t.match(log, /"alarm":\{"kind":"capture-lost".*"msg":"alarm cleared"/, 'the alarm clears when capture runs again');
  const stopped = JSON.parse(log.split('\n').find((l) => l.includes('"recorder stopped"'))!) as { capture: { reopens: number } };
  t.ok(stopped.capture.reopens >= 1, `reopened ${stopped.capture.reopens} time(s)`);
  const recs = listRecordings(box);
  t.equal(recs.length, 1, 'the call after the device appeared was recorded');
});
