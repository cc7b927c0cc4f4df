// The access-request routes through the real indexer (its call index, audit log, accounts file
// and LevelDB), with the boxes' answers played by a stand-in: who may use the register, what a
// box's refusal or silence does to a mark, a close and its releases, the rules of closing and
// booking, a closed request that no longer changes, and an audit log without personal data.
import t, { type Test } from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordingEvent } from '../../../src/box/sync/events.js';
import { AccountsFile, CONSOLE_ACCOUNT_RULES, newTotpSecret, type ConsoleRole } from '../../../src/core/auth/index.js';
import { systemClock } from '../../../src/core/clock.js';
import { maxExpiryOf } from '../../../src/core/retention/index.js';
import { loadIndexerConfig } from '../../../src/central/config.js';
import { localDateValue, localInputValue } from '../../../src/central/console/pages/form-values.js';
import { Indexer } from '../../../src/central/indexer.js';
import { AccessRequestStore } from '../../../src/central/registers/access-store.js';
import { FieldSealer } from '../../../src/central/registers/sealer.js';
import { blindIndexKey } from '../../../src/core/seal/index.js';
import { centralKeys, indexerConfig, sealedRecord } from '../../helpers/central.js';
import { memoryLog } from '../../helpers/log.js';
import { login, PASSWORD } from './inject-client.js';
import { boxStandIn, refusedBox, timeout } from './box-stand-in.js';

t.setTimeout(120_000);

const DAY = 86_400_000;
const HOUR = 3_600_000;
const NAME = 'Aune Kyllikki Ruusulampi';
const MATTER = 'Maksupäivä ja takaisinsoitto';
const OFFICES = `controller:
  name: Kaakkois-Suomen TE-toimisto
  businessId: 2296962-1
  address: PL 1, 48101 Kotka
  registerName: Asiakaspalvelupuheluiden tallenteet
  contacts: [{ name: Outi Oikeus }]
  offices: [Kotkan toimipaikka]
`;

async function setup(t: Test) {
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-access-routes-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const keys = centralKeys(join(dir, 'keys'));
  const config = await loadIndexerConfig(indexerConfig(dir, keys, { url: 'mqtt://127.0.0.1:1', extra: OFFICES }));
  const accounts = new AccountsFile(config.console.users, { ...CONSOLE_ACCOUNT_RULES, clock: systemClock });
  const log = memoryLog();
  const indexer = await Indexer.start({ config, sealingKey: keys.sealing, commandKey: keys.command.key, clock: systemClock, log: log.log, listen: false });
  t.teardown(() => indexer.stop());
  const w0 = Date.now() - 5 * DAY;
  const ids: Record<string, string> = {};
  let seq = 0;
  for (const [name, site, box, start, calling] of [
    ['kotka', 'kotka', 'ktk-1', w0 + HOUR, '0405551234'],
    ['lpr', 'lappeenranta', 'lpr-1', w0 + 2 * HOUR, '+358405551234'],
    ['other', 'kotka', 'ktk-1', w0 + 3 * HOUR, '0507778888'],
  ] as const) {
    const rec = sealedRecord(keys.sealTo, { start, calling });
    ids[name] = rec.id;
    await indexer.index.ingest(site, box, { seq: ++seq, boot: 1, ts: Date.now(), kind: 'recording', body: { ...recordingEvent({ ...rec, direction: 'incoming' }) } } as never);
  }
  const { sent, copied, answer } = boxStandIn(indexer);
  const secrets = new Map<string, string>();
  const person = async (name: string, role: ConsoleRole, sites?: string[]) => {
    const secret = newTotpSecret();
    await accounts.add(name, role, PASSWORD, { ...(sites ? { sites } : {}), totp: secret });
    secrets.set(name, secret);
    return login(indexer, { name, secret });
  };
  // A second handle on the register, to read what the routes stored.
  const store = new AccessRequestStore(indexer.index.db, new FieldSealer(keys.sealing, blindIndexKey(keys.sealing)), systemClock);
  return { indexer, ids, w0, sent, copied, store, log, person, answer };
}


t.test('the access-request routes, through the real indexer', async (t) => {
  const s = await setup(t);
  const { indexer, ids, sent, store } = s;
  const dpo = await s.person('matti', 'privacy-officer');
  const form = {
    receivedOn: localDateValue(Date.now()), signed: 'yes', name: NAME, contact: 'aune@example.fi', hetu: '',
    from: localInputValue(s.w0), to: localInputValue(s.w0 + 8 * HOUR), numbers: '040 555 1234', matter: MATTER,
    document: 'identity-card', issued: '', documentNumber: 'ID 1234 5678',
  };
  let id = '';

  await t.test('only privacy officers; an unknown request answers 404', async (t) => {
    for (const [name, role, sites] of [['liisa', 'supervisor', ['kotka']], ['pekka', 'trainer'], ['aino', 'admin']] as const) {
      const c = await s.person(name, role, sites ? [...sites] : undefined);
      t.equal((await c.get('/console/registers/access')).statusCode, 403, `${role}: the list`);
      await c.get('/console/search');
      t.equal((await c.submit('/console/registers/access', form)).statusCode, 403, `${role}: a new request`);
    }
    t.same(await store.list(), [], 'nothing recorded');
    const list = await dpo.get('/console/registers/access');
    t.equal(list.statusCode, 200);
    t.match(list.body, 'Tarkastuspyyntöjä ei ole kirjattu.');
    t.equal((await dpo.get('/console/registers/access/TP-2026-9999')).statusCode, 404);
    t.equal((await dpo.get('/console/registers/access/nonsense')).statusCode, 400, 'not an id at all');
    t.equal((await dpo.post('/console/registers/access', form)).statusCode, 403, 'no CSRF token: refused');
  });

  await t.test('a new request: refused with every problem named, then recorded', async (t) => {
    await dpo.get('/console/registers/access/new');
    const bad = await dpo.submit('/console/registers/access', { ...form, signed: '', numbers: '040 555 1234, kissa', document: 'driving-licence', issued: '1990-10-01' });
    t.equal(bad.statusCode, 400);
    t.match(bad.body, 'Korjattavaa: 3');
    t.match(bad.body, 'Tietosuojaseloste edellyttää kirjallista ja allekirjoitettua pyyntöä');
    t.match(bad.body, 'Puhelinnumero 2 ei ole puhelinnumero.');
    t.match(bad.body, 'tietosuojaseloste hyväksyy vain 1.10.1990 jälkeen myönnetyn ajokortin');
    t.same(await store.list(), [], 'nothing recorded');
    const ok = await dpo.submit('/console/registers/access', form);
    t.equal(ok.statusCode, 303);
    id = /TP-\d{4}-\d{4}/.exec(String(ok.headers.location))![0];
    t.equal(ok.headers.location, `/console/registers/access/${id}?done=created`);
    const r = (await store.get(id))!;
    t.match(r, { identity: { document: 'identity-card', verifiedBy: 'matti' }, numberCount: 1 });
    t.match(store.open(r), { name: NAME, numbers: ['+358405551234'], documentLast4: '5678' });
  });

  const page = (margin = '0') => dpo.get(`/console/registers/access/${id}?margin=${margin}`);

  await t.test('the search: both sites, the requester\'s number only', async (t) => {
    const p = await page();
    t.equal(p.statusCode, 200);
    t.match(p.body, 'Löytyneet puhelut: 2');
    t.match(p.body, `/console/calls/${ids['kotka']}`);
    t.match(p.body, `/console/calls/${ids['lpr']}`, 'another site too: a privacy officer sees all');
    t.notMatch(p.body, `/console/calls/${ids['other']}`);
  });

  await t.test('marking: a box that refuses or is silent marks nothing; a yes holds until the cap', async (t) => {
    await page();
    s.answer(refusedBox('TAL_RECORDING_DESTROYED'));
    const refused = await dpo.submit(`/console/registers/access/${id}/marks`, { recording: ids['kotka']!, margin: '0' });
    t.equal(refused.statusCode, 409);
    t.match(refused.body, 'Tallennin kieltäytyi jatkamasta säilytystä');
    s.answer(timeout);
    const silent = await dpo.submit(`/console/registers/access/${id}/marks`, { recording: ids['kotka']!, margin: '0' });
    t.equal(silent.statusCode, 504);
    t.match(silent.body, 'Tallennin ktk-1 ei vastannut');
    t.same((await store.get(id))!.marks, [], 'nothing marked');
    const before = sent.length;
    const foreign = await dpo.submit(`/console/registers/access/${id}/marks`, { recording: ids['other']!, margin: '7d' });
    t.equal(foreign.statusCode, 400, 'a call the search does not find');
    t.equal(sent.length, before, 'is not even asked about');
    s.answer(async (req) => ({ correlationId: 'c', ok: true, verb: req.verb, result: {} }));
    for (const name of ['kotka', 'lpr']) {
      const ok = await dpo.submit(`/console/registers/access/${id}/marks`, { recording: ids[name]!, margin: '0' });
      t.equal(ok.statusCode, 303);
      t.equal(ok.headers.location, `/console/registers/access/${id}?margin=0&done=marked#results-heading`);
      const call = (await indexer.index.get(ids[name]!))!;
      t.same(sent.at(-1), { site: call.site, box: call.box, verb: 'hold', args: { id: call.id, reason: 'access-request', caseRef: id, by: 'matti', until: maxExpiryOf(call.start) } });
      await page();
    }
    t.same(s.copied, [ids['kotka'], ids['lpr']], 'a central copy of each');
    t.equal((await store.get(id))!.marks.length, 2);
  });

  await t.test('unmarking releases the hold', async (t) => {
    const r = await dpo.submit(`/console/registers/access/${id}/marks/remove`, { recording: ids['lpr']!, margin: '0' });
    t.equal(r.statusCode, 303);
    t.same(sent.at(-1), { site: 'lappeenranta', box: 'lpr-1', verb: 'release', args: { id: ids['lpr'], by: 'matti', caseRef: id } });
    t.same((await store.get(id))!.marks.map((m) => m.id), [ids['kotka']]);
    await page();
    await dpo.submit(`/console/registers/access/${id}/marks`, { recording: ids['lpr']!, margin: '0' });
  });

  await t.test('booking and closing follow their rules', async (t) => {
    await page();
    const close = (outcome: string) => dpo.submit(`/console/registers/access/${id}/close`, { outcome });
    let r = await close('listened');
    t.equal(r.statusCode, 409);
    t.match(r.body, 'Kuuntelu toimipaikassa edellyttää sovittua kuunteluaikaa.');
    r = await close('nothing-found');
    t.equal(r.statusCode, 409);
    t.match(r.body, 'Tallenteita on merkitty');
    r = await close('maybe');
    t.equal(r.statusCode, 400);
    const book = (office: string, at: string) => dpo.submit(`/console/registers/access/${id}/booking`, { office, at });
    t.equal((await book('Helsingin toimipaikka', localInputValue(Date.now() + DAY))).statusCode, 400, 'an office not configured');
    t.equal((await book('Kotkan toimipaikka', localInputValue(Date.now() - 3 * DAY))).statusCode, 400, 'before the request arrived');
    t.equal((await book('Kotkan toimipaikka', 'tomorrow')).statusCode, 400);
    const at = localInputValue(Date.now() + DAY);
    r = await book('Kotkan toimipaikka', at);
    t.equal(r.statusCode, 303);
    t.match((await store.get(id))!.booking, { office: 'Kotkan toimipaikka', by: 'matti' });
  });

  await t.test('closing releases every hold; one its box does not release is retried', async (t) => {
    await page();
    s.answer(async (req) => (req.args['id'] === ids['lpr'] ? timeout() : { correlationId: 'c', ok: true, verb: req.verb, result: {} }));
    const r = await dpo.submit(`/console/registers/access/${id}/close`, { outcome: 'listened' });
    t.equal(r.statusCode, 303);
    t.equal(r.headers.location, `/console/registers/access/${id}?done=closed-pending`);
    const closed = (await store.get(id))!;
    t.match(closed.outcome, { kind: 'listened', by: 'matti' });
    t.ok(closed.marks.find((m) => m.id === ids['kotka'])!.released, 'one released');
    t.notOk(closed.marks.find((m) => m.id === ids['lpr'])!.released, 'the other still held');
    const p = await dpo.get(r.headers.location as string);
    t.match(p.body, 'Pyyntö päätetty, mutta kaikkien tallenteiden säilytystä ei saatu vapautettua.');
    t.match(p.body, `action="/console/registers/access/${id}/release"`);
    s.answer(refusedBox('TAL_RECORDING_NOT_FOUND'));
    const again = await dpo.submit(`/console/registers/access/${id}/release`, {});
    t.equal(again.headers.location, `/console/registers/access/${id}?done=released`, 'gone on its box: released all the same');
    t.ok((await store.get(id))!.marks.every((m) => m.released), 'every hold released');
  });

  await t.test('a closed request changes no more', async (t) => {
    await page();
    const before = sent.length;
    t.equal((await dpo.submit(`/console/registers/access/${id}/marks`, { recording: ids['kotka']!, margin: '0' })).statusCode, 409);
    t.equal((await dpo.submit(`/console/registers/access/${id}/booking`, { office: 'Kotkan toimipaikka', at: localInputValue(Date.now() + DAY) })).statusCode, 409);
    t.equal((await dpo.submit(`/console/registers/access/${id}/close`, { outcome: 'copy-handed' })).statusCode, 409);
    t.equal((await dpo.get(`/console/registers/access/${id}/copy/${ids['kotka']}.opus`)).statusCode, 409, 'no more copies');
    t.equal(sent.length, before, 'nothing sent to a box');
    t.match((await store.get(id))!.outcome, { kind: 'listened' });
  });

  await t.test('the audit log has ids and counts, never the person', async (t) => {
    const entries: string[] = [];
    for await (const e of indexer.audit.entries()) entries.push(JSON.stringify(e));
    for (const secret of [NAME, 'Ruusulampi', 'aune@example.fi', MATTER, '405551234', '12345678', 'ID 1234']) {
      t.notOk(entries.some((e) => e.includes(secret)), `no "${secret}"`);
      t.notOk(JSON.stringify(s.log.lines).includes(secret), `nor in the log: "${secret}"`);
    }
    const mine = entries.filter((e) => e.includes(id));
    t.ok(mine.length >= 10, `the request's steps are there under its id (${mine.length})`);
  });
});
