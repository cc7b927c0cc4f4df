// Every page in every language: a whole document with its landmarks, every field labelled,
// every POST form carrying the CSRF token, and what each page must say.
import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import type { Translator } from '../../../src/central/console/i18n/catalogue.js';
import { callPage, errorPage, loginPage, searchPage } from '../../../src/central/console/pages/index.js';
import type { CallView, ConsoleRole } from '../../../src/central/console/pages/types.js';
import { callData, CATALOGUES, checkDocument, CSRF, DAY, keysOfPart, LANGS, NOW, postForms, searchData, SUPERVISOR, tr, trackingTranslator } from './fixture.js';

type Render = (t: Translator) => string;

const consoleSources = (): string[] =>
  (readdirSync('src/central/console', { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => `src/central/console/${f}`);

/** Every page in every state worth showing. */
const PAGES: Record<string, Render> = {
  'login, password': (t) => String(loginPage(t, { csrf: CSRF, step: 'password', name: 'maija', error: 'Wrong name or password.' })),
  'login, code': (t) => String(loginPage(t, { csrf: CSRF, step: 'totp', name: 'maija' })),
  'search, results and live calls': (t) => String(searchPage(t, searchData())),
  'search, empty and refused': (t) => String(searchPage(t, searchData({ results: [], next: undefined, live: [], liveAt: undefined, query: {}, error: 'The time window is reversed.' }))),
  'search, a field refused': (t) => String(searchPage(t, searchData({ error: { field: 'to', message: t('search.error.window') } }))),
  'call, listen form': (t) => String(callPage(t, callData())),
  'call, playing': (t) => String(callPage(t, callData({ listen: { purpose: 'complaint', caseRef: 'VN/123/2026', audioUrl: '/console/calls/x/audio?grant=abc' }, notice: 'Listening logged.' }))),
  'call, held, central copy, box offline, from a project': (t) => String(callPage(t, callData({ copyUntil: NOW + 300 * DAY, via: 'projects', boxOnline: { online: false, lastSeen: NOW - DAY }, purposes: ['training'] }))),
  'call, playing from the copy': (t) => String(callPage(t, callData({ copyUntil: NOW + 300 * DAY, listen: { purpose: 'complaint', caseRef: 'VN/1', audioUrl: '/console/calls/x/audio?grant=abc', fromCopy: true } }))),
  'call, in a training project, more projects than forms': (t) => String(callPage(t, callData({
    holds: [{ ...callData().holds[0]!, reason: 'quality-project', caseRef: 'KOUL-1' }],
    training: { in: [{ id: 'p-1', name: 'Palvelu <i>2026</i>', caseRef: 'KOUL-1' }], canAdd: Array.from({ length: 12 }, (_, i) => ({ id: `p-${i + 2}`, name: `Projekti ${i + 2}`, caseRef: `K-${i}` })) },
  }))),
  'call, held by an access request and a disclosure': (t) => String(callPage(t, callData({
    holds: [{ ...callData().holds[0]!, reason: 'access-request', caseRef: 'TP-2026-0003' }, { ...callData().holds[0]!, reason: 'disclosure', caseRef: 'disclosure-7f3a' }],
  }))),
  'call, in no project': (t) => String(callPage(t, callData({ training: { in: [], canAdd: [] } }))),
  'call, box offline': (t) => String(callPage(t, callData({ boxOnline: { online: false, lastSeen: NOW - 3 * 3_600_000 } }))),
  'call, box never seen': (t) => String(callPage(t, callData({ boxOnline: { online: false } }))),
  'call, no rights': (t) => String(callPage(t, callData({ canListen: false, canHold: false, user: { name: 'Aino', role: 'admin' } }))),
  'call, destroyed': (t) => String(callPage(t, callData({ call: { ...callData().call, deleted: { at: NOW - DAY, reason: 'early-deletion' } }, holds: [] }))),
  'call, refused hold': (t) => String(callPage(t, callData({ error: 'A hold cannot reach past the cap.', holds: [] }))),
  'error 404': (t) => String(errorPage(t, { status: 404, message: 'No such call.', user: SUPERVISOR, csrf: CSRF })),
  'error 500, logged out': (t) => String(errorPage(t, { status: 502, message: 'The indexer failed.' })),
  'error 418': (t) => String(errorPage(t, { status: 418, message: 'Odd.' })),
};

t.test('every page renders in fi and en as a whole, labelled, protected document', async (t) => {
  for (const lang of LANGS) {
    for (const [name, render] of Object.entries(PAGES)) {
      const page = render(tr(lang));
      const what = `${name} (${lang})`;
      checkDocument(t, page, lang, what);
    }
  }
});

t.test('the header offers the sections of the role, the current one marked', async (t) => {
  const nav = (role: ConsoleRole) => {
    const page = String(errorPage(tr('en'), { status: 404, message: 'x', user: { name: 'n', role }, csrf: CSRF }));
    return [...page.matchAll(/<nav class="sections"[\s\S]*?<\/nav>/g)].join('').match(/href="[^"]+"/g);
  };
  t.same(nav('supervisor'), ['href="/console/search"', 'href="/console/projects"', 'href="/console/fleet"']);
  t.same(nav('privacy-officer'), ['href="/console/search"', 'href="/console/projects"', 'href="/console/registers"', 'href="/console/audit"']);
  t.same(nav('trainer'), ['href="/console/projects"'], 'a trainer reaches recordings through training projects, not search');
  t.same(nav('admin'), ['href="/console/fleet"'], 'an admin never searches');

  const search = String(searchPage(tr('en'), searchData()));
  t.match(search, /<a href="\/console\/search" aria-current="page">Search calls<\/a>/);
  t.match(search, /<p>Signed in as Maija Esihenkilö \(supervisor\)<\/p>/);
  t.match(search, /<form method="post" action="\/console\/logout" class="inline"><input type="hidden" name="_csrf" value="csrf-token-abc"><button type="submit">Log out<\/button><\/form>/);
  t.match(search, /<button type="submit" name="lang" value="fi" lang="fi">suomi<\/button>/);

  const login = String(loginPage(tr('fi'), { csrf: CSRF, step: 'password' }));
  t.notMatch(login, /class="sections"|\/console\/logout/, 'no sections and no logout before login');
});

t.test('login: autocomplete and a numeric code field', async (t) => {
  const pw = String(loginPage(tr('fi'), { csrf: CSRF, step: 'password', name: 'maija', error: 'Väärä käyttäjätunnus tai salasana.' }));
  t.match(pw, /<p class="alert" role="alert">Väärä käyttäjätunnus tai salasana\.<\/p>/);
  t.match(pw, /<label for="login-name">Käyttäjätunnus<\/label><input id="login-name" name="name" type="text" value="maija" autocomplete="username"/);
  t.match(pw, /<input id="login-password" name="password" type="password" autocomplete="current-password"/);
  t.match(pw, /action="\/console\/login"/);
  t.notMatch(String(loginPage(tr('fi'), { csrf: CSRF, step: 'password' })), /role="alert"/);

  const code = String(loginPage(tr('en'), { csrf: CSRF, step: 'totp', name: 'maija' }));
  t.match(code, /<input id="login-code" name="code" type="text" autocomplete="one-time-code" inputmode="numeric" maxlength="6" pattern="\[0-9\]\{6\}" required aria-describedby="login-code-hint">/);
  t.match(code, /action="\/console\/login\/code"/);
  t.match(code, /Logging in as maija\./);
  t.notMatch(code, /type="password"/);
});

t.test('search: a GET form with every filter, a captioned table, paging and live calls', async (t) => {
  const page = String(searchPage(tr('en'), searchData()));
  const form = /<form method="get" action="\/console\/search"[\s\S]*?<\/form>/.exec(page)?.[0] ?? '';
  t.ok(form, 'a GET form');
  t.notMatch(form, /_csrf/, 'a search changes nothing: no token in its URL');
  for (const [id, name, type] of [
    ['q-from', 'from', 'datetime-local'], ['q-to', 'to', 'datetime-local'], ['q-line', 'line', 'text'], ['q-number', 'number', 'tel'],
    ['q-minSeconds', 'minSeconds', 'number'], ['q-maxSeconds', 'maxSeconds', 'number'],
  ]) t.match(form, new RegExp(`<input id="${id}" name="${name}" type="${type}"`), `${name} as ${type}`);
  t.match(form, /<input id="q-from" name="from" type="datetime-local" value="2026-11-01T08:00"/, 'the filters as typed');
  for (const [id, name] of [['q-site', 'site'], ['q-direction', 'direction'], ['q-held', 'held'], ['q-notice', 'notice']]) {
    t.match(form, new RegExp(`<select id="${id}" name="${name}"`), `${name} select`);
  }
  const siteSelect = /<select id="q-site"[\s\S]*?<\/select>/.exec(form)![0];
  t.same([...siteSelect.matchAll(/value="([^"]*)"/g)].map((m) => m[1]), ['', 'lappeenranta', 'kotka'], 'only the given sites');
  t.match(siteSelect, /<option value="lappeenranta" selected>/);
  const noticeSelect = /<select id="q-notice"[\s\S]*?<\/select>/.exec(form)![0];
  t.same([...noticeSelect.matchAll(/value="([^"]*)"/g)].map((m) => m[1]), ['', 'played', 'heard', 'not-heard', 'not-played', 'not-applicable']);
  t.match(noticeSelect, /<option value="not-heard" selected>Notice not heard<\/option>/);
  t.same([...(/<select id="q-held"[\s\S]*?<\/select>/.exec(form)![0]).matchAll(/value="([^"]*)"/g)].map((m) => m[1]), ['', 'yes', 'no']);
  t.same([...(/<select id="q-direction"[\s\S]*?<\/select>/.exec(form)![0]).matchAll(/value="([^"]*)"/g)].map((m) => m[1]), ['', 'incoming', 'outgoing', 'unknown']);

  t.match(page, /<caption id="results-caption">Calls, newest first: 5 on this page<\/caption>/);
  t.equal((page.match(/<th scope="col">/g) ?? []).length, 7, 'column headers with scope');
  t.match(page, /<td class="num"><a href="\/console\/calls\/019ac9d2-0000-7000-8000-000000000001">2026-11-26 12:05<\/a><\/td>/, 'each row links to its call');
  t.match(page, /<span class="flag missed">Notice not heard<\/span>/, 'a missed notice in words, not colour alone');
  t.match(page, /On hold until 2027-06-16/);
  t.match(page, /Destroyed on 2026-11-27/);
  t.match(page, /1 h 2 min/);
  t.match(page, /No information on the notice/);

  const next = /<a href="([^"]+)" rel="next">Next page<\/a>/.exec(page)?.[1]?.replace(/&amp;/g, '&');
  t.ok(next, 'a next-page link');
  const url = new URL(next!, 'https://x');
  t.equal(url.pathname, '/console/search');
  t.equal(url.searchParams.get('cursor'), 'eyJzIjoxfQ');
  t.same(Object.fromEntries([...url.searchParams].filter(([k]) => k !== 'cursor')), searchData().query, 'the same filters');

  const liveSection = /<section id="live"[\s\S]*?<\/section>/.exec(page)?.[0] ?? '';
  t.match(liveSection, /<li>lappeenranta, recorder box-1, line line-1: in progress since 12:03<\/li>/);
  t.match(liveSection, /aria-live="polite"/);
  t.match(liveSection, /As of 12:05\./);

  const refused = String(searchPage(tr('fi'), searchData({ error: { field: 'number', message: 'Puhelinnumerossa on oltava 3–20 numeroa.' } })));
  t.match(refused, /<p class="alert" role="alert" id="search-error">Puhelinnumerossa on oltava 3–20 numeroa\. <a href="#q-number">Siirry kenttään: Soittajan tai vastaanottajan numero<\/a><\/p>/);
  t.match(refused, /<input id="q-number" name="number" type="tel"[^>]* aria-invalid="true" aria-describedby="search-error q-number-hint">/, 'the field is marked and says why');
  t.equal((refused.match(/aria-invalid/g) ?? []).length, 1, 'only that field');

  const empty = String(searchPage(tr('fi'), searchData({ results: [], next: undefined, live: [] })));
  t.match(empty, /Hakuehtoja vastaavia puheluita ei löytynyt\./);
  t.match(empty, /Ei käynnissä olevia puheluita\./);
  t.notMatch(empty, /<table|rel="next"/);
});

t.test('call: facts in words, holds with release, the 12-month cap, listening', async (t) => {
  const page = String(callPage(tr('fi'), callData()));
  t.match(page, /<dt>Tallennusilmoitus<\/dt><dd>Ilmoitus kuultiin \(osuma 0,82\)<\/dd>/);
  const notice = (n: NonNullable<CallView['notice']>) => String(callPage(tr('fi'), callData({ call: { ...callData().call, notice: n } })));
  t.match(notice({ status: 'not-heard', score: 0.314, threshold: 0.6, offsetMs: 0 }), /<dd>Ilmoitusta ei kuultu \(osuma 0,31, raja 0,60\)<\/dd>/);
  t.match(notice({ status: 'not-applicable', reason: 'outgoing' }), /<dd>Ilmoitusta ei edellytetty: lähtevä puhelu<\/dd>/);
  t.match(notice({ status: 'played', at: Date.UTC(2026, 10, 26, 10, 5, 1), durationMs: 4_000 }), /<dd>Tallennin soitti ilmoituksen klo 12\.05, kesto 4 s<\/dd>/);
  t.match(page, /<dt>Tallennus lopetettu pyynnöstä<\/dt><dd>26\.11\.2026 12\.06, koodilla puhelimesta<\/dd>/);
  t.match(page, /<dt>Päättymisen syy<\/dt><dd>Tallennus lopetettiin pyynnöstä<\/dd>/);
  t.match(page, /<dt>Tallenne poistetaan<\/dt><dd>16\.6\.2027 13\.05<\/dd>/, 'the expiry, holds counted (summer time)');
  t.match(page, /<dt>Kesto<\/dt><dd>4 min 12 s<\/dd>/);

  t.match(page, /<form method="post" action="\/console\/calls\/019ac9d2-0000-7000-8000-000000000002\/holds\/release"><input type="hidden" name="_csrf" value="csrf-token-abc"><input type="hidden" name="caseRef" value="VN\/123\/2026"><button type="submit">Lopeta jatko \(asia VN\/123\/2026\)<\/button><\/form>/);
  t.match(page, /enintään 12 kuukautta puhelun alkamisesta, tämän tallenteen osalta viimeistään 26\.11\.2027 12\.05\./, 'the cap and its date');
  t.match(page, /<input id="hold-until" name="until" type="date" min="2026-11-26" max="2027-11-26" required/);
  const holdReasons = /<select id="hold-reason"[\s\S]*?<\/select>/.exec(page)![0];
  t.same([...holdReasons.matchAll(/value="([^"]*)"/g)].map((m) => m[1]), ['', 'complaint', 'quality-project', 'access-request', 'disclosure']);
  t.match(page, /<input id="hold-case" name="caseRef" type="text" autocomplete="off" maxlength="64" required/);

  const listen = /<form method="post" action="\/console\/calls\/[^"]+\/listen"[\s\S]*?<\/form>/.exec(page)?.[0] ?? '';
  t.match(listen, /<select id="listen-purpose" name="purpose" required><option value="">Valitse…<\/option><option value="complaint">/, 'a purpose must be chosen');
  t.same([...listen.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]), ['', 'complaint', 'training', 'access-request', 'disclosure']);
  t.match(listen, /<input id="listen-case" name="caseRef" type="text" autocomplete="off" maxlength="64" required/);
  t.match(listen, /Jokainen kuuntelu kirjataan/);
  t.notMatch(page, /<audio/, 'nothing plays before a purpose is given');

  const playing = String(callPage(tr('en'), callData({ listen: { purpose: 'access-request', caseRef: 'TP-7/2026', audioUrl: '/console/calls/c/audio?grant=g1&x=1' } })));
  t.match(playing, /<audio controls preload="auto" src="\/console\/calls\/c\/audio\?grant=g1&amp;x=1" aria-label="Recording of the call">/);
  t.match(playing, /Purpose: Access request\. Case reference: TP-7\/2026\./);
  t.match(playing, /Every listen is recorded in the audit log/);
  t.notMatch(playing, /action="[^"]+\/listen"/);
  t.throws(() => callPage(tr('en'), callData({ listen: { purpose: 'complaint', caseRef: 'x', audioUrl: '//evil.example/a.ogg' } })), TypeError);
  t.throws(() => callPage(tr('en'), callData({ listen: { purpose: 'complaint', caseRef: 'x', audioUrl: 'javascript:alert(1)' } })), TypeError);
});

t.test('call: an offline box says so and when it was last seen, with no listen form', async (t) => {
  const page = String(callPage(tr('fi'), callData({ boxOnline: { online: false, lastSeen: Date.UTC(2026, 10, 28, 7, 30) } })));
  t.match(page, /<div class="offline" role="status"><strong>Tallentimeen ei saada yhteyttä<\/strong>/);
  t.match(page, /Tallennin box-1 ei ole nyt yhteydessä/);
  t.match(page, /Tallennin oli viimeksi yhteydessä 28\.11\.2026 09\.30\./);
  t.notMatch(page, /\/listen"/);
  t.match(String(callPage(tr('en'), callData({ boxOnline: { online: false } }))), /It is not known when the recorder was last connected\./);
  t.match(page, /action="[^"]+\/holds"/, 'holds are still placed: they go to the box when it returns');
});

t.test('call: without the right, or destroyed, neither listening nor holds are offered', async (t) => {
  const none = String(callPage(tr('en'), callData({ canListen: false, canHold: false })));
  t.match(none, /Your role does not allow listening to recordings\./);
  t.equal(postForms(none), 2, 'only logout and the language switch');
  const gone = String(callPage(tr('en'), callData({ call: { ...callData().call, deleted: { at: NOW - DAY, reason: 'expired' } } })));
  t.match(gone, /<dt>Recording destroyed<\/dt><dd>2026-11-27 12:05, retention period ended<\/dd>/);
  t.equal(postForms(gone), 2);
  t.notMatch(gone, /To be deleted on/);
});

t.test('error pages frame the message and lead back', async (t) => {
  const e = String(errorPage(tr('fi'), { status: 403, message: 'Et voi kuunnella tätä tallennetta.', user: SUPERVISOR, csrf: CSRF }));
  t.match(e, /<h1>Ei käyttöoikeutta<\/h1>/);
  t.match(e, /<p class="alert" role="alert">Et voi kuunnella tätä tallennetta\.<\/p>/);
  t.match(e, /Virhekoodi 403/);
  t.match(e, /<a href="\/console\/search">Palaa etusivulle<\/a>/);
  t.match(String(errorPage(tr('en'), { status: 403, message: 'x', user: { name: 'a', role: 'admin' }, csrf: CSRF })), /<a href="\/console\/fleet">Back to the start page<\/a>/);
  t.match(String(errorPage(tr('en'), { status: 504, message: 'x' })), /<h1>Something went wrong in the service<\/h1>[\s\S]*href="\/console\/login"/);
});

t.test('every message the pages use exists, and every message is used by some page', async (t) => {
  const master = CATALOGUES.languages.get('fi')!;
  const { t: tt, used } = trackingTranslator('fi');
  for (const render of Object.values(PAGES)) render(tt);
  // The codes the sample calls above do not happen to carry.
  const base = callData().call;
  const variants = [
    ...['on-hook', 'disconnect', 'far-end-clear', 'silence', 'stopped', 'max-length', 'shutdown', 'device-lost', 'crash'].map((endReason) => ({ endReason })),
    ...['dtmf', 'status-page', 'console', 'mqtt', 'button'].map((by) => ({ stopped: { at: NOW, by } })),
    ...(['ok', 'withheld', 'unavailable', 'none'] as const).map((clip) => ({ clip })),
    { notice: { status: 'played' as const, at: NOW, durationMs: 3_000 } },
    { notice: { status: 'not-played' as const, error: 'EBUSY' } },
    ...(['outgoing', 'direction-unknown', 'continuation', 'mode-off'] as const).map((reason) => ({ notice: { status: 'not-applicable' as const, reason } })),
    ...(['quality-project', 'access-request', 'disclosure'] as const).map((reason) => ({ holds: [{ ...base.holds[0]!, reason }] })),
    { direction: 'unknown' as const },
    { notice: { status: 'not-heard' as const, score: 0.2, threshold: 0.6, offsetMs: 0 } },
    { deleted: { at: NOW, reason: 'expired' as const } },
  ];
  for (const v of variants) {
    const call = { ...base, ...v };
    callPage(tt, callData({ call, holds: call.holds }));
  }
  for (const purpose of ['training', 'disclosure'] as const) callPage(tt, callData({ listen: { purpose, caseRef: 'x', audioUrl: '/a' } }));
  for (const status of [400, 403, 409, 429, 503]) errorPage(tt, { status, message: 'x' });
  for (const role of ['trainer', 'privacy-officer'] as const) searchPage(tt, searchData({ user: { name: 'x', role } }));
  // Keys the routes hand to the pages as messages (e.g. a refused search field's).
  for (const file of consoleSources()) {
    for (const m of readFileSync(file, 'utf8').matchAll(/'((?:search|form|error|login|listen|hold|holds)\.[A-Za-z.-]+)'/g)) {
      if (!file.includes('/pages/')) t.ok(Object.hasOwn(master, m[1]!), `${file}: "${m[1]}" is in the catalogue`);
      used.add(m[1]!);
    }
  }
  // Durations are worded through the catalogue by the formatter itself.
  for (const k of ['format.duration.s', 'format.duration.ms', 'format.duration.hm', 'language.name']) used.add(k);

  const missing = [...used].filter((k) => !Object.hasOwn(master, k) && !/^(endReason|stopBy|clip|direction|notice\.reason|notice\.status|holdReason|purpose|role|state)\./.test(k));
  t.same(missing, [], 'no page asks for a message the catalogue lacks');
  // The other parts (fleet, audit, projects) are checked by their own page tests.
  const mine = ['common', 'login', 'search', 'call'].flatMap(keysOfPart);
  t.same(mine.filter((k) => !used.has(k)), [], 'no message of these parts is left unused');
  for (const file of ['src/central/console/pages/layout.ts', 'src/central/console/pages/search.ts', 'src/central/console/pages/call.ts', 'src/central/console/pages/login.ts', 'src/central/console/pages/error.ts', 'src/central/console/pages/words.ts']) {
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/\bt\('([^']+)'/g)) t.ok(Object.hasOwn(master, m[1]!), `${file}: "${m[1]}" is in the catalogue`);
  }
});

t.test('the stylesheet loads nothing from elsewhere and shows every focus', async (t) => {
  const { CONSOLE_CSS } = await import('../../../src/central/console/assets/console-css.js');
  t.notMatch(CONSOLE_CSS, /@import|@font-face|url\(|https?:/i, 'self only, as the CSP allows');
  t.match(CONSOLE_CSS, /:focus-visible \{ outline: 3px solid/);
  t.match(CONSOLE_CSS, /\.skip:focus \{ top:/, 'the skip link appears when focused');
});
