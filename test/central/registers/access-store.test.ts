// The access-request register's store: numbered per year, the person's data sealed to the
// controller key (no name, number, henkilötunnus, document digits or matter anywhere in LevelDB's
// values, keys or files in the clear), blind indexes that recognise the same person, and changes
// that go through one queue.
import t, { type Test } from 'tap';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Level } from 'level';
import { ManualClock } from '../../../src/core/clock.js';
import { AccessRequestStore } from '../../../src/central/registers/access-store.js';
import type { NewAccessRequest } from '../../../src/central/registers/access-types.js';
import { FieldSealer } from '../../../src/central/registers/sealer.js';
import { sealingKeys } from '../../helpers/sealed-recording.js';

const NOV = Date.UTC(2026, 10, 28, 10, 0);
const NAME = 'Aune Kyllikki Ruusulampi';
const CONTACT = 'Ruusulammentie 17 B 4, 48100 Kotka';
const MATTER = 'Soitin työttömyysetuuden maksupäivästä ja virkailija lupasi soittaa takaisin';
const NUMBER = '+358405551234';
const HETU = '131052-308T';
const LAST4 = 'QZ9X';

function request(extra: Partial<NewAccessRequest['personal']> = {}, receivedOn = '2026-11-20'): NewAccessRequest {
  return {
    receivedOn,
    window: { from: NOV - 10 * 86_400_000, to: NOV - 9 * 86_400_000 },
    document: 'driving-licence',
    personal: { name: NAME, contact: CONTACT, matter: MATTER, numbers: [NUMBER, '+358295020700'], hetu: HETU, documentLast4: LAST4, documentIssued: '1990-10-02', ...extra },
  };
}

async function setup(t: Test) {
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-access-store-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const keys = sealingKeys();
  const sealer = new FieldSealer(keys.key, randomBytes(32));
  const clock = new ManualClock(NOV);
  let db = new Level<string, unknown>(join(dir, 'db'), { valueEncoding: 'json' });
  let store = new AccessRequestStore(db, sealer, clock);
  t.teardown(() => db.close());
  return {
    dir, sealer, clock,
    get db() { return db; },
    get store() { return store; },
    async reopen() {
      await db.close();
      db = new Level<string, unknown>(join(dir, 'db'), { valueEncoding: 'json' });
      store = new AccessRequestStore(db, sealer, clock);
    },
  };
}

t.test('numbered per year, opened with the controller key, kept across a restart', async (t) => {
  const f = await setup(t);
  const a = await f.store.create(request(), 'matti');
  const b = await f.store.create(request({ name: 'Toinen Henkilö' }), 'liisa');
  t.equal(a.id, 'TP-2026-0001');
  t.equal(b.id, 'TP-2026-0002');
  t.match(a, { receivedOn: '2026-11-20', signed: true, recordedBy: 'matti', recordedAt: NOV, identity: { document: 'driving-licence', verifiedBy: 'matti', verifiedAt: NOV }, numberCount: 2, marks: [] });
  t.same(f.store.open(a), { name: NAME, contact: CONTACT, matter: MATTER, numbers: [NUMBER, '+358295020700'], hetu: HETU, documentLast4: LAST4, documentIssued: '1990-10-02' });
  await f.reopen();
  t.equal((await f.store.create(request(), 'matti')).id, 'TP-2026-0003', 'the count survives a restart');
  f.clock.set(Date.UTC(2026, 11, 31, 22, 30)); // 1 January 2027, 00.30 in Helsinki
  t.equal((await f.store.create(request(), 'matti')).id, 'TP-2027-0001', 'a new year starts from 1 (Finnish time)');
  t.same((await f.store.list()).map((r) => r.id), ['TP-2027-0001', 'TP-2026-0003', 'TP-2026-0002', 'TP-2026-0001'], 'newest first');
  t.equal(await f.store.get('TP-2026-0009'), undefined);
  t.equal(await f.store.get('../etc'), undefined, 'not an id: not looked up');
  const many = await Promise.all(Array.from({ length: 8 }, () => f.store.create(request(), 'matti')));
  t.equal(new Set(many.map((r) => r.id)).size, 8, 'requests recorded at once get a number each');
});

t.test('nothing personal is in LevelDB in the clear: values, keys or files', async (t) => {
  const f = await setup(t);
  const r = await f.store.create(request(), 'matti');
  await f.store.mark(r.id, { id: '019ac9d2-0000-7000-8000-000000000001', site: 'kotka', box: 'kotka-1', start: NOV - 9.5 * 86_400_000, durationMs: 60_000, by: 'matti', at: NOV, until: NOV + 300 * 86_400_000 });
  await f.store.book(r.id, { office: 'Kotkan toimipaikka', at: NOV + 86_400_000, by: 'matti', bookedAt: NOV });
  const secrets = [NAME, 'Ruusulampi', CONTACT, 'Ruusulammentie', MATTER, 'maksupäivästä', NUMBER, '358405551234', '0405551234', '405551234', HETU, '131052', LAST4, '1990-10-02'];
  const raw: string[] = [];
  for await (const [k, v] of f.db.iterator({ keyEncoding: 'utf8', valueEncoding: 'utf8' })) raw.push(String(k), String(v));
  t.ok(raw.some((x) => x.includes(r.id)), 'the entry is there, under its id');
  for (const s of secrets) t.notOk(raw.some((x) => x.includes(s)), `no "${s}" in a key or value`);
  await f.db.close();
  const files = readdirSync(join(f.dir, 'db')).map((n) => readFileSync(join(f.dir, 'db', n)));
  t.ok(files.some((b) => b.includes(Buffer.from(r.id))), 'the files hold the entry');
  for (const s of secrets) t.notOk(files.some((b) => b.includes(Buffer.from(s, 'utf8'))), `no "${s}" in LevelDB's files`);
  await f.reopen();
});

t.test('sealed to its own entry, and blind indexes that find the person again', async (t) => {
  const f = await setup(t);
  const a = await f.store.create(request(), 'matti');
  const b = await f.store.create(request({ name: 'ruusulampi,  aune kyllikki', contact: 'RUUSULAMMENTIE 17 b 4 48100 kotka', numbers: ['+358401112222'], hetu: undefined }), 'matti');
  t.throws(() => f.sealer.open(b.id, a.personal), 'a sealed value moved to another entry does not open');
  t.same(a.blinds.phones, [f.sealer.blind('phone', NUMBER), f.sealer.blind('phone', '+358295020700')], 'the numbers, blinded as phones');
  t.equal(a.blinds.hetu, f.sealer.blind('hetu', HETU));
  t.equal(b.blinds.hetu, undefined, 'no henkilötunnus given: none blinded');
  t.equal(a.blinds.person, b.blinds.person, 'the same name and contact, written differently: the same person');
  t.not(a.blinds.person, (await f.store.create(request({ contact: 'Toinen osoite 1' }), 'matti')).blinds.person, 'another contact: not recognised by name alone');
});

t.test('marks, booking and outcome', async (t) => {
  const f = await setup(t);
  const r = await f.store.create(request(), 'matti');
  const mark = { id: 'rec-1', site: 'kotka', box: 'kotka-1', start: NOV - 86_400_000, durationMs: 61_000, by: 'matti', at: NOV, until: NOV + 86_400_000 };
  await f.store.mark(r.id, mark);
  await f.store.mark(r.id, { ...mark, id: 'rec-2' });
  await f.store.mark(r.id, { ...mark, until: NOV + 2 * 86_400_000 });
  t.same((await f.store.get(r.id))!.marks.map((m) => [m.id, m.until]), [['rec-2', NOV + 86_400_000], ['rec-1', NOV + 2 * 86_400_000]], 'marking again replaces');
  await f.store.unmark(r.id, 'rec-2');
  await f.store.fileOf(r.id, 'rec-1', { sha256: 'ab'.repeat(32), bytes: 1234 });
  await f.store.released(r.id, 'rec-1', NOV + 5);
  t.same((await f.store.get(r.id))!.marks, [{ ...mark, until: NOV + 2 * 86_400_000, file: { sha256: 'ab'.repeat(32), bytes: 1234 }, released: NOV + 5 }]);
  await f.store.book(r.id, { office: 'Kotka', at: NOV + 86_400_000, by: 'liisa', bookedAt: NOV });
  await f.store.close(r.id, { kind: 'listened', by: 'matti', at: NOV + 10 });
  await f.store.close(r.id, { kind: 'nothing-found', by: 'liisa', at: NOV + 20 });
  t.match(await f.store.get(r.id), { booking: { office: 'Kotka', by: 'liisa' }, outcome: { kind: 'listened', by: 'matti', at: NOV + 10 } }, 'closed once: a second close changes nothing');
  t.equal(await f.store.mark('TP-2026-0099', mark), undefined, 'no such request');
  const failing = f.store.create(request(), 'matti', async () => { throw new Error('audit down'); });
  await t.rejects(failing, /audit down/);
  t.equal((await f.store.list()).length, 1, 'nothing recorded when the hook before the write fails');
  t.equal((await f.store.create(request(), 'matti')).id, 'TP-2026-0002', 'and its number was not taken');
});
