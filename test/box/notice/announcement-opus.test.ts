// Ogg Opus announcements from real encoders (opusenc, ffmpeg/libopus): demuxed by mediabunny, decoded by libopus
// at the line's rate, pre-skip and end trimming honoured; other Ogg codecs and damaged files refused by name.
import t, { type Test } from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTalError } from '../../../src/core/errors.js';
import { sealPage } from '../../../src/core/ogg/ogg-page.js';
import { loadAnnouncement } from '../../../src/box/notice/announcement-file.js';
import { bestCorrelation, run, toneAmplitude } from './fixtures.js';

const PHRASE = 'Puhelut tallennetaan asiakaspalvelumme laadun kehittämiseksi.';

/** The announcement spoken by espeak-ng (22 050 Hz mono 16-bit), and its length in samples. */
function speech(dir: string): { wav: string; frames: number; rate: number } {
  const wav = join(dir, 'speech.wav');
  run('espeak-ng', ['-v', 'fi', '-w', wav, PHRASE]);
  const bytes = readFileSync(wav);
  const dataAt = bytes.indexOf('data');
  return { wav, frames: bytes.readUInt32LE(dataAt + 4) / 2, rate: bytes.readUInt32LE(24) };
}

/** Expected length at `rate`: an encoder records the input's exact length in the last granule position. Our
 *  rounding (pre-skip scaled from 48 kHz, the end from the summed packet durations) can move it by one sample. */
function expectLength(t: Test, got: number, frames: number, from: number, to: number): void {
  const expected = (frames * to) / from;
  t.ok(Math.abs(got - expected) <= 1, `${got} samples, expected ${expected.toFixed(1)}`);
}

for (const rate of [8000, 16000]) {
  t.test(`opusenc file of the spoken announcement, decoded at ${rate} Hz`, async (t) => {
    const dir = t.testdir({});
    const src = speech(dir);
    const opus = join(dir, 'tiedote.opus');
    run('opusenc', ['--quiet', '--bitrate', '32', src.wav, opus]);
    const pcm = await loadAnnouncement(opus, rate);
    expectLength(t, pcm.length, src.frames, src.rate, rate);
    const reference = await loadAnnouncement(src.wav, rate); // the WAV path, resampled by wavefile
    // A lag of 0 shows the pre-skip is dropped: ignoring it would delay everything by 6.5 ms (52 samples at 8 kHz).
    const { r, lag } = bestCorrelation(pcm, reference, rate / 100);
    t.ok(r > 0.9, `correlation ${r.toFixed(3)}`);
    t.ok(Math.abs(lag) <= 1, `aligned with the source (lag ${lag})`);
  });
}

t.test('stereo Ogg Opus from ffmpeg (libopus), named .ogg, mixed down to mono', async (t) => {
  const dir = t.testdir({});
  const src = speech(dir);
  const ogg = join(dir, 'tiedote.ogg');
  // Left: the speech, right: silence, so the mono mix is the speech at half level.
  run('ffmpeg', ['-loglevel', 'error', '-i', src.wav, '-af', 'pan=stereo|c0=c0|c1=0*c0', '-c:a', 'libopus', '-b:a', '64k', ogg]);
  const pcm = await loadAnnouncement(ogg, 8000);
  expectLength(t, pcm.length, src.frames, src.rate, 8000);
  const reference = await loadAnnouncement(src.wav, 8000);
  const { r, lag } = bestCorrelation(pcm, reference, 80);
  t.ok(r > 0.9, `correlation ${r.toFixed(3)}`);
  t.ok(Math.abs(lag) <= 1, `aligned (lag ${lag})`);
  let peak = 0;
  let refPeak = 0;
  for (const x of pcm) peak = Math.max(peak, Math.abs(x));
  for (const x of reference) refPeak = Math.max(refPeak, Math.abs(x));
  t.ok(peak > refPeak * 0.35 && peak < refPeak * 0.65, `half level after the mix (${peak} vs ${refPeak})`);
});

t.test('a tone survives at the right frequency and level', async (t) => {
  const dir = t.testdir({});
  const opus = toneOpus(dir, 'tone', { rate: 48000, seconds: 2, hz: 1000, vol: 0.5 });
  const pcm = await loadAnnouncement(opus, 8000);
  t.equal(pcm.length, 16000, 'exactly 2 s');
  const amp = toneAmplitude(pcm, 8000, 1000);
  t.ok(Math.abs(amp / (0.5 * 32767) - 1) < 0.05, `1 kHz at ${(amp / 32767).toFixed(3)} of full scale`);

  // The OpusHead output gain (Q7.8 dB) is applied: -6.02 dB halves the level.
  const bytes = readFileSync(opus);
  const first = new Uint8Array(bytes.subarray(0, pageOffsets(bytes)[1]!));
  const head = 27 + first[26]!;
  new DataView(first.buffer).setInt16(head + 16, -1541, true);
  const quieter = join(dir, 'quieter.opus');
  writeFileSync(quieter, Buffer.concat([sealPage(first), bytes.subarray(first.length)]));
  const halved = toneAmplitude(await loadAnnouncement(quieter, 8000), 8000, 1000);
  t.ok(Math.abs(halved / amp - 0.5) < 0.01, `output gain applied: ${(halved / amp).toFixed(3)} of the level`);
});

t.test('Ogg Vorbis is refused, naming Vorbis', async (t) => {
  const dir = t.testdir({});
  const src = speech(dir);
  const ogg = join(dir, 'tiedote.ogg');
  run('ffmpeg', ['-loglevel', 'error', '-i', src.wav, '-c:a', 'libvorbis', ogg]);
  const err = await rejection(loadAnnouncement(ogg, 8000));
  t.ok(isTalError(err, 'TAL_ANNOUNCEMENT_INVALID'));
  t.match(err.message, ogg);
  t.match(err.message, /Vorbis/);
  t.match(err.message, /not Opus/);
});

t.test('Ogg FLAC is refused, naming FLAC', async (t) => {
  const dir = t.testdir({});
  const src = speech(dir);
  const ogg = join(dir, 'tiedote.oga');
  run('ffmpeg', ['-loglevel', 'error', '-i', src.wav, '-c:a', 'flac', '-f', 'ogg', ogg]);
  const err = await rejection(loadAnnouncement(ogg, 8000));
  t.match(err.message, /FLAC.*not Opus/);
});

t.test('damaged and cut-short Ogg Opus files are refused', async (t) => {
  const dir = t.testdir({});
  const src = speech(dir);
  const opus = join(dir, 'good.opus');
  run('opusenc', ['--quiet', src.wav, opus]);
  const good = readFileSync(opus);
  const pages = pageOffsets(good);
  t.ok(pages.length >= 4, `${pages.length} pages`);

  const cases: { name: string; bytes: Uint8Array; words: RegExp[] }[] = [
    { name: 'cut in the middle of a page', bytes: good.subarray(0, Math.floor(good.length / 2)), words: [/truncated/, /middle of an Ogg page/] },
    { name: 'cut at a page boundary', bytes: good.subarray(0, pages[pages.length - 1]!), words: [/truncated/, /end-of-stream/] },
    { name: 'a flipped bit in the audio', bytes: flipBit(good, pages[2]! + 100), words: [/damaged/, /checksum/] },
    { name: 'garbage after the first page', bytes: Buffer.concat([good.subarray(0, pages[1]!), Buffer.alloc(500, 0x41)]), words: [/damaged/, /no Ogg page/] },
    { name: 'headers only', bytes: headersOnly(good, pages), words: [/no audio/] },
  ];
  for (const c of cases) {
    const path = join(dir, `${c.name.replace(/\W+/g, '-')}.opus`);
    writeFileSync(path, c.bytes);
    const err = await rejection(loadAnnouncement(path, 8000));
    t.ok(isTalError(err, 'TAL_ANNOUNCEMENT_INVALID'), `${c.name}: TAL_ANNOUNCEMENT_INVALID`);
    t.match(err.message, path, `${c.name}: names the file`);
    for (const w of c.words) t.match(err.message, w, `${c.name}: ${err.message}`);
  }
});

t.test('an Ogg Opus file longer than 30 s is refused before decoding', async (t) => {
  const opus = toneOpus(t.testdir({}), 'long', { rate: 16000, seconds: 31, hz: 440, vol: 0.3 });
  const err = await rejection(loadAnnouncement(opus, 8000));
  t.match(err.message, /31\.00 s long.*at most 30 s/);
});

function pageOffsets(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let at = 0; at < b.length; ) {
    out.push(at);
    const segments = b[at + 26]!;
    let body = 0;
    for (let i = 0; i < segments; i++) body += b[at + 27 + i]!;
    at += 27 + segments + body;
  }
  return out;
}

function flipBit(b: Uint8Array, at: number): Uint8Array {
  const copy = new Uint8Array(b);
  copy[at]! ^= 0x10;
  return copy;
}

/** The OpusHead and OpusTags pages alone, the second marked end-of-stream (and re-sealed). */
function headersOnly(b: Uint8Array, pages: number[]): Uint8Array {
  const head = new Uint8Array(b.subarray(0, pages[1]!));
  const tags = new Uint8Array(b.subarray(pages[1]!, pages[2]!));
  tags[5] = tags[5]! | 0x04;
  return Buffer.concat([head, sealPage(tags)]);
}

/** A sine tone made by sox, encoded by opusenc: `dir/name.opus`. */
function toneOpus(dir: string, name: string, o: { rate: number; seconds: number; hz: number; vol: number }): string {
  const wav = join(dir, `${name}.wav`);
  const opus = join(dir, `${name}.opus`);
  run('sox', ['-n', '-r', String(o.rate), '-b', '16', '-c', '1', wav, 'synth', String(o.seconds), 'sine', String(o.hz), 'vol', String(o.vol)]);
  run('opusenc', ['--quiet', wav, opus]);
  return opus;
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}
