import t from 'tap';
import { Level } from 'level';
import { ManualClock } from '../../../src/core/clock.js';
import { AuditLog } from '../../../src/core/audit/audit-log.js';
import { auditKey, entryHash, GENESIS_PREV, serializeEntry, type AuditEntry } from '../../../src/core/audit/entry.js';
import { collect } from '../../helpers/log.js';
import { fill, openLog, raw, sample, T0, type Db } from './helpers.js';

t.test('an empty log: head is seq 0 with the all-zero hash, and it verifies', async (t) => {
  const { db, log } = await openLog(t.testdir({}));
  t.same(log.head(), { seq: 0, hash: GENESIS_PREV });
  t.same(await log.verify(), { ok: true, count: 0, head: { seq: 0, hash: GENESIS_PREV } });
  t.same(await log.verifyAgainstHead({ seq: 0, hash: GENESIS_PREV }), { ok: true, count: 0, head: { seq: 0, hash: GENESIS_PREV } });
  t.same(await collect(log.entries()), []);
  await db.close();
});

t.test('appends chain from seq 1; the head survives close and reopen, and the chain continues', async (t) => {
  const dir = t.testdir({});
  const { db, log, clock } = await openLog(dir);
  clock.set(T0);
  const e1 = await log.append({ actor: 'system', action: 'service-start', result: 'ok', detail: { version: '0.1.0', pid: 4242 } });
  t.same(e1, { action: 'service-start', actor: 'system', detail: { pid: 4242, version: '0.1.0' }, hash: e1.hash, prev: GENESIS_PREV, result: 'ok', seq: 1, ts: T0 });
  t.equal(e1.hash, entryHash(e1), 'hash over every other field');
  clock.advance(1500);
  const e2 = await log.append({ actor: 'u1042', action: 'listen', target: 'rec-1', purpose: 'complaint', caseRef: 'VALITUS-2025-17', result: 'ok' });
  t.match(e2, { seq: 2, ts: T0 + 1500, prev: e1.hash });
  const e3 = await log.append({ actor: 'u1042', action: 'export', target: 'rec-1', result: 'refused', detail: { reason: 'no-purpose' } });
  t.same(log.head(), { seq: 3, hash: e3.hash });
  const stored = await db.sublevel<string, string>('audit', { valueEncoding: 'utf8' }).get(auditKey(2));
  t.equal(stored, serializeEntry(e2), 'stored as its canonical JSON, hash included');
  await db.close();

  const again = await openLog(dir);
  t.same(again.log.head(), { seq: 3, hash: e3.hash }, 'head restored from the store');
  const e4 = await again.log.append({ actor: 'system', action: 'service-stop', result: 'ok' });
  t.match(e4, { seq: 4, prev: e3.hash });
  t.same(await again.log.verify(), { ok: true, count: 4, head: { seq: 4, hash: e4.hash } });
  t.same((await collect(again.log.entries())).map((e) => e.seq), [1, 2, 3, 4]);
  t.same(await collect(again.log.entries({ gte: 2 })), [e2, e3, e4], 'entries come back exactly as appended');
  await again.db.close();
});

t.test('entries() ranges', async (t) => {
  const { db, log } = await openLog(t.testdir({}));
  await fill(log, 20);
  const seqs = async (range: Parameters<AuditLog['entries']>[0]) => (await collect(log.entries(range))).map((e) => e.seq);
  t.same(await seqs({ gte: 5, lte: 8 }), [5, 6, 7, 8]);
  t.same(await seqs({ reverse: true, limit: 3 }), [20, 19, 18], 'newest first');
  t.same(await seqs({ lte: 3, reverse: true }), [3, 2, 1]);
  t.same(await seqs({ gte: 18, limit: 10 }), [18, 19, 20]);
  t.same(await seqs({ gte: 0, lte: 2 }), [1, 2]);
  t.same(await seqs({ gte: 9, lte: 8 }), []);
  t.same(await seqs({ limit: 0 }), []);
  t.same(await seqs({ gte: 16 + 256 }), [], 'keys compare as numbers: 0x110 sorts after 0x14');
  await t.rejects(collect(log.entries({ gte: 1.5 })), { name: 'TypeError' });
  await db.close();
});

t.test('100 appends in parallel stay gap-free, chained, and in call order', async (t) => {
  const { db, log, clock } = await openLog(t.testdir({}));
  await log.append(sample(0));
  const results = await Promise.all(
    Array.from({ length: 100 }, (_, i) => {
      clock.advance(10);
      return log.append(sample(i + 1));
    }),
  );
  t.same(results.map((e) => e.seq), Array.from({ length: 100 }, (_, i) => i + 2), 'seq in the order append was called');
  for (let i = 1; i < results.length; i++) {
    if (results[i]!.prev !== results[i - 1]!.hash) t.fail(`entry ${results[i]!.seq} does not chain`);
    if (results[i]!.ts < results[i - 1]!.ts) t.fail('ts went backwards');
  }
  t.same(log.head(), { seq: 101, hash: results[99]!.hash });
  t.same(await log.verify(), { ok: true, count: 101, head: log.head() });
  t.same(await collect(log.entries({ gte: 2 })), results, 'stored as returned');
  await db.close();
});

t.test('a refused entry takes no seq, even among parallel appends', async (t) => {
  const { db, log } = await openLog(t.testdir({}));
  const settled = await Promise.allSettled([
    log.append(sample(1)),
    log.append({ actor: 'u1', action: 'listen', result: 'ok', detail: { seconds: 1.5 } }),
    log.append(sample(2)),
    log.append({ actor: 'u1', action: 'search', result: 'ok', detail: { q: 'x'.repeat(20_000) } }),
    log.append(sample(3)),
  ]);
  t.same(settled.map((s) => s.status), ['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
  t.match(settled[1], { reason: { code: 'TAL_AUDIT_INVALID', message: /detail.seconds must be a safe integer/ } });
  t.match(settled[3], { reason: { code: 'TAL_AUDIT_INVALID', message: /more than 16384/ } }, 'too large for one entry');
  t.same(settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value.seq] : [])), [1, 2, 3]);
  t.match(await log.verify(), { ok: true, count: 3 });
  await db.close();
});

t.test('a failed write rejects its entries and takes no seq; the next append succeeds', async (t) => {
  const db: Db = new Level<string, unknown>(t.testdir({}), { valueEncoding: 'json' });
  const sub = db.sublevel<string, string>('custom', { valueEncoding: 'utf8' });
  const log = await AuditLog.open(sub, { clock: new ManualClock(T0), name: null });
  await log.append(sample(0));
  const batch = sub.batch.bind(sub);
  let failures = 1;
  (sub as { batch: unknown }).batch = async (...args: unknown[]) => {
    if (failures-- > 0) throw new Error('disk full');
    return (batch as (...a: unknown[]) => Promise<void>)(...args);
  };
  const [a, b] = await Promise.allSettled([log.append(sample(1)), log.append(sample(2))]);
  t.match(a, { status: 'rejected', reason: { message: 'disk full' } });
  t.match(b, { status: 'rejected' }, 'written in the same batch, failed with it');
  t.equal(log.head().seq, 1);
  t.match(await log.append(sample(3)), { seq: 2 });
  t.match(await log.verify(), { ok: true, count: 2 });
  t.same(await collect(db.sublevel('audit').keys()), [], 'name: null used the sublevel given, nothing else');
  await db.close();
});

t.test('open restores the head even when the last entry was tampered with, and refuses an unreadable one', async (t) => {
  const dir = t.testdir({});
  const { db, log } = await openLog(dir);
  const entries: AuditEntry[] = await fill(log, 5);
  const tamper = raw(db);
  await tamper.put(auditKey(5), { ...(await tamper.get(5)), actor: 'u0' });
  await db.close();

  let again = await openLog(dir);
  t.same(again.log.head(), { seq: 5, hash: entries[4]!.hash }, 'continues from the hash stored');
  await again.log.append(sample(9));
  t.match(await again.log.verify(), { ok: false, at: 5, problem: 'edited' }, 'verify, not open, reports it');
  await raw(again.db).putText(auditKey(6), 'garbage');
  await again.db.close();
  await t.rejects(openLog(dir), { code: 'TAL_AUDIT_BROKEN', message: /\(key 0000000000000006\) is not JSON/ });

  const db2: Db = new Level<string, unknown>(dir, { valueEncoding: 'json' });
  await raw(db2).del(6);
  await raw(db2).putText(`${auditKey(9)}~`, 'garbage under a key that is not an entry key');
  await raw(db2).put(auditKey(7), { ...entries[0]!, seq: 7 });
  await db2.close();
  again = await openLog(dir);
  t.same(again.log.head(), { seq: 7, hash: entries[0]!.hash }, 'the last canonical key says where to continue');
  t.match(await again.log.append(sample(1)), { seq: 8 }, 'and no key is reused');
  await again.db.close();
});

t.test('nested sublevels and a sublevel given directly', async (t) => {
  const db: Db = new Level<string, unknown>(t.testdir({}), { valueEncoding: 'json' });
  const central = db.sublevel('central');
  const a = await AuditLog.open(central, { clock: new ManualClock(T0), name: 'audit', sync: false });
  const b = await AuditLog.open(central.sublevel('box-7'), { clock: new ManualClock(T0), name: null, sync: false });
  await fill(a, 3);
  await fill(b, 2);
  t.match(await a.verify(), { ok: true, count: 3 });
  t.match(await b.verify(), { ok: true, count: 2 }, 'two logs in one database keep apart');
  await db.close();
});

t.test('idle() waits for every append made so far', async (t) => {
  const { db, log } = await openLog(t.testdir({}));
  for (let i = 0; i < 50; i++) void log.append(sample(i));
  await log.idle();
  t.equal(log.head().seq, 50);
  await log.idle();
  await db.close();
});
