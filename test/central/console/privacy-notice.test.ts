// The privacy notice (R14, issue 9): rendered in fi and en as a whole document holding the eleven
// sections of the 2015 notice in order (the Finnish headings word for word), the controller's
// facts from the config shown as text; served by the real indexer without a login, 503 naming
// the section without a `controller`; changing when the boxes' reported retention changes; and
// printed to PDF in Debian's chromium with only the notice on paper.
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { AccountsFile, CONSOLE_ACCOUNT_RULES, newTotpSecret } from '../../../src/core/auth/index.js';
import { systemClock } from '../../../src/core/clock.js';
import { DEFAULTS } from '../../../src/core/config/schema.js';
import type { StatusPayload } from '../../../src/core/protocol/messages.js';
import { MAX_RETENTION_MONTHS } from '../../../src/core/retention/index.js';
import { loadIndexerConfig } from '../../../src/central/config.js';
import { Indexer } from '../../../src/central/indexer.js';
import type { Translator } from '../../../src/central/console/i18n/catalogue.js';
import {
  NOTICE_IDENTITY_DOCUMENTS, announcementOf, noticeUnavailablePage, privacyNoticePage, retentionOf, type ControllerFacts, type PrivacyNoticeData,
} from '../../../src/central/console/pages/privacy-notice.js';
import { Box } from '../../../src/box/box.js';
import { startSync } from '../../../src/box/sync/start-sync.js';
import { loadConfig } from '../../../src/core/config/index.js';
import { boxFixture } from '../../helpers/box-fixture.js';
import { centralKeys, indexerConfig } from '../../helpers/central.js';
import { idleBinding } from '../../helpers/idle-binding.js';
import { startMosquitto } from '../../helpers/mosquitto.js';
import { memoryLog } from '../../helpers/log.js';
import { checkDocument, CSRF, keysOfPart, LANGS, NOW, SUPERVISOR, tr, trackingTranslator } from './fixture.js';
import { client, login, PASSWORD } from './inject-client.js';

t.setTimeout(180_000);

const CHROMIUM = '/usr/bin/chromium';
const SEED = new URL('../../../../shared/seed/tietosuojaseloste-2015.txt', import.meta.url);

/** The 2015 notice's numbered headings, word for word ("1 Rekisterinpitäjä" …). */
const HEADINGS_2015 = existsSync(SEED)
  ? readFileSync(SEED, 'utf8').split('\n').map((l) => l.trim()).filter((l) => /^\d{1,2} \p{Lu}/u.test(l))
  : [
      '1 Rekisterinpitäjä', '2 Yhteyshenkilö rekisteriä koskevissa asioissa', '3 Rekisterin nimi', '4 Henkilötietojen käsittelyn tarkoitus',
      '5 Rekisterin tietosisältö', '6 Säännönmukaiset tietolähteet', '7 Tietojen säännönmukaiset luovutukset', '8 Rekisterin suojauksen periaatteet',
      '9 Tietojen luovutus ja tarkastusoikeus', '10 Oikeus vaatia tiedon korjaamista', '11 Muut henkilötietojen käsittelyyn liittyvät oikeudet',
    ];

const HEADINGS_EN = [
  '1 Controller', '2 Contact persons for matters concerning the register', '3 Name of the register', '4 Purpose of processing personal data',
  '5 Contents of the register', '6 Regular sources of data', '7 Regular disclosures of data', '8 Principles of protecting the register',
  '9 Disclosure of data and right of access', '10 Right to have data rectified', '11 Other rights related to the processing of personal data',
];

const CONTROLLER: ControllerFacts = {
  name: 'Kaakkois-Suomen TE-toimisto',
  businessId: '2296962-1',
  address: 'PL 117, 53101 Lappeenranta',
  registerName: 'Asiakaspuheluiden tallennusjärjestelmä',
  contacts: [
    { title: 'Asiantuntija', name: 'Sirpa Valtonen', phone: '02950 42240' },
    { title: 'Asiantuntija', name: 'Timo Valtonen', phone: '02950 42241', email: 'timo.valtonen@example.fi' },
    { name: 'Kirjaamo' },
  ],
  offices: ['Lappeenrannan toimipaikka, Valtakatu 20', 'Kotkan toimipaikka, Keskuskatu 9'],
  disclosures: [{ recipient: 'Työttömyysetuuden maksaja', basis: 'Laki julkisesta työvoima- ja yrityspalvelusta 916/2012' }],
};

/** Config text that must stay text. */
const HOSTILE: ControllerFacts = {
  ...CONTROLLER,
  name: 'TE-toimisto <script>alert(1)</script>',
  offices: ['<img src=x onerror=alert(2)>'],
  disclosures: [{ recipient: 'Kela "&" <b>', basis: "laki' <script>" }],
};

const notice = (tt: Translator, extra: Partial<PrivacyNoticeData> = {}) =>
  String(privacyNoticePage(tt, { controller: CONTROLLER, retention: { kind: 'uniform', months: 2, unreported: 0 }, secondFactor: true, updated: NOW, csrf: CSRF, ...extra }));

/** Every state of the page worth showing. */
const PAGES: Record<string, (tt: Translator) => string> = {
  'every box keeps 2 months': (tt) => notice(tt),
  'boxes differ by site, and within a site': (tt) =>
    notice(tt, {
      retention: {
        kind: 'per-site',
        sites: [{ site: 'kotka', boxes: [{ box: 'ktk-1', months: 4 }] }, { site: 'lappeenranta', boxes: [{ box: 'lpr-1', months: 3 }, { box: 'lpr-2', months: 1 }] }],
        unreported: 2,
      },
    }),
  'no box has reported': (tt) => notice(tt, { retention: { kind: 'default', months: 2 } }),
  'one month, no disclosures, no second factor': (tt) => notice(tt, { retention: { kind: 'uniform', months: 1, unreported: 1 }, controller: { ...CONTROLLER, disclosures: [] }, secondFactor: false }),
  'a logged-in supervisor': (tt) => notice(tt, { user: SUPERVISOR }),
  'the announcement quoted': (tt) => notice(tt, { announcement: 'Puhelut tallennetaan <i>laadun</i> kehittämiseksi.' }),
  'no controller section': (tt) => String(noticeUnavailablePage(tt, { section: 'controller', csrf: CSRF })),
};

const text = (markup: string) => markup.replace(/<[^>]+>/g, '').replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();
/** A served page with its real CSRF token where checkDocument looks for the fixture's. */
const withFixtureToken = (page: string) => page.replace(/name="_csrf" value="[^"]+"/g, `name="_csrf" value="${CSRF}"`);
const headingsOf = (page: string) => [...page.matchAll(/<h2 id="notice-s\d+">([\s\S]*?)<\/h2>/g)].map((m) => text(m[1]!));

t.test('the notice renders in fi and en as a whole document, every message used', async (t) => {
  for (const lang of LANGS) {
    const { t: tt, used } = trackingTranslator(lang);
    for (const [name, draw] of Object.entries(PAGES)) {
      const page = draw(tt);
      checkDocument(t, page, lang, `${name} (${lang})`);
      // The same page from the plain translator: tracking changes nothing.
      t.equal(page, draw(tr(lang)), `${name} (${lang}): the same with the plain translator`);
    }
    t.same(keysOfPart('notice').filter((k) => !used.has(k)), [], `${lang}: no notice message is left unused`);
  }
});

t.test('the eleven sections of the 2015 notice, in order, with its headings', async (t) => {
  t.equal(HEADINGS_2015.length, 11, 'the 2015 notice has eleven numbered sections');
  t.same(headingsOf(notice(tr('fi'))), HEADINGS_2015, 'fi: the 2015 headings word for word, in order');
  t.same(headingsOf(notice(tr('en'))), HEADINGS_EN, 'en: the same sections, translated');
  const fi = text(notice(tr('fi')));
  for (const sub of ['A. Hallinnolliset suojamekanismit', 'B. Tekniset suojamekanismit', 'C. Fyysiset suojamekanismit']) t.match(fi, sub, `8: ${sub}`);
  // The facts of the 2015 notice that the software must keep (R4, R8–R13).
  for (const fact of [
    'Passi', 'Poliisin myöntämä henkilökortti', 'Ajokortti (1.10.1990 jälkeen myönnetty)', 'Kuvallinen Kela-kortti',
    'Kerran vuodessa tapahtuvasta tarkastusoikeuden toteuttamisesta ei peritä maksua.',
    'Tallenteet ovat rekisterinpitäjän omaisuutta, eikä niitä luovuteta ulkopuolisille.',
    'kirjallinen todistus, josta käy ilmi epäämisen syyt',
    'oikeus pyytää puhelun tallennuksen keskeyttämistä',
    'automaattisella äänitiedotteella',
    'Henkilötunnus', 'Y-tunnus', 'Työttömyysturvatiedot',
    'Tietoja saadaan asiakkaalta itseltään puhelimitse.',
    'Tallentimessa on vain julkinen avain', 'toisella tekijällä (kertakäyttökoodi)', 'ketjutettu',
    `enintään ${MAX_RETENTION_MONTHS} kk puhelun alusta`,
  ]) t.match(fi, fact, `fi: ${fact}`);
  // The documents promised are those the access-request register accepts (R10), where it is built.
  const register = await import('../../../src/central/registers/access-types.js').catch(() => undefined);
  if (register) t.same([...NOTICE_IDENTITY_DOCUMENTS], [...register.IDENTITY_DOCUMENTS], 'the register\'s identity documents');
  t.match(fi, /15 artikla[\s\S]*16 artikla[\s\S]*77 artikla/, 'the GDPR articles of access, rectification and complaint');
  t.notMatch(text(notice(tr('fi'), { secondFactor: false })), /kertakäyttökoodi/, 'no second factor is promised when the config does not demand it');
});

t.test('the controller, its contacts, offices and disclosures come from the config, as text', async (t) => {
  for (const lang of LANGS) {
    const page = notice(tr(lang));
    const words = text(page);
    for (const s of [
      CONTROLLER.name, CONTROLLER.businessId, CONTROLLER.address, CONTROLLER.registerName, 'Asiantuntija Sirpa Valtonen', '02950 42240',
      'Asiantuntija Timo Valtonen', 'timo.valtonen@example.fi', 'Kirjaamo', ...CONTROLLER.offices, 'Työttömyysetuuden maksaja', '916/2012',
    ]) t.match(words, s, `${lang}: ${s}`);
    t.match(words, lang === 'fi' ? 'Y-tunnus: 2296962-1' : 'Business ID: 2296962-1');
    t.match(words, lang === 'fi' ? 'Päivitetty 28.11.2026' : 'Updated 2026-11-28', `${lang}: the date it was rendered`);
    // Section 1 before 2 before 3: the facts sit in their sections.
    const at = (s: string) => page.indexOf(s);
    t.ok(at('id="notice-s1"') < at(CONTROLLER.businessId) && at(CONTROLLER.businessId) < at('id="notice-s2"'), `${lang}: the business ID in section 1`);
    t.ok(at('id="notice-s2"') < at('Sirpa Valtonen') && at('Sirpa Valtonen') < at('id="notice-s3"'), `${lang}: the contacts in section 2`);
    t.ok(at('id="notice-s7"') < at('916/2012') && at('916/2012') < at('id="notice-s8"'), `${lang}: the disclosures in section 7`);
    t.ok(at('id="notice-s9"') < at(CONTROLLER.offices[0]!) && at(CONTROLLER.offices[1]!) < at('id="notice-s10"'), `${lang}: the offices in section 9`);
  }
  const hostile = notice(tr('fi'), { controller: HOSTILE });
  t.notMatch(hostile, /<script|<img|<b>/, 'no markup from the config');
  // An escaped `onerror=` is text; no tag carries a handler once quoted values are set aside.
  t.same((hostile.match(/<[a-z][^>]*>/gi) ?? []).filter((tag) => /\son[a-z]+\s*=/i.test(tag.replace(/"[^"]*"/g, '""'))), [], 'no tag with a handler');
  t.match(hostile, 'TE-toimisto &lt;script&gt;alert(1)&lt;/script&gt;', 'the name as text');
  t.match(hostile, '&lt;img src=x onerror=alert(2)&gt;', 'an office as text');
  t.match(hostile, 'Kela &quot;&amp;&quot; &lt;b&gt; (peruste: laki&#39; &lt;script&gt;)', 'a disclosure as text');
});

t.test('the retention: what the boxes report, by site where they differ, the default when none has', async (t) => {
  const fi = tr('fi');
  const en = tr('en');
  const status = (months: unknown) => ({ retentionMonths: months }) as unknown as StatusPayload;
  t.same(retentionOf([]), { kind: 'default', months: DEFAULTS.retention.months });
  const said = (text?: string) => ({ status: { ...status(2), ...(text !== undefined ? { announcementText: text } : {}) } });
  t.equal(announcementOf([said('Puhelut tallennetaan.'), said('Puhelut tallennetaan.'), said()]), 'Puhelut tallennetaan.', 'the boxes that say agree: quoted');
  t.equal(announcementOf([said('Puhelut tallennetaan.'), said('Calls are recorded.')]), undefined, 'boxes that differ: not quoted');
  t.equal(announcementOf([said(' ')]), undefined);
  t.same(retentionOf([{ site: 'a', box: 'b' }, { site: 'a', box: 'c', status: status(undefined) }]), { kind: 'default', months: 2 }, 'boxes that did not say are no report');
  t.same(retentionOf([{ site: 'a', box: 'b', status: status(2) }, { site: 'b', box: 'c', status: status(2) }, { site: 'b', box: 'd' }]), { kind: 'uniform', months: 2, unreported: 1 });
  t.same(retentionOf([{ site: 'a', box: 'b', status: status(13) }, { site: 'a', box: 'c', status: status(2.5) }, { site: 'a', box: 'd', status: status('3') }, { site: 'a', box: 'e', status: status(3) }]), { kind: 'uniform', months: 3, unreported: 3 }, 'a value out of the legal range or not a whole number is no report');
  t.same(
    retentionOf([{ site: 'lpr', box: 'l2', status: status(3) }, { site: 'ktk', box: 'k1', status: status(4) }, { site: 'lpr', box: 'l1', status: status(3) }]),
    { kind: 'per-site', sites: [{ site: 'ktk', boxes: [{ box: 'k1', months: 4 }] }, { site: 'lpr', boxes: [{ box: 'l1', months: 3 }, { box: 'l2', months: 3 }] }], unreported: 0 },
  );

  t.match(text(notice(fi)), 'Puhelutallenteita säilytetään 2 kk puhelun alusta, minkä jälkeen ne hävitetään.');
  t.match(text(notice(en)), 'Call recordings are kept for 2 months from the start of the call and then destroyed.');
  t.match(text(notice(en, { retention: { kind: 'uniform', months: 1, unreported: 0 } })), 'kept for 1 month from');
  const none = text(notice(fi, { retention: retentionOf([]) }));
  t.match(none, 'Puhelutallenteita säilytetään 2 kk puhelun alusta');
  t.match(notice(fi, { retention: retentionOf([]) }), /<p class="muted">Yksikään tallennin ei ole vielä ilmoittanut säilytysaikaansa\. Seloste kertoo tallentimien oletussäilytysajan \(2 kk\)\.<\/p>/, 'the default, said so in a muted note');
  const differ = text(notice(fi, { retention: retentionOf([{ site: 'lappeenranta', box: 'lpr-1', status: status(3) }, { site: 'lappeenranta', box: 'lpr-2', status: status(1) }, { site: 'kotka', box: 'ktk-1', status: status(4) }]) }));
  t.match(differ, 'kotka: 4 kk');
  t.match(differ, 'lappeenranta, tallennin lpr-1: 3 kk');
  t.match(differ, 'lappeenranta, tallennin lpr-2: 1 kk');
  t.match(differ, 'enintään 12 kk puhelun alusta', 'the maximum for single recordings, whatever the boxes keep');
});

// ---- the real indexer ----

const CONTROLLER_YAML = `controller:
  name: Kaakkois-Suomen TE-toimisto
  businessId: 2296962-1
  address: PL 117, 53101 Lappeenranta
  registerName: Asiakaspuheluiden tallennusjärjestelmä
  contacts:
    - { title: Asiantuntija, name: Sirpa Valtonen, phone: 02950 42240 }
    - { title: Asiantuntija, name: Timo Valtonen, phone: 02950 42241 }
  offices: [Lappeenrannan toimipaikka, Kotkan toimipaikka]
  disclosures:
    - { recipient: Työttömyysetuuden maksaja, basis: "Laki julkisesta työvoima- ja yrityspalvelusta 916/2012" }
`;

async function setup(t: Test, withController = true, brokerUrl = 'mqtt://127.0.0.1:1') {
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-notice-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const keys = centralKeys(join(dir, 'keys'));
  const config = await loadIndexerConfig(indexerConfig(dir, keys, { url: brokerUrl, extra: withController ? CONTROLLER_YAML : '' }));
  const log = memoryLog();
  const indexer = await Indexer.start({ config, sealingKey: keys.sealing, commandKey: keys.command.key, clock: systemClock, log: log.log, listen: false });
  t.teardown(() => indexer.stop());
  const accounts = new AccountsFile(config.console.users, { ...CONSOLE_ACCOUNT_RULES, clock: systemClock });
  /** A box's retained status as the broker delivers it, carrying the retention it keeps. */
  const report = (site: string, box: string, months: number) => {
    const status: StatusPayload = {
      ts: Date.now(), boot: 1, version: '0.1.0', uptimeS: 60, lines: [], announcement: 'off', retentionMonths: months,
      capture: { state: 'running', overruns: 0, gapsMs: 0 }, disk: { freeBytes: 1e9, totalBytes: 2e9, usedPercent: 50, level: 'ok' },
      cpu: { load1: 0.1 }, memory: { rssBytes: 1e8, freeBytes: 1e9, totalBytes: 2e9 }, clock: { synced: true }, outbox: { backlog: 0, lastAckedSeq: 0 }, alarms: [],
    };
    indexer.ingest.onMessage(`tallennin/v1/${site}/${box}/status`, Buffer.from(JSON.stringify(status)), true);
  };
  return { indexer, accounts, report, log, keys };
}

const RETAINED = /Puhelutallenteita säilytetään (\d+) kk puhelun alusta/;

t.test('served by the indexer without a login, and changing with the boxes\' retention', async (t) => {
  const { indexer, accounts, report } = await setup(t);
  const anyone = client(indexer);

  const first = await anyone.get('/console/privacy-notice');
  t.equal(first.statusCode, 200, 'no session needed');
  t.match(first.headers['content-type'], /text\/html/);
  t.match(first.headers['content-security-policy'], /default-src 'none'|default-src/, 'the console\'s CSP');
  checkDocument(t, withFixtureToken(first.body), 'fi', 'served');
  const words = text(first.body);
  for (const s of ['Kaakkois-Suomen TE-toimisto', 'Y-tunnus: 2296962-1', 'PL 117, 53101 Lappeenranta', 'Asiantuntija Sirpa Valtonen', 'puh. 02950 42241', 'Kotkan toimipaikka', '916/2012']) t.match(words, s);
  t.same(headingsOf(first.body), HEADINGS_2015, 'the eleven sections');
  t.equal(RETAINED.exec(words)?.[1], '2', 'no box yet: the default 2 months');
  t.match(words, 'Yksikään tallennin ei ole vielä ilmoittanut', 'and says so');
  t.notMatch(first.body, /<nav class="sections"/, 'no one logged in: no sections');

  report('lappeenranta', 'lpr-1', 2);
  const two = text((await anyone.get('/console/privacy-notice')).body);
  t.equal(RETAINED.exec(two)?.[1], '2', 'the box keeps 2 months');
  t.notMatch(two, /Yksikään tallennin/, 'reported, not the default');

  report('lappeenranta', 'lpr-1', 3);
  const three = text((await anyone.get('/console/privacy-notice')).body);
  t.equal(RETAINED.exec(three)?.[1], '3', 'set to 3 months: the notice says 3 kk');
  t.notMatch(three, /säilytetään 2 kk/, 'and no longer 2');

  report('kotka', 'ktk-1', 4);
  const differ = (await anyone.get('/console/privacy-notice')).body;
  const differWords = text(differ);
  t.notMatch(differWords, RETAINED, 'no single period when the boxes differ');
  t.match(differWords, 'Puhelutallenteita säilytetään puhelun alusta toimipaikan mukaan seuraavasti');
  t.match(differ, /<li>kotka: 4 kk<\/li>\s*<li>lappeenranta: 3 kk<\/li>/, 'the months per site');
  t.match(differWords, 'enintään 12 kk puhelun alusta');

  // The public switches language like anyone on the console: a form with its token, no login.
  const en = await anyone.submit('/console/language', { lang: 'en', back: '/console/privacy-notice' });
  t.equal(en.statusCode, 303);
  t.equal(en.headers.location, '/console/privacy-notice');
  const english = await anyone.get('/console/privacy-notice');
  checkDocument(t, withFixtureToken(english.body), 'en', 'served in English');
  t.same(headingsOf(english.body), HEADINGS_EN);
  t.match(text(english.body), /kotka: 4 months.*lappeenranta: 3 months/);

  // A logged-in person reads the same notice in their own frame.
  const secret = newTotpSecret();
  await accounts.add('liisa', 'supervisor', PASSWORD, { sites: ['lappeenranta'], totp: secret });
  const liisa = await login(indexer, { name: 'liisa', secret });
  const framed = await liisa.get('/console/privacy-notice');
  t.equal(framed.statusCode, 200);
  t.match(framed.body, /<nav class="sections"/, 'their sections');
  t.match(text(framed.body), 'kotka: 4 kk', 'every site\'s retention, whoever reads it');
});

t.test('over mosquitto: an admin sets a real box\'s retention, and the notice says so at once', async (t) => {
  const broker = await startMosquitto();
  t.teardown(() => broker.stop());
  const { indexer, accounts, keys } = await setup(t, true, broker.url);
  const f = boxFixture({ infile: '/dev/null', channels: 1 });
  t.teardown(() => rmSync(f.dir, { recursive: true, force: true }));
  // The status interval is an hour: only the report after the command can bring the new months.
  writeFileSync(
    f.config,
    readFileSync(f.config, 'utf8').replace(/publicKey: [^ }]+/, `publicKey: ${keys.controllerPub}`) +
      `mqtt: { url: "${broker.url}", commandKeys: [${keys.commandPub}], keepaliveS: 5, reconnectMaxS: 1, statusIntervalS: 3600 }\n`,
  );
  const config = await loadConfig(f.config);
  const boxLog = memoryLog();
  const box = await Box.start({ config, sealTo: keys.sealTo, log: boxLog.log, binding: idleBinding });
  const sync = await startSync(box, config.mqtt!, { site: 'testsite', box: 'test-1', clock: systemClock, log: boxLog.log });
  t.teardown(async () => {
    await sync.stop();
    await box.stop();
  });
  const months = async () => RETAINED.exec(text((await client(indexer).get('/console/privacy-notice')).body))?.[1];
  const reported = async (want: string, what: string) => {
    const deadline = Date.now() + 15_000;
    while ((await months()) !== want) {
      if (Date.now() > deadline) throw new Error(`${what}: the notice still says ${await months()} months`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  // 2 months is also the default said before any box reports: wait for the box's own status.
  const quote = `äänitiedotteella: ”${config.announcement.text}”`;
  const page = async () => text((await client(indexer).get('/console/privacy-notice')).body);
  for (const deadline = Date.now() + 15_000; !(await page()).includes(quote); await new Promise((r) => setTimeout(r, 50))) {
    if (Date.now() > deadline) throw new Error('the box\'s first status never reached the notice');
  }
  await reported('2', 'the box\'s first status');
  const first = await page();
  t.notMatch(first, /Yksikään tallennin ei ole vielä ilmoittanut/, 'the box has reported');
  t.equal(RETAINED.exec(first)?.[1], '2', 'the box\'s configured 2 months, from its status');
  t.match(first, quote, 'section 11 quotes the announcement the box is configured with');

  const secret = newTotpSecret();
  await accounts.add('aino', 'admin', PASSWORD, { totp: secret });
  const admin = await login(indexer, { name: 'aino', secret });
  const fleet = await admin.get('/console/fleet');
  const set = await admin.post('/console/fleet/testsite/test-1/commands/set-retention', { months: '6', _csrf: admin.csrfOf(fleet.body) });
  t.equal(set.statusCode, 200, 'the box did it');
  t.equal(box.retentionMonths, 6);
  const started = Date.now();
  await reported('6', 'after set-retention');
  t.ok(Date.now() - started < 15_000, `the notice says 6 kk ${Date.now() - started} ms after the command, not at the next hourly status`);
});

t.test('without a controller section: 503 and an alert naming it, never a half notice', async (t) => {
  const { indexer, log } = await setup(t, false);
  const r = await client(indexer).get('/console/privacy-notice');
  t.equal(r.statusCode, 503);
  checkDocument(t, withFixtureToken(r.body), 'fi', 'no controller');
  t.match(r.body, /<p class="alert" role="alert">Tietosuojaselostetta ei voida muodostaa, koska indeksoijan asetuksista puuttuu rekisterinpitäjän tiedot \(osio controller\)\./);
  t.notMatch(r.body, /notice-s\d|Rekisterinpitäjä</, 'no section of the notice');
  t.ok(log.lines.some((l) => l['section'] === 'controller' && /privacy notice cannot be rendered/.test(String(l['msg']))), 'the indexer\'s log says so at start');
});

t.test('in chromium: printed to PDF, only the notice is on paper', { skip: existsSync(CHROMIUM) ? false : `no ${CHROMIUM}` }, async (t) => {
  const { indexer, accounts, report } = await setup(t);
  report('lappeenranta', 'lpr-1', 3);
  report('kotka', 'ktk-1', 3);
  const secret = newTotpSecret();
  await accounts.add('liisa', 'supervisor', PASSWORD, { sites: ['lappeenranta'], totp: secret });
  // Logged in, so that there is a navigation for the print to leave out.
  const liisa = await login(indexer, { name: 'liisa', secret });
  await indexer.api.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(indexer.api.server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  const context = await browser.newContext();
  await context.addCookies([...liisa.jar].map(([name, value]) => ({ name, value, domain: '127.0.0.1', path: '/console' })));
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });

  const res = await page.goto(`${base}/console/privacy-notice`);
  t.equal(res?.status(), 200);
  t.ok(await page.getByRole('navigation', { name: 'Päävalikko' }).isVisible(), 'on screen: the navigation');
  t.ok(await page.getByText('Ctrl+P').isVisible(), 'on screen: the print hint');

  await page.emulateMedia({ media: 'print' });
  t.notOk(await page.getByRole('navigation', { name: 'Päävalikko' }).isVisible(), 'in print: no navigation');
  const colours = await page.evaluate(() => {
    const main = document.querySelector('.privacy-notice')!;
    return { ink: getComputedStyle(main).color, paper: getComputedStyle(document.body).backgroundColor };
  });
  t.same(colours, { ink: 'rgb(0, 0, 0)', paper: 'rgb(255, 255, 255)' }, 'in print: black on white');

  const dir = mkdtempSync(join(tmpdir(), 'tallennin-notice-pdf-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const pdf = join(dir, 'tietosuojaseloste.pdf');
  writeFileSync(pdf, await page.pdf({ preferCSSPageSize: true }));
  // NOTICE_PDF=FILE keeps the printed notice, to look at.
  if (process.env['NOTICE_PDF']) copyFileSync(pdf, process.env['NOTICE_PDF']);
  const out = spawnSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' });
  t.equal(out.status, 0, out.stderr);
  const paper = out.stdout.replace(/\s+/g, ' ');
  for (const s of ['Tietosuojaseloste', 'Kaakkois-Suomen TE-toimisto', '2296962-1', 'Asiantuntija Sirpa Valtonen', ...HEADINGS_2015]) t.match(paper, s, `on paper: ${s}`);
  t.match(paper, 'Puhelutallenteita säilytetään 3 kk puhelun alusta, minkä jälkeen ne hävitetään.', 'on paper: the retention sentence');
  t.match(paper, 'kuitenkin enintään 12 kk puhelun alusta', 'on paper: the maximum');
  for (const s of ['Puheluhaku', 'Koulutusprojektit', 'Kirjautuneena', 'Kirjaudu ulos', 'Siirry pääsisältöön', 'English', 'Ctrl+P']) t.notMatch(paper, s, `not on paper: ${s}`);
  t.same(problems, [], `no errors in the browser console (the CSP included): ${problems.join(' | ')}`);
});
