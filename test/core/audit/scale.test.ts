// A long chain: 100,000 entries are written and verified in reasonable time, and the rates are
// reported (tap comments) for docs/audit.md.
import t from 'tap';
import { ManualClock } from '../../../src/core/clock.js';
import { AuditLog } from '../../../src/core/audit/audit-log.js';
import { auditKey } from '../../../src/core/audit/entry.js';
import { openLog, raw, sample, T0 } from './helpers.js';

// Several seconds alone, more on a loaded machine: more room than tap's default 30 s.
t.setTimeout(180_000);

const N = 100_000;
const rate = (n: number, ms: number): string => `${Math.round((n / ms) * 1000).toLocaleString('en-US')} entries/s`;

t.test(`a ${N.toLocaleString('en-US')}-entry chain verifies in reasonable time`, async (t) => {
  const dir = t.testdir({});
  const { db, log, clock } = await openLog(dir);

  // One at a time, each append awaited: the rate of a single caller, fsync per entry.
  const one = 500;
  let t0 = performance.now();
  for (let i = 0; i < one; i++) {
    clock.advance(7);
    await log.append(sample(i));
  }
  const seqMs = performance.now() - t0;

  // Many callers at once (1,000 appends in flight): group commit, one fsync per batch.
  t0 = performance.now();
  for (let done = one; done < N; ) {
    const wave = Math.min(1000, N - done);
    await Promise.all(Array.from({ length: wave }, (_, i) => {
      clock.advance(7);
      return log.append(sample(done + i));
    }));
    done += wave;
  }
  const parMs = performance.now() - t0;
  t.equal(log.head().seq, N);

  t0 = performance.now();
  const result = await log.verify();
  const verifyMs = performance.now() - t0;
  t.same(result, { ok: true, count: N, head: log.head() });
  t.ok(verifyMs < 60_000, `verify took ${Math.round(verifyMs)} ms`);

  t.comment(`append, one awaited at a time (sync): ${rate(one, seqMs)}`);
  t.comment(`append, 1000 in flight (sync, group commit): ${rate(N - one, parMs)}`);
  t.comment(`verify: ${rate(N, verifyMs)} (${Math.round(verifyMs)} ms for ${N.toLocaleString('en-US')})`);

  // A tampering deep in the chain is found and named just the same.
  const tamper = raw(db);
  const at = 87_654;
  await tamper.put(auditKey(at), { ...(await tamper.get(at)), result: 'error' });
  t0 = performance.now();
  t.match(await log.verify(), { ok: false, at, problem: 'edited' });
  t.comment(`verify up to a tampering at ${at.toLocaleString('en-US')}: ${Math.round(performance.now() - t0)} ms`);
  await db.close();

  // Reopening restores the head without reading the chain.
  t0 = performance.now();
  const again = await openLog(dir);
  t.equal(again.log.head().seq, N);
  t.comment(`open with ${N.toLocaleString('en-US')} entries: ${Math.round(performance.now() - t0)} ms`);
  await again.db.close();
});

t.test('append without fsync, one awaited at a time', async (t) => {
  const { Level } = await import('level');
  const db = new Level<string, unknown>(t.testdir({}), { valueEncoding: 'json' });
  const log = await AuditLog.open(db, { clock: new ManualClock(T0), sync: false });
  const n = 5000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await log.append(sample(i));
  t.comment(`append, one awaited at a time (no fsync): ${rate(n, performance.now() - t0)}`);
  t.match(await log.verify(), { ok: true, count: n });
  await db.close();
});
