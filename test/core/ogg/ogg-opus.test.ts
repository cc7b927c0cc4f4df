import t from 'tap';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  OPUS_PRESKIP_48K,
  OggOpusPacketError,
  oggOpusNodeStream,
  oggOpusStream,
  opusHead,
  writeOggOpus,
  type OggOpusOptions,
} from '../../../src/core/ogg/index.js';
import { oggCrc } from '../../../src/core/ogg/ogg-page.js';
import {
  bestCorrelation,
  encodeOpus,
  ffmpegDecode,
  ffprobe,
  oggPackets,
  parseOggPages,
  run,
  speechLikePcm,
  tempDir,
} from './fixture.js';

const opts8k: OggOpusOptions = { inputSampleRate: 8000, frameMs: 20, preSkip: OPUS_PRESKIP_48K };

/** Expected playable duration: the packets' total minus the pre-skip. */
const expectedSeconds = (packets: number, preSkip = OPUS_PRESKIP_48K) => (packets * 960 - preSkip) / 48_000;

async function opusinfo(file: string): Promise<{ code: number | null; out: string }> {
  const r = await run('opusinfo', [file]);
  return { code: r.code, out: r.stdout.toString('utf8') + r.stderr };
}

function problems(opusinfoOutput: string): string[] {
  return opusinfoOutput.split('\n').filter((l) => /warning|error|corrupt|invalid|hole|lost/i.test(l));
}

async function collectWeb(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    chunks.push(value);
  }
}

for (const rate of [8000, 16_000]) {
  t.test(`${rate} Hz speech at 12 kbps: ffprobe, opusinfo and ffmpeg accept it, with the right duration and audio`, async (t) => {
    const dir = await tempDir(t);
    const pcm = speechLikePcm(rate, 10, rate);
    const packets = encodeOpus(pcm, rate, 12_000);
    t.equal(packets.length, 500);
    const file = join(dir, 'x.opus');
    await writeFile(file, await writeOggOpus(packets, { ...opts8k, inputSampleRate: rate }));
    const expected = expectedSeconds(packets.length);

    const probe = await ffprobe(file);
    t.equal(probe.stderr, '', 'ffprobe says nothing on stderr');
    t.equal(probe.codec_name, 'opus');
    t.equal(probe.channels, 1);
    t.equal(probe.sample_rate, 48_000, 'Opus always decodes at 48 kHz');
    t.ok(Math.abs(probe.duration - expected) <= 0.04, `ffprobe duration ${probe.duration} vs ${expected}`);

    const info = await opusinfo(file);
    t.equal(info.code, 0, 'opusinfo exits 0');
    t.same(problems(info.out), [], 'opusinfo reports no warnings or errors');
    t.match(info.out, /Encoded with tallennin\n/);
    t.match(info.out, new RegExp(`Original sample rate: ${rate} Hz`));
    t.match(info.out, /Pre-skip: 312\n/);
    const m = /Playback length: (\d+)m:(\d+\.\d+)s/.exec(info.out);
    t.ok(m, 'opusinfo reports a playback length');
    const played = Number(m![1]) * 60 + Number(m![2]);
    t.ok(Math.abs(played - expected) <= 0.04, `opusinfo playback length ${played} vs ${expected}`);

    const decoded = await ffmpegDecode(file, rate);
    t.ok(Math.abs(decoded.length / rate - expected) <= 0.04, `ffmpeg decoded ${decoded.length / rate} s`);
    const maxLag = Math.round(rate * 0.05);
    const c = bestCorrelation(pcm, decoded, maxLag);
    t.comment(`${rate} Hz: correlation ${c.r.toFixed(3)} at lag ${c.lag} samples (${((c.lag / rate) * 1000).toFixed(2)} ms)`);
    t.ok(c.r > 0.8, `normalised cross-correlation ${c.r.toFixed(3)} > 0.8`);
    t.ok(Math.abs(c.lag) <= Math.ceil(rate / 1000), 'pre-skip aligns the output with the input (within 1 ms)');
  });
}

t.test('file structure: pages, flags, granules, CRCs, headers and packets', async (t) => {
  const packets = encodeOpus(speechLikePcm(8000, 3), 8000);
  const tags = { RECORDING_FORMAT: 'tallennin-1' };
  const bytes = await writeOggOpus(packets, { ...opts8k, tags });
  const pages = parseOggPages(bytes);
  const serial = pages[0]!.serial;
  pages.forEach((p, i) => {
    t.equal(p.serial, serial, `page ${i} serial`);
    t.equal(p.sequence, i, `page ${i} sequence`);
    const copy = p.raw.slice();
    copy.fill(0, 22, 26);
    t.equal(oggCrc(copy), p.crc, `page ${i} CRC`);
    t.equal(p.headerType & 1, 0, `page ${i} starts with a fresh packet`);
    t.equal(Boolean(p.headerType & 2), i === 0, `page ${i} BOS`);
    t.equal(Boolean(p.headerType & 4), i === pages.length - 1, `page ${i} EOS`);
  });
  // RFC 7845 §3: OpusHead alone on the first page, OpusTags finishing the second, audio from the third.
  t.equal(pages[0]!.lacing.length, 1);
  t.equal(pages[0]!.granule, 0n);
  t.equal(pages[1]!.granule, 0n);
  const all = oggPackets(pages);
  t.same(all[0], opusHead({ channels: 1, inputSampleRate: 8000, preSkip: OPUS_PRESKIP_48K }));
  const comment = Buffer.from(all[1]!);
  t.equal(comment.subarray(0, 8).toString('latin1'), 'OpusTags');
  t.equal(comment.subarray(12, 12 + comment.readUInt32LE(8)).toString('utf8'), 'tallennin');
  t.match(comment.toString('utf8'), /RECORDING_FORMAT=tallennin-1$/);
  t.equal(all.length, 2 + packets.length);
  t.same(all.slice(2), packets, 'audio packets come through byte for byte, in order');
  // Granules: cumulative 48 kHz samples; pages hold at most 0.2 s.
  let prev = 0n;
  for (const p of pages.slice(2)) {
    t.ok(p.granule - prev <= 9600n, `page ending at ${p.granule} holds ≤ 200 ms`);
    prev = p.granule;
  }
  t.equal(pages.at(-1)!.granule, BigInt(packets.length * 960), 'last granule = all samples (pre-skip included)');
});

t.test('tags never leak mediabunny defaults, and the vendor is always tallennin', async (t) => {
  const bytes = await writeOggOpus(encodeOpus(speechLikePcm(8000, 0.2), 8000), opts8k);
  t.notMatch(Buffer.from(bytes).toString('latin1'), /Mediabunny/i);
  const comment = Buffer.from(oggPackets(parseOggPages(bytes))[1]!);
  t.equal(comment.readUInt32LE(12 + 9), 0, 'no comments unless asked');
});

t.test('empty recording: a valid file whose playable duration is 0', async (t) => {
  const dir = await tempDir(t);
  for (const preSkip of [OPUS_PRESKIP_48K, 0, 2000]) {
    const file = join(dir, `empty-${preSkip}.opus`);
    const bytes = await writeOggOpus([], { ...opts8k, preSkip });
    await writeFile(file, bytes);
    const info = await opusinfo(file);
    if (preSkip > 0) {
      t.equal(info.code, 0, `preSkip ${preSkip}: opusinfo exits 0`);
      t.same(problems(info.out), [], `preSkip ${preSkip}: no warnings`);
    } else {
      // opusinfo warns about any pre-skip this low, empty or not; nothing else.
      t.same(problems(info.out), ['WARNING: Implausibly low preskip in Opus stream (1)']);
    }
    t.match(info.out, /Playback length: 0m:00\.000s/);
    const probe = await ffprobe(file);
    t.equal(probe.codec_name, 'opus');
    // ffprobe reports the last granule position without subtracting the pre-skip.
    t.ok(probe.duration <= Math.max(preSkip, 1) / 48_000 + 0.001, `ffprobe duration ${probe.duration}`);
    const decoded = await ffmpegDecode(file, 8000);
    t.ok(decoded.length <= 160, `ffmpeg decodes ${decoded.length} samples (≤ 20 ms)`);
    t.ok(decoded.every((s) => Math.abs(s) <= 64), 'and they are (near) silence');
    const pages = parseOggPages(bytes);
    t.equal(pages.at(-1)!.granule, BigInt(Math.max(preSkip, 1)), 'final granule = pre-skip (at least 1)');
    t.ok(pages.at(-1)!.headerType & 4, 'EOS');
  }
});

t.test('packets that would falsify the duration are refused, naming the packet', async (t) => {
  const good = encodeOpus(speechLikePcm(8000, 0.1), 8000);
  const tenMs = new Uint8Array([0x00, 0x12, 0x34]); // SILK NB 10 ms
  await t.rejects(writeOggOpus([good[0]!, good[1]!, tenMs], opts8k), {
    name: 'OggOpusPacketError',
    packetIndex: 2,
    message: /packet 2: lasts 10 ms, expected 20 ms/,
  });
  await t.rejects(writeOggOpus([good[0]!, new Uint8Array(0)], opts8k), OggOpusPacketError);
  await t.rejects(writeOggOpus([good[0]!, 'x' as unknown as Uint8Array], opts8k), { message: /packet 1: not a Uint8Array/, packetIndex: 1 });
  await t.rejects(writeOggOpus(good, { ...opts8k, frameMs: 10 as 20 }), RangeError);
  await t.rejects(writeOggOpus(good, { ...opts8k, preSkip: 70_000 }), RangeError);
  await t.rejects(writeOggOpus(good, { ...opts8k, tags: { 'BAD=KEY': '1' } }), RangeError);
  await t.rejects(writeOggOpus(good, { ...opts8k, serialNumber: -1 }), RangeError);
  t.throws(() => oggOpusStream(good, { ...opts8k, preSkip: -1 }), RangeError, 'the stream form fails fast');
  t.throws(() => oggOpusNodeStream(good, { ...opts8k, inputSampleRate: 0 }), RangeError);
});

t.test('an error from the packet source rejects the export', async (t) => {
  const good = encodeOpus(speechLikePcm(8000, 1), 8000);
  async function* failing() {
    yield* good.slice(0, 20);
    throw new Error('store read failed');
  }
  await t.rejects(writeOggOpus(failing(), opts8k), { message: 'store read failed' });
});

t.test('streaming forms give the same bytes as the whole file', async (t) => {
  const packets = encodeOpus(speechLikePcm(8000, 5), 8000);
  const opts = { ...opts8k, serialNumber: 0x7a11_e221, tags: { A: 'b' } };
  const whole = await writeOggOpus(packets, opts);
  t.same(await writeOggOpus(packets, opts), whole, 'a fixed serial number makes exports reproducible');
  t.equal(parseOggPages(whole)[0]!.serial, 0x7a11_e221);

  async function* slowly() {
    for (const p of packets) {
      await new Promise((r) => setImmediate(r));
      yield p;
    }
  }
  const web = Buffer.concat(await collectWeb(oggOpusStream(slowly(), opts)));
  t.same(new Uint8Array(web), whole, 'web ReadableStream');

  const parts: Buffer[] = [];
  await pipeline(oggOpusNodeStream(packets, opts), new Writable({
    write(chunk: Buffer, _enc, cb) {
      parts.push(chunk);
      cb();
    },
  }));
  t.same(new Uint8Array(Buffer.concat(parts)), whole, 'Node Readable');

  // Without a fixed serial, mediabunny draws one at random; everything else is the same.
  const a = parseOggPages(await writeOggOpus(packets, { ...opts, serialNumber: undefined }));
  const b = parseOggPages(whole);
  t.equal(a.length, b.length);
  t.ok(a.every((p, i) => Buffer.from(p.body).equals(Buffer.from(b[i]!.body)) && p.granule === b[i]!.granule));
});

t.test('streaming starts early, pulls packets on demand, and stops when cancelled', async (t) => {
  const packets = encodeOpus(speechLikePcm(8000, 10), 8000);
  let pulled = 0;
  let finished = false;
  async function* source() {
    try {
      for (const p of packets) {
        pulled++;
        yield p;
      }
    } finally {
      finished = true;
    }
  }
  const reader = oggOpusStream(source(), opts8k).getReader();
  const head = await reader.read();
  t.equal(Buffer.from(head.value!.subarray(28, 36)).toString('latin1'), 'OpusHead', 'first chunk: OpusHead page');
  await reader.read(); // OpusTags
  const firstAudio = await reader.read();
  t.ok(firstAudio.value!.length > 27);
  t.ok(pulled <= 12, `first audio page after ${pulled} packets (0.2 s pages)`);
  await reader.cancel();
  t.ok(finished, 'cancelling closed the packet source');
  t.ok(pulled < 20, `only ${pulled} of ${packets.length} packets were read`);
});

t.test('a file written to disk reads back identically (sanity for the harness)', async (t) => {
  const dir = await tempDir(t);
  const bytes = await writeOggOpus(encodeOpus(speechLikePcm(8000, 0.5), 8000), opts8k);
  await writeFile(join(dir, 'a.opus'), bytes);
  t.same(new Uint8Array(await readFile(join(dir, 'a.opus'))), bytes);
});
