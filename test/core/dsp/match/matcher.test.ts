import t from 'tap';
import { AnnouncementMatcher, AnnouncementReference, DEFAULT_MATCH_THRESHOLD, type MatchResult } from '../../../../src/core/dsp/match/index.js';
import { concat, noise, silence, tone } from '../../../../src/core/dsp/generate.js';
import { ANNOUNCEMENT_TEXT, ANSWER_TEXT, atLevel, place, REFERENCE_VOICE, speak, throughLine, type Voice } from '../../../../src/simulate/announcement-corpus.js';

t.setTimeout(120_000);

const RATE = 8000;
const announcement = speak(ANNOUNCEMENT_TEXT, REFERENCE_VOICE, RATE);
const ref = AnnouncementReference.fromPcm(announcement, RATE);

function ms(n: number, rate = RATE): number {
  return Math.round((n * rate) / 1000);
}

/** Pushes `pcm` in chunks cycling through `chunks` and returns the result. */
function verify(pcm: Int16Array, opts: { reference?: AnnouncementReference; maxOffsetMs?: number; chunks?: number[]; rate?: number } = {}): MatchResult {
  const rate = opts.rate ?? RATE;
  const m = new AnnouncementMatcher(opts.reference ?? ref, { sampleRate: rate, maxOffsetMs: opts.maxOffsetMs ?? 1500 });
  const chunks = opts.chunks ?? [rate / 50];
  for (let at = 0, k = 0; at < pcm.length; k++) {
    const n = chunks[k % chunks.length]!;
    m.push(pcm.subarray(at, at + n));
    at += n;
  }
  return m.result();
}

/** A call through the telephone line: `sounds` placed at their ms, noise at 20 dB SNR against the first. */
function call(sounds: { atMs: number; pcm: Int16Array }[], rate = RATE, seed = 1, totalMs = 9500): Int16Array {
  const placed = sounds.map((s) => ({ at: ms(s.atMs, rate), pcm: s.pcm }));
  const first = placed[0]!;
  return throughLine(place(ms(totalMs, rate), placed), { from: first.at, to: first.at + first.pcm.length }, rate, { noise: 'white', opus: false, seed });
}

const fastVoice: Voice = { ...REFERENCE_VOICE, speed: 180, pitch: 60 };

t.test('a reference is validated, with messages that name the problem', async (t) => {
  t.throws(() => AnnouncementReference.fromPcm(speak('Hei', REFERENCE_VOICE, RATE), RATE), { name: 'RangeError', message: /too short: \d+ ms of sound, at least 500 ms/ });
  t.throws(() => AnnouncementReference.fromPcm(silence(3000, RATE), RATE), { name: 'RangeError', message: /silent.*digital silence/ });
  t.throws(() => AnnouncementReference.fromPcm(noise(3000, -75, RATE, 1), RATE), { name: 'RangeError', message: /silent.*-7\d\.\d dBFS, below -60 dBFS/ });
  t.throws(() => AnnouncementReference.fromPcm(noise(31_000, -20, RATE, 1), RATE), { name: 'RangeError', message: /too long: 31\.0 s of sound, at most 30 s/ });
  t.throws(() => AnnouncementReference.fromPcm(announcement, 44_100), { name: 'RangeError', message: /8000 or 16000 Hz, not 44100/ });
  t.throws(() => new AnnouncementMatcher(ref, { sampleRate: 16_000, maxOffsetMs: 1500 }), { name: 'RangeError', message: /call audio is at 16000 Hz but the announcement reference is at 8000 Hz/ });
  t.throws(() => new AnnouncementMatcher(ref, { sampleRate: RATE, maxOffsetMs: -1 }), { name: 'RangeError', message: /maxOffsetMs/ });
  // 29 s of sound is accepted: the limit is on sound, not on the file's silence around it.
  t.doesNotThrow(() => AnnouncementReference.fromPcm(concat(silence(2000, RATE), noise(29_000, -20, RATE, 2), silence(2000, RATE)), RATE));
});

t.test('leading and trailing silence is trimmed from the reference', async (t) => {
  const padded = AnnouncementReference.fromPcm(concat(silence(1500, RATE), noise(1500, -80, RATE, 3), announcement, silence(2000, RATE)), RATE);
  t.ok(Math.abs(padded.durationMs - ref.durationMs) <= 20, `${padded.durationMs} ms padded, ${ref.durationMs} ms bare`);
  t.ok(Math.abs(ref.durationMs - (announcement.length * 1000) / RATE) <= 20, 'the bare announcement is all sound');
  t.equal(ref.sampleRate, RATE);
  t.ok(Object.isFrozen(ref), 'shared by all lines, so immutable');
  // Padding changes nothing about the match either.
  const pcm = call([{ atMs: 400, pcm: atLevel(announcement, -12) }]);
  t.same(verify(pcm, { reference: padded }), verify(pcm));
});

t.test('before any audio, and with little audio', async (t) => {
  const m = new AnnouncementMatcher(ref, { sampleRate: RATE, maxOffsetMs: 1500 });
  t.same(m.result(), { score: 0, offsetMs: 0 }, 'nothing pushed');
  t.notOk(m.complete);
  m.push(silence(10, RATE));
  t.same(m.result(), { score: 0, offsetMs: 0 }, 'less than one analysis frame');
  m.push(announcement.subarray(0, ms(1000)));
  t.ok(m.result().score < DEFAULT_MATCH_THRESHOLD, 'one second of the announcement is not the announcement');
});

t.test('windowMs and complete', async (t) => {
  for (const maxOffsetMs of [0, 1500, 3000]) {
    const m = new AnnouncementMatcher(ref, { sampleRate: RATE, maxOffsetMs });
    // maxOffsetMs plus the reference at the slowest tempo the window holds (0.7×).
    t.equal(m.windowMs, Math.ceil(maxOffsetMs + ref.durationMs / 0.7), `maxOffsetMs ${maxOffsetMs}: window ${m.windowMs} ms`);
    const pcm = call([{ atMs: Math.min(maxOffsetMs, 700), pcm: atLevel(announcement, -12) }], RATE, 4, m.windowMs + 2000);
    const window = Math.ceil((m.windowMs * RATE) / 1000);
    m.push(pcm.subarray(0, window - 1));
    t.notOk(m.complete, 'one sample short');
    m.push(pcm.subarray(window - 1, window));
    t.ok(m.complete, 'complete at windowMs');
    const atComplete = m.result();
    m.push(pcm.subarray(window));
    m.push(noise(5000, -10, RATE, 5));
    t.same(m.result(), atComplete, 'audio after complete is ignored');
    t.same(m.result(), atComplete, 'result() is pure');
    t.ok(atComplete.score >= DEFAULT_MATCH_THRESHOLD, `heard (${atComplete.score})`);
  }
});

t.test('chunk sizes do not matter', async (t) => {
  const pcm = call([{ atMs: 330, pcm: atLevel(speak(ANNOUNCEMENT_TEXT, fastVoice, RATE), -16) }, { atMs: 4500, pcm: atLevel(speak(ANSWER_TEXT, fastVoice, RATE), -14) }]);
  const frames = verify(pcm);
  t.same(verify(pcm, { chunks: [37, 1, 333, 1024, 7] }), frames);
  t.same(verify(pcm, { chunks: [pcm.length] }), frames);
  t.ok(frames.score >= DEFAULT_MATCH_THRESHOLD);
});

t.test('the reference itself scores near 1, and a known shift is found exactly', async (t) => {
  const same = verify(concat(announcement, silence(4000, RATE)));
  t.ok(same.score >= 0.95, `identical: ${same.score}`);
  t.equal(same.offsetMs, 0);
  for (const shiftMs of [240, 700, 1460]) {
    const shifted = verify(concat(silence(shiftMs, RATE), announcement, silence(4000, RATE)));
    t.equal(shifted.offsetMs, shiftMs, `shift ${shiftMs} ms`);
    t.ok(shifted.score >= 0.95, `score ${shifted.score}`);
  }
});

t.test('the level does not matter', async (t) => {
  const pcm = call([{ atMs: 500, pcm: atLevel(speak(ANNOUNCEMENT_TEXT, fastVoice, RATE), -8) }]);
  const quiet = Int16Array.from(pcm, (v) => Math.round(v / 10)); // -20 dB
  const [a, b] = [verify(pcm), verify(quiet)];
  t.ok(Math.abs(a.score - b.score) <= 0.01, `${a.score} at full level, ${b.score} at -20 dB`);
  t.equal(b.offsetMs, a.offsetMs);
  t.ok(b.score >= DEFAULT_MATCH_THRESHOLD);
});

t.test('the announcement must start within maxOffsetMs', async (t) => {
  const pcm = call([{ atMs: 2000, pcm: atLevel(announcement, -12) }, { atMs: 6500, pcm: atLevel(speak(ANSWER_TEXT, fastVoice, RATE), -12) }], RATE, 6, 12_000);
  const late = verify(pcm, { maxOffsetMs: 2500 });
  t.ok(late.score >= DEFAULT_MATCH_THRESHOLD && Math.abs(late.offsetMs - 2000) <= 40, `allowed: ${late.score} at ${late.offsetMs} ms`);
  const early = verify(pcm, { maxOffsetMs: 1000 });
  t.ok(early.score < DEFAULT_MATCH_THRESHOLD, `not allowed: ${early.score} at ${early.offsetMs} ms`);
});

t.test('a call that ends right after the announcement is decided before complete', async (t) => {
  const m = new AnnouncementMatcher(ref, { sampleRate: RATE, maxOffsetMs: 1500 });
  m.push(call([{ atMs: 300, pcm: atLevel(announcement, -12) }], RATE, 7, 300 + ref.durationMs + 200));
  t.notOk(m.complete);
  const r = m.result();
  t.ok(r.score >= DEFAULT_MATCH_THRESHOLD && Math.abs(r.offsetMs - 300) <= 40, `${r.score} at ${r.offsetMs} ms`);
});

t.test('tones, noise and silence are not the announcement', async (t) => {
  const cases: [string, Int16Array][] = [
    ['digital silence', silence(9000, RATE)],
    ['line noise', noise(9000, -50, RATE, 8)],
    ['a steady 425 Hz tone', tone(425, 9000, -20, RATE)],
    ['the announcement reversed', concat(silence(500, RATE), announcement.slice().reverse(), silence(3000, RATE))],
  ];
  for (const [name, pcm] of cases) {
    const r = verify(pcm);
    t.ok(r.score < DEFAULT_MATCH_THRESHOLD, `${name}: ${r.score}`);
  }
});

t.test('a reference at 16 kHz works too', async (t) => {
  const rate = 16_000;
  const ref16 = AnnouncementReference.fromPcm(speak(ANNOUNCEMENT_TEXT, REFERENCE_VOICE, rate), rate);
  t.equal(ref16.sampleRate, rate);
  t.ok(Math.abs(ref16.durationMs - ref.durationMs) <= 20, `${ref16.durationMs} ms at 16 kHz, ${ref.durationMs} ms at 8 kHz`);
  const heard = verify(call([{ atMs: 620, pcm: atLevel(speak(ANNOUNCEMENT_TEXT, { voice: 'fi', speed: 130, pitch: 40 }, rate), -20) }], rate, 9), { reference: ref16, rate });
  t.ok(heard.score >= DEFAULT_MATCH_THRESHOLD && Math.abs(heard.offsetMs - 620) <= 80, `announcement: ${heard.score} at ${heard.offsetMs} ms`);
  const other = verify(call([{ atMs: 400, pcm: atLevel(speak('Asiakaspalvelumme palvelee arkisin kahdeksasta neljään.', REFERENCE_VOICE, rate), -20) }], rate, 10), { reference: ref16, rate });
  t.ok(other.score < DEFAULT_MATCH_THRESHOLD, `other speech: ${other.score}`);
});
