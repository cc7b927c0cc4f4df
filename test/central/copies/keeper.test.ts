// The central sealed copies of held recordings (issue 8): made from the box's own sealed chunks
// while the box is reachable, played like the box's (same Ogg bytes), destroyed at the
// recording's expiry or when the box reports it deleted: the wrapped key first, then the chunks.
import t, { type Test } from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Level } from 'level';
import { RecordingStore } from '../../../src/box/store/recording-store.js';
import { ManualClock } from '../../../src/core/clock.js';
import { exportOgg } from '../../../src/core/recording/export-ogg.js';
import { addCalendarMonths } from '../../../src/core/retention/index.js';
import { CopyKeeper } from '../../../src/central/copies/keeper.js';
import { CopyStore } from '../../../src/central/copies/store.js';
import type { CallSummary, IndexedCall } from '../../../src/central/index/types.js';
import type { FetchedRecording } from '../../../src/central/ingest/fetch-assembler.js';
import { Playback } from '../../../src/central/playback/playback.js';
import { collect, memoryLog } from '../../helpers/log.js';
import { recordSealed, sealingKeys } from '../../helpers/sealed-recording.js';

const T0 = Date.UTC(2026, 10, 2, 9, 0);

async function setup(t: Test) {
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-copies-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const keys = sealingKeys();
  const boxStore = await RecordingStore.open(join(dir, 'box'));
  t.teardown(() => boxStore.close());
  const rec = await recordSealed(boxStore, keys.sealTo, { ms: 20_000, startMs: T0, packetsPerChunk: 50 });
  const db = new Level<string, unknown>(join(dir, 'indexer'), { valueEncoding: 'json' });
  t.teardown(() => db.close());
  const clock = new ManualClock(T0 + 3_600_000);
  let fetches = 0;
  let boxOnline = true;
  const fetch = async (_site: string, _box: string, id: string): Promise<FetchedRecording> => {
    fetches++;
    if (!boxOnline) throw Object.assign(new Error('no answer'), { code: 'TAL_COMMAND_TIMEOUT' });
    const r = (await boxStore.getRecording(id))!;
    return {
      record: { id, state: r.state as 'closed', chunks: r.chunks, wrappedKey: Buffer.from(r.wrappedKey, 'base64'), keyId: r.keyId, audio: r.audio },
      chunks: (await collect(boxStore.readChunks(id))).map((c) => ({ index: c.index, sealed: c.sealed })),
    };
  };
  const heldUntil = addCalendarMonths(T0, 6);
  const call = { id: rec.id, site: 'lpr', box: 'lpr-1', start: T0, expiresAt: heldUntil, holds: [{ reason: 'complaint', caseRef: 'VN/1', by: 'maija', at: T0, until: heldUntil }] } as unknown as IndexedCall;
  const calls = new Map<string, IndexedCall>([[rec.id, call]]);
  const audit: Record<string, unknown>[] = [];
  const store = new CopyStore(db);
  const keeper = new CopyKeeper({
    store,
    index: { get: async (id) => calls.get(id), held: async () => [...calls.values()].filter((c) => c.holds.length > 0 && !c.deleted) as CallSummary[] },
    fetch,
    online: () => boxOnline,
    audit: { append: async (e) => audit.push(e as never) },
    clock,
    log: memoryLog().log,
  });
  const playback = new Playback({ copies: store, fetch, key: keys.key });
  return { db, store, keeper, playback, rec, call, calls, clock, audit, keys, fetch, fetches: () => fetches, setOnline: (v: boolean) => (boxOnline = v) };
}

/** Every key the indexer's LevelDB holds in the copies' keyspaces. */
async function copyKeys(db: Level<string, unknown>): Promise<string[]> {
  const keys = await db.keys({ keyEncoding: 'utf8' }).all();
  return keys.filter((k) => k.startsWith('!copy'));
}

t.test('a held recording is copied once, plays like the box\'s own, and goes at its expiry', async (t) => {
  const f = await setup(t);
  t.same(await f.keeper.reconcile(), { kept: 1, destroyed: 0, failed: 0 }, 'the hold brings a copy');
  t.same(await f.keeper.reconcile(), { kept: 0, destroyed: 0, failed: 0 }, 'once');
  t.equal(f.fetches(), 1);
  const info = (await f.keeper.infoOf(f.rec.id))!;
  t.match(info, { id: f.rec.id, site: 'lpr', box: 'lpr-1', expiresAt: f.call.expiresAt, record: { state: 'closed', chunks: f.rec.chunks } });
  t.notOk('wrappedKey' in info.record, 'the key is kept apart from the facts');
  t.match(f.audit, [{ actor: 'system', action: 'central-copy', target: f.rec.id, result: 'ok', detail: { event: 'kept' } }]);

  const fromBox = await exportOgg({ ...(await f.fetch('', '', f.rec.id)).record }, (await f.fetch('', '', f.rec.id)).chunks, f.keys.key);
  const opened = await f.playback.open(f.call);
  t.equal(opened.source, 'central-copy');
  t.ok(opened.ogg.equals(fromBox.ogg), 'the copy gives the very bytes the box\'s chunks give');

  // A release on the box shortens the expiry; the index carries it and the copy follows.
  const released = addCalendarMonths(T0, 2);
  f.calls.set(f.rec.id, { ...f.call, expiresAt: released, holds: [] });
  await f.keeper.reconcile();
  t.equal((await f.keeper.infoOf(f.rec.id))!.expiresAt, released, 'the copy\'s expiry follows the recording\'s');

  f.clock.set(released - 1);
  t.same(await f.keeper.reconcile(), { kept: 0, destroyed: 0, failed: 0 }, 'kept until the last moment');
  f.clock.set(released);
  t.same(await f.keeper.reconcile(), { kept: 0, destroyed: 1, failed: 0 }, 'destroyed at the expiry');
  t.equal(await f.keeper.infoOf(f.rec.id), undefined);
  t.same(await copyKeys(f.db), [], 'nothing of it left in the LevelDB: key, chunks, facts');
  t.match(f.audit.at(-1), { action: 'central-copy', target: f.rec.id, detail: { event: 'destroyed', reason: 'expired' } });
  f.setOnline(false);
  await t.rejects(f.playback.open(f.call), { code: 'TAL_COMMAND_TIMEOUT' }, 'with the copy gone and the box away, nothing plays');
});

t.test('a vanished box: its copies go on the clock alone; a box\'s deletion takes the copy at once', async (t) => {
  const f = await setup(t);
  await f.keeper.reconcile();
  // The box is wiped: no event will ever come. The index still says what it last heard.
  f.setOnline(false);
  const opened = await f.playback.open(f.call);
  t.equal(opened.source, 'central-copy', 'the held recording still plays');
  f.clock.set(f.call.expiresAt - 1);
  await f.keeper.reconcile();
  t.ok(await f.keeper.infoOf(f.rec.id), 'kept to its expiry');
  f.clock.set(f.call.expiresAt);
  await f.keeper.reconcile();
  t.equal(await f.keeper.infoOf(f.rec.id), undefined, 'destroyed at it');

  const g = await setup(t);
  await g.keeper.reconcile();
  g.calls.set(g.rec.id, { ...g.call, deleted: { at: g.clock.now(), reason: 'early-deletion' } } as IndexedCall);
  t.same(await g.keeper.reconcile(), { kept: 0, destroyed: 1, failed: 0 });
  t.match(g.audit.at(-1), { detail: { event: 'destroyed', reason: 'deleted-on-box:early-deletion' } });
});

t.test('an offline box is not asked; a failed copy is tried again; two asks share one fetch', async (t) => {
  const f = await setup(t);
  f.setOnline(false);
  t.same(await f.keeper.reconcile(), { kept: 0, destroyed: 0, failed: 0 }, 'a lost box is not asked');
  t.equal(f.fetches(), 0);
  await t.rejects(f.keeper.ensure(f.call), { code: 'TAL_COMMAND_TIMEOUT' }, 'a hold placed now cannot copy');
  f.setOnline(true);
  const [a, b] = await Promise.all([f.keeper.ensure(f.call), f.keeper.ensure(f.call)]);
  t.same(a, b);
  t.equal(f.fetches(), 2, 'the failed try and one shared fetch');
  const later = f.call.expiresAt + 1000;
  t.equal((await f.keeper.ensure(f.call, later)).expiresAt, later, 'a longer hold lengthens the copy');
  t.equal((await f.keeper.ensure(f.call, later - 5000)).expiresAt, later, 'a shorter one does not shorten it');
});

t.test('a copy cut short before its key was written is no copy', async (t) => {
  const f = await setup(t);
  const fetched = await f.fetch('', '', f.rec.id);
  await f.store.keep('lpr', 'lpr-1', fetched, { keptAt: 0, expiresAt: f.call.expiresAt });
  await f.db.sublevel('copy-key').clear();
  t.equal(await f.store.get(f.rec.id), undefined);
  t.equal(await f.store.has(f.rec.id), false);
  t.equal(await f.keeper.infoOf(f.rec.id), undefined);
});
