// One recording, two roads to a file: the box's export straight from its store, and the
// indexer's playback from chunks fetched over MQTT in bounded, shuffled, duplicated, partly
// lost and re-fetched messages. Both must give the same Ogg Opus file, byte for byte.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordingStore } from '../../../src/box/store/recording-store.js';
import { streamRecording } from '../../../src/box/sync/fetch-stream.js';
import { FetchAssembler } from '../../../src/central/ingest/fetch-assembler.js';
import { mulberry32 } from '../../../src/core/dsp/generate.js';
import type { FetchPart } from '../../../src/core/protocol/messages.js';
import { exportOgg, oggSerialOf } from '../../../src/core/recording/export-ogg.js';
import { collect } from '../../helpers/log.js';
import { recordSealed, sealingKeys } from '../../helpers/sealed-recording.js';

t.setTimeout(120_000);

const dir = t.testdir({});
const { sealTo, key } = sealingKeys();
const store = await RecordingStore.open(join(dir, 'store'), { sync: false });
t.teardown(() => store.close());
const rec = await recordSealed(store, sealTo, { ms: 8000, startMs: Date.UTC(2026, 4, 4, 8), packetsPerChunk: 25 });
const asStored = { ...rec, state: rec.state as 'closed', wrappedKey: Buffer.from(rec.wrappedKey, 'base64') };

async function fetched(cid: string, from: number): Promise<FetchPart[]> {
  const parts: FetchPart[] = [];
  await streamRecording(store, rec.id, from, cid, async (p) => void parts.push(JSON.parse(JSON.stringify(p)) as FetchPart), 1500);
  return parts;
}

t.test('export from the store and from fetched, reassembled chunks: the same bytes', async (t) => {
  t.ok(rec.chunks >= 10, `${rec.chunks} chunks`);
  const direct = await exportOgg(asStored, store.readChunks(rec.id), key);
  t.equal(direct.packets, rec.durationMs / 20, 'every packet of the recording');
  t.equal(direct.ogg.subarray(0, 4).toString('latin1'), 'OggS');

  const rnd = mulberry32(5);
  const parts = await fetched('c-1', 0);
  t.ok(parts.length >= 4, `${parts.length} messages`);
  const lost = 2;
  const a = new FetchAssembler('c-1', { id: rec.id });
  // delivered out of order, each at least once, one never
  for (const p of [...parts, ...parts.filter(() => rnd() < 0.5)].sort(() => rnd() - 0.5)) if (p.part !== lost) t.match(a.accept(p), { ok: true });
  t.notOk(a.complete);
  const from = a.missingFrom()!;
  a.refetch('c-2', from);
  for (const p of await fetched('c-2', from)) t.match(a.accept(p), { ok: true });
  t.ok(a.complete);
  const { record, chunks } = a.result();
  const viaFetch = await exportOgg(record, chunks, key);
  t.equal(viaFetch.packets, direct.packets);
  t.ok(viaFetch.ogg.equals(direct.ogg), 'byte for byte identical');
  t.ok((await exportOgg(asStored, await collect(store.readChunks(rec.id)), key)).ogg.equals(direct.ogg), 'and again: an export is reproducible');
  t.equal(direct.ogg.readUInt32LE(14), oggSerialOf(rec.id), 'the Ogg serial comes from the recording id');

  const file = join(dir, 'fetched.opus');
  writeFileSync(file, viaFetch.ogg);
  const ff = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name:format=duration', '-of', 'json', file], { encoding: 'utf8' });
  if (ff.error) t.pass('ffprobe reads the file', { skip: 'ffprobe is not installed' });
  else {
    const info = JSON.parse(ff.stdout) as { streams: { codec_name: string }[]; format: { duration: string } };
    t.equal(info.streams[0]?.codec_name, 'opus', 'ffprobe reads an Opus stream');
    t.ok(Math.abs(Number(info.format.duration) - rec.durationMs / 1000) < 0.05, `duration ${info.format.duration} s`);
  }
});

t.test('fetched chunks are proved like stored ones: an altered or missing chunk is refused by name', async (t) => {
  const a = new FetchAssembler('c-3');
  for (const p of await fetched('c-3', 0)) a.accept(p);
  const { record, chunks } = a.result();
  const altered = chunks.map((c) => (c.index === 4 ? { ...c, sealed: Buffer.from(c.sealed.map((b, i) => (i === 30 ? b ^ 1 : b))) } : c));
  await t.rejects(exportOgg(record, altered, key), { code: 'TAL_EXPORT_CHUNK_ALTERED', message: /chunk 4 fails authentication/ });
  await t.rejects(exportOgg(record, chunks.filter((c) => c.index !== 3), key), { code: 'TAL_EXPORT_CHUNK_MISSING', message: /chunk 3 is missing/ });
  await t.rejects(exportOgg(record, chunks.slice(0, -1), key), { code: 'TAL_EXPORT_FINAL_MISSING' });
  await t.rejects(exportOgg(record, chunks, sealingKeys().key), { code: 'TAL_SEAL_WRONG_KEY' });
});
