// The boxes' published audit chain heads: a head that continues the one before is accepted, the
// same head again is a duplicate, a lower seq is a regression, the same seq with another hash a
// rewrite; regressions are kept and the status stays until a restart. And through Ingest: the
// `audit` topic feeds them, and a regression is logged as a warning with ids only.
import t from 'tap';
import { ManualClock } from '../../../src/core/clock.js';
import { GENESIS_PREV } from '../../../src/core/audit/entry.js';
import { AuditHeads, boxHeadsOf, MAX_REGRESSIONS_KEPT } from '../../../src/central/ingest/audit-heads.js';
import { Ingest, type IngestIndex } from '../../../src/central/ingest/ingest.js';
import type { Fleet } from '../../../src/central/fleet/fleet.js';
import { memoryLog } from '../../helpers/log.js';

const h = (n: number) => n.toString(16).padStart(64, '0');
const T = Date.UTC(2026, 10, 28, 10);

t.test('a growing chain is consistent; the same head again is a duplicate', async (t) => {
  const heads = new AuditHeads();
  t.same(heads.accept('lpr', 'lpr-1', { seq: 0, hash: GENESIS_PREV }, T), { ok: true, duplicate: false }, 'an empty log');
  t.same(heads.accept('lpr', 'lpr-1', { seq: 5, hash: h(5) }, T + 1000), { ok: true, duplicate: false }, 'advanced');
  t.same(heads.accept('lpr', 'lpr-1', { seq: 5, hash: h(5) }, T + 2000), { ok: true, duplicate: true }, 'published again');
  t.same(heads.accept('lpr', 'lpr-1', { seq: 9, hash: h(9) }, T + 3000), { ok: true, duplicate: false });
  const b = heads.get('lpr/lpr-1')!;
  t.match(b, { site: 'lpr', box: 'lpr-1', seq: 9, hash: h(9), ts: T + 3000, status: 'consistent', regressions: [], regressionCount: 0 });
  t.same(b.highest, { seq: 9, hash: h(9), ts: T + 3000 });
  t.equal(heads.size, 1);
  t.ok(heads.has('lpr/lpr-1'));
  t.same([...heads.keys()], ['lpr/lpr-1'], 'readable as a map by site/box');
  const seen: string[] = [];
  heads.forEach((v, k, m) => seen.push(`${k}:${v.seq}:${m === heads}`));
  t.same(seen, ['lpr/lpr-1:9:true']);
  // What the indexer passes to the console: a map of heads with their time.
  const asMap: ReadonlyMap<string, { seq: number; hash: string; ts: number }> = heads;
  t.equal(asMap.get('lpr/lpr-1')?.seq, 9);
});

t.test('a lower seq is a regression, named with the head before it; the status stays', async (t) => {
  const heads = new AuditHeads();
  heads.accept('lpr', 'lpr-1', { seq: 100, hash: h(100) }, T);
  const r = heads.accept('lpr', 'lpr-1', { seq: 40, hash: h(40) }, T + 60_000);
  t.same(r, { ok: false, reason: 'regressed', previous: { seq: 100, hash: h(100), ts: T } });
  let b = heads.get('lpr/lpr-1')!;
  t.match(b, { seq: 40, status: 'regressed', regressionCount: 1, highest: { seq: 100 } }, 'the last head is the new one; the highest stays');
  t.same(b.regressions, [{ reason: 'regressed', previous: { seq: 100, hash: h(100), ts: T }, head: { seq: 40, hash: h(40), ts: T + 60_000 } }]);

  t.same(heads.accept('lpr', 'lpr-1', { seq: 41, hash: h(41) }, T + 120_000), { ok: true, duplicate: false }, 'growing from the cut: not a new regression');
  b = heads.get('lpr/lpr-1')!;
  t.equal(b.status, 'regressed', 'still marked: a restart forgets, nothing else');
  t.equal(b.regressionCount, 1);
});

t.test('the same seq with another hash is a rewrite, against the last head or the highest', async (t) => {
  const heads = new AuditHeads();
  heads.accept('kotka', 'ktk-1', { seq: 7, hash: h(7) }, T);
  t.same(heads.accept('kotka', 'ktk-1', { seq: 7, hash: h(0x77) }, T + 1000), { ok: false, reason: 'rewritten', previous: { seq: 7, hash: h(7), ts: T } });
  t.equal(heads.get('kotka/ktk-1')!.status, 'rewritten');

  const again = new AuditHeads();
  again.accept('kotka', 'ktk-2', { seq: 50, hash: h(50) }, T);
  again.accept('kotka', 'ktk-2', { seq: 10, hash: h(10) }, T + 1000);
  const back = again.accept('kotka', 'ktk-2', { seq: 50, hash: h(0x5050) }, T + 2000);
  t.same(back, { ok: false, reason: 'rewritten', previous: { seq: 50, hash: h(50), ts: T } }, 'back at the highest seq with another entry there');
  t.same(again.accept('kotka', 'ktk-2', { seq: 51, hash: h(51) }, T + 3000), { ok: true, duplicate: false });
  const b = again.get('kotka/ktk-2')!;
  t.same(b.regressions.map((r) => r.reason), ['regressed', 'rewritten']);
  t.equal(b.status, 'rewritten', 'the latest regression names the status');
  t.same(b.highest, { seq: 51, hash: h(51), ts: T + 3000 });
});

t.test('boxes are kept apart, listed by site and box; regressions kept are bounded', async (t) => {
  const heads = new AuditHeads();
  heads.accept('lpr', 'lpr-2', { seq: 3, hash: h(3) }, T);
  heads.accept('kotka', 'ktk-1', { seq: 9, hash: h(9) }, T);
  heads.accept('lpr', 'lpr-1', { seq: 1, hash: h(1) }, T);
  t.same(heads.accept('lpr', 'lpr-1', { seq: 2, hash: h(2) }, T), { ok: true, duplicate: false }, 'another box\'s higher head is no concern of this one');
  t.same(heads.list().map((b) => `${b.site}/${b.box}`), ['kotka/ktk-1', 'lpr/lpr-1', 'lpr/lpr-2']);
  for (let i = 0; i < MAX_REGRESSIONS_KEPT + 5; i++) heads.accept('lpr', 'lpr-2', { seq: i % 2 === 0 ? 2 : 3, hash: h(i % 2 === 0 ? 2 : 0x300 + i) }, T + i);
  const b = heads.get('lpr/lpr-2')!;
  t.equal(b.regressions.length, MAX_REGRESSIONS_KEPT, 'at most this many kept');
  t.ok(b.regressionCount > MAX_REGRESSIONS_KEPT, 'every one counted');
});

t.test('what is not a head is refused', async (t) => {
  const heads = new AuditHeads();
  t.throws(() => heads.accept('lpr', 'lpr-1', { seq: -1, hash: h(1) }, T), { code: 'TAL_AUDIT_INVALID' });
  t.throws(() => heads.accept('lpr', 'lpr-1', { seq: 1, hash: 'ABC' }, T), { code: 'TAL_AUDIT_INVALID' });
  t.throws(() => heads.accept('lpr', 'lpr-1', { seq: 0, hash: h(1) }, T), { code: 'TAL_AUDIT_INVALID' }, 'an empty log has the all-zero hash');
  t.throws(() => heads.accept('lpr', 'lpr-1', { seq: 1, hash: h(1) }, NaN), TypeError);
  t.equal(heads.size, 0, 'nothing remembered');
});

t.test('boxHeadsOf: an AuditHeads as it is, a plain map of heads as consistent rows', async (t) => {
  const heads = new AuditHeads();
  heads.accept('lpr', 'lpr-1', { seq: 4, hash: h(4) }, T);
  t.equal(boxHeadsOf(heads)[0]!.status, 'consistent');
  const plain = new Map([['kotka/ktk-1', { seq: 2, hash: h(2), ts: T }], ['a/b', { seq: 1, hash: h(1), ts: T }]]);
  t.match(boxHeadsOf(plain), [
    { site: 'a', box: 'b', seq: 1, status: 'consistent', highest: { seq: 1 }, regressions: [] },
    { site: 'kotka', box: 'ktk-1', seq: 2, status: 'consistent' },
  ]);
});

t.test('through Ingest: the audit topic feeds the heads, a regression is a warning with ids only', async (t) => {
  const { log, lines } = memoryLog();
  const clock = new ManualClock(T);
  const fleet = { list: () => [] } as unknown as Fleet;
  const ingest = new Ingest({ index: {} as IngestIndex, fleet, clock, log, publish: async () => {}, resync: async () => {} });
  const send = (payload: unknown) => ingest.onMessage('tallennin/v1/lpr/lpr-1/audit', Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)));
  send({ head: { seq: 12, hash: h(12) }, ts: T - 5000 });
  t.match(ingest.auditHeads.get('lpr/lpr-1'), { seq: 12, hash: h(12), ts: T - 5000, status: 'consistent' });
  send({ head: { seq: 12, hash: h(12) } });
  t.equal(ingest.auditHeads.get('lpr/lpr-1')!.ts, T, 'no ts: the time it came');
  t.equal(lines.filter((l) => l['level'] === 40).length, 0, 'no warning so far');

  send({ head: { seq: 3, hash: h(3) }, ts: T + 1000 });
  const warn = lines.find((l) => l['level'] === 40);
  t.match(warn, { site: 'lpr', box: 'lpr-1', reason: 'regressed', seq: 3, previousSeq: 12, msg: /cut off its audit log/ });
  t.same(Object.keys(warn!).filter((k) => !['level', 'time', 'pid', 'hostname', 'msg'].includes(k)).sort(), ['box', 'previousSeq', 'reason', 'seq', 'site'], 'ids and numbers only');
  t.equal(ingest.auditHeads.get('lpr/lpr-1')!.status, 'regressed');

  const before = ingest.stats.rejected;
  send('not json');
  send({ head: { seq: 'x', hash: h(1) } });
  send(null);
  t.equal(ingest.stats.rejected, before + 3, 'what is not a head is refused');
  t.equal(ingest.auditHeads.get('lpr/lpr-1')!.seq, 3, 'and changes nothing');
  await ingest.stop();
});
