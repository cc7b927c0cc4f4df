// Someone with the disk edits, deletes, inserts and moves stored entries through a second
// handle on the log's sublevel; verify must notice and name the first tampering correctly.
import t, { type Test } from 'tap';
import { auditKey, GENESIS_PREV, type AuditHead } from '../../../src/core/audit/entry.js';
import { verifyChain } from '../../../src/core/audit/verify.js';
import { forge, fill, openLog, raw, type Db } from './helpers.js';
import type { AuditLog } from '../../../src/core/audit/audit-log.js';

/** A log of n entries, and a tampering handle; the log is reopened after tampering. */
async function setup(t: Test, n = 10): Promise<{ db: Db; log: AuditLog; tamper: ReturnType<typeof raw>; reopen: () => Promise<AuditLog> }> {
  const dir = t.testdir({});
  const { db, log, clock } = await openLog(dir);
  await fill(log, n, clock);
  const first = await log.verify();
  t.match(first, { ok: true, count: n }, 'the untouched log verifies');
  let current = db;
  t.teardown(() => current.close());
  return {
    db,
    log,
    tamper: raw(db),
    reopen: async () => {
      await current.close();
      const again = await openLog(dir);
      current = again.db;
      return again.log;
    },
  };
}

t.test('an edited field of entry 5 → edited at 5', async (t) => {
  const { log, tamper, reopen } = await setup(t);
  const e5 = await tamper.get(5);
  await tamper.put(auditKey(5), { ...e5, actor: 'u9999' });
  t.match(await log.verify(), { ok: false, at: 5, problem: 'edited', detail: /hash does not match/ });
  t.match(await (await reopen()).verify(), { ok: false, at: 5, problem: 'edited' }, 'the same after reopening');
});

t.test('entry 5 edited and its hash recomputed → edited at 5 (entry 6 no longer chains on it)', async (t) => {
  const { log, tamper } = await setup(t);
  await tamper.put(auditKey(5), forge({ ...(await tamper.get(5)), result: 'error' }));
  t.match(await log.verify(), { ok: false, at: 5, problem: 'edited', detail: /entry 6 chains on an entry 5 with hash/ });
});

t.test('an added field, a dropped field, garbage bytes → edited', async (t) => {
  const { log, tamper } = await setup(t);
  const e7 = await tamper.get(7);
  await tamper.put(auditKey(7), { ...e7, note: 'x' });
  t.match(await log.verify(), { ok: false, at: 7, problem: 'edited' }, 'a field added');
  const { target: _t, ...noTarget } = e7;
  await tamper.put(auditKey(7), noTarget);
  t.match(await log.verify(), { ok: false, at: 7, problem: 'edited' }, 'a field dropped');
  await tamper.putText(auditKey(7), '{"seq":7,');
  t.match(await log.verify(), { ok: false, at: 7, problem: 'edited', detail: /not JSON/ }, 'not JSON');
  await tamper.put(auditKey(7), e7);
  t.match(await log.verify(), { ok: true, count: 10 }, 'put back, it verifies again');
});

t.test('entry 5 deleted → deleted at 5', async (t) => {
  const { log, tamper, reopen } = await setup(t);
  await tamper.del(5);
  t.match(await log.verify(), { ok: false, at: 5, problem: 'deleted', detail: /entry 5 is missing: entry 6 .* follows entry 4/ });
  t.match(await (await reopen()).verify(), { ok: false, at: 5, problem: 'deleted' });
});

t.test('entries 5–7 deleted → deleted at 5; entry 1 deleted → deleted at 1', async (t) => {
  const { log, tamper } = await setup(t);
  for (const s of [5, 6, 7]) await tamper.del(s);
  t.match(await log.verify(), { ok: false, at: 5, problem: 'deleted', detail: /entries 5–7 are missing/ });
  await tamper.del(1);
  t.match(await log.verify(), { ok: false, at: 1, problem: 'deleted' }, 'the first tampering is named');
});

t.test('entry 5 deleted and the rest renumbered, keys only → deleted at 5', async (t) => {
  const { log, tamper } = await setup(t);
  for (let s = 5; s < 10; s++) await tamper.put(auditKey(s), await tamper.get(s + 1));
  await tamper.del(10);
  t.match(await log.verify(), { ok: false, at: 5, problem: 'deleted' });
});

t.test('a forged entry inserted between 4 and 5 → inserted at 5', async (t) => {
  const { log, tamper } = await setup(t);
  const e4 = await tamper.get(4);
  const e5 = await tamper.get(5);
  // It chains on entry 4 with a valid hash of its own, but entry 5 still chains on entry 4.
  const forged = forge({ ...e5, actor: 'u1', action: 'delete', target: 'nothing-to-see', prev: e4.hash, seq: 5 });

  // a) under a key that sorts between 4 and 5
  await tamper.put(`${auditKey(4)}~`, forged);
  t.match(await log.verify(), { ok: false, at: 5, problem: 'inserted', detail: /the real entry 5 .* follows it/ }, 'under a key of its own');
  await tamper.sub.del(`${auditKey(4)}~`);
  t.match(await log.verify(), { ok: true }, 'taken out again, the log verifies');

  // b) under key 5, entries 5… moved up one key each
  for (let s = 10; s >= 5; s--) await tamper.put(auditKey(s + 1), await tamper.get(s));
  await tamper.put(auditKey(5), forged);
  t.match(await log.verify(), { ok: false, at: 5, problem: 'inserted', detail: /entry 5 .* was inserted: the entries after it chain on another entry 5/ }, 'keys renumbered');
});

t.test('other insertions: a forged seq 6, a copy of an earlier entry, a stray record at the end', async (t) => {
  const { log, tamper } = await setup(t);
  const e4 = await tamper.get(4);
  const key = `${auditKey(4)}~`;
  await tamper.put(key, forge({ ...e4, seq: 6, prev: e4.hash, action: 'hold' }));
  t.match(await log.verify(), { ok: false, at: 5, problem: 'inserted' }, 'claiming the seq after next');
  await tamper.put(key, forge({ ...e4, seq: 5, prev: 'ab'.repeat(32) }));
  t.match(await log.verify(), { ok: false, at: 5, problem: 'inserted' }, 'chaining on nothing');
  await tamper.put(key, { ...e4, seq: 5, prev: e4.hash });
  t.match(await log.verify(), { ok: false, at: 5, problem: 'inserted', detail: /hash does not match/ }, 'hash not even recomputed');
  await tamper.put(key, await tamper.get(3));
  t.match(await log.verify(), { ok: false, at: 5, problem: 'inserted', detail: /claims seq 3/ }, 'a copy of entry 3');
  await tamper.sub.del(key);
  await tamper.put('zz', await tamper.get(2));
  t.match(await log.verify(), { ok: false, at: 11, problem: 'inserted', detail: /claims seq 2/ }, 'a copy after the last entry');
});

t.test('entries 4 and 5 swapped → moved at 4', async (t) => {
  const { log, tamper, reopen } = await setup(t);
  const [e4, e5] = [await tamper.get(4), await tamper.get(5)];
  await tamper.put(auditKey(4), e5);
  await tamper.put(auditKey(5), e4);
  t.match(await log.verify(), { ok: false, at: 4, problem: 'moved', detail: /entry 4 is stored after entry 5/ });
  t.match(await (await reopen()).verify(), { ok: false, at: 4, problem: 'moved' });
});

t.test('the last two swapped, one moved far, one under a wrong key → moved', async (t) => {
  const { log, tamper } = await setup(t);
  const [e9, e10] = [await tamper.get(9), await tamper.get(10)];
  await tamper.put(auditKey(9), e10);
  await tamper.put(auditKey(10), e9);
  t.match(await log.verify(), { ok: false, at: 9, problem: 'moved' }, 'the last two swapped');
  await tamper.put(auditKey(9), e9);
  await tamper.put(auditKey(10), e10);

  const e4 = await tamper.get(4);
  await tamper.del(4);
  await tamper.put(`${auditKey(8)}~`, e4);
  t.match(await log.verify(), { ok: false, at: 4, problem: 'moved', detail: /entry 4 is stored after entry 5/ }, 'entry 4 moved after entry 8');
  await tamper.sub.del(`${auditKey(8)}~`);

  await tamper.put(`${auditKey(4)}x`, e4);
  t.match(await log.verify(), { ok: false, at: 4, problem: 'moved', detail: /stored under key 0000000000000004x/ }, 'under a key that is not its own');
});

t.test('a forged first entry → bad-genesis at 1', async (t) => {
  const { log, tamper } = await setup(t);
  const e1 = await tamper.get(1);
  await tamper.put(auditKey(1), forge({ ...e1, prev: 'f'.repeat(64) }));
  t.match(await log.verify(), { ok: false, at: 1, problem: 'bad-genesis' });
  await tamper.put(auditKey(1), forge({ ...e1, actor: 'u1' }));
  t.match(await log.verify(), { ok: false, at: 1, problem: 'edited' }, 'rewritten but with the right prev: entry 2 shows it');
});

t.test('the last 3 deleted: verify passes, verifyAgainstHead(the earlier head) says truncated', async (t) => {
  const { log, tamper, reopen } = await setup(t);
  const published: AuditHead = log.head();
  t.same(published.seq, 10);
  for (const s of [8, 9, 10]) await tamper.del(s);
  const reopened = await reopen();
  t.match(await reopened.verify(), { ok: true, count: 7, head: { seq: 7 } }, 'the chain alone cannot show it');
  t.same(reopened.head().seq, 7, 'the reopened log continues after 7');
  t.match(await reopened.verifyAgainstHead(published), { ok: false, at: 8, problem: 'truncated', detail: /entries 8–10 are missing/ });
  t.match(await reopened.verifyAgainstHead({ seq: 5, hash: (await verifyHashAt(reopened, 5))! }), { ok: true, count: 7 }, 'an older head is still in the log');
  t.match(await reopened.verifyAgainstHead({ seq: 0, hash: GENESIS_PREV }), { ok: true });

  // Cut and carry on: new entries after the cut. Now the log is as long as the head, but forked.
  await fill(reopened, 5);
  t.match(await reopened.verify(), { ok: true, count: 12 });
  t.match(await reopened.verifyAgainstHead(published), { ok: false, at: 10, problem: 'rewritten' });
});

t.test('verifyAgainstHead also fails on a tampered chain, and on a head that is not a head', async (t) => {
  const { log, tamper } = await setup(t);
  const published = log.head();
  t.match(await log.verifyAgainstHead(published), { ok: true, count: 10, head: published });
  await tamper.del(3);
  t.match(await log.verifyAgainstHead(published), { ok: false, at: 3, problem: 'deleted' });
  await t.rejects(log.verifyAgainstHead({ seq: 1, hash: 'nope' }), { code: 'TAL_AUDIT_INVALID' });
});

t.test('verifyChain checks entries without keys (as received over MQTT) the same way', async (t) => {
  const { log } = await setup(t);
  const entries: unknown[] = [];
  for await (const e of log.entries()) entries.push(e);
  const recs = (list: unknown[]) => list.map((value) => ({ value }));
  t.match(await verifyChain(recs(entries)), { ok: true, count: 10, head: log.head() });
  t.match(await verifyChain(recs(entries.filter((_, i) => i !== 4))), { ok: false, at: 5, problem: 'deleted' });
  const swapped = [...entries];
  [swapped[3], swapped[4]] = [swapped[4], swapped[3]];
  t.match(await verifyChain(recs(swapped)), { ok: false, at: 4, problem: 'moved' });
  t.match(await verifyChain(recs([...entries.slice(0, 4), forge({ ...(entries[4] as object), actor: 'x' }), ...entries.slice(4)])), { ok: false, at: 5, problem: 'inserted' });
  t.match(await verifyChain(recs(entries.map((e, i) => (i === 4 ? { ...(e as object), ts: 1 } : e)))), { ok: false, at: 5, problem: 'edited' });
  t.match(await verifyChain([]), { ok: true, count: 0, head: { seq: 0, hash: GENESIS_PREV } });

  // Thorough forgers: every hash recomputed, only the links they could not fake left broken.
  type E = { seq: number; prev: string; hash: string };
  const list = entries as E[];
  const forged = forge({ ...list[4]!, actor: 'x' });
  const renumbered = [...list.slice(0, 4), forged, ...list.slice(4).map((e) => forge({ ...e, seq: e.seq + 1 }))];
  t.match(await verifyChain(recs(renumbered)), { ok: false, at: 5, problem: 'inserted', detail: /both chain on entry 4/ }, 'inserted, the rest renumbered and rehashed');
  t.match(await verifyChain(recs(list.map((e) => (e.seq === 5 ? forge({ ...e, seq: 7 }) : e)))), { ok: false, at: 5, problem: 'edited', detail: /claims seq 7/ }, 'a seq rewritten');
  t.match(await verifyChain(recs([...list.slice(0, 4), ...list.slice(5).map((e) => forge({ ...e, seq: e.seq - 1 }))])), { ok: false, at: 4, problem: 'edited', detail: /or entries were deleted and the rest renumbered/ }, 'deleted and renumbered: the message gives both readings');
});

async function verifyHashAt(log: AuditLog, seq: number): Promise<string | undefined> {
  for await (const e of log.entries({ gte: seq, limit: 1 })) return e.hash;
  return undefined;
}
