// Every change the indexer must hear of lands in the outbox in the same batch as the change:
// a finished recording once, a hold or release as an expiry, a destruction as `deleted`;
// an open recording and a failed write announce nothing.
import t from 'tap';
import { RecordingStore } from '../../../src/box/store/recording-store.js';
import { Retention } from '../../../src/box/store/retention.js';
import type { RecordingRecord } from '../../../src/box/store/recording-record.js';
import { ManualClock } from '../../../src/core/clock.js';
import { addCalendarMonths, expiryOf } from '../../../src/core/retention/index.js';
import { collect, memoryLog } from '../../helpers/log.js';

const T0 = Date.UTC(2026, 0, 1, 10);

function record(id: string, state: RecordingRecord['state']): RecordingRecord {
  return {
    v: 1, id, line: 'line-1', start: T0, ...(state === 'open' ? {} : { end: T0 + 60_000 }), durationMs: state === 'open' ? 0 : 60_000, state, chunks: state === 'open' ? 0 : 2,
    audio: { codec: 'opus', inputSampleRate: 8000, frameMs: 20, preSkip: 312, bitrate: 12000, packetsPerChunk: 48 },
    keyId: '0011223344556677', wrappedKey: Buffer.alloc(101, 7).toString('base64'), gapMs: 0, sealedMeta: 'c2VhbGVk', metaVersion: 1,
    direction: 'incoming', signalling: 'dtmf-clip', clip: 'ok', retentionMonths: 2, expiresAt: expiryOf(T0, 2),
  };
}

t.test('a recording is announced when finished, its holds as expiry changes, its destruction as deleted', async (t) => {
  const clock = new ManualClock(T0);
  const store = await RecordingStore.open(t.testdir({}), { sync: false, clock });
  t.teardown(() => store.close());
  const retention = new Retention(store, { clock, monotonic: () => clock.now(), audit: { append: async () => {} }, log: memoryLog().log });
  const appended: number[] = [];
  store.outbox.on('appended', (e: { seq: number }) => appended.push(e.seq));

  await store.putRecording(record('a', 'open'));
  t.equal(await store.outbox.backlog(), 0, 'an open recording is not announced');
  await store.putChunk('a', 0, Buffer.alloc(10));
  await store.putChunk('a', 1, Buffer.alloc(10), record('a', 'closed'));
  await store.putRecording(record('a', 'closed'));
  const until = addCalendarMonths(T0, 6);
  await retention.hold('a', { reason: 'complaint', caseRef: 'VAL-1', by: 'sup-1', until });
  await retention.release('a', { by: 'sup-1' });
  clock.set(expiryOf(T0, 2) + 1);
  await retention.sweep();

  const events = await collect(store.outbox.pending());
  t.same(events.map((e) => [e.seq, e.kind]), [[1, 'recording'], [2, 'expiry'], [3, 'expiry'], [4, 'deleted']], 'rewriting a finished record unchanged says nothing');
  t.same(appended, [1, 2, 3, 4], 'each event is handed on once its batch is on disk');
  t.match(events[0]!.body, { id: 'a', state: 'closed', sealedMeta: 'c2VhbGVk', wrappedKey: record('a', 'closed').wrappedKey, holds: [] });
  t.match(events[1]!.body, { id: 'a', expiresAt: until, holds: [{ reason: 'complaint', caseRef: 'VAL-1', by: 'sup-1' }] });
  t.match(events[3]!.body, { id: 'a', reason: 'expired', deletedAt: expiryOf(T0, 2) + 1 });
  t.notOk(JSON.stringify(events[3]!.body).includes('wrappedKey'), 'a deletion carries no key');
});

t.test('a crash-recovered recording is announced as truncated; a failed write announces nothing and takes no seq', async (t) => {
  const dir = t.testdir({});
  let store = await RecordingStore.open(dir, { sync: false });
  await store.putRecording(record('b', 'open'));
  await store.putChunk('b', 0, Buffer.alloc(10));
  await store.close();
  store = await RecordingStore.open(dir, { sync: false });
  await store.recoverOpen();
  const [ev] = await collect(store.outbox.pending());
  t.match(ev, { seq: 1, boot: 2, kind: 'recording', body: { id: 'b', state: 'truncated', chunks: 1 } });
  // Make the next batch fail the way a full disk does: the store is poisoned, the event not handed on.
  const appended: unknown[] = [];
  store.outbox.on('appended', (e) => appended.push(e));
  const db = store.level as unknown as { batch: (...a: unknown[]) => Promise<void> };
  const real = db.batch.bind(db);
  db.batch = async () => { throw new Error('No space left on device'); };
  await t.rejects(store.putRecording({ ...record('c', 'closed') }), { code: 'TAL_STORE_FAILED' });
  db.batch = real;
  t.same(appended, [], 'nothing published for a write that failed');
  t.equal(await store.outbox.backlog(), 1);
  await store.close();
  store = await RecordingStore.open(dir, { sync: false });
  t.equal(store.outbox.next, 2, 'after the restart the seq that failed is given again: no gap');
  await store.close();
});
