// The rectification register (R11, issue 9): the store (sealed round trip, numbering, one
// decision, the blind index, nothing personal in LevelDB's files); the pages in fi and en (whole,
// labelled, protected, every message of the part used, staff-typed text escaped); the routes
// through the real Indexer (privacy officers only, bad input refused by field with nothing
// stored, a refusal needs reasons, the certificate needs the controller's config, no personal
// data in the log or the audit log); and in Debian's chromium, a refusal's certificate printed
// to PDF whose text holds the controller's details and the reasons, and not the console around it.
import t, { type Test } from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Level } from 'level';
import { chromium } from 'playwright-core';
import { AccountsFile, CONSOLE_ACCOUNT_RULES, newTotpSecret, type ConsoleRole } from '../../../src/core/auth/index.js';
import { ManualClock, systemClock } from '../../../src/core/clock.js';
import { parseHetu } from '../../../src/core/identifiers/index.js';
import { blindIndexKey } from '../../../src/core/seal/index.js';
import { loadIndexerConfig } from '../../../src/central/config.js';
import { Indexer } from '../../../src/central/indexer.js';
import { RECTIFICATION_SUBLEVEL, RectificationStore, registerTextProblem } from '../../../src/central/registers/rectification-store.js';
import type { RectificationEntry, RectificationSummary } from '../../../src/central/registers/rectification-types.js';
import { FieldSealer } from '../../../src/central/registers/sealer.js';
import type { Translator } from '../../../src/central/console/i18n/catalogue.js';
import { actionText } from '../../../src/central/console/pages/audit.js';
import { errorPage } from '../../../src/central/console/pages/error.js';
import {
  certificatePage, FIELD_PROBLEMS, problemText, RECTIFICATION_NOTICES, rectificationPage, rectificationsPage, REQUEST_FIELDS,
  type CertificatePageData, type Controller, type FieldProblem, type RectificationPageData, type RectificationsPageData,
} from '../../../src/central/console/pages/rectification.js';
import type { Viewer } from '../../../src/central/console/pages/types.js';
import { centralKeys, indexerConfig } from '../../helpers/central.js';
import { collect, memoryLog } from '../../helpers/log.js';
import { code, login, PASSWORD } from './inject-client.js';
import { checkDocument, checkEscaped, CSRF, DAY, keysOfPart, LANGS, NOW, tr, trackingTranslator, XSS_PAYLOADS } from './fixture.js';

t.setTimeout(240_000);

const CHROMIUM = '/usr/bin/chromium';
const OFFICER: Viewer = { name: 'tietosuoja-anna', role: 'privacy-officer' };
const HETU = '131052-308T';
const NAME = 'Aino Virtanen-Korjaaja';
const WHAT = 'Puhelun muistiinpanossa lukee, että olin vihainen, mutta en ollut. Kirjaus on virheellinen.';
const WHERE = 'Puhelu 3.3.2026 noin klo 10.15, Lappeenrannan toimipiste';
const CONTACT = 'Kauppakatu 1 A 2\n53100 Lappeenranta';
const REASONS = 'Tallenne on alkuperäinen ääniaineisto, jota ei muuteta; muistiinpano vastaa tallennetta sanasta sanaan.';
const CONTROLLER: Controller = {
  name: 'Kaakkois-Suomen TE-toimisto',
  businessId: '2296962-1',
  address: 'Valtakatu 47, 53100 Lappeenranta',
  registerName: 'Asiakaspalvelun puhelutallenteet',
  contacts: [
    { title: 'tietosuojavastaava', name: 'Liisa Korhonen', phone: '0295 000 001', email: 'liisa.korhonen@example.fi' },
    { name: 'Pekka Nieminen', email: 'pekka.nieminen@example.fi' },
  ],
  offices: ['Lappeenrannan toimipiste, Valtakatu 47'],
  disclosures: [],
};
const CONTROLLER_YAML = `controller:
  name: ${CONTROLLER.name}
  businessId: "${CONTROLLER.businessId}"
  address: "${CONTROLLER.address}"
  registerName: ${CONTROLLER.registerName}
  contacts:
    - { title: tietosuojavastaava, name: Liisa Korhonen, phone: "0295 000 001", email: liisa.korhonen@example.fi }
    - { name: Pekka Nieminen, email: pekka.nieminen@example.fi }
  offices: ["Lappeenrannan toimipiste, Valtakatu 47"]
`;

t.test('the example henkilötunnus is a valid one', async (t) => {
  t.ok(parseHetu(HETU).ok);
});

// ---------------------------------------------------------------------------------------------
// The store

function sealerOf(dir: string) {
  const keys = centralKeys(join(dir, 'keys'));
  return new FieldSealer(keys.sealing, blindIndexKey(keys.sealing));
}

/** Every byte of every file under `dir`. */
function rawFiles(dir: string): Buffer {
  const out: Buffer[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(readFileSync(p));
    }
  };
  walk(dir);
  return Buffer.concat(out);
}

t.test('the store', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-rect-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const sealer = sealerOf(dir);
  const clock = new ManualClock(NOW);
  const path = join(dir, 'db');
  let db = new Level<string, unknown>(path, { valueEncoding: 'json' });
  let store = new RectificationStore(db, sealer, clock);
  const request = { name: NAME, contact: `${CONTACT.replace('\n', '\r\n')}  `, what: WHAT, where: WHERE, hetu: HETU };

  const first = await store.create({ receivedOn: '2026-11-20', recordedBy: 'anna', request });
  t.same(first.ref, { year: 2026, n: 1 }, 'numbered within its year');
  t.equal(first.status, 'open');
  t.equal(first.hasHetu, true);
  clock.advance(60_000);
  const second = await store.create({ receivedOn: '2026-11-27', recordedBy: 'anna', request: { name: 'Toinen Henkilö', contact: 'toinen@example.fi', what: 'x', where: 'y' } });
  t.same(second.ref, { year: 2026, n: 2 });
  t.equal(second.hasHetu, false);

  const opened = await store.get(first.id);
  t.same(opened?.request, { ...request, contact: CONTACT }, 'opened as recorded (line breaks made \\n, trimmed)');
  t.same((await store.list()).map((s) => s.id), [second.id, first.id], 'newest received first');
  t.same((await store.withHetu(HETU)).map((s) => s.id), [first.id], 'found again by the henkilötunnus, through its blind index');
  t.same(await store.withHetu('010101-123N'), []);

  await t.rejects(store.create({ receivedOn: '2026-11-20', recordedBy: 'anna', request: { ...request, name: ' ' } }), TypeError, 'an empty name is not stored');
  await t.rejects(store.create({ receivedOn: '20.11.2026', recordedBy: 'anna', request }), TypeError, 'nor a date that is not one');
  await t.rejects(store.create({ receivedOn: '2026-11-20', recordedBy: 'anna', request: { ...request, hetu: 'not-a-hetu' } }), TypeError);
  await t.rejects(store.create({ receivedOn: '2026-11-20', recordedBy: 'anna', request: { ...request, what: 'a\u0000b' } }), TypeError, 'nor a control character');
  await t.rejects(store.create({ id: first.id, receivedOn: '2026-11-20', recordedBy: 'anna', request }), TypeError, 'nor an id in use');
  t.equal((await store.list()).length, 2, 'none of those was stored');

  await t.rejects(store.decide(first.id, { outcome: 'refused', by: 'anna', text: '   ' }), TypeError, 'a refusal without reasons');
  clock.advance(DAY);
  const decided = await store.decide(first.id, { outcome: 'refused', by: 'anna', text: REASONS });
  t.match(decided, { status: 'refused', decided: { by: 'anna', at: NOW + 60_000 + DAY } });
  t.equal(await store.decide(first.id, { outcome: 'corrected', by: 'ville', text: 'changed my mind' }), 'decided', 'decided once only');
  t.equal(await store.decide('no-such-id', { outcome: 'corrected', by: 'ville', text: 'x' }), undefined);
  t.match(await store.get(first.id), { status: 'refused', decision: { outcome: 'refused', by: 'anna', text: REASONS } });

  // A sealed part moved to another entry, or into the decision, does not open.
  const raw = db.sublevel<string, Record<string, unknown>>(RECTIFICATION_SUBLEVEL, { valueEncoding: 'json' });
  const a = (await raw.get(first.id))!;
  const b = (await raw.get(second.id))!;
  await raw.put(second.id, { ...b, request: a['request'] });
  await t.rejects(store.get(second.id), { code: /^TAL_SEAL_(AUTH_FAILED|WRONG_KEY)$/ }, 'a request sealed for one entry does not open in another');
  await raw.put(first.id, { ...a, decision: { ...(a['decision'] as object), sealed: a['request'] } });
  await t.rejects(store.get(first.id), { code: /^TAL_SEAL_(AUTH_FAILED|WRONG_KEY)$/ }, 'nor as the decision of its own');
  await raw.put(first.id, a);
  await raw.put(second.id, b);

  // The numbering goes on after a restart, and starts again with the year.
  await db.close();
  db = new Level<string, unknown>(path, { valueEncoding: 'json' });
  store = new RectificationStore(db, sealer, clock);
  t.same((await store.create({ receivedOn: '2026-11-28', recordedBy: 'anna', request })).ref, { year: 2026, n: 3 });
  clock.set(Date.UTC(2026, 11, 31, 22, 30)); // 00.30 on New Year's Day in Helsinki
  t.same((await store.create({ receivedOn: '2026-12-31', recordedBy: 'anna', request })).ref, { year: 2027, n: 1 }, 'the year is Helsinki\'s');

  // What LevelDB holds: every value read raw, and every byte of its files.
  const values = (await db.iterator({ valueEncoding: 'utf8', keyEncoding: 'utf8' }).all()).map(([k, v]) => `${k}=${v}`).join('\n');
  t.ok(values.includes(first.id), 'the raw values are what the scan reads');
  await db.put('control', `plaintext ${'Kontrolli Henkilö'}`);
  await db.close();
  const files = rawFiles(path);
  t.ok(files.includes(Buffer.from('Kontrolli Henkilö')), 'the file scan does find plaintext (the control value)');
  for (const [what, secret] of [['the name', NAME], ['the henkilötunnus', HETU], ['its birth date part', '131052'], ['the contact', 'Kauppakatu'], ['what is wrong', 'vihainen'], ['where', 'Lappeenrannan toimipiste'], ['the reasons', 'sanasta sanaan']] as const) {
    t.notOk(values.includes(secret), `${what} is not in any raw value`);
    t.notOk(files.includes(Buffer.from(secret)), `${what} is not in LevelDB's files`);
  }
});

t.test('text typed into the forms', async (t) => {
  t.equal(registerTextProblem('', 10), 'empty');
  t.equal(registerTextProblem(' \n ', 10, true), 'empty');
  t.equal(registerTextProblem('x'.repeat(11), 10), 'long');
  t.equal(registerTextProblem('a\nb', 10), 'text', 'one line: no line break');
  t.equal(registerTextProblem('a\r\nb', 10, true), undefined, 'many lines: CRLF is one break');
  t.equal(registerTextProblem('a\u0007b', 10, true), 'text', 'no control character');
  t.equal(registerTextProblem('abc\u202edef', 10, true), 'text', 'no direction override that prints other than it is stored');
  t.equal(registerTextProblem('\ud800x', 10), 'text', 'no broken Unicode');
  t.equal(registerTextProblem('Äiti öljyää', 20), undefined);
});

// ---------------------------------------------------------------------------------------------
// The pages

function summary(extra: Partial<RectificationSummary> = {}): RectificationSummary {
  return { id: 'a1b2c3d4-0000-4000-8000-000000000001', ref: { year: 2026, n: 7 }, receivedOn: '2026-11-20', recordedAt: NOW - 2 * DAY, recordedBy: 'kirjaaja-ville', status: 'open', hasHetu: true, ...extra };
}

function entry(extra: Partial<RectificationEntry> = {}): RectificationEntry {
  return { ...summary(), request: { name: NAME, contact: CONTACT, what: WHAT, where: WHERE, hetu: HETU }, ...extra };
}

const REFUSED = (): RectificationEntry => entry({ status: 'refused', decided: { by: OFFICER.name, at: NOW }, decision: { outcome: 'refused', by: OFFICER.name, at: NOW, text: REASONS } });
const CORRECTED = (): RectificationEntry => entry({ status: 'corrected', decided: { by: OFFICER.name, at: NOW }, decision: { outcome: 'corrected', by: OFFICER.name, at: NOW, text: 'Muistiinpano korjattiin.' } });

function listData(extra: Partial<RectificationsPageData> = {}): RectificationsPageData {
  return {
    user: OFFICER, csrf: CSRF, now: NOW,
    entries: [summary(), summary({ id: 'b2', ref: { year: 2026, n: 6 }, status: 'refused', decided: { by: 'matti', at: NOW - DAY } }), summary({ id: 'c3', ref: { year: 2026, n: 5 }, status: 'corrected', hasHetu: false, decided: { by: 'matti', at: NOW - 3 * DAY } })],
    ...extra,
  };
}
const entryData = (extra: Partial<RectificationPageData> = {}): RectificationPageData => ({ user: OFFICER, csrf: CSRF, entry: entry(), ...extra });
const certData = (extra: Partial<CertificatePageData> = {}): CertificatePageData => ({ user: OFFICER, csrf: CSRF, entry: REFUSED(), controller: CONTROLLER, ...extra });

/** Each field refused with each problem it can have. */
const EVERY_PROBLEM: FieldProblem[][] = [
  [{ field: 'receivedOn', problem: 'empty' }, { field: 'signed', problem: 'unsigned' }, { field: 'name', problem: 'long' }, { field: 'contact', problem: 'text' }, { field: 'hetu', problem: 'hetu' }, { field: 'what', problem: 'empty' }, { field: 'where', problem: 'long' }],
  [{ field: 'receivedOn', problem: 'date' }],
  [{ field: 'receivedOn', problem: 'future' }],
];

const PAGES: Record<string, (t: Translator) => string> = {
  'the register, empty': (t) => String(rectificationsPage(t, listData({ entries: [] }))),
  'the register': (t) => String(rectificationsPage(t, listData())),
  ...Object.fromEntries(EVERY_PROBLEM.map((problems, i) => [`the register, refused form ${i + 1}`, (t: Translator) => String(rectificationsPage(t, listData({ problems, form: { name: 'x', receivedOn: '2030-01-01', signed: '' } })))])),
  ...Object.fromEntries(RECTIFICATION_NOTICES.map((n) => [`a request, ${n}`, (t: Translator) => String(rectificationPage(t, entryData({ notice: n, entry: n === 'refused' ? REFUSED() : n === 'corrected' ? CORRECTED() : entry() })))])),
  'a request without a henkilötunnus': (t) => String(rectificationPage(t, entryData({ entry: entry({ hasHetu: false, request: { name: NAME, contact: CONTACT, what: WHAT, where: WHERE } }) }))),
  'a request, a refusal without reasons': (t) => String(rectificationPage(t, entryData({ problems: [{ field: 'reasons', problem: 'empty' }], form: { reasons: '' } }))),
  'a request, a correction too long': (t) => String(rectificationPage(t, entryData({ problems: [{ field: 'correction', problem: 'long' }], form: { correction: 'x' } }))),
  'a request decided meanwhile': (t) => String(rectificationPage(t, entryData({ entry: REFUSED(), conflict: true }))),
  'the certificate': (t) => String(certificatePage(t, certData())),
  'the certificate without the controller': (t) => String(certificatePage(t, certData({ controller: undefined }))),
};

t.test('the pages, in every language: whole documents, every message of rectification.json used', async (t) => {
  for (const lang of LANGS) {
    const { t: tt, used } = trackingTranslator(lang);
    for (const [name, render] of Object.entries(PAGES)) checkDocument(t, render(tt), lang, `${name} (${lang})`);
    for (const p of FIELD_PROBLEMS) for (const f of REQUEST_FIELDS) problemText(tt, { field: f, problem: p });
    // Said by the routes (through errorAnswer) and by the audit viewer.
    for (const key of ['rectification.error.notFound', 'rectification.error.outcome', 'rectification.error.notRefused']) checkDocument(t, String(errorPage(tt, { status: 404, message: tt(key), user: OFFICER, csrf: CSRF })), lang, key);
    for (const action of ['list', 'request', 'view', 'decision', 'certificate']) t.not(actionText(tt, `rectification-${action}`), `rectification-${action}`, `the audit viewer names rectification-${action}`);
    const unused = keysOfPart('rectification').filter((k) => !used.has(k));
    t.same(unused, [], `${lang}: no key of rectification.json is left unused`);
  }
});

t.test('what each page shows, and what it does not', async (t) => {
  const fi = tr('fi');
  const list = PAGES['the register']!(fi);
  t.notMatch(list, NAME, 'the register lists no name');
  t.notMatch(list, HETU);
  t.match(list, 'Korjauspyyntö 7/2026');
  t.match(list, 'href="/console/registers/rectification/a1b2c3d4-0000-4000-8000-000000000001"');
  t.match(list, /aria-current="page">Korjauspyynnöt</, 'the registers\' menu, this register current');
  t.match(list, '<form method="post" action="/console/registers/rectification"');
  t.match(list, /name="receivedOn" type="date" value="2026-11-28"[^>]* max="2026-11-28"/, 'today by default, and no later');
  const refused = PAGES['the register, refused form 1']!(fi);
  t.match(refused, 'Asiakkaan nimi: teksti on liian pitkä (enintään 200 merkkiä).');
  t.match(refused, 'href="#rect-name"');
  t.match(refused, /<input id="rect-name"[^>]*aria-invalid="true" aria-describedby="rect-name-error rect-name-hint"/, 'the field marked, and tied to its message');
  t.match(refused, /<textarea id="rect-contact"[^>]*aria-invalid="true"/);

  const open = PAGES['a request, recorded']!(fi);
  t.match(open, NAME, 'the request\'s own page names the person');
  t.match(open, HETU);
  t.match(open, 'Korjauspyyntö on kirjattu.');
  t.equal((open.match(/action="\/console\/registers\/rectification\/a1b2c3d4-0000-4000-8000-000000000001\/decision"/g) ?? []).length, 2, 'two decisions to choose from');
  t.match(open, /<textarea id="rect-reasons" name="reasons"[^>]* required/, 'reasons required');
  t.notMatch(open, '/certificate', 'no certificate before a refusal');

  const decided = PAGES['a request, refused']!(fi);
  t.notMatch(decided, 'name="reasons"', 'a decision is taken once');
  t.match(decided, 'href="/console/registers/rectification/a1b2c3d4-0000-4000-8000-000000000001/certificate"');
  t.notMatch(PAGES['a request, corrected']!(fi), '/certificate', 'no certificate for a correction');

  const cert = PAGES['the certificate']!(fi);
  for (const s of [CONTROLLER.name, CONTROLLER.businessId, CONTROLLER.address, CONTROLLER.registerName, 'Liisa Korhonen', 'tietosuojavastaava', 'puh. 0295 000 001', 'Pekka Nieminen', NAME, 'Kauppakatu 1 A 2\n53100 Lappeenranta', WHAT, WHERE, REASONS, '20.11.2026', 'Päätöksen teki tietosuoja-anna 28.11.2026.', 'Todistus tiedon korjaamisesta kieltäytymisestä', 'tietosuojavaltuutetun']) {
    t.match(cert, s, `the certificate holds ${s.split('\n')[0]}`);
  }
  t.match(cert, /<article class="letter"/);
  const none = PAGES['the certificate without the controller']!(fi);
  t.match(none, /role="alert">Todistusta ei voi laatia: [^<]*osio controller/, 'the missing config is named');
  t.notMatch(none, /class="letter"/, 'and no half a certificate');
  t.notMatch(none, REASONS);
  t.match(PAGES['the certificate']!(tr('en')), 'Business ID 2296962-1');
});

const PAYLOADS = XSS_PAYLOADS;

t.test('every free-text value comes out escaped, in every page and language', async (t) => {
  for (const lang of LANGS) {
    const tt = tr(lang);
    for (const p of PAYLOADS) {
      const who: Viewer = { name: p, role: 'privacy-officer' };
      const request = { name: p, contact: p, what: p, where: p, hetu: p };
      const e = (status: 'open' | 'refused' | 'corrected') => entry({
        recordedBy: p, status, request,
        ...(status === 'open' ? {} : { decided: { by: p, at: NOW }, decision: { outcome: status, by: p, at: NOW, text: p } }),
      });
      const controller: Controller = { ...CONTROLLER, name: p, address: p, registerName: p, businessId: p, contacts: [{ title: p, name: p, phone: p, email: p }] };
      const form = Object.fromEntries(REQUEST_FIELDS.map((f) => [f, p]));
      const pages: Record<string, string> = {
        register: String(rectificationsPage(tt, listData({ user: who, entries: [summary({ recordedBy: p, status: 'refused', decided: { by: p, at: NOW } })], form, problems: EVERY_PROBLEM[0] }))),
        open: String(rectificationPage(tt, entryData({ user: who, entry: e('open'), form: { correction: p, reasons: p }, problems: [{ field: 'reasons', problem: 'empty' }] }))),
        refused: String(rectificationPage(tt, entryData({ user: who, entry: e('refused') }))),
        corrected: String(rectificationPage(tt, entryData({ user: who, entry: e('corrected') }))),
        certificate: String(certificatePage(tt, certData({ user: who, entry: e('refused'), controller }))),
      };
      for (const [name, page] of Object.entries(pages)) {
        const what = `${name} (${lang}) with ${p}`;
        checkEscaped(t, page, p, what);
      }
    }
  }
});

t.test('the stylesheet prints the letter alone, on A4, black on white', async (t) => {
  const { CONSOLE_CSS } = await import('../../../src/central/console/assets/console-css.js');
  // This register's own rules (other parts add theirs after them).
  const mine = CONSOLE_CSS.slice(CONSOLE_CSS.indexOf('/* rectification register'));
  const print = mine.slice(mine.indexOf('@media print'));
  t.match(print, /@page certificate \{ size: A4; margin: [^}]+\}/);
  t.match(print, /header\.top, nav, \.skip, form, button, \.no-print \{ display: none !important; \}/);
  t.match(print, /\.letter, \.letter \* \{ color: #000 !important; background: transparent !important; \}/);
  t.match(CONSOLE_CSS, /\.letter \{[^}]*page: certificate;/);
});

// ---------------------------------------------------------------------------------------------
// The routes, through the real Indexer

async function setup(t: Test, o: { controller?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-rect-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const keys = centralKeys(join(dir, 'keys'));
  const config = await loadIndexerConfig(indexerConfig(dir, keys, { url: 'mqtt://127.0.0.1:1', extra: o.controller === false ? '' : CONTROLLER_YAML }));
  const accounts = new AccountsFile(config.console.users, { ...CONSOLE_ACCOUNT_RULES, clock: systemClock });
  let n = 0;
  const person = async (role: ConsoleRole) => {
    const name = `${role.slice(0, 3)}-${++n}`;
    const secret = newTotpSecret();
    await accounts.add(name, role, PASSWORD, { totp: secret, ...(role === 'supervisor' ? { sites: ['lappeenranta'] } : {}) });
    return { name, secret };
  };
  const log = memoryLog();
  const indexer = await Indexer.start({ config, sealingKey: keys.sealing, commandKey: keys.command.key, clock: systemClock, log: log.log, listen: false });
  let stopped = false;
  const stop = async () => { if (!stopped) { stopped = true; await indexer.stop(); } };
  t.teardown(stop);
  const stored = async () => (await indexer.index.db.sublevel(RECTIFICATION_SUBLEVEL, { valueEncoding: 'json' }).keys({ lt: '~' }).all()).length;
  return { indexer, person, log, stored, stop, storage: config.storage.path };
}

const BASE = '/console/registers/rectification';
const GOOD = { receivedOn: '2026-01-15', signed: 'yes', name: NAME, contact: CONTACT, hetu: HETU, what: WHAT, where: WHERE };

/** The entry's id from the redirect after recording it. */
const idOf = (location: unknown) => /\/rectification\/([0-9a-f-]{36})\?done=recorded$/.exec(String(location))?.[1];

t.test('the routes: privacy officers only, input refused by field, one decision, a certificate for a refusal', async (t) => {
  const { indexer, person, log, stored, stop, storage } = await setup(t);
  const officer = await login(indexer, await person('privacy-officer'));

  await t.test('every other role is refused, and stores nothing', async (t) => {
    for (const role of ['supervisor', 'admin', 'trainer'] as const) {
      const c = await login(indexer, await person(role));
      const home = await c.get(role === 'admin' ? '/console/fleet' : role === 'trainer' ? '/console/projects' : '/console/search');
      t.equal(home.statusCode, 200, `${role}: a page of their own (and its CSRF token)`);
      t.notMatch(home.body, `href="${BASE}"`, `${role}: no link to the register`);
      t.equal((await c.get(BASE)).statusCode, 403, `${role}: GET the register`);
      t.equal((await c.submit(BASE, GOOD)).statusCode, 403, `${role}: POST a request`);
      t.equal((await c.get(`${BASE}/a1b2c3d4-0000-4000-8000-000000000001`)).statusCode, 403, `${role}: GET a request`);
      t.equal((await c.get(`${BASE}/a1b2c3d4-0000-4000-8000-000000000001/certificate`)).statusCode, 403, `${role}: GET a certificate`);
      t.equal((await c.submit(`${BASE}/a1b2c3d4-0000-4000-8000-000000000001/decision`, { outcome: 'refused', reasons: REASONS })).statusCode, 403, `${role}: POST a decision`);
    }
    t.equal(await stored(), 0);
    const nobody = await indexer.api.inject({ method: 'GET', url: BASE });
    t.equal(nobody.statusCode, 303, 'no session: to the login');
  });

  await t.test('bad input: 400, the field named, nothing stored', async (t) => {
    t.equal((await officer.get(BASE)).statusCode, 200);
    const cases: [string, Record<string, string>, RegExp][] = [
      ['no name', { ...GOOD, name: '  ' }, /Asiakkaan nimi: tieto puuttuu\./],
      ['a name with a control character', { ...GOOD, name: 'Aino\u0007' }, /Asiakkaan nimi: tekstissä on merkkejä/],
      ['a henkilötunnus that is not one', { ...GOOD, hetu: '131052-308A' }, /Henkilötunnus \(vapaaehtoinen\): henkilötunnus ei ole oikea/],
      ['a date in the future', { ...GOOD, receivedOn: '2999-01-01' }, /Pyyntö saapui: päivämäärä ei voi olla tulevaisuudessa/],
      ['a date that is not one', { ...GOOD, receivedOn: '2026-02-30' }, /Pyyntö saapui: päivämäärä ei kelpaa/],
      ['not written and signed', { ...GOOD, signed: '' }, /Pyyntö on kirjallinen ja allekirjoitettu: vain kirjallinen ja allekirjoitettu pyyntö kirjataan/],
      ['nothing said to be wrong', { ...GOOD, what: '' }, /Mikä tieto on asiakkaan mukaan virheellinen: tieto puuttuu/],
      ['too long', { ...GOOD, where: 'x'.repeat(501) }, /Missä tieto on \(puhelu tai tallenne\): teksti on liian pitkä \(enintään 500 merkkiä\)/],
    ];
    for (const [what, form, message] of cases) {
      const r = await officer.submit(BASE, form);
      t.equal(r.statusCode, 400, `${what}: 400`);
      t.match(r.body, message, `${what}: the field named`);
    }
    const two = await officer.submit(BASE, { ...GOOD, name: '', contact: '' });
    t.match(two.body, 'Lomakkeessa on korjattavaa (2):', 'every refused field at once');
    const forged = await officer.post(BASE, { ...GOOD, _csrf: 'forged' });
    t.equal(forged.statusCode, 403, 'no CSRF token, no request');
    t.equal(await stored(), 0, 'nothing stored');
  });

  let refusedId = '';
  await t.test('a request recorded, opened, refused with reasons, and its certificate', async (t) => {
    await officer.get(BASE);
    // Long Finnish texts: each ä is 6 bytes form-encoded, more than the console's usual 4 KiB.
    const long = await officer.submit(BASE, { ...GOOD, what: 'ä'.repeat(2000) });
    t.equal(long.statusCode, 303, 'a long request in Finnish fits');
    await officer.get(BASE);
    const created = await officer.submit(BASE, { ...GOOD, hetu: ` ${HETU.toLowerCase()} ` });
    t.equal(created.statusCode, 303);
    const id = idOf(created.headers.location);
    t.ok(id, 'to the new request\'s page');
    refusedId = id!;
    t.equal(await stored(), 2);

    const list = await officer.get(BASE);
    t.equal(list.statusCode, 200);
    t.match(list.body, 'Korjauspyynnöt (2, avoinna 2)');
    t.notMatch(list.body, NAME, 'no name in the register');
    const page = await officer.get(`${BASE}/${id}?done=recorded`);
    t.equal(page.statusCode, 200);
    t.match(page.body, NAME, 'the name on the request\'s own page');
    t.match(page.body, HETU, 'the henkilötunnus in its canonical spelling');
    t.match(page.body, 'Kauppakatu 1 A 2\n53100 Lappeenranta');
    t.match(page.body, 'Korjauspyyntö on kirjattu.');

    t.equal((await officer.get(`${BASE}/${id}/certificate`)).statusCode, 409, 'no certificate while it is open');
    await officer.get(`${BASE}/${id}`);
    const bare = await officer.submit(`${BASE}/${id}/decision`, { outcome: 'refused', reasons: '  \r\n ' });
    t.equal(bare.statusCode, 400, 'a refusal without reasons is refused');
    t.match(bare.body, 'Epäämisen syyt: tieto puuttuu.');
    const odd = await officer.submit(`${BASE}/${id}/decision`, { outcome: 'maybe', reasons: REASONS });
    t.equal(odd.statusCode, 400, 'no third kind of decision');
    t.match((await officer.get(`${BASE}/${id}`)).body, 'Avoinna', 'still open');

    const refused = await officer.submit(`${BASE}/${id}/decision`, { outcome: 'refused', reasons: REASONS });
    t.equal(refused.statusCode, 303);
    t.equal(refused.headers.location, `${BASE}/${id}?done=refused`);
    const after = await officer.get(`${BASE}/${id}?done=refused`);
    t.match(after.body, REASONS);
    t.match(after.body, /Ratkaisija<\/dt><dd>pri-1</, 'decided by the person logged in');
    const again = await officer.submit(`${BASE}/${id}/decision`, { outcome: 'corrected', correction: 'Korjattiin sittenkin.' });
    t.equal(again.statusCode, 409, 'decided once');
    t.notMatch(again.body, 'Korjattiin sittenkin.');

    const cert = await officer.get(`${BASE}/${id}/certificate`);
    t.equal(cert.statusCode, 200);
    for (const s of [CONTROLLER.name, CONTROLLER.businessId, CONTROLLER.address, 'Liisa Korhonen', 'Pekka Nieminen', REASONS, WHAT, NAME]) t.match(cert.body, s);
    t.match(cert.body, tr('fi').fmt.date(Date.now()), 'dated today');

    t.equal((await officer.get(`${BASE}/00000000-0000-4000-8000-000000000000`)).statusCode, 404, 'no such request');
    t.equal((await officer.get(`${BASE}/${id}/nonsense`)).statusCode, 404);
  });

  await t.test('a correction has no certificate', async (t) => {
    await officer.get(BASE);
    const id = idOf((await officer.submit(BASE, { ...GOOD, hetu: '' })).headers.location)!;
    await officer.get(`${BASE}/${id}`);
    const noText = await officer.submit(`${BASE}/${id}/decision`, { outcome: 'corrected', correction: '' });
    t.equal(noText.statusCode, 400);
    t.match(noText.body, 'Mitä korjattiin: tieto puuttuu.');
    t.equal((await officer.submit(`${BASE}/${id}/decision`, { outcome: 'corrected', correction: 'Muistiinpano korjattiin.' })).statusCode, 303);
    t.equal((await officer.get(`${BASE}/${id}/certificate`)).statusCode, 409);
  });

  await t.test('the audit log has every step, with ids only; neither it nor the log has personal data', async (t) => {
    const entries = await collect(indexer.audit.entries());
    const mine = entries.filter((e) => e.action.startsWith('rectification-'));
    const ok = (action: string, target?: string) => mine.some((e) => e.action === action && e.result === 'ok' && (target === undefined || e.target === target));
    t.ok(ok('rectification-list'), 'the register viewed');
    t.ok(ok('rectification-request', refusedId), 'the request recorded');
    t.ok(ok('rectification-view', refusedId), 'the request viewed');
    t.ok(mine.some((e) => e.action === 'rectification-decision' && e.result === 'ok' && e.target === refusedId && e.detail?.['outcome'] === 'refused'), 'the refusal');
    t.ok(ok('rectification-certificate', refusedId), 'the certificate viewed');
    t.ok(mine.some((e) => e.action === 'rectification-request' && e.result === 'refused' && e.detail?.['fields'] === 'hetu'), 'a refused henkilötunnus: the field, not the value');
    t.ok(mine.some((e) => e.action === 'rectification-decision' && e.result === 'refused' && e.detail?.['reason'] === 'decided'), 'the second decision refused');
    t.ok(mine.some((e) => e.action === 'rectification-list' && e.result === 'refused' && e.detail?.['reason'] === 'role'), 'a role refused');
    const audit = JSON.stringify(entries);
    const logged = JSON.stringify(log.lines);
    t.ok(logged.length > 0);
    for (const secret of [NAME, 'Virtanen', HETU, HETU.toLowerCase(), '131052', '308T', 'Kauppakatu', 'vihainen', 'sanasta sanaan', 'Aino']) {
      t.notOk(audit.includes(secret), `the audit log does not hold ${secret}`);
      t.notOk(logged.includes(secret), `the log does not hold ${secret}`);
    }
    await stop();
    const files = rawFiles(storage);
    for (const secret of [NAME, HETU, 'Kauppakatu', 'vihainen', 'sanasta sanaan']) t.notOk(files.includes(Buffer.from(secret)), `the indexer's LevelDB files do not hold ${secret}`);
  });
});

t.test('without a controller section, the certificate says which config is missing', async (t) => {
  const { indexer, person } = await setup(t, { controller: false });
  const officer = await login(indexer, await person('privacy-officer'));
  await officer.get(BASE);
  const id = idOf((await officer.submit(BASE, GOOD)).headers.location)!;
  await officer.get(`${BASE}/${id}`);
  t.equal((await officer.submit(`${BASE}/${id}/decision`, { outcome: 'refused', reasons: REASONS })).statusCode, 303, 'the refusal is recorded all the same');
  const cert = await officer.get(`${BASE}/${id}/certificate`);
  t.equal(cert.statusCode, 503, 'as the privacy notice answers without it');
  t.match(cert.body, /indexer\.yaml[^<]*osio controller/);
  t.notMatch(cert.body, REASONS, 'no incomplete certificate');
  const refusedView = (await collect(indexer.audit.entries())).find((e) => e.action === 'rectification-certificate');
  t.match(refusedView, { result: 'refused', target: id, detail: { reason: 'no-controller' } });
});

// ---------------------------------------------------------------------------------------------
// In chromium, printed to PDF

async function loginIn(page: import('playwright-core').Page, base: string, who: { name: string; secret: string }) {
  await page.goto(`${base}/console/login`);
  await page.getByLabel('Käyttäjätunnus').fill(who.name);
  await page.getByLabel('Salasana').fill(PASSWORD);
  await page.getByRole('button', { name: 'Kirjaudu' }).click();
  await page.getByLabel('Vahvistuskoodi').fill(code(who.secret));
  await page.getByRole('button', { name: 'Vahvista' }).click();
  await page.waitForURL(/\/console\/search$/);
}

t.test('in chromium: record a request, refuse it, print the certificate to PDF', { skip: existsSync(CHROMIUM) ? false : `no ${CHROMIUM}` }, async (t) => {
  const { indexer, person, log } = await setup(t);
  const anna = await person('privacy-officer');
  await indexer.api.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(indexer.api.server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  const page = await (await browser.newContext()).newPage();
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });

  // CONSOLE_SCREENSHOTS=<folder> keeps pictures of the pages and the PDF, for reviewing the layout.
  const shots = process.env['CONSOLE_SCREENSHOTS'];
  const shot = async (name: string) => { if (shots) await page.screenshot({ path: join(shots, name), fullPage: true }); };
  if (shots) await page.setViewportSize({ width: 1280, height: 900 });
  await loginIn(page, base, anna);
  await page.goto(`${base}${BASE}`);
  t.equal(await page.getAttribute('nav.subnav a[aria-current="page"]', 'href'), BASE, 'the registers\' menu, this register current');
  await page.getByLabel('Pyyntö on kirjallinen ja allekirjoitettu').check();
  await page.getByLabel('Asiakkaan nimi').fill(NAME);
  await page.getByLabel('Asiakkaan yhteystiedot').fill(CONTACT);
  await page.getByLabel('Henkilötunnus (vapaaehtoinen)').fill(HETU);
  await page.getByLabel('Mikä tieto on asiakkaan mukaan virheellinen').fill(WHAT);
  await page.getByLabel('Missä tieto on (puhelu tai tallenne)').fill(WHERE);
  await shot('rectification-register.png');
  await page.getByRole('button', { name: 'Kirjaa pyyntö' }).click();
  await page.waitForURL(/\/console\/registers\/rectification\/[0-9a-f-]{36}\?done=recorded$/);
  t.match(await page.textContent('main'), NAME);

  await shot('rectification-request.png');
  await page.getByLabel('Epäämisen syyt').fill(REASONS);
  await page.getByRole('button', { name: 'Kirjaa kieltäytyminen' }).click();
  await page.waitForURL(/\?done=refused$/);
  await page.getByRole('link', { name: 'Avaa todistus tulostettavaksi' }).click();
  await page.waitForURL(/\/certificate$/);
  t.equal(await page.textContent('article.letter h1'), 'Todistus tiedon korjaamisesta kieltäytymisestä', 'the letter\'s title is the page\'s heading');

  await shot('rectification-certificate.png');
  await page.emulateMedia({ media: 'print' });
  t.equal(await page.locator('header.top').isVisible(), false, 'print: no header');
  t.equal(await page.locator('nav.subnav').isVisible(), false, 'print: no registers\' menu');
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-rect-pdf-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const pdf = join(dir, 'todistus.pdf');
  writeFileSync(pdf, await page.pdf({ preferCSSPageSize: true, printBackground: true }));
  if (shots) writeFileSync(join(shots, 'rectification-certificate.pdf'), readFileSync(pdf));
  const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
  t.match(info, /Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)/, "on A4, as the stylesheet says (page.pdf alone would print on Letter)");
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  const today = tr('fi').fmt.date(Date.now());
  for (const [what, s] of [
    ['the controller\'s name', CONTROLLER.name], ['its business ID', 'Y-tunnus 2296962-1'], ['its address', CONTROLLER.address],
    ['the first contact person', 'Liisa Korhonen'], ['their phone', '0295 000 001'], ['the second contact person', 'Pekka Nieminen'],
    ['the register', CONTROLLER.registerName], ['the title', 'Todistus tiedon korjaamisesta kieltäytymisestä'],
    ['the request', WHAT], ['where', WHERE], ['the reasons', REASONS], ['the date', today], ['the decider and the date', `Päätöksen teki ${anna.name} ${today}.`],
    ['the addressee', NAME], ['the appeal', 'tietosuojavaltuutetun'],
  ] as const) {
    t.ok(text.includes(s.replace(/\s+/g, ' ')), `the PDF holds ${what}`);
  }
  for (const [what, s] of [
    ['the sections menu', 'Puheluhaku'], ['the registers\' menu', 'Tarkastuspyynnöt'], ['the log-out button', 'Kirjaudu ulos'], ['the language button', 'English'],
    ['the skip link', 'Siirry pääsisältöön'], ['the way back', 'Takaisin pyyntöön'], ['the print hint', 'Ctrl+P'], ['the footer', 'Puhelutallenteita käsitellään'],
    ['the app name', 'Puhelutallenteet'],
  ] as const) {
    t.notOk(text.includes(s), `the PDF does not hold ${what}`);
  }
  t.same(problems, [], `no errors in the browser console (the CSP included): ${problems.join(' | ')}`);
  const logged = JSON.stringify(log.lines);
  for (const secret of [NAME, HETU, '131052', 'vihainen']) t.notOk(logged.includes(secret), `no ${secret} in the log`);
  const audit = JSON.stringify(await collect(indexer.audit.entries()));
  for (const secret of [NAME, HETU, '131052', 'vihainen']) t.notOk(audit.includes(secret), `no ${secret} in the audit log`);
});
