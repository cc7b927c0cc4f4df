// R5 with serial signalling on a real pty (socat) beside a real ALSA device paced in real time:
// a Whozz Calling?-style line unit, and an ISDN BRI's D-channel trace. Rings or SETUP, answer,
// hang-up and numbers come from the serial side; the audio is recorded from the answer to the
// hang-up, however long the silences in between.
import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordingStore } from '../../src/box/store/recording-store.js';
import { unsealMetadata } from '../../src/core/recording/unseal.js';
import { parsePrivateKey } from '../../src/core/seal/index.js';
import { makeFifo } from '../../src/simulate/alsa-file-device.js';
import { makeTrunk } from '../../src/simulate/trunk.js';
import { anchorOf, boxFixture, PASSPHRASE } from '../helpers/box-fixture.js';
import { recordLive } from '../helpers/live-recorder.js';
import { collect } from '../helpers/log.js';
import { ptyPair } from '../helpers/pty.js';

// real time or many simulated months: longer than tap's default 30 s per file
t.setTimeout(300_000);

const RATE = 8000;
const DURATION_S = 31;
const LEAD_MS = 500;

const sources = [
  { type: 'line-unit', map: '{ "1": line-1, "2": line-2 }', signalling: 'line-unit', endReason: 'on-hook' },
  { type: 'isdn', map: '{ B1: line-1, B2: line-2 }', signalling: 'isdn', endReason: 'disconnect' },
] as const;

for (const source of sources) t.test(`${source.type} on a serial port: direction, numbers and call boundaries from its records`, { timeout: 120_000 }, async (t) => {
  const dir = t.testdir({});
  const trunk = makeTrunk({
    rate: RATE,
    channels: 2,
    durationMs: DURATION_S * 1000,
    calls: [
      { line: 0, atMs: 1000, talkMs: 6000, direction: 'incoming', number: '0401234567', rings: 2 },
      { line: 1, atMs: 3000, talkMs: 6000, direction: 'outgoing', number: '0295020000' },
      { line: 0, atMs: 19_000, talkMs: 5000, direction: 'incoming', number: 'withheld', rings: 1 },
    ],
  });
  const pty = await ptyPair();
  t.teardown(() => pty.dispose());
  const fifo = join(dir, 'trunk.fifo');
  makeFifo(fifo);
  const box = boxFixture({
    infile: fifo,
    channels: 2,
    dir,
    extraYaml: `vox: { hangMs: 3000 }\nsignals:\n  - { type: ${source.type}, port: ${pty.a}, baud: 9600, lines: ${source.map} }\n`,
  });
  const { code, log } = await recordLive(box, {
    fifo, audio: trunk.audio, rate: RATE, channels: 2, leadMs: LEAD_MS, durationS: DURATION_S - 1,
    serial: { path: pty.b, lines: source.type === 'isdn' ? trunk.dchannel : trunk.lineUnit },
  });
  t.equal(code, 0, 'record exits 0');
  t.notMatch(log, /0401234567|0295020000/, 'no number in the log');

  const anchor = anchorOf(log);
  const store = await RecordingStore.open(box.store);
  const recs = await collect(store.listRecordings());
  await store.close();
  const key = parsePrivateKey(readFileSync(box.keyFile, 'utf8'), PASSPHRASE, box.keyFile);
  t.equal(recs.length, 3, 'three calls, three recordings');
  for (const truth of trunk.truth) {
    const line = `line-${truth.line + 1}`;
    const r = recs.find((x) => x.line === line && Math.abs(x.start - anchor - truth.answerMs) < 3000);
    if (!t.ok(r, `${line} ${truth.direction} call at ${truth.answerMs} ms`)) continue;
    t.match(r, { direction: truth.direction, signalling: source.signalling });
    const meta = unsealMetadata({ ...r!, wrappedKey: Buffer.from(r!.wrappedKey, 'base64') }, key);
    // ISDN also says which of the office's numbers was called.
    const called = source.type === 'isdn' ? { called: '0295020000' } : {};
    if (truth.number === 'withheld') {
      t.equal(r!.clip, 'withheld');
      t.same(meta, called, 'no calling number');
    } else if (truth.direction === 'incoming') {
      t.same(meta, { calling: truth.number, ...called });
    } else {
      t.same(meta, { called: truth.number });
    }
    const startErr = r!.start - anchor - truth.answerMs;
    const endErr = r!.end! - anchor - truth.hangupMs;
    // An outgoing ISDN call's SETUP comes after the dialling, which VOX already heard.
    t.ok(startErr >= -800 && startErr <= 800, `starts at the answer or the handset lifted, less the lead (${startErr.toFixed(0)} ms)`);
    t.ok(Math.abs(endErr) <= 500, `ends at the hang-up (${endErr.toFixed(0)} ms)`);
    t.match(r, { endReason: source.endReason });
  }
  writeFileSync(join(dir, 'recorder.log'), log);
});
