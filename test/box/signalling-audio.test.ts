// R5, R13 through a real ALSA device (plain-file trunk, faster than real time): a two-line trunk
// with no serial signalling. Caller ID as DTMF and as V.23 FSK, a withheld number, an outgoing
// call found by its dialled digits, the far end's busy tone, and the stop code *0# mid-call.
import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordingStore } from '../../src/box/store/recording-store.js';
import type { RecordingRecord } from '../../src/box/store/recording-record.js';
import { createDtmfRx, dtmfRx } from '../../src/core/dsp/dtmf.js';
import { unsealMetadata } from '../../src/core/recording/unseal.js';
import { parsePrivateKey } from '../../src/core/seal/index.js';
import { makeTrunk } from '../../src/simulate/trunk.js';
import { anchorOf, boxFixture, cli, decodeWithFfmpeg, PASSPHRASE } from '../helpers/box-fixture.js';
import { collect } from '../helpers/log.js';

const RATE = 8000;
const DURATION_S = 75;
const trunk = makeTrunk({
  rate: RATE,
  channels: 2,
  durationMs: DURATION_S * 1000,
  calls: [
    { line: 0, atMs: 1000, talkMs: 9000, direction: 'incoming', number: '0401234567', clip: 'dtmf', rings: 2, stopCodeAtMs: 4000 },
    { line: 1, atMs: 2000, talkMs: 7000, direction: 'incoming', number: '0509876543', clip: 'fsk-v23', rings: 1, farEnd: 'busy' },
    { line: 0, atMs: 38_000, talkMs: 6000, direction: 'outgoing', number: '0295020000' },
    { line: 1, atMs: 42_000, talkMs: 5000, direction: 'incoming', number: 'withheld', clip: 'fsk-v23', rings: 1 },
  ],
});

const dir = t.testdir({});
const infile = join(dir, 'trunk.raw');
writeFileSync(infile, trunk.audio);
const box = boxFixture({
  infile,
  channels: 2,
  dir,
  extraYaml: 'vox: { hangMs: 4000 }\n',
});
// line-2's exchange sends caller ID as V.23 FSK
writeFileSync(box.config, readFileSync(box.config, 'utf8').replace('{ id: line-2, channel: 1 }', '{ id: line-2, channel: 1, clip: fsk-v23 }'));
const run = cli(box, ['record', '--config', box.config, '--duration', String(DURATION_S)]);
const anchor = anchorOf(run.stdout);
const key = parsePrivateKey(readFileSync(box.keyFile, 'utf8'), PASSPHRASE, box.keyFile);

const store = await RecordingStore.open(box.store);
const records = await collect(store.listRecordings());
await store.close();
const at = (r: RecordingRecord) => r.start - anchor;
const meta = (r: RecordingRecord) => unsealMetadata({ ...r, wrappedKey: Buffer.from(r.wrappedKey, 'base64') }, key);
const find = (line: string, aroundMs: number) => records.find((r) => r.line === line && Math.abs(at(r) - aroundMs) < 4000);

t.test('the recorder ran and found exactly the four conversations', async (t) => {
  t.equal(run.status, 0, run.stderr);
  t.equal(records.length, 4, records.map((r) => `${r.line}@${at(r).toFixed(0)}`).join(', '));
});

t.test('DTMF caller ID before the rings: incoming, the number sealed; the stop code ends the recording', async (t) => {
  const truth = trunk.truth[0]!;
  const r = find('line-1', truth.startMs);
  if (!t.ok(r, 'recorded')) return;
  t.match(r, { direction: 'incoming', clip: 'ok', signalling: 'vox', endReason: 'stopped', stopped: { by: 'dtmf' } });
  t.same(meta(r!), { calling: '0401234567' }, 'the number is in the sealed metadata');
  t.notOk(JSON.stringify(r).includes('0401234567'), 'and nowhere in plaintext');
  const stoppedAt = r!.stopped!.at - anchor;
  t.ok(Math.abs(stoppedAt - truth.stopMs!) <= 100, `stopped at the code's first tone (off by ${(stoppedAt - truth.stopMs!).toFixed(0)} ms)`);
  t.ok(r!.end! - anchor <= truth.stopMs! + 20, 'nothing after the code is stored');
  t.ok(Math.abs(at(r!) - truth.startMs) <= 500, `starts with the conversation (off by ${(at(r!) - truth.startMs).toFixed(0)} ms)`);

  const out = join(dir, 'stopped.opus');
  const ex = cli(box, ['export', '--config', box.config, '--key', box.keyFile, '--id', r!.id, '--out', out]);
  t.equal(ex.status, 0, ex.stderr);
  const pcm = decodeWithFfmpeg(out, RATE);
  t.ok(Math.abs((pcm.length / RATE) * 1000 - r!.durationMs) <= 40, 'the export ends where the recording was stopped');
  const heard = dtmfRx(createDtmfRx({ sampleRate: RATE }), pcm).filter((e) => e.type === 'digit');
  t.same(heard, [], 'not even the stop code\'s own tones are in the export');
});

t.test('V.23 FSK caller ID: incoming with its number; the far end\'s busy tone ends the call', async (t) => {
  const truth = trunk.truth[1]!;
  const r = find('line-2', truth.startMs);
  if (!t.ok(r, 'recorded')) return;
  t.match(r, { direction: 'incoming', clip: 'ok', endReason: 'far-end-clear' });
  t.same(meta(r!), { calling: '0509876543' });
  // The tone begins 0.8 s after the last word; it takes three 300/300 cycles to be sure of it, and
  // the audio heard meanwhile is already encoded: the recording ends about 2 s into the tone,
  // instead of VOX's hang time later.
  const endErr = r!.end! - anchor - truth.endMs;
  t.ok(endErr > 800 && endErr <= 3000, `ends at the busy tone, ${endErr.toFixed(0)} ms after the last word`);
});

t.test('dialled digits: outgoing, to the number dialled', async (t) => {
  const truth = trunk.truth[2]!;
  const r = find('line-1', truth.answerMs);
  if (!t.ok(r, 'recorded')) return;
  t.match(r, { direction: 'outgoing', clip: 'none' });
  t.same(meta(r!), { called: '0295020000' });
});

t.test('a withheld number is a status, and no number', async (t) => {
  const truth = trunk.truth[3]!;
  const r = find('line-2', truth.startMs);
  if (!t.ok(r, 'recorded')) return;
  t.match(r, { direction: 'incoming', clip: 'withheld' });
  t.same(meta(r!), {});
});

t.test('recordings --json shows direction, signalling and caller-ID status, and no number', async (t) => {
  const list = cli(box, ['recordings', '--config', box.config, '--json']);
  t.equal(list.status, 0);
  for (const n of ['0401234567', '0509876543', '0295020000']) t.notOk(list.stdout.includes(n), `${n} not listed`);
  const rows = list.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  t.same(rows.map((r) => r['direction']).sort(), ['incoming', 'incoming', 'incoming', 'outgoing']);
  t.ok(rows.every((r) => r['signalling'] === 'vox' && typeof r['clip'] === 'string'));
  t.ok(rows.some((r) => r['stoppedBy'] === 'dtmf'));
  t.notOk(run.stdout.includes('0401234567') || run.stdout.includes('0509876543'), 'no number in the recorder\'s log');
});
