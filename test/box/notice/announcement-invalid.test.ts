// Every way an announcement file can be unusable gives TAL_ANNOUNCEMENT_INVALID, with a message that names the
// file and says what is wrong in words a technician can act on (and never a stack trace).
import t, { type Test } from 'tap';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTalError } from '../../../src/core/errors.js';
import { makeFifo } from '../../../src/simulate/alsa-file-device.js';
import { loadAnnouncement } from '../../../src/box/notice/announcement-file.js';
import { run, tones, writeWav } from './fixtures.js';

async function refusal(t: Test, path: string, words: RegExp[], rate = 8000): Promise<void> {
  let err: unknown;
  try {
    await loadAnnouncement(path, rate);
  } catch (e) {
    err = e;
  }
  if (!isTalError(err, 'TAL_ANNOUNCEMENT_INVALID')) {
    t.fail(`expected TAL_ANNOUNCEMENT_INVALID, got ${String(err)}`);
    return;
  }
  t.ok(err.message.includes(path), `names the file: ${err.message}`);
  for (const w of words) t.match(err.message, w);
  t.notMatch(err.message, /\n|\bat .*:\d+:\d+/, 'no stack trace in the message');
}

const tone = (seconds: number, amp = 0.5): Float64Array => tones(8000, seconds, [{ f: 440, amp }]);

t.test('the file system', async (t) => {
  const dir = t.testdir({ sub: {} });
  await refusal(t, join(dir, 'missing.wav'), [/does not exist/]);
  await refusal(t, join(dir, 'sub'), [/is a folder/]);
  writeFileSync(join(dir, 'empty.wav'), '');
  await refusal(t, join(dir, 'empty.wav'), [/is empty/]);
  writeFileSync(join(dir, 'plain'), 'x');
  await refusal(t, join(dir, 'plain', 'x.wav'), [/does not exist/, /not a folder/]);
  const fifo = join(dir, 'fifo.wav');
  makeFifo(fifo);
  await refusal(t, fifo, [/not a regular file/]);
});

t.test('a file we may not read', { skip: process.getuid?.() === 0 ? 'running as root, which reads any file' : false }, async (t) => {
  const dir = t.testdir({});
  const path = join(dir, 'locked.wav');
  writeWav(path, 8000, '16', [tone(1)]);
  chmodSync(path, 0o000);
  await refusal(t, path, [/cannot be read/, /permission denied/]);
  chmodSync(path, 0o600);
});

t.test('not WAV or Ogg: says what it looks like, whatever its name', async (t) => {
  const dir = t.testdir({});
  const src = join(dir, 'src.wav');
  writeWav(src, 8000, '16', [tone(1)]);
  const mp3 = join(dir, 'mp3-named.wav');
  run('ffmpeg', ['-loglevel', 'error', '-i', src, '-c:a', 'libmp3lame', '-f', 'mp3', mp3]);
  await refusal(t, mp3, [/not a WAV or Ogg Opus file/, /an MP3 file/]);
  const bareMp3 = join(dir, 'bare.mp3');
  run('ffmpeg', ['-loglevel', 'error', '-i', src, '-c:a', 'libmp3lame', '-write_xing', '0', '-id3v2_version', '0', bareMp3]);
  await refusal(t, bareMp3, [/an MP3 file/]);
  const flac = join(dir, 'a.flac');
  run('sox', [src, flac]);
  await refusal(t, flac, [/a FLAC file/]);
  const text = join(dir, 'notes.wav');
  writeFileSync(text, 'Tähän tulee tiedote.\nToinen rivi.\n');
  await refusal(t, text, [/a text file/, /Tähän tulee tiedote\./]);
  const junk = join(dir, 'junk.opus');
  writeFileSync(join(dir, 'junk.opus'), Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0xff, 0x01, 0x02]));
  await refusal(t, junk, [/unknown type/, /4d 5a 90 00/]);
  const avi = join(dir, 'a.wav');
  writeFileSync(avi, Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('AVI LIST'), Buffer.alloc(20)]));
  await refusal(t, avi, [/RIFF file of type "AVI"/]);
});

t.test('WAV files that cannot be used', async (t) => {
  const dir = t.testdir({});
  const src = join(dir, 'src.wav');
  writeWav(src, 8000, '16', [tone(1)]);
  for (const [enc, words] of [
    ['ms-adpcm', [/unsupported encoding/, /Microsoft ADPCM/, /0x0002/]],
    ['ima-adpcm', [/IMA ADPCM/, /0x0011/]],
    ['gsm-full-rate', [/GSM 6\.10/, /0x0031/]],
  ] as const) {
    const path = join(dir, `${enc}.wav`);
    run('sox', [src, '-e', enc, path]);
    await refusal(t, path, [...words]);
  }
  const mp3wav = join(dir, 'mp3-in-wav.wav');
  run('ffmpeg', ['-loglevel', 'error', '-i', src, '-c:a', 'libmp3lame', mp3wav]);
  await refusal(t, mp3wav, [/MP3 \(format code 0x0055\)/]);
  const pcm12 = join(dir, 'pcm12.wav');
  const b = readFileSync(src);
  const b12 = Buffer.from(b);
  b12.writeUInt16LE(12, 34); // bits per sample in wavefile's plain 44-byte header
  writeFileSync(pcm12, b12);
  await refusal(t, pcm12, [/12 bits per sample/]);

  const noData = join(dir, 'no-data.wav');
  writeFileSync(noData, b.subarray(0, 36));
  await refusal(t, noData, [/not a WAV file that can be read/, /"data" chunk/]);
  const cut = join(dir, 'cut.wav');
  writeFileSync(cut, b.subarray(0, 44 + 8000));
  await refusal(t, cut, [/truncated/, /announces 1\.00 s/, /only 0\.50 s/]);
  const emptyData = join(dir, 'empty-data.wav');
  writeWav(emptyData, 8000, '16', [new Float64Array(0)]);
  await refusal(t, emptyData, [/contains no audio/]);
});

t.test('audio that is not a usable announcement', async (t) => {
  const dir = t.testdir({});
  const cases: [string, Float64Array, RegExp[]][] = [
    ['zeros.wav', new Float64Array(8000), [/silent/, /every sample is zero/]],
    ['quiet.wav', tone(2, 10 ** (-60 / 20)), [/silent/, /-60 dBFS/, /below -50 dBFS/]],
    ['short.wav', tone(0.3), [/only 0\.30 s long/, /at least 0\.5 s/]],
    ['long.wav', tone(31), [/31\.00 s long/, /at most 30 s/]],
  ];
  for (const [name, x, words] of cases) {
    writeWav(join(dir, name), 8000, '16', [x]);
    await refusal(t, join(dir, name), words);
  }
  // Just inside the limits, and just above the silence threshold, is fine.
  writeWav(join(dir, 'ok.wav'), 44100, '16', [tones(44100, 0.5, [{ f: 440, amp: 10 ** (-45 / 20) }])]);
  t.equal((await loadAnnouncement(join(dir, 'ok.wav'), 8000)).length, 4000);
});

t.test('a sample rate other than 8000 or 16000 is a programming error, not a file problem', async (t) => {
  await t.rejects(loadAnnouncement('/nonexistent', 44100), RangeError);
});

t.test('the folder of the file is missing', async (t) => {
  const dir = t.testdir({});
  mkdirSync(join(dir, 'a'));
  await refusal(t, join(dir, 'a', 'b', 'c.wav'), [/does not exist/]);
});
