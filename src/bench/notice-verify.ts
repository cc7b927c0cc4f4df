// Verify mode of the recording announcement (issue 7): what checking one call costs, next to
// what encoding that call costs anyway. The verify works on the first windowMs of a call only,
// so its share falls as calls get longer; the figures give it for calls of 1, 3 and 10 min.
import { createOpusEncoder } from '../box/recorder/opus-encoder.js';
import { AnnouncementMatcher, AnnouncementReference } from '../core/dsp/match/index.js';
import { announcementCorpus } from '../simulate/announcement-corpus.js';
import { median, progress, round, spread, startCost } from './measure.js';

const RATE = 8000;
const FRAME = RATE / 50;
const BITRATE = 12_000;
const MAX_OFFSET_MS = 1500;
const REPS = 5;
const CALL_MINUTES = [1, 3, 10] as const;
/** Reference builds per measurement: one takes about a millisecond, below cpuUsage's resolution to trust. */
const BUILDS = 20;

/** `seconds` of audio made of the corpus's calls one after another (announcements, speech, music, noise). */
function corpusAudio(calls: readonly Int16Array[], seconds: number): Int16Array {
  const out = new Int16Array(seconds * RATE);
  for (let at = 0, k = 0; at < out.length; k++) {
    const c = calls[k % calls.length]!.subarray(0, out.length - at);
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** CPU ms of encoding `pcm` whole in 20 ms frames, as the recorder does. */
async function encodeCpuMs(pcm: Int16Array): Promise<number> {
  const enc = createOpusEncoder(RATE, BITRATE);
  const cost = await startCost();
  for (let at = 0; at + FRAME <= pcm.length; at += FRAME) enc.encode(pcm.subarray(at, at + FRAME));
  return cost().cpuMs;
}

export async function benchNoticeVerify(): Promise<Record<string, unknown>> {
  progress('notice verify: generating the announcement corpus');
  const corpus = announcementCorpus(RATE);
  const calls = corpus.calls.map((c) => c.pcm);
  const ref = AnnouncementReference.fromPcm(corpus.reference, RATE);
  const windowMs = new AnnouncementMatcher(ref, { sampleRate: RATE, maxOffsetMs: MAX_OFFSET_MS }).windowMs;
  const windowFrames = Math.ceil((windowMs * RATE) / 1000 / FRAME);

  const build: number[] = [];
  const verify: number[] = [];
  const result: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    progress(`notice verify: rep ${rep + 1}/${REPS}, ${calls.length} calls`);
    let cost = await startCost();
    for (let i = 0; i < BUILDS; i++) AnnouncementReference.fromPcm(corpus.reference, RATE);
    build.push(cost().cpuMs / BUILDS);

    // The whole verify of each call: a matcher, windowMs of audio in 20 ms frames, result().
    cost = await startCost();
    for (const pcm of calls) {
      const m = new AnnouncementMatcher(ref, { sampleRate: RATE, maxOffsetMs: MAX_OFFSET_MS });
      for (let at = 0; !m.complete && at < pcm.length; at += FRAME) m.push(pcm.subarray(at, at + FRAME));
      m.result();
    }
    verify.push(cost().cpuMs / calls.length);

    // result() alone, on matchers already fed.
    const fed = calls.map((pcm) => {
      const m = new AnnouncementMatcher(ref, { sampleRate: RATE, maxOffsetMs: MAX_OFFSET_MS });
      for (let at = 0; !m.complete && at < pcm.length; at += FRAME) m.push(pcm.subarray(at, at + FRAME));
      return m;
    });
    cost = await startCost();
    for (const m of fed) m.result();
    result.push(cost().cpuMs / fed.length);
  }
  const verifyMs = median(verify);
  const resultMs = median(result);

  const perCall: Record<string, unknown> = {};
  let encodeUsPerFrame = NaN;
  for (const minutes of CALL_MINUTES) {
    const pcm = corpusAudio(calls, minutes * 60);
    const encode: number[] = [];
    for (let rep = 0; rep < REPS; rep++) {
      progress(`notice verify: Opus encode of a ${minutes} min call, rep ${rep + 1}/${REPS}`);
      encode.push(await encodeCpuMs(pcm));
    }
    perCall[`${minutes}min`] = { encodeCpuMs: spread(encode, 1), verifyOverEncode: round(verifyMs / median(encode), 4) };
    encodeUsPerFrame = (median(encode) * 1000) / Math.floor(pcm.length / FRAME);
  }

  const pushUs = ((verifyMs - resultMs) * 1000) / windowFrames;
  return {
    referenceMs: ref.durationMs,
    windowMs,
    calls: calls.length,
    referenceBuildCpuMs: spread(build),
    verifyCpuMsPerCall: spread(verify),
    resultCpuMsPerCall: spread(result),
    pushCpuUsPerFrame: round(pushUs, 2),
    encodeCpuUsPerFrame: round(encodeUsPerFrame, 1),
    pushOverEncodePerFrame: round(pushUs / encodeUsPerFrame, 4),
    perCall,
    basis:
      `CPU (process.cpuUsage user+system), medians of ${REPS} reps, 8 kHz. verify: per call of the generated announcement corpus, ` +
      `a new matcher, windowMs of its audio pushed in 20 ms frames, result(); result alone: on matchers already fed; ` +
      `push per frame: (verify − result) / frames in the window (building the matcher included), against encode per frame of the 10 min call; encode: libopus (audify, VOIP, ${BITRATE / 1000} kbit/s) ` +
      `of a whole call of corpus audio in 20 ms frames; verifyOverEncode: median verify per call over median encode of the call`,
  };
}
