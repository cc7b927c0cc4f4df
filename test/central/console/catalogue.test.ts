// The message catalogue: every language says everything the master says, with the same blanks;
// a spoilt file is named with its key; a new language is a folder, not a code change.
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { CatalogueError, loadCatalogues, pickLanguage, placeholdersOf, translator } from '../../../src/central/console/i18n/catalogue.js';
import { loginPage } from '../../../src/central/console/pages/login.js';
import { CATALOGUES, catalogueCopy, CSRF, NOW, SRC_I18N, tr } from './fixture.js';

const read = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, string>;
const write = (dir: string, file: string, messages: Record<string, string>) => writeFileSync(join(dir, file), JSON.stringify(messages, null, 2));
/** A language's messages, all its files merged. */
const readLang = (dir: string, code: string) =>
  Object.assign({}, ...readdirSync(join(dir, code)).filter((f) => f.endsWith('.json')).map((f) => read(dir, `${code}/${f}`))) as Record<string, string>;

t.test('fi and en hold the same keys with the same placeholders, file for file', async (t) => {
  const fi = readLang(SRC_I18N, 'fi');
  const en = readLang(SRC_I18N, 'en');
  t.same(Object.keys(en).sort(), Object.keys(fi).sort(), 'the same keys');
  for (const key of Object.keys(fi)) {
    t.same([...placeholdersOf(en[key]!)].sort(), [...placeholdersOf(fi[key]!)].sort(), `placeholders of ${key}`);
  }
  t.same(readdirSync(join(SRC_I18N, 'en')).sort(), readdirSync(join(SRC_I18N, 'fi')).sort(), 'the same files');
  t.same([...CATALOGUES.languages.keys()], ['fi', 'en'], 'the master first');
  t.equal(CATALOGUES.master, 'fi');
});

t.test('a missing key is an error naming the file to add it to and the key', async (t) => {
  const dir = catalogueCopy(t);
  const en = read(dir, 'en/call.json');
  delete en['hold.cap'];
  write(dir, 'en/call.json', en);
  const err = t.throws(() => loadCatalogues(dir)) as unknown as CatalogueError;
  t.type(err, CatalogueError);
  t.equal(err.file, 'en/call.json');
  t.equal(err.key, 'hold.cap');
  t.equal(err.code, 'TAL_CONFIG_INVALID');
  t.match(err.message, /en\/call\.json.*"hold\.cap".*missing \(the master fi\/call\.json has it\)/);
});

t.test('an extra key, or one key in two files, is an error naming the file and the key', async (t) => {
  const dir = catalogueCopy(t);
  write(dir, 'en/search.json', { ...read(dir, 'en/search.json'), 'search.titel': 'Search' });
  t.throws(() => loadCatalogues(dir), { file: 'en/search.json', key: 'search.titel', message: /not in the master fi\// });

  write(dir, 'en/search.json', read(SRC_I18N, 'en/search.json'));
  write(dir, 'fi/search.json', { ...read(dir, 'fi/search.json'), 'hold.cap': 'x {date}' });
  t.throws(() => loadCatalogues(dir), { file: 'fi/search.json', key: 'hold.cap', message: /also in fi\/call\.json/ });
});

t.test('placeholders must match the master per key', async (t) => {
  const dir = catalogueCopy(t);
  write(dir, 'en/call.json', { ...read(dir, 'en/call.json'), 'hold.cap': 'At most 12 months from the call start: until {until}.' });
  t.throws(() => loadCatalogues(dir), { file: 'en/call.json', key: 'hold.cap', message: /placeholders \{until\} differ from the master's \{date\}/ });

  write(dir, 'en/call.json', { ...read(SRC_I18N, 'en/call.json'), 'holds.release': 'Release hold' });
  t.throws(() => loadCatalogues(dir), { key: 'holds.release', message: /placeholders none differ from the master's \{caseRef\}/ });
});

t.test('a spoilt file, an empty message, a misnamed folder or no master is refused by name', async (t) => {
  const dir = catalogueCopy(t);
  writeFileSync(join(dir, 'en/login.json'), '{ "language.name": "English", ');
  t.throws(() => loadCatalogues(dir), { file: 'en/login.json', code: 'TAL_CONFIG_UNREADABLE' });

  write(dir, 'en/login.json', read(SRC_I18N, 'en/login.json'));
  write(dir, 'en/common.json', { ...read(SRC_I18N, 'en/common.json'), 'app.name': '  ' });
  t.throws(() => loadCatalogues(dir), { file: 'en/common.json', key: 'app.name', message: /empty/ });

  write(dir, 'en/common.json', read(SRC_I18N, 'en/common.json'));
  renameSync(join(dir, 'en'), join(dir, 'en_GB'));
  t.throws(() => loadCatalogues(dir), { file: 'en_GB/', message: /not a language code/ });

  renameSync(join(dir, 'en_GB'), join(dir, 'en'));
  mkdirSync(join(dir, 'sv'));
  t.throws(() => loadCatalogues(dir), { file: 'sv/', message: /holds no \.json/ });

  renameSync(join(dir, 'sv'), join(dir, 'tmp-empty-ignored'));
  renameSync(join(dir, 'fi'), join(dir, 'suomi.txt'));
  t.throws(() => loadCatalogues(dir), { file: 'fi/', message: /master is missing/ });
});

t.test('an sv/ folder dropped beside fi/ is a language, with no code change', async (t) => {
  const dir = catalogueCopy(t);
  // A translator's Swedish: a copy of fi/, every key, the same blanks (here marked so the test can see them used).
  cpSync(join(dir, 'fi'), join(dir, 'sv'), { recursive: true });
  for (const f of readdirSync(join(dir, 'sv'))) {
    const sv = Object.fromEntries(Object.entries(read(dir, `sv/${f}`)).map(([k, v]) => [k, `[sv] ${v}`]));
    if ('language.name' in sv) Object.assign(sv, { 'language.name': 'svenska', 'layout.title': '{page} – Samtalsinspelningar' });
    if ('login.title' in sv) sv['login.title'] = 'Logga in';
    write(dir, `sv/${f}`, sv);
  }
  const cats = loadCatalogues(dir);
  t.same([...cats.languages.keys()], ['fi', 'en', 'sv']);

  const sw = translator(cats, 'sv');
  t.equal(sw.lang, 'sv');
  t.equal(sw('login.title'), 'Logga in');
  t.same(sw.languages.map((l) => l.name), ['suomi', 'English', 'svenska']);
  t.match(sw.fmt.dateTime(NOW), /2026/, 'dates in Finland-Swedish, from Intl');
  t.match(sw.fmt.decimal(0.82, 2), /^0,82$/, 'a decimal comma, as in Finland');

  const page = String(loginPage(sw, { csrf: CSRF, step: 'password' }));
  t.match(page, /<html lang="sv">/);
  t.match(page, /<title>Logga in – Samtalsinspelningar<\/title>/, 'the Swedish title');
  // The Finnish page now offers Swedish, by its own name, in the language switch.
  const fiPage = String(loginPage(translator(cats, 'fi'), { csrf: CSRF, step: 'password' }));
  t.match(fiPage, /<button type="submit" name="lang" value="sv" lang="sv">svenska<\/button>/);
  t.match(fiPage, /<button type="submit" name="lang" value="en" lang="en">English<\/button>/);
  t.notMatch(fiPage, /value="fi" lang="fi"/, 'not the language already shown');
});

t.test('t fills placeholders, returns text as written, and refuses what the catalogue lacks', async (t) => {
  const fi = tr('fi');
  t.equal(fi('hold.until.hint', { date: '28.11.2027' }), 'Viimeinen mahdollinen päivä on 28.11.2027.');
  t.equal(fi('holds.release', { caseRef: '<b>' }), 'Lopeta jatko (asia <b>)', 'text, not markup: escaping is the template\'s');
  t.throws(() => fi('no.such.key'), /no message "no\.such\.key"/);
  t.throws(() => fi('hold.until.hint'), /needs \{date\}/);
  t.ok(fi.has('app.name'));
  t.notOk(fi.has('app.nam'));
  t.equal(translator(CATALOGUES, 'de').lang, 'fi', 'an unknown language falls back to the master');
  t.equal(pickLanguage(CATALOGUES, undefined, 'DE', ' EN '), 'en');
  t.equal(pickLanguage(CATALOGUES, 'sv'), 'fi');
});

t.test('times are Finnish time: d.M.yyyy HH.mm in Finnish, ISO-like in English', async (t) => {
  const fi = tr('fi').fmt;
  const en = tr('en').fmt;
  const winter = Date.UTC(2026, 0, 5, 7, 4); // 9.04 EET
  const summer = Date.UTC(2026, 6, 15, 21, 30); // 0.30 next day EEST
  t.equal(fi.dateTime(winter), '5.1.2026 09.04');
  t.equal(en.dateTime(winter), '2026-01-05 09:04');
  t.equal(fi.dateTime(summer), '16.7.2026 00.30', 'summer time, past midnight');
  t.equal(en.date(summer), '2026-07-16');
  t.equal(fi.time(winter), '09.04');
  t.equal(fi.decimal(0.816, 2), '0,82');
  t.equal(en.decimal(0.816, 2), '0.82');
  t.equal(fi.duration(12_400), '12 s');
  t.equal(fi.duration(252_000), '4 min 12 s');
  t.equal(en.duration(3_725_000), '1 h 2 min');
});
