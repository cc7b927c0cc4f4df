// R12 in playback mode, through real ALSA devices: the recorder captures a two-line trunk from the
// file plugin (FIFO-paced, real time) while a line unit on a real pty signals the calls; when an
// incoming call is answered, the announcement's audio appears on that line's playback device
// (the file plugin again, writing a file), at once and sample for sample. An outgoing call is not
// spoken to. Capture runs on without an overrun, and every recording keeps its evidence.
import t from 'tap';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadAnnouncement } from '../../src/box/notice/announcement-file.js';
import { RecordingStore } from '../../src/box/store/recording-store.js';
import { speakAnnouncement } from '../../src/demo/announcement.js';
import { alsaDevices, makeFifo } from '../../src/simulate/alsa-file-device.js';
import { makeTrunk } from '../../src/simulate/trunk.js';
import { anchorOf, boxFixture } from '../helpers/box-fixture.js';
import { recordLive } from '../helpers/live-recorder.js';
import { collect } from '../helpers/log.js';
import { ptyPair } from '../helpers/pty.js';

t.setTimeout(120_000);

const RATE = 8000;
const DURATION_S = 25;
const LEAD_MS = 500;

t.test('play mode: the announcement is played onto each incoming call as it is answered, through ALSA', async (t) => {
  const dir = t.testdir({});
  const wav = join(dir, 'announcement.wav');
  t.ok(speakAnnouncement(wav), 'espeak-ng speaks the announcement');
  const pcm = await loadAnnouncement(wav, RATE);

  const trunk = makeTrunk({
    rate: RATE,
    channels: 2,
    durationMs: DURATION_S * 1000,
    calls: [
      { line: 0, atMs: 1000, talkMs: 5000, direction: 'incoming', number: '0401234567', rings: 1 },
      { line: 1, atMs: 2000, talkMs: 4000, direction: 'outgoing', number: '0295020000' },
      { line: 1, atMs: 14_000, talkMs: 4000, direction: 'incoming', number: '0501112222', rings: 1 },
    ],
  });
  const pty = await ptyPair();
  t.teardown(() => pty.dispose());
  const fifo = join(dir, 'trunk.fifo');
  makeFifo(fifo);
  const out = [join(dir, 'line-1.raw'), join(dir, 'line-2.raw')];
  const box = boxFixture({
    infile: fifo,
    channels: 2,
    dir,
    lineYaml: (c) => `playback: { device: play${c + 1} }`,
    extraYaml: `vox: { hangMs: 3000 }\nsignals:\n  - { type: line-unit, port: ${pty.a}, lines: { "1": line-1, "2": line-2 } }\nannouncement: { mode: play, file: announcement.wav }\n`,
  });
  // One asoundrc with the capture device and a playback device per line.
  alsaDevices(join(dir, 'xdg'), [{ name: 'trunk', infile: fifo }, { name: 'play1', outfile: out[0]! }, { name: 'play2', outfile: out[1]! }]);

  // When each playback device was first written to, on the same clock as the trunk.
  const appeared: (number | undefined)[] = [undefined, undefined];
  const watch = setInterval(() => {
    out.forEach((file, i) => {
      if (appeared[i] !== undefined) return;
      try {
        if (statSync(file).size > 0) appeared[i] = performance.now();
      } catch {
        // not written yet
      }
    });
  }, 5);
  const { code, log, t0 } = await recordLive(box, {
    fifo, audio: trunk.audio, rate: RATE, channels: 2, leadMs: LEAD_MS, durationS: DURATION_S - 1,
    serial: { path: pty.b, lines: trunk.lineUnit },
  });
  clearInterval(watch);
  t.equal(code, 0, 'record exits 0');

  // The answers, as the line unit reported them (the serial lines are sent aheadMs early).
  const [first, outgoing, second] = trunk.truth;
  const answeredAt = (c: typeof first) => t0 + c!.answerMs - LEAD_MS;
  const pcmBytes = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  for (const [i, call] of [[0, first], [1, second]] as const) {
    const played = readFileSync(out[i]!);
    t.ok(played.length >= pcmBytes.length, `line-${i + 1}: the whole announcement reached the device`);
    t.ok(played.subarray(0, pcmBytes.length).equals(pcmBytes), `line-${i + 1}: sample for sample`);
    t.ok(played.subarray(pcmBytes.length).every((b) => b === 0), `line-${i + 1}: then only the silence that fills the last period`);
    const delay = appeared[i]! - answeredAt(call);
    t.comment(`line-${i + 1}: on the playback device ${delay.toFixed(0)} ms after the line unit reported the answer`);
    t.ok(delay >= -50 && delay < 400, `line-${i + 1}: played as the call was answered (${delay.toFixed(0)} ms)`);
  }
  t.ok(appeared[1]! > answeredAt(outgoing) + 5000, 'nothing was played onto the outgoing call on line-2');

  const stopped = log.split('\n').filter((l) => l.includes('"recorder stopped"')).map((l) => JSON.parse(l) as { capture: { overruns: number; shortReads: number; periods: number } });
  t.equal(stopped.length, 1);
  t.match(stopped[0]!.capture, { overruns: 0, shortReads: 0 }, 'capture of both lines ran on without an overrun or short read');

  const anchor = anchorOf(log);
  const store = await RecordingStore.open(box.store);
  const recs = await collect(store.listRecordings());
  await store.close();
  t.equal(recs.length, 3, 'three calls, three recordings');
  const near = (line: string, c: typeof first) => recs.find((r) => r.line === line && Math.abs(r.start - anchor - c!.answerMs) < 3000);
  const announcementMs = Math.round((pcm.length / RATE) * 1000);
  for (const [line, call] of [['line-1', first], ['line-2', second]] as const) {
    const r = near(line, call);
    t.match(r?.notice, { status: 'played', durationMs: announcementMs }, `${line}: the recording says it was played, and how long`);
    // On the recorder's wall clock, from the capture's sample 0: the FIFO runs LEAD_MS ahead of
    // real time, so the answer reaches the line unit's port LEAD_MS before its audio's due time.
    const late = (r?.notice?.status === 'played' ? r.notice.at - anchor : NaN) - (call!.answerMs - LEAD_MS);
    t.ok(Math.abs(late) < 300, `${line}: the evidence's time is the answer's (${late.toFixed(0)} ms)`);
  }
  t.same(near('line-2', outgoing)?.notice, { status: 'not-applicable', reason: 'outgoing' }, 'the outgoing call: not applicable');
  t.notMatch(log, /0401234567|0295020000|0501112222/, 'no number in the log');
});
