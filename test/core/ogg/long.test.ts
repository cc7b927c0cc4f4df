// A 10-minute recording (30,000 packets): the export is fast enough and still exact.
import t from 'tap';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { OPUS_PRESKIP_48K, oggOpusStream, writeOggOpus } from '../../../src/core/ogg/index.js';
import { encodeOpus, ffprobe, parseOggPages, run, speechLikePcm, tempDir } from './fixture.js';

const MINUTES = 10;
const PACKETS = MINUTES * 60 * 50;
const BUDGET_MS = 10_000; // generous for a loaded CI box; measured times are printed

t.test(`${MINUTES} minutes (${PACKETS} packets) at 8 kHz, 12 kbps`, async (t) => {
  const dir = await tempDir(t);
  // One minute of speech-like PCM, played ten times through one encoder: a continuous, valid stream.
  const minute = speechLikePcm(8000, 60, 3);
  const pcm = new Int16Array(minute.length * MINUTES);
  for (let i = 0; i < MINUTES; i++) pcm.set(minute, i * minute.length);
  const packets = encodeOpus(pcm, 8000, 12_000);
  t.equal(packets.length, PACKETS);
  const opts = { inputSampleRate: 8000, frameMs: 20 as const, preSkip: OPUS_PRESKIP_48K, serialNumber: 1 };

  let t0 = performance.now();
  const bytes = await writeOggOpus(packets, opts);
  const wholeMs = performance.now() - t0;

  t0 = performance.now();
  let streamed = 0;
  const reader = oggOpusStream(packets, opts).getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) streamed += r.value.length;
  const streamMs = performance.now() - t0;

  const payload = packets.reduce((n, p) => n + p.length, 0);
  t.comment(`writeOggOpus: ${wholeMs.toFixed(0)} ms; oggOpusStream: ${streamMs.toFixed(0)} ms; `
    + `${bytes.length} bytes (${payload} of Opus, ${(((bytes.length - payload) / bytes.length) * 100).toFixed(1)}% Ogg overhead), `
    + `${parseOggPages(bytes).length} pages`);
  t.ok(wholeMs < BUDGET_MS, `whole file in ${wholeMs.toFixed(0)} ms`);
  t.ok(streamMs < BUDGET_MS, `stream in ${streamMs.toFixed(0)} ms`);
  t.equal(streamed, bytes.length);

  const file = join(dir, 'long.opus');
  await writeFile(file, bytes);
  const expected = (PACKETS * 960 - OPUS_PRESKIP_48K) / 48_000;
  const probe = await ffprobe(file);
  t.equal(probe.codec_name, 'opus');
  t.equal(probe.channels, 1);
  t.ok(Math.abs(probe.duration - expected) <= 0.04, `ffprobe ${probe.duration} s vs ${expected} s`);
  const info = await run('opusinfo', [file]);
  const out = info.stdout.toString('utf8') + info.stderr;
  t.equal(info.code, 0);
  t.notMatch(out, /warning|error/i);
  t.match(out, /Playback length: 9m:59\.99[34]s/);
});
