// The disclosure register on a real LevelDB: an entry made with its recordings not yet held,
// the particulars sealed (not on disk in the clear, bound to their entry), hold outcomes and the
// completion recorded, changes at once all kept, and everything across a restart.
import t from 'tap';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Level } from 'level';
import { ManualClock } from '../../../src/core/clock.js';
import { blindIndexKey } from '../../../src/core/seal/index.js';
import { DisclosureStore } from '../../../src/central/registers/disclosure-store.js';
import { DISCLOSURE_SUBLEVEL, disclosureTextProblem, holdCaseRefOf, type NewDisclosure } from '../../../src/central/registers/disclosure-types.js';
import { FieldSealer } from '../../../src/central/registers/sealer.js';
import { sealingKeys } from '../../helpers/sealed-recording.js';

const T0 = Date.UTC(2026, 10, 28, 10, 0);
const PARTICULARS = 'Kelan pyyntö 27.11.2026 koskien asiakasta Anna Asiakas, hetu 010101-123N';

async function open(t: { teardown(fn: () => unknown): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-disclosures-'));
  const clock = new ManualClock(T0);
  const keys = sealingKeys();
  const sealer = new FieldSealer(keys.key, blindIndexKey(keys.key));
  let db = new Level<string, string>(dir);
  await db.open();
  const state = {
    dir,
    clock,
    sealer,
    db: () => db,
    store: new DisclosureStore(db, clock, sealer),
    async reopen() {
      await db.close();
      db = new Level<string, string>(dir);
      await db.open();
      state.store = new DisclosureStore(db, clock, sealer);
      return state.store;
    },
  };
  t.teardown(async () => {
    await db.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });
  return state;
}

const rec = (n: number, site = 'lappeenranta') => ({ id: `019ac9d2-0000-7000-8000-00000000000${n}`, site, box: `${site}-1`, start: T0 - n * 86_400_000 });

const input = (extra: Partial<NewDisclosure> = {}): NewDisclosure => ({
  caseRef: ' KEHA/123/2026 ', recipient: ' Kansaneläkelaitos ', recipientPreset: true, basis: 'Laki julkisesta työvoima- ja yrityspalvelusta 13 luku 5 §', basisPreset: false,
  disclosed: { recordings: true, metadata: false }, recordings: [rec(1), rec(2, 'kotka')], decidedBy: 'pia', details: PARTICULARS,
  ...extra,
});

t.test('create: an open entry, trimmed text, every recording not yet held; the particulars sealed to the entry', async (t) => {
  const s = await open(t);
  const a = await s.store.create(input());
  t.match(a, {
    v: 1, caseRef: 'KEHA/123/2026', recipient: 'Kansaneläkelaitos', recipientPreset: true, basisPreset: false, disclosed: { recordings: true, metadata: false },
    decidedBy: 'pia', decidedAt: T0, status: 'open',
  });
  t.match(a.id, /^[0-9a-f-]{36}$/);
  t.same(a.recordings.map((r) => [r.id, r.hold]), [[rec(1).id, 'not-held'], [rec(2).id, 'not-held']]);
  t.notOk(JSON.stringify(a).includes('Anna Asiakas'), 'the particulars are not in the entry in the clear');
  t.equal(s.store.detailsOf(a), PARTICULARS, 'and open with the controller key');
  t.throws(() => s.sealer.open('another-entry', a.details!), 'bound to their entry: moved to another, they do not open');

  s.clock.advance(1000);
  const b = await s.store.create(input({ id: 'fixed-id', details: '   ', disclosed: { recordings: false, metadata: true } }));
  t.equal(b.id, 'fixed-id', 'an id made beforehand (the console audits it first)');
  t.equal(b.details, undefined, 'blank particulars are none');
  t.equal(s.store.detailsOf(b), undefined);
  t.same((await s.store.list()).map((e) => e.id), ['fixed-id', a.id], 'newest first');
  t.equal(await s.store.get('no-such'), undefined, 'a missing entry is undefined');

  const again = await s.reopen();
  t.same(await again.get(a.id), a, 'on disk');
  t.equal(again.detailsOf((await again.get(a.id))!), PARTICULARS, 'and still opens');
  await s.db().close();
  const raw = readdirSync(s.dir).filter((f) => /\.(log|ldb|sst)$/.test(f)).map((f) => readFileSync(join(s.dir, f)).toString('latin1')).join('');
  t.ok(raw.includes(`!${DISCLOSURE_SUBLEVEL}!`), 'kept in its own sublevel');
  t.notOk(raw.includes('Anna Asiakas') || raw.includes('010101-123N') || raw.includes(Buffer.from('Anna Asiakas', 'utf8').toString('latin1')), 'no particular on disk in the clear');
  await s.db().open();
});

t.test('create refuses what the console would have refused, and stores nothing', async (t) => {
  const s = await open(t);
  await s.store.create(input({ id: 'taken' }));
  for (const [why, extra] of [
    ['an id in use', { id: 'taken' }],
    ['an empty case reference', { caseRef: '  ' }],
    ['a long case reference', { caseRef: 'x'.repeat(65) }],
    ['a control character', { recipient: 'Kela\u0007' }],
    ['a long recipient', { recipient: 'x'.repeat(201) }],
    ['a long basis', { basis: 'x'.repeat(301) }],
    ['nothing disclosed', { disclosed: { recordings: false, metadata: false } }],
    ['no recordings', { recordings: [] }],
    ['a recording twice', { recordings: [rec(1), rec(1)] }],
    ['a bad recording id', { recordings: [{ ...rec(1), id: '../x' }] }],
    ['too many recordings', { recordings: Array.from({ length: 101 }, (_, i) => ({ ...rec(1), id: `r-${i}` })) }],
    ['long particulars', { details: 'x'.repeat(1001) }],
    ['no decider', { decidedBy: ' ' }],
  ] as const) {
    await t.rejects(s.store.create(input(extra as Partial<NewDisclosure>)), TypeError, why);
  }
  t.equal((await s.store.list()).length, 1, 'nothing refused was stored');
  t.equal(disclosureTextProblem('a\nb', 10), 'text', 'a line break in one-line text');
  t.equal(disclosureTextProblem('a\r\nb', 10, { lines: true }), undefined, 'but not in the particulars');
  t.equal(holdCaseRefOf('abc'), 'disclosure-abc', "the holds' case reference is the entry's own");
});

t.test('hold outcomes and completion; changes at once are all kept', async (t) => {
  const s = await open(t);
  const e = await s.store.create(input({ recordings: [rec(1), rec(2), rec(3), rec(4)] }));
  const [r1, r2, r3, r4] = e.recordings.map((r) => r.id) as [string, string, string, string];
  await Promise.all([
    s.store.setHold(e.id, r1, { hold: 'held', until: T0 + 1 }),
    s.store.setHold(e.id, r2, { hold: 'not-held', problem: 'timeout' }),
    s.store.setHold(e.id, r3, { hold: 'gone', problem: 'TAL_RECORDING_DESTROYED' }),
    s.store.setHold(e.id, r4, { hold: 'held', until: T0 + 4 }),
  ]);
  let got = (await s.store.get(e.id))!;
  t.same(got.recordings.map((r) => [r.hold, r.until, r.problem]), [['held', T0 + 1, undefined], ['not-held', undefined, 'timeout'], ['gone', undefined, 'TAL_RECORDING_DESTROYED'], ['held', T0 + 4, undefined]], 'every outcome kept');
  await s.store.setHold(e.id, r2, { hold: 'held', until: T0 + 2 });
  got = (await s.store.get(e.id))!;
  t.same([got.recordings[1]!.hold, got.recordings[1]!.problem], ['held', undefined], 'a later success clears the problem');
  t.equal(await s.store.setHold(e.id, 'not-in-it', { hold: 'held' }), undefined, 'a recording not in the entry');
  t.equal(await s.store.setHold('no-such', r1, { hold: 'held' }), undefined, 'an entry that does not exist');

  s.clock.advance(60_000);
  const [done] = await Promise.all([s.store.complete(e.id, 'pia'), s.store.setHold(e.id, r1, { hold: 'released' })]);
  t.match(done, { status: 'complete', completedBy: 'pia', completedAt: T0 + 60_000 });
  s.clock.advance(60_000);
  const twice = await s.store.complete(e.id, 'someone-else');
  t.match(twice, { completedBy: 'pia', completedAt: T0 + 60_000 }, 'completed once: the first who and when stay');
  const after = (await (await s.reopen()).get(e.id))!;
  t.equal(after.status, 'complete');
  t.equal(after.recordings[0]!.hold, 'released', 'a change made while completing is kept too');
  t.equal(await s.store.complete('no-such', 'pia'), undefined);
});
