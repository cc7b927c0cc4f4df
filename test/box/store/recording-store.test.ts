import t from 'tap';
import { RecordingStore } from '../../../src/box/store/recording-store.js';
import { chunkIndexOf, chunkKey, chunkRange } from '../../../src/box/store/keys.js';
import type { RecordingRecord } from '../../../src/box/store/recording-record.js';
import { collect } from '../../helpers/log.js';

const base: RecordingRecord = {
  v: 1, id: '01a22317-4fd2-77c9-ac2d-76df8b956433', line: 'line-1', start: 1_700_000_000_000, durationMs: 0, state: 'open', chunks: 0,
  audio: { codec: 'opus', inputSampleRate: 8000, frameMs: 20, preSkip: 312, bitrate: 12000, packetsPerChunk: 48 }, keyId: '0011223344556677', wrappedKey: 'AA==', gapMs: 0,
  direction: 'unknown', signalling: 'vox', clip: 'none',
};

t.test('chunk keys sort by index, and a range holds exactly one recording', async (t) => {
  t.ok(chunkKey('a', 2) < chunkKey('a', 10));
  t.ok(chunkKey('a', 0xffffffff) < chunkRange('a').lt);
  t.ok(chunkKey('a', 0) > chunkRange('a').gt);
  t.ok(chunkKey('a-b', 0) > chunkRange('a').lt || chunkKey('a-b', 0) < chunkRange('a').gt, 'another id sorts outside');
  t.equal(chunkIndexOf(chunkKey('x', 300)), 300);
  t.throws(() => chunkKey('a', -1), { name: 'TypeError', message: /chunk index/ });
});

t.test('chunks come back in index order with the record that counts them; a crash-open recording is finalised as truncated', async (t) => {
  const dir = t.testdir({});
  const store = await RecordingStore.open(dir);
  await store.putRecording(base);
  for (const i of [0, 1, 2, 10, 3]) await store.putChunk(base.id, i, Buffer.from([i]));
  const closed = { ...base, id: '01a22317-4fd2-77c9-ac2d-000000000001', state: 'closed' as const, end: base.start + 960, durationMs: 960, chunks: 1 };
  await store.putRecording(closed);
  t.same((await collect(store.readChunks(base.id))).map((c) => c.index), [0, 1, 2, 3, 10]);
  t.same(await collect(store.readChunks(closed.id)), [], 'no chunk leaks across recordings');
  const recovered = await store.recoverOpen();
  t.equal(recovered.length, 1);
  t.match(await store.getRecording(base.id), { state: 'truncated', endReason: 'crash', chunks: 5, end: base.start + 5 * 960, durationMs: 5 * 960 }, 'its length from its chunk count');
  t.match(await store.getRecording(closed.id), { state: 'closed' }, 'a closed recording is left alone');
  t.equal(await store.getRecording('nope'), undefined, 'a missing recording is undefined, not an error');
  await store.close();
});

t.test('a store held by another process is refused with TAL_STORE_LOCKED', async (t) => {
  const dir = t.testdir({});
  const first = await RecordingStore.open(dir);
  await t.rejects(RecordingStore.open(dir), { code: 'TAL_STORE_LOCKED', message: /in use by another process/ });
  await first.close();
});
