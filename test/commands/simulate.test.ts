import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDtmfRx, dtmfRx } from '../../src/core/dsp/dtmf.js';
import { CLI } from '../helpers/box-fixture.js';

const dir = t.testdir({});
const run = (args: string[]) => spawnSync(process.execPath, [CLI, 'simulate', ...args], { encoding: 'utf8', cwd: dir });

t.test('a scenario file becomes trunk audio, the truth and the line unit\'s lines', async (t) => {
  writeFileSync(
    join(dir, 'ok.yaml'),
    `channels: 2\ndurationMs: 20000\ncalls:\n  - { line: 0, atMs: 1000, talkMs: 4000, number: "0401234567", clip: dtmf, rings: 1 }\n  - { line: 1, atMs: 2000, talkMs: 4000, direction: outgoing, number: "0295020000" }\n`,
  );
  const r = run(['--scenario', 'ok.yaml', '--out', 'out']);
  t.equal(r.status, 0, r.stderr);
  t.equal(statSync(join(dir, 'out', 'trunk.raw')).size, 20 * 8000 * 2 * 2, '20 s of 2-channel 16-bit audio');
  const truth = JSON.parse(readFileSync(join(dir, 'out', 'truth.json'), 'utf8')) as { calls: { direction: string; number: string }[] };
  t.match(truth.calls, [{ direction: 'incoming', number: '0401234567' }, { direction: 'outgoing', number: '0295020000' }]);
  const unit = readFileSync(join(dir, 'out', 'line-unit.txt'), 'utf8');
  t.match(unit, /\t01 R {13}/, 'a ring detail line');
  t.match(unit, /\t02 O S .*0295020000/, 'an outbound call record');
  const trace = readFileSync(join(dir, 'out', 'dchannel.txt'), 'utf8');
  t.match(trace, /\t< 02 .* 6c /, 'a D-channel SETUP from the network with a calling number IE');
  // the dialled digits are really in line 2's audio
  const raw = readFileSync(join(dir, 'out', 'trunk.raw'));
  const all = new Int16Array(raw.buffer, raw.byteOffset, raw.byteLength / 2);
  const line2 = all.filter((_, i) => i % 2 === 1);
  const digits = dtmfRx(createDtmfRx({ sampleRate: 8000 }), line2).filter((e) => e.type === 'digit').map((e) => e.type === 'digit' && e.digit).join('');
  t.equal(digits, '0295020000');
});

t.test('a bad scenario names the field', async (t) => {
  writeFileSync(join(dir, 'bad.yaml'), `channels: 1\ndurationMs: 20000\ncalls:\n  - { line: 0, atMs: 1000, talkMs: 4000, number: "04-01" }\n  - { line: 3, atMs: 1000, talkMs: 4000 }\n`);
  const r = run(['--scenario', 'bad.yaml', '--out', 'out2']);
  t.equal(r.status, 1);
  t.match(r.stderr, /calls\[0\]\.number/);
  writeFileSync(join(dir, 'bad2.yaml'), `channels: 1\ndurationMs: 20000\ncalls:\n  - { line: 3, atMs: 1000, talkMs: 4000 }\n`);
  const r2 = run(['--scenario', 'bad2.yaml', '--out', 'out2']);
  t.match(r2.stderr, /calls\[0\]\.line: 3 is out of range/);
});
