// The recorder on a nearly full disk (a small tmpfs): at the storage floor new calls are refused
// with the alarm raised (R1: a call not recorded is an alarm), nothing stored is touched, and
// recording resumes by itself once space returns.
import t from 'tap';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTrunk } from '../../src/simulate/trunk.js';
import { boxFixture, cli, listRecordings } from '../helpers/box-fixture.js';
import { cannotMount, smallDisk } from '../helpers/tmpfs.js';

const skip = cannotMount();

t.test('storage floor: calls refused with an alarm, then recorded again once space returns', { skip }, async (t) => {
  const disk = smallDisk(t, '24m');
  const dir = join(disk, '..');
  const trunk = makeTrunk({ rate: 8000, channels: 1, durationMs: 30_000, calls: [{ line: 0, atMs: 1000, talkMs: 5000 }, { line: 0, atMs: 15_000, talkMs: 5000 }] });
  const infile = join(dir, 'trunk.raw');
  writeFileSync(infile, trunk.audio);
  const box = boxFixture({ infile, channels: 1, dir, extraYaml: 'vox: { hangMs: 2000 }\n' });
  // the store on the small disk, with a 6 MB floor
  writeFileSync(box.config, `box: { id: t-1, site: s }\ncapture: { device: "trunk", rate: 8000, channels: 1 }\nlines:\n  - { id: line-1, channel: 0 }\nvox: { hangMs: 2000 }\nstorage: { path: ${join(disk, 'store')}, minFreeMb: 6 }\nseal: { publicKey: ./keys/controller.pub }\n`);
  writeFileSync(join(disk, 'filler'), Buffer.alloc(20 * 1024 * 1024, 1));

  const full = cli(box, ['record', '--config', box.config, '--duration', '30']);
  t.equal(full.status, 0, full.stderr);
  t.match(full.stdout, /"alarm":\{"kind":"storage-floor"/, 'the floor alarm is raised');
  t.match(full.stdout, /call NOT recorded: the box refuses new recordings \(storage floor\)/);
  t.match(full.stdout, /"refusedCalls":2/, 'both calls refused, and counted');
  t.equal(listRecordings(box).length, 0);

  rmSync(join(disk, 'filler'));
  const freed = cli(box, ['record', '--config', box.config, '--duration', '30']);
  t.equal(freed.status, 0, freed.stderr);
  t.notMatch(freed.stdout, /storage-floor/, 'no floor alarm with space back');
  t.equal(listRecordings(box).length, 2, 'both calls recorded');
  const verify = cli(box, ['audit', 'verify', '--config', box.config]);
  t.equal(verify.status, 0, verify.stderr);
});
