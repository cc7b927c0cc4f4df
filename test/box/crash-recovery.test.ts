// A power cut or SIGKILL mid-call: the store opens again, the partial recording is listed as
// truncated and exports, and at most one chunk (under 1 s) of audio before the kill is lost.
// Real time: a FIFO paces the ALSA file device, since the kill must land mid-call.
import t from 'tap';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { makeFifo } from '../../src/simulate/alsa-file-device.js';
import { FifoFeeder } from '../../src/simulate/fifo-feeder.js';
import { makeTrunk } from '../../src/simulate/trunk.js';
import { anchorOf, boxFixture, cli, listRecordings, spawnCli } from '../helpers/box-fixture.js';

// real time or many simulated months: longer than tap's default 30 s per file
t.setTimeout(300_000);

const RATE = 8000;
const LEAD_MS = 200;
const dir = t.testdir({});
const fifo = join(dir, 'trunk.fifo');
makeFifo(fifo);
const box = boxFixture({ infile: fifo, channels: 1, dir, extraYaml: 'vox: { hangMs: 3000 }\n' });
const trunk = makeTrunk({ rate: RATE, channels: 1, durationMs: 30_000, calls: [{ line: 0, atMs: 1000, talkMs: 25_000 }], maxPauseMs: 900 });

function output(child: ChildProcess): { text: string } {
  const o = { text: '' };
  child.stdout!.on('data', (d: Buffer) => (o.text += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (o.text += d.toString()));
  return o;
}
const exited = (child: ChildProcess) => new Promise<void>((resolve) => child.once('exit', () => resolve()));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('SIGKILL mid-call, restart: truncated, listed, exportable, under 1 s lost', async (t) => {
  const child = spawnCli(box, ['record', '--config', box.config]);
  const out = output(child);
  const feeder = new FifoFeeder(fifo, trunk.audio, { rate: RATE, channels: 1, leadMs: LEAD_MS });
  const deadline = Date.now() + 30_000;
  while (!(out.text.includes('"call started"') && feeder.writtenMs >= 9_000) && Date.now() < deadline) await sleep(20);
  t.ok(out.text.includes('"call started"'), 'a call was in progress');
  const writtenAtKill = feeder.writtenMs;
  child.kill('SIGKILL');
  await exited(child);
  await feeder.stop();
  const anchor = anchorOf(out.text);

  // Start again; the FIFO now carries silence.
  const again = spawnCli(box, ['record', '--config', box.config, '--duration', '1']);
  const out2 = output(again);
  const feeder2 = new FifoFeeder(fifo, Buffer.alloc(RATE * 2 * 2), { rate: RATE, channels: 1 });
  await exited(again);
  await feeder2.stop();
  t.equal(again.exitCode, 0, out2.text);
  t.match(out2.text, /recording left open by a crash finalised as truncated/);

  const recs = listRecordings(box);
  t.equal(recs.length, 1);
  const rec = recs[0]!;
  t.equal(rec.truncated, true, 'listed as truncated');
  const endInTrunk = Date.parse(rec.end) - anchor;
  const capturedByKill = writtenAtKill - LEAD_MS;
  const lost = capturedByKill - endInTrunk;
  t.ok(lost <= 1000, `audio lost before the kill: ${lost.toFixed(0)} ms (at most 1 s)`);
  t.ok(rec.durationMs > 5000, `kept ${rec.durationMs} ms`);

  const file = join(dir, 'truncated.opus');
  const ex = cli(box, ['export', '--config', box.config, '--key', box.keyFile, '--id', rec.id, '--out', file]);
  t.equal(ex.status, 0, ex.stderr);
  t.match(ex.stderr, /truncated/);
  const probe = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  t.ok(Math.abs(Number(probe.stdout) * 1000 - rec.durationMs) <= 40, `export plays for ${probe.stdout.trim()} s`);
});
