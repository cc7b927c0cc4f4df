// The message catalogue: every language says everything the master says, with the same blanks;
// a spoilt file is named with its key; a new language is a file, not a code change.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { CatalogueError, loadCatalogues, pickLanguage, placeholdersOf, translator } from '../../../src/central/console/i18n/catalogue.js';
import { loginPage } from '../../../src/central/console/pages/login.js';
import { CATALOGUES, catalogueCopy, CSRF, NOW, SRC_I18N, tr } from './fixture.js';

const read = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, string>;
const write = (dir: string, file: string, messages: Record<string, string>) => writeFileSync(join(dir, file), JSON.stringify(messages, null, 2));

t.test('fi and en hold the same keys with the same placeholders', async (t) => {
  const fi = read(SRC_I18N, 'fi.json');
  const en = read(SRC_I18N, 'en.json');
  t.same(Object.keys(en).sort(), Object.keys(fi).sort(), 'the same keys');
  for (const key of Object.keys(fi)) {
    t.same([...placeholdersOf(en[key]!)].sort(), [...placeholdersOf(fi[key]!)].sort(), `placeholders of ${key}`);
  }
  t.same([...CATALOGUES.languages.keys()], ['fi', 'en'], 'the master first');
  t.equal(CATALOGUES.master, 'fi');
});

t.test('a missing key is an error naming the file and the key', async (t) => {
  const dir = catalogueCopy(t);
  const en = read(dir, 'en.json');
  delete en['hold.cap'];
  write(dir, 'en.json', en);
  const err = t.throws(() => loadCatalogues(dir)) as unknown as CatalogueError;
  t.type(err, CatalogueError);
  t.equal(err.file, 'en.json');
  t.equal(err.key, 'hold.cap');
  t.equal(err.code, 'TAL_CONFIG_INVALID');
  t.match(err.message, /en\.json.*"hold\.cap".*missing/);
});

t.test('an extra key is an error naming the file and the key', async (t) => {
  const dir = catalogueCopy(t);
  write(dir, 'en.json', { ...read(dir, 'en.json'), 'search.titel': 'Search' });
  t.throws(() => loadCatalogues(dir), { file: 'en.json', key: 'search.titel', message: /not in the master fi\.json/ });
});

t.test('placeholders must match the master per key', async (t) => {
  const dir = catalogueCopy(t);
  write(dir, 'en.json', { ...read(dir, 'en.json'), 'hold.cap': 'At most 12 months from the call start: until {until}.' });
  t.throws(() => loadCatalogues(dir), { file: 'en.json', key: 'hold.cap', message: /placeholders \{until\} differ from the master's \{date\}/ });

  write(dir, 'en.json', { ...read(SRC_I18N, 'en.json'), 'holds.release': 'Release hold' });
  t.throws(() => loadCatalogues(dir), { key: 'holds.release', message: /placeholders none differ from the master's \{caseRef\}/ });
});

t.test('a spoilt or misnamed file is named', async (t) => {
  const dir = catalogueCopy(t);
  writeFileSync(join(dir, 'en.json'), '{ "language.name": "English", ');
  t.throws(() => loadCatalogues(dir), { file: 'en.json', code: 'TAL_CONFIG_UNREADABLE' });

  write(dir, 'en.json', { ...read(SRC_I18N, 'en.json'), 'app.name': '  ' });
  t.throws(() => loadCatalogues(dir), { file: 'en.json', key: 'app.name', message: /empty/ });

  write(dir, 'en.json', read(SRC_I18N, 'en.json'));
  renameSync(join(dir, 'en.json'), join(dir, 'en_GB.json'));
  t.throws(() => loadCatalogues(dir), { file: 'en_GB.json', message: /not a language code/ });

  renameSync(join(dir, 'en_GB.json'), join(dir, 'en.json'));
  renameSync(join(dir, 'fi.json'), join(dir, 'suomi.txt'));
  t.throws(() => loadCatalogues(dir), { file: 'fi.json', message: /master is missing/ });
});

t.test('a sv.json dropped into the folder is a language, with no code change', async (t) => {
  const dir = catalogueCopy(t);
  // A translator's Swedish: every key, the same blanks (here marked so the test can see them used).
  const sv = Object.fromEntries(Object.entries(read(dir, 'fi.json')).map(([k, v]) => [k, `[sv] ${v}`]));
  sv['language.name'] = 'svenska';
  sv['login.title'] = 'Logga in';
  sv['layout.title'] = '{page} – Samtalsinspelningar';
  write(dir, 'sv.json', sv);
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
