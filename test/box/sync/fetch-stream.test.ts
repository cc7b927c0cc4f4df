// `fetch` on the box: a recording's sealed chunks cut into bounded messages, in order, ending
// with `last`; ciphertext only — nothing a box could read, nothing that names a caller.
import t from 'tap';
import { RecordingStore } from '../../../src/box/store/recording-store.js';
import { Retention } from '../../../src/box/store/retention.js';
import { streamRecording } from '../../../src/box/sync/fetch-stream.js';
import { ManualClock } from '../../../src/core/clock.js';
import type { FetchPart } from '../../../src/core/protocol/messages.js';
import { unsealMetadata, unsealRecording } from '../../../src/core/recording/unseal.js';
import { packPackets, unwrapContentKey } from '../../../src/core/seal/index.js';
import { collect, memoryLog } from '../../helpers/log.js';
import { recordSealed, sealingKeys } from '../../helpers/sealed-recording.js';

t.setTimeout(120_000);

const T0 = Date.UTC(2026, 2, 2, 9);
const NUMBER = '0401234567';
const { sealTo, key } = sealingKeys();

const store = await RecordingStore.open(t.testdir({}), { sync: false });
t.teardown(() => store.close());
// 6 s in chunks of 10 packets (200 ms): 30 chunks, enough to cut into many parts
const rec = await recordSealed(store, sealTo, { ms: 6000, startMs: T0, calling: NUMBER, packetsPerChunk: 10 });
const stored = await collect(store.readChunks(rec.id));
const N = rec.chunks;
const bytes = (x: unknown) => Buffer.byteLength(JSON.stringify(x));
const part0Bytes = bytes({ correlationId: 'corr-1', id: rec.id, part: 0, last: false, record: { state: rec.state, chunks: N, wrappedKey: rec.wrappedKey, keyId: rec.keyId, audio: rec.audio }, chunks: [] });
const chunk0Bytes = bytes({ index: 0, sealed: stored[0]!.sealed.toString('base64') });

async function stream(from: number, maxBytes?: number, id = rec.id): Promise<{ parts: FetchPart[]; texts: string[]; result: { parts: number; chunks: number } }> {
  const parts: FetchPart[] = [];
  const texts: string[] = [];
  const result = await streamRecording(store, id, from, 'corr-1', async (p) => {
    const text = JSON.stringify(p);
    texts.push(text);
    parts.push(JSON.parse(text) as FetchPart);
  }, maxBytes);
  return { parts, texts, result };
}

t.test('a recording in bounded messages: part 0 with the record, parts in order, the last marked', async (t) => {
  // 300 packets in chunks of 10, and the final chunk the recorder seals at the end
  t.equal(N, 31);
  t.equal(stored.length, N);
  for (const maxBytes of [1500, 2048, 4096, 65_536]) {
    const { parts, texts, result } = await stream(0, maxBytes);
    t.ok(texts.every((x) => Buffer.byteLength(x) <= maxBytes), `every message ≤ ${maxBytes} bytes (largest ${Math.max(...texts.map((x) => Buffer.byteLength(x)))})`);
    t.same(parts.map((p) => p.part), parts.map((_, i) => i), 'parts numbered in order');
    t.same(parts.map((p) => p.last), parts.map((_, i) => i === parts.length - 1), 'only the last is last');
    t.ok(parts.every((p) => p.correlationId === 'corr-1' && p.id === rec.id));
    t.ok(parts.every((p) => p.chunks.length > 0), 'no empty part');
    t.same(Object.keys(parts[0]!.record!).sort(), ['audio', 'chunks', 'keyId', 'state', 'wrappedKey']);
    t.same(parts[0]!.record, { state: 'closed', chunks: N, wrappedKey: rec.wrappedKey, keyId: rec.keyId, audio: rec.audio });
    t.ok(parts.slice(1).every((p) => p.record === undefined), 'the record only in part 0');
    const chunks = parts.flatMap((p) => p.chunks);
    t.same(chunks.map((c) => c.index), stored.map((c) => c.index), 'every chunk once, in order');
    t.ok(chunks.every((c, i) => Buffer.from(c.sealed, 'base64').equals(stored[i]!.sealed)), 'the sealed bytes as stored');
    t.same(result, { parts: parts.length, chunks: N });
    if (maxBytes === 1500) t.ok(parts.length >= 5, `small messages: ${parts.length} parts`);
    if (maxBytes === 65_536) t.equal(parts.length, 1, 'the default size takes this recording in one message');
  }
});

t.test('ciphertext only: no Opus packet, no chunk plaintext, no number in any message', async (t) => {
  const { texts } = await stream(0, 4096);
  const packets = await collect(unsealRecording({ ...rec, state: 'closed', wrappedKey: Buffer.from(rec.wrappedKey, 'base64') }, stored, key));
  t.ok(packets.length >= 290, `${packets.length} packets unsealed from the store`);
  const meta = unsealMetadata({ ...rec, wrappedKey: Buffer.from(rec.wrappedKey, 'base64') }, key);
  t.equal(meta['calling'], NUMBER, 'the number is in the sealed metadata');
  const contentKey = unwrapContentKey(Buffer.from(rec.wrappedKey, 'base64'), rec.id, key);
  // Everything a message carries, decoded: its text, and the bytes of every base64 field in it.
  const carried = texts.flatMap((text) => {
    const p = JSON.parse(text) as FetchPart;
    return [Buffer.from(text), ...p.chunks.map((c) => Buffer.from(c.sealed, 'base64')), ...(p.record ? [Buffer.from(p.record.wrappedKey, 'base64')] : [])];
  });
  const all = Buffer.concat(carried);
  let found = 0;
  for (const packet of packets) if (packet.length >= 8 && all.includes(packet)) found++;
  t.equal(found, 0, 'no decoded Opus packet appears in any message');
  for (let i = 0; i * 10 < packets.length; i += 5) {
    const plain = packPackets(packets.slice(i * 10, i * 10 + 10));
    t.notOk(all.includes(plain.subarray(0, 32)), `chunk ${i}'s plaintext does not appear`);
  }
  t.notOk(all.includes(contentKey), 'the content key does not appear');
  for (const text of texts) {
    t.notOk(text.includes(NUMBER), 'no number in the clear');
    t.notOk(/sealedMeta|calling|line-1/.test(text), 'no metadata, sealed or not, beyond what unsealing needs');
  }
  contentKey.fill(0);
});

t.test('a fetch from a chunk resumes there, still with the record first', async (t) => {
  const { parts, result } = await stream(17, 4096);
  t.same(parts[0]!.record?.chunks, N);
  t.same(parts.flatMap((p) => p.chunks.map((c) => c.index)), stored.slice(17).map((c) => c.index));
  t.same(result.chunks, N - 17);
  const past = await stream(N);
  t.same(past.parts, [{ correlationId: 'corr-1', id: rec.id, part: 0, last: true, record: past.parts[0]!.record, chunks: [] }], 'from the end: the record and last, nothing else');
  await t.rejects(stream(-1), { name: 'RangeError', message: /fromChunk must be a chunk index/ });
  await t.rejects(stream(1.5), { name: 'RangeError', message: /fromChunk/ });
});

t.test('a message too small for one chunk is a clear error, not an oversized message', async (t) => {
  await t.rejects(stream(0, part0Bytes - 1), { name: 'RangeError', message: new RegExp(`part 0 of recording .* takes ${part0Bytes} bytes before any chunk`) });
  await t.rejects(stream(0, part0Bytes + chunk0Bytes - 1), { name: 'RangeError', message: /chunk 0 of recording .* does not fit in a message of/ });
  const exact = await stream(0, part0Bytes + chunk0Bytes);
  t.ok(exact.texts.every((x) => Buffer.byteLength(x) <= part0Bytes + chunk0Bytes), 'a message of exactly the size needed is used to the byte');
  t.equal(Buffer.byteLength(exact.texts[0]!), part0Bytes + chunk0Bytes);
});

t.test('only finished recordings are sent: open, shredding, destroyed and unknown ones are refused', async (t) => {
  const open = await recordSealed(store, sealTo, { ms: 600, startMs: T0 + 1000, seed: 2 });
  await store.putRecording({ ...open, state: 'open', chunks: 0, durationMs: 0 });
  await t.rejects(stream(0, undefined, open.id), { code: 'TAL_RECORDING_NOT_FOUND', message: /still being recorded/ });

  const shredding = await recordSealed(store, sealTo, { ms: 600, startMs: T0 + 2000, seed: 3 });
  await store.shredKey(shredding);
  await t.rejects(stream(0, undefined, shredding.id), { code: 'TAL_RECORDING_DESTROYED' });

  const gone = await recordSealed(store, sealTo, { ms: 600, startMs: T0 + 3000, seed: 4 });
  const clock = new ManualClock(T0 + 10_000);
  await new Retention(store, { clock, audit: { append: async () => {} }, log: memoryLog().log }).delete(gone.id, { by: 'dpo', reason: 'asked' });
  await t.rejects(stream(0, undefined, gone.id), { code: 'TAL_RECORDING_DESTROYED', message: /tombstone/ });

  await t.rejects(stream(0, undefined, 'no-such-recording'), { code: 'TAL_RECORDING_NOT_FOUND', message: /no recording no-such-recording/ });

  const truncated = await recordSealed(store, sealTo, { ms: 600, startMs: T0 + 4000, seed: 5 });
  await store.putRecording({ ...truncated, state: 'truncated' });
  const { parts } = await stream(0, undefined, truncated.id);
  t.equal(parts[0]!.record?.state, 'truncated', 'a truncated recording is sent, and says so');
});
