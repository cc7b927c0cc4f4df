// Training projects in the console (issue 8, R2, R4, R7): the pages in fi and en (whole,
// labelled, protected, every message of the part used, staff-typed text escaped); the routes
// through the real Indexer (its call index, audit log, accounts file and project register) with
// the box's answers played by a stand-in; and once end to end, over a real mosquitto to a real
// box, where adding a recording places the `quality-project` hold in the box's store and
// removing it releases the hold.
import t, { type Test } from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Box } from '../../../src/box/box.js';
import { recordingEvent } from '../../../src/box/sync/events.js';
import { startSync } from '../../../src/box/sync/start-sync.js';
import { AccountsFile, CONSOLE_ACCOUNT_RULES, newTotpSecret, type ConsoleRole } from '../../../src/core/auth/index.js';
import { systemClock } from '../../../src/core/clock.js';
import { loadConfig } from '../../../src/core/config/index.js';
import { maxExpiryOf } from '../../../src/core/retention/index.js';
import { loadIndexerConfig } from '../../../src/central/config.js';
import { Indexer } from '../../../src/central/indexer.js';
import { ProjectStore } from '../../../src/central/projects/store.js';
import type { Translator } from '../../../src/central/console/i18n/catalogue.js';
import { errorPage } from '../../../src/central/console/pages/error.js';
import { localDateValue, parseLocalInput } from '../../../src/central/console/pages/form-values.js';
import {
  BOX_REASONS, PROJECT_NOTICES, PROJECT_PROBLEMS, projectPage, projectsPage,
  type ProjectPageData, type ProjectProblem, type ProjectsPageData,
} from '../../../src/central/console/pages/projects.js';
import type { Viewer } from '../../../src/central/console/pages/types.js';
import { boxFixture } from '../../helpers/box-fixture.js';
import { centralKeys, indexerConfig, sealedRecord } from '../../helpers/central.js';
import { idleBinding } from '../../helpers/idle-binding.js';
import { collect, memoryLog } from '../../helpers/log.js';
import { startMosquitto } from '../../helpers/mosquitto.js';
import { recordSealed } from '../../helpers/sealed-recording.js';
import { login, PASSWORD } from './inject-client.js';
import { checkDocument, CSRF, DAY, keysOfPart, LANGS, NOW, postForms, SUPERVISOR, tr, trackingTranslator } from './fixture.js';
import { until } from '../../helpers/eventually.js';
import { boxStandIn, refusedBox, timeout } from './box-stand-in.js';

t.setTimeout(240_000);

const XSS = `<script>alert(1)</script>"'`;
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;';
const OFFICER: Viewer = { name: 'matti', role: 'privacy-officer' };
const TRAINER: Viewer = { name: 'pekka', role: 'trainer' };
const PID = '6f1c2b9e-1d2a-4c3b-9e8f-0a1b2c3d4e5f';

// ---------------------------------------------------------------------------------------------
// The pages

function listData(extra: Partial<ProjectsPageData> = {}): ProjectsPageData {
  return {
    user: OFFICER, csrf: CSRF, canCreate: true,
    projects: [
      { id: PID, name: XSS, caseRef: XSS, members: 3, recordings: 4, createdBy: 'maija', createdAt: NOW - DAY },
      { id: 'b2', name: 'Puhelinpalvelun perehdytys', caseRef: 'KOUL-2026-2', members: 0, recordings: 0, createdBy: 'matti', createdAt: NOW - 9 * DAY },
    ],
    ...extra,
  };
}

function projectData(extra: Partial<ProjectPageData> = {}): ProjectPageData {
  const start = NOW - 2 * DAY;
  return {
    user: OFFICER, csrf: CSRF, canManage: true,
    project: { id: PID, name: XSS, caseRef: XSS, createdBy: 'maija', createdAt: NOW - DAY },
    members: [{ name: 'pekka', role: 'trainer' }, { name: 'liisa', role: 'supervisor' }, { name: XSS }],
    recordings: [
      { id: 'rec-1', site: 'lappeenranta', addedBy: 'maija', addedAt: NOW - DAY, visible: true, call: { start, durationMs: 252_000, expiresAt: NOW + 300 * DAY } },
      { id: 'rec-2', site: 'kotka', addedBy: 'matti', addedAt: NOW - DAY, visible: false },
      { id: 'rec-3', site: 'lappeenranta', addedBy: XSS, addedAt: NOW - DAY, visible: true },
      { id: 'rec-4', site: 'lappeenranta', addedBy: 'maija', addedAt: NOW - DAY, visible: true, call: { start, durationMs: 3_725_000, expiresAt: NOW - DAY, deleted: { at: NOW - DAY } } },
    ],
    ...extra,
  };
}

/** Every refusal the pages can show, with what its message needs. */
const PROBLEMS: ProjectProblem[] = [
  ...PROJECT_PROBLEMS.filter((c) => !['until-cap', 'hold-refused', 'release-refused'].includes(c)).map((code) => ({ code, box: 'lpr-1' })),
  { code: 'until-cap', cap: NOW + 300 * DAY },
  ...[...BOX_REASONS, 'failed'].flatMap((reason) => [{ code: 'hold-refused' as const, reason }, { code: 'release-refused' as const, reason }]),
];
const CREATE_PROBLEMS = PROBLEMS.filter((p) => /^(name|case)-/.test(p.code));

type Render = (t: Translator) => string;
const PAGES: Record<string, Render> = {
  'list, manager': (t) => String(projectsPage(t, listData())),
  'list, manager, none yet': (t) => String(projectsPage(t, listData({ projects: [] }))),
  'list, trainer': (t) => String(projectsPage(t, listData({ user: TRAINER, canCreate: false }))),
  'list, trainer in none': (t) => String(projectsPage(t, listData({ user: TRAINER, canCreate: false, projects: [] }))),
  ...Object.fromEntries(CREATE_PROBLEMS.map((e) => [`list, refused ${e.code}`, (t: Translator) => String(projectsPage(t, listData({ error: e, form: { name: XSS, caseRef: XSS } })))])),
  'project, manager': (t) => String(projectPage(t, projectData())),
  'project, supervisor': (t) => String(projectPage(t, projectData({ user: SUPERVISOR }))),
  'project, trainer reads': (t) => String(projectPage(t, projectData({ user: TRAINER, canManage: false }))),
  'project, empty': (t) => String(projectPage(t, projectData({ members: [], recordings: [] }))),
  'project, empty, trainer': (t) => String(projectPage(t, projectData({ user: TRAINER, canManage: false, members: [], recordings: [] }))),
  ...Object.fromEntries(PROJECT_NOTICES.map((n) => [`project, done ${n}`, (t: Translator) => String(projectPage(t, projectData({ notice: n })))])),
  ...Object.fromEntries(
    PROBLEMS.filter((e) => !/^(name|case)-/.test(e.code)).map((e) => [
      `project, refused ${e.code}${e.reason ? ` ${e.reason}` : ''}`,
      (t: Translator) => String(projectPage(t, projectData({ error: e, form: { member: XSS, recording: XSS, until: '2027-13-01' } }))),
    ]),
  ),
  // What the routes answer for a project one may not see.
  'error 404, project': (t) => String(errorPage(t, { status: 404, message: t('projects.error.notFound'), user: TRAINER, csrf: CSRF })),
};

t.test('every project page renders in fi and en as a whole, labelled, protected document', async (t) => {
  for (const lang of LANGS) {
    for (const [name, render] of Object.entries(PAGES)) {
      const page = render(tr(lang));
      const what = `${name} (${lang})`;
      checkDocument(t, page, lang, what);
    }
  }
});

t.test('every message of the projects part is used by its pages', async (t) => {
  for (const lang of LANGS) {
    const { t: tt, used } = trackingTranslator(lang);
    for (const render of Object.values(PAGES)) render(tt);
    t.same(keysOfPart('projects').filter((k) => !used.has(k)), [], `${lang}: no message left unused`);
  }
});

t.test('staff-typed text (name, case reference, member, echoed input) is escaped: no stored XSS', async (t) => {
  for (const lang of LANGS) {
    const list = String(projectsPage(tr(lang), listData({ error: { code: 'name-long' }, form: { name: XSS, caseRef: XSS } })));
    const page = String(projectPage(tr(lang), projectData({ error: { code: 'member-unknown' }, form: { member: XSS, recording: XSS, until: XSS } })));
    for (const p of [list, page]) {
      t.notOk(p.includes('<script>alert(1)'), `${lang}: not as markup`);
      t.ok(p.includes(ESCAPED), `${lang}: shown escaped`);
    }
    t.match(page, `<title>${tr(lang)('projects.project.title', { name: '' })}${ESCAPED}`, 'the title too');
    t.match(page, `<input type="hidden" name="member" value="${ESCAPED}">`, 'a member name in a hidden field');
    t.match(page, `<input id="member-name" name="member" type="text" value="${ESCAPED}"`, 'echoed into its field');
  }
});

t.test('what each viewer is offered', async (t) => {
  const en = tr('en');
  const manager = String(projectPage(en, projectData()));
  t.equal(postForms(manager), 2 + 2 + 3 + 2 + 1, 'add recording, add member, remove for 2 visible recordings with an index entry and 1 without, 3 members; logout and language');
  t.match(manager, `action="/console/projects/${PID}/recordings"`);
  t.match(manager, `action="/console/projects/${PID}/members"`);
  t.match(manager, '<a href="/console/calls/rec-1">', 'a visible recording links to its call page');
  t.notMatch(manager, '/console/calls/rec-2', 'another site\'s recording: no link');
  t.match(manager, /<td>A recording from another site<\/td><td class="id">kotka<\/td><td><\/td><td><\/td>/, 'listed without details');
  t.notMatch(manager, 'name="recording" value="rec-2"', 'and cannot be removed here');
  t.match(manager, 'Recording rec-3 is not in the call index');
  t.match(manager, /Destroyed on \d{4}-\d{2}-\d{2}/);
  t.match(manager, `<p>The recorder is asked to place a hold with reason Quality project and case reference ${ESCAPED}.`);
  t.match(manager, 'A hold can last at most 12 months from the start of the call', 'the page says the cap');
  t.match(manager, '<input id="recording-until" name="until" type="date"', 'a date field');

  const trainer = String(projectPage(en, projectData({ user: TRAINER, canManage: false })));
  t.equal(postForms(trainer), 2, 'a trainer reads: only logout and language');
  t.notMatch(trainer, /\/console\/projects\/[^"]+\/(members|recordings)/, 'no form of the project');
  t.match(trainer, '<a href="/console/calls/rec-1">', 'the call page, to listen for training');
  t.match(trainer, 'You are a member of this project');

  const list = String(projectsPage(en, listData({ user: TRAINER, canCreate: false })));
  t.equal(postForms(list), 2, 'no create form for a trainer');
  t.match(String(projectsPage(en, listData())), '<form method="post" action="/console/projects" class="stack project-form"');
  t.match(String(projectsPage(en, listData())), '<input id="project-name" name="name" type="text" autocomplete="off" maxlength="120" required');

  const refused = String(projectsPage(en, listData({ error: { code: 'case-long' }, form: { name: 'x', caseRef: 'y' } })));
  t.match(refused, /<p class="alert" role="alert" id="projects-error">The case reference is too long\. <a href="#project-case">Go to the field: Case reference<\/a><\/p>/);
  t.match(refused, /<input id="project-case"[^>]* aria-invalid="true" aria-describedby="projects-error project-case-hint">/, 'the field points at the refusal');
  const cap = String(projectPage(tr('fi'), projectData({ error: { code: 'until-cap', cap: Date.UTC(2027, 10, 26, 22, 0) } })));
  t.match(cap, 'enintään 27.11.2027 asti', 'the cap in the reader\'s words');
  const box = String(projectPage(tr('fi'), projectData({ error: { code: 'hold-refused', reason: 'TAL_SOMETHING_NEW' } })));
  t.match(box, 'Tallennin ei jatkanut säilytystä: TAL_SOMETHING_NEW.', 'a reason the catalogue does not know is shown as it came');
});

// ---------------------------------------------------------------------------------------------
// The routes, through the real indexer


const signIn = (indexer: Indexer, name: string, secret: string) => login(indexer, { name, secret });

/** Accounts in the indexer's accounts file; each logs in once (a one-time code is good once). */
function people(accounts: AccountsFile) {
  const made = new Map<string, string>();
  return {
    async add(name: string, role: ConsoleRole, sites?: string[]) {
      const secret = newTotpSecret();
      await accounts.add(name, role, PASSWORD, { ...(sites ? { sites } : {}), totp: secret });
      made.set(name, secret);
      return name;
    },
    secretOf: (name: string) => made.get(name)!,
  };
}

async function setup(t: Test) {
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-projects-'));
  const keys = centralKeys(join(dir, 'keys'));
  const config = await loadIndexerConfig(indexerConfig(dir, keys, { url: 'mqtt://127.0.0.1:1' }));
  const accounts = new AccountsFile(config.console.users, { ...CONSOLE_ACCOUNT_RULES, clock: systemClock });
  const log = memoryLog();
  const indexer = await Indexer.start({ config, sealingKey: keys.sealing, commandKey: keys.command.key, clock: systemClock, log: log.log, listen: false });
  t.teardown(() => indexer.stop());
  const now = Date.now();
  const ids: Record<string, string> = {};
  const calls: [string, string, string, number][] = [
    ['lpr1', 'lappeenranta', 'lpr-1', now - 3_600_000],
    ['lpr2', 'lappeenranta', 'lpr-1', now - 1_800_000],
    ['lpr3', 'lappeenranta', 'lpr-1', now - 1_700_000],
    ['ktk1', 'kotka', 'ktk-1', now - 900_000],
  ];
  let seq = 0;
  for (const [name, site, box, start] of calls) {
    const rec = sealedRecord(keys.sealTo, { start, calling: '0401234567' });
    ids[name] = rec.id;
    await indexer.index.ingest(site, box, { seq: ++seq, boot: 1, ts: now, kind: 'recording', body: { ...recordingEvent({ ...rec, direction: 'incoming' }) } } as never);
  }
  const { sent, copied, answer } = boxStandIn(indexer);
  return { indexer, ids, log, sent, copied, answer, people: people(accounts), accounts };
}

/** A page without its CSRF tokens (new on every page), to compare two answers. */
const same = (body: string) => body.replace(/name="_csrf" value="[^"]+"/g, 'name="_csrf"');
const idOf = (location: unknown) => /^\/console\/projects\/([0-9a-f-]{36})\?done=created$/.exec(String(location))?.[1];

t.test('the project routes, through the real indexer', async (t) => {
  const s = await setup(t);
  const { indexer, ids, sent } = s;
  // A second handle on the indexer's register, to read what the routes stored.
  const store = new ProjectStore(indexer.index.db, systemClock);
  const dpoName = await s.people.add('matti', 'privacy-officer');
  const supName = await s.people.add('liisa', 'supervisor', ['lappeenranta']);
  const member = await s.people.add('pekka', 'trainer');
  const outsider = await s.people.add('sanna', 'trainer');
  const adminName = await s.people.add('aino', 'admin');
  const dpo = await signIn(indexer, dpoName, s.people.secretOf(dpoName));
  let projectId = '';

  await t.test('create: bad input is named and nothing is stored; a good project redirects to its page', async (t) => {
    const list = await dpo.get('/console/projects');
    t.equal(list.statusCode, 200);
    t.match(list.body, 'Perusta koulutusprojekti');
    for (const [form, says] of [
      [{ name: '', caseRef: 'KOUL-1' }, 'Anna projektille nimi.'],
      [{ name: '   ', caseRef: 'KOUL-1' }, 'Anna projektille nimi.'],
      [{ name: 'x'.repeat(121), caseRef: 'KOUL-1' }, 'Projektin nimi on liian pitkä.'],
      [{ name: 'a\u0007b', caseRef: 'KOUL-1' }, 'Projektin nimessä on merkkejä'],
      [{ name: 'Perehdytys', caseRef: '' }, 'Anna projektin asianumero.'],
      [{ name: 'Perehdytys', caseRef: 'K'.repeat(65) }, 'Asianumero on liian pitkä.'],
      [{ name: 'Perehdytys' }, 'Anna projektin asianumero.'],
    ] as const) {
      const r = await dpo.submit('/console/projects', form);
      t.equal(r.statusCode, 400, JSON.stringify(form));
      t.match(r.body, says);
      t.match(r.body, /<a href="#project-(name|case)">/, 'with a link to the field');
    }
    t.same(await store.list(), [], 'nothing stored');
    const forged = await dpo.post('/console/projects', { name: 'Perehdytys', caseRef: 'KOUL-1' });
    t.equal(forged.statusCode, 403, 'no CSRF token: refused');
    t.same(await store.list(), [], 'and nothing stored');

    const made = await dpo.submit('/console/projects', { name: XSS, caseRef: ' KOUL-2026-7 ' });
    t.equal(made.statusCode, 303);
    projectId = idOf(made.headers.location) ?? '';
    t.ok(projectId, `redirected to the project page: ${String(made.headers.location)}`);
    t.match(await store.get(projectId), { name: XSS, caseRef: 'KOUL-2026-7', createdBy: dpoName, members: [], recordings: [] });
    const page = await dpo.get(String(made.headers.location));
    t.equal(page.statusCode, 200);
    t.match(page.body, 'Koulutusprojekti on perustettu.');
    t.ok(page.body.includes(ESCAPED) && !page.body.includes('<script>alert'), 'the name escaped');
    const again = await dpo.get('/console/projects');
    t.match(again.body, `<a href="/console/projects/${projectId}">${ESCAPED}</a>`);
  });

  await t.test('members: an existing console account other than an admin', async (t) => {
    const url = `/console/projects/${projectId}/members`;
    for (const [m, status, says] of [
      ['', 400, 'Anna lisättävän jäsenen käyttäjätunnus.'],
      ['nobody', 400, 'Konsolissa ei ole tällä tunnuksella käyttäjää.'],
      [XSS, 400, 'Konsolissa ei ole tällä tunnuksella käyttäjää.'],
      [adminName, 400, 'Pääkäyttäjää ei voi lisätä'],
    ] as const) {
      const r = await dpo.submit(url, { member: m });
      t.equal(r.statusCode, status, `"${m}"`);
      t.match(r.body, says);
      t.notOk(r.body.includes('<script>alert'), 'the typed name echoed escaped');
    }
    t.same((await store.get(projectId))!.members, [], 'nothing stored');
    const ok = await dpo.submit(url, { member: ` ${member.toUpperCase()} ` });
    t.equal(ok.statusCode, 303, 'a name as typed, spaces and capitals and all');
    t.equal(ok.headers.location, `/console/projects/${projectId}?done=member-added`);
    t.same((await store.get(projectId))!.members, [member]);
    const twice = await dpo.submit(url, { member });
    t.equal(twice.statusCode, 409);
    t.match(twice.body, 'Käyttäjä on jo projektin jäsen.');
    await dpo.submit(url, { member: supName });
    t.same((await store.get(projectId))!.members, [member, supName]);
    t.equal((await dpo.submit(`${url}/remove`, { member: supName })).statusCode, 303);
    t.same((await store.get(projectId))!.members, [member], 'removed');
  });

  await t.test('add a recording: the hold is asked of its box, and the project records it only on the box\'s yes', async (t) => {
    const url = `/console/projects/${projectId}/recordings`;
    const start = (await indexer.index.get(ids['lpr1']!))!.start;
    const cap = maxExpiryOf(start);
    const r = await dpo.submit(url, { recording: ids['lpr1']!, until: '' });
    t.equal(r.statusCode, 303, r.body.slice(0, 200));
    t.equal(r.headers.location, `/console/projects/${projectId}?done=recording-added`);
    t.same(sent.at(-1), { site: 'lappeenranta', box: 'lpr-1', verb: 'hold', args: { id: ids['lpr1'], reason: 'quality-project', caseRef: 'KOUL-2026-7', by: dpoName, until: cap } }, 'no date: until the cap');
    t.match((await store.get(projectId))!.recordings, [{ id: ids['lpr1'], site: 'lappeenranta', box: 'lpr-1', addedBy: dpoName }]);
    t.same(s.copied, [ids['lpr1']], 'a central copy asked for, as for any hold');

    const day = localDateValue(Date.now() + 30 * DAY);
    t.equal((await dpo.submit(url, { recording: ids['ktk1']!, until: day })).statusCode, 303);
    t.same(sent.at(-1)!.args['until'], parseLocalInput(`${day}T23:59`)! + 59_999, 'a date: the end of that Helsinki day');
    t.same(sent.at(-1)!.args['caseRef'], 'KOUL-2026-7');
    const capDay = await dpo.submit(url, { recording: ids['lpr3']!, until: localDateValue(maxExpiryOf((await indexer.index.get(ids['lpr3']!))!.start)) });
    t.equal(capDay.statusCode, 303, 'the cap\'s own day');
    t.equal(sent.at(-1)!.args['until'], maxExpiryOf((await indexer.index.get(ids['lpr3']!))!.start), 'kept to the cap, not the end of its day');

    const page = await dpo.get(`/console/projects/${projectId}`);
    t.equal(page.statusCode, 200);
    for (const id of [ids['lpr1'], ids['ktk1'], ids['lpr3']]) t.match(page.body, `<a href="/console/calls/${id}">`, 'every recording, linked: a privacy officer sees every site');
    t.notMatch(page.body, /0401234567|401234567/, 'no number');
  });

  await t.test('bad recordings and dates: named, nothing sent, nothing stored', async (t) => {
    const url = `/console/projects/${projectId}/recordings`;
    const before = { sent: sent.length, recs: (await store.get(projectId))!.recordings.length };
    const cap = maxExpiryOf((await indexer.index.get(ids['lpr2']!))!.start);
    for (const [form, status, says] of [
      [{ recording: 'not an id!', until: '' }, 400, 'Tallenteen tunniste ei ole oikeanmuotoinen.'],
      [{ recording: '', until: '' }, 400, 'Tallenteen tunniste ei ole oikeanmuotoinen.'],
      [{ recording: '019ac9d2-0000-7000-8000-00000000dead', until: '' }, 404, 'Tallennetta ei löytynyt'],
      [{ recording: ids['lpr2']!, until: 'huomenna' }, 400, 'Päivämäärä ei kelpaa.'],
      [{ recording: ids['lpr2']!, until: '2027-02-30' }, 400, 'Päivämäärä ei kelpaa.'],
      [{ recording: ids['lpr2']!, until: localDateValue(cap + DAY) }, 400, `enintään ${tr('fi').fmt.date(cap)} asti`],
      [{ recording: ids['lpr2']!, until: '2020-01-01' }, 400, 'Päivämäärä on jo mennyt.'],
      [{ recording: ids['lpr1']!, until: '' }, 409, 'Tallenne on jo tässä projektissa.'],
    ] as const) {
      const r = await dpo.submit(url, form);
      t.equal(r.statusCode, status, JSON.stringify(form));
      t.match(r.body, says);
    }
    t.equal(sent.length, before.sent, 'nothing sent');
    t.equal((await store.get(projectId))!.recordings.length, before.recs, 'nothing stored');
  });

  await t.test('the box says no, or does not answer: the page says so, and the project is unchanged', async (t) => {
    const url = `/console/projects/${projectId}/recordings`;
    s.answer(refusedBox('TAL_RECORDING_DESTROYED'));
    const no = await dpo.submit(url, { recording: ids['lpr2']!, until: '' });
    t.equal(no.statusCode, 409);
    t.match(no.body, 'Tallennin ei jatkanut säilytystä: tallenne on jo hävitetty.');
    s.answer(timeout);
    const silent = await dpo.submit(url, { recording: ids['lpr2']!, until: '' });
    t.equal(silent.statusCode, 504);
    t.match(silent.body, 'Tallennin lpr-1 ei vastannut ajoissa');
    s.answer(async () => {
      throw new Error('broker gone');
    });
    const failed = await dpo.submit(url, { recording: ids['lpr2']!, until: '' });
    t.equal(failed.statusCode, 502);
    t.match(failed.body, 'Pyyntöä ei voitu lähettää tallentimelle lpr-1.');
    t.notOk((await store.get(projectId))!.recordings.some((r) => r.id === ids['lpr2']), 'not in the project');
    s.answer(async (req) => ({ correlationId: 'c', ok: true, verb: req.verb, result: {} }));
  });

  await t.test('a supervisor: every project, but another site\'s recordings without details; another site\'s call cannot be added', async (t) => {
    const sup = await signIn(indexer, supName, s.people.secretOf(supName));
    t.match((await sup.get('/console/projects')).body, `/console/projects/${projectId}`, 'the project is listed');
    const page = await sup.get(`/console/projects/${projectId}`);
    t.equal(page.statusCode, 200);
    t.match(page.body, `<a href="/console/calls/${ids['lpr1']}">`, 'their own site\'s recording');
    t.notMatch(page.body, ids['ktk1']!, 'not even the id of another site\'s');
    t.match(page.body, 'Toisen toimipisteen tallenne');

    const mine = idOf((await sup.submit('/console/projects', { name: 'Oma', caseRef: 'KOUL-LPR-1' })).headers.location)!;
    t.ok(mine, 'a supervisor creates projects');
    const before = sent.length;
    const other = await sup.submit(`/console/projects/${mine}/recordings`, { recording: ids['ktk1']!, until: '' });
    t.equal(other.statusCode, 404, 'another site\'s call, as if it did not exist');
    const missing = await sup.submit(`/console/projects/${mine}/recordings`, { recording: '019ac9d2-0000-7000-8000-00000000dead', until: '' });
    t.equal(missing.statusCode, 404);
    t.equal(same(other.body).replaceAll(ids['ktk1']!, 'X'), same(missing.body).replaceAll('019ac9d2-0000-7000-8000-00000000dead', 'X'), 'the same answer as for no call at all');
    const release = await sup.submit(`/console/projects/${projectId}/recordings/remove`, { recording: ids['ktk1']! });
    t.equal(release.statusCode, 404, 'nor released by them');
    t.equal(sent.length, before, 'nothing sent');
    t.same((await store.get(mine))!.recordings, []);
    t.ok((await store.get(projectId))!.recordings.some((r) => r.id === ids['ktk1']), 'still in the other project');
    const audit = await collect(indexer.audit.entries());
    t.ok(audit.some((e) => e.action === 'hold' && e.actor === supName && e.target === ids['ktk1'] && e.result === 'refused' && e.detail?.['outcome'] === 'other-site'), 'the refused hold audited');
    t.ok(audit.some((e) => e.action === 'release' && e.actor === supName && e.target === ids['ktk1'] && e.result === 'refused'), 'the refused release audited');
    const ok = await sup.submit(`/console/projects/${mine}/recordings`, { recording: ids['lpr2']!, until: '' });
    t.equal(ok.statusCode, 303, 'their own site\'s call is added');
  });

  await t.test('a trainer who is a member reads the project; one who is not gets 404; an admin 403', async (t) => {
    const pekka = await signIn(indexer, member, s.people.secretOf(member));
    const list = await pekka.get('/console/projects');
    t.equal(list.statusCode, 200);
    t.match(list.body, `/console/projects/${projectId}`);
    t.equal((list.body.match(/<a href="\/console\/projects\/[0-9a-f-]{36}">/g) ?? []).length, 1, 'only the project they belong to');
    t.notMatch(list.body, 'name="caseRef"', 'no create form');
    const page = await pekka.get(`/console/projects/${projectId}`);
    t.equal(page.statusCode, 200);
    t.match(page.body, `<a href="/console/calls/${ids['lpr1']}">`);
    t.notMatch(page.body, /action="\/console\/projects/, 'read only: no forms');
    const before = sent.length;
    t.equal((await pekka.submit(`/console/projects/${projectId}/members`, { member: outsider })).statusCode, 403);
    t.equal((await pekka.submit(`/console/projects/${projectId}/recordings`, { recording: ids['lpr2']!, until: '' })).statusCode, 403);
    t.equal((await pekka.submit('/console/projects', { name: 'x', caseRef: 'y' })).statusCode, 403);
    t.equal(sent.length, before);
    t.same((await store.get(projectId))!.members, [member]);
    const call = await pekka.get(`/console/calls/${ids['lpr1']}`);
    t.equal(call.statusCode, 200, 'the call page of a project recording opens for a member');

    const sanna = await signIn(indexer, outsider, s.people.secretOf(outsider));
    const none = await sanna.get('/console/projects');
    t.equal(none.statusCode, 200);
    t.match(none.body, 'Et ole minkään koulutusprojektin jäsen.');
    const refused = await sanna.get(`/console/projects/${projectId}`);
    t.equal(refused.statusCode, 404, 'another\'s project: as if it did not exist');
    const nothing = await sanna.get(`/console/projects/${PID}`);
    t.equal(nothing.statusCode, 404);
    t.equal(same(nothing.body), same(refused.body), 'the same answer as for no project');

    const aino = await signIn(indexer, adminName, s.people.secretOf(adminName));
    t.equal((await aino.get('/console/projects')).statusCode, 403);
    t.equal((await aino.get(`/console/projects/${projectId}`)).statusCode, 403);
  });

  await t.test('remove a recording: released on its box first; kept when the box does not answer', async (t) => {
    const url = `/console/projects/${projectId}/recordings/remove`;
    s.answer(timeout);
    const silent = await dpo.submit(url, { recording: ids['lpr1']! });
    t.equal(silent.statusCode, 504);
    t.match(silent.body, 'Tallennin lpr-1 ei vastannut ajoissa, joten tallenne pidettiin projektissa.');
    t.ok((await store.get(projectId))!.recordings.some((r) => r.id === ids['lpr1']), 'kept');
    s.answer(refusedBox('failed'));
    const no = await dpo.submit(url, { recording: ids['lpr1']! });
    t.equal(no.statusCode, 409);
    t.match(no.body, 'Tallennin ei lopettanut säilytyksen jatkoa: failed.');
    t.ok((await store.get(projectId))!.recordings.some((r) => r.id === ids['lpr1']), 'kept');
    s.answer(async (req) => ({ correlationId: 'c', ok: true, verb: req.verb, result: {} }));
    const ok = await dpo.submit(url, { recording: ids['lpr1']! });
    t.equal(ok.statusCode, 303);
    t.same(sent.at(-1), { site: 'lappeenranta', box: 'lpr-1', verb: 'release', args: { id: ids['lpr1'], by: dpoName, caseRef: 'KOUL-2026-7' } });
    t.notOk((await store.get(projectId))!.recordings.some((r) => r.id === ids['lpr1']), 'removed');
    s.answer(refusedBox('TAL_HOLD_INVALID'));
    t.equal((await dpo.submit(url, { recording: ids['lpr3']! })).statusCode, 303, 'a hold already gone from the box: the recording leaves the project all the same');
    t.notOk((await store.get(projectId))!.recordings.some((r) => r.id === ids['lpr3']));
    s.answer(async (req) => ({ correlationId: 'c', ok: true, verb: req.verb, result: {} }));

    // The box lifts every hold of a case: a second project of the same case must not lift the first's.
    const twin = idOf((await dpo.submit('/console/projects', { name: 'Sama asia', caseRef: 'KOUL-2026-7' })).headers.location)!;
    t.equal((await dpo.submit(`/console/projects/${twin}/recordings`, { recording: ids['ktk1']!, until: '' })).statusCode, 303);
    const before = sent.length;
    t.equal((await dpo.submit(`/console/projects/${twin}/recordings/remove`, { recording: ids['ktk1']! })).statusCode, 303);
    t.equal(sent.length, before, 'no release sent while another project of the case holds it');
    t.same((await store.get(twin))!.recordings, [], 'it left this project');
    t.ok((await store.get(projectId))!.recordings.some((r) => r.id === ids['ktk1']), 'and stays in the other');
  });

  await t.test('every change audited by id and case; the project\'s name in neither the audit nor the log', async (t) => {
    const audit = await collect(indexer.audit.entries());
    const changes = audit.filter((e) => e.action === 'config-change' && e.detail?.['project'] === projectId && e.result === 'ok').map((e) => [e.detail!['change'], e.detail!['member'] ?? '']);
    t.same(changes, [['create', ''], ['member-add', member], ['member-add', supName], ['member-remove', supName]]);
    const holds = audit.filter((e) => e.action === 'hold' && e.result === 'ok' && e.detail?.['project'] === projectId);
    t.same(holds.map((e) => e.target), [ids['lpr1'], ids['ktk1'], ids['lpr3']]);
    t.match(holds[0], { actor: dpoName, purpose: 'quality-project', caseRef: 'KOUL-2026-7', detail: { site: 'lappeenranta', box: 'lpr-1', until: Number, outcome: 'done' } });
    const releases = audit.filter((e) => e.action === 'release' && e.result === 'ok' && e.detail?.['project'] === projectId);
    t.match(releases, [{ target: ids['lpr1'], caseRef: 'KOUL-2026-7', detail: { outcome: 'done' } }, { target: ids['lpr3'], detail: { outcome: 'gone-on-box', boxReason: 'TAL_HOLD_INVALID' } }]);
    t.ok(audit.some((e) => e.action === 'hold' && e.result === 'error' && e.detail?.['outcome'] === 'timeout'), 'a timeout audited');
    t.ok(audit.some((e) => e.action === 'hold' && e.result === 'refused' && e.detail?.['boxReason'] === 'TAL_RECORDING_DESTROYED'), 'a refusal audited');
    t.ok(audit.some((e) => e.action === 'view-project' && e.target === projectId && e.actor === member), 'a trainer\'s view audited');
    t.ok(audit.some((e) => e.action === 'view-project' && e.target === projectId && e.actor === outsider && e.result === 'refused' && e.detail?.['reason'] === 'not-member'), 'a trainer refused another\'s project: audited');
    t.ok(audit.some((e) => e.action === 'rejected-input' && e.detail?.['problem'] === 'name-long'), 'bad input audited');
    t.notOk(JSON.stringify(audit).includes('alert(1)'), 'no project name in the audit');
    t.notOk(JSON.stringify(s.log.lines).includes('alert(1)'), 'nor in the log');
    t.notOk(JSON.stringify(s.log.lines).includes('401234567'), 'no number in the log');
    t.equal((await indexer.audit.verify()).ok, true, 'the chain verifies');
  });
});

// ---------------------------------------------------------------------------------------------
// End to end: mosquitto, a box, the indexer


t.test('end to end: a recording added to a project is held on its box, and released when removed', async (t) => {
  const broker = await startMosquitto();
  t.teardown(() => broker.stop());
  const f = boxFixture({ infile: '/dev/null', channels: 1 });
  const keys = centralKeys(join(f.dir, 'central'));
  writeFileSync(
    f.config,
    readFileSync(f.config, 'utf8').replace(/publicKey: [^ }]+/, `publicKey: ${keys.controllerPub}`) + `mqtt: { url: "${broker.url}", commandKeys: [${keys.commandPub}], keepaliveS: 5, reconnectMaxS: 1 }\n`,
  );
  const config = await loadConfig(f.config);
  const boxLog = memoryLog();
  const box = await Box.start({ config, sealTo: keys.sealTo, log: boxLog.log, binding: idleBinding });
  t.teardown(() => box.stop());
  const rec = await recordSealed(box.store, keys.sealTo, { ms: 4_000, startMs: Date.now() - 3_600_000, calling: '0401234567', packetsPerChunk: 48 });
  const sync = await startSync(box, config.mqtt!, { site: 'testsite', box: 'test-1', clock: systemClock, log: boxLog.log });
  t.teardown(() => sync.stop());

  const icfg = await loadIndexerConfig(indexerConfig(f.dir, keys, { url: broker.url }));
  const ilog = memoryLog();
  const indexer = await Indexer.start({ config: icfg, sealingKey: keys.sealing, commandKey: keys.command.key, clock: systemClock, log: ilog.log, listen: false });
  t.teardown(() => indexer.stop());
  await until(() => indexer.index.get(rec.id), 15_000, 'the recording in the index');
  await until(() => indexer.fleet.list(Date.now()).find((b) => b.box === 'test-1' && b.state !== 'lost'), 10_000, 'the box in the fleet');

  const accounts = new AccountsFile(icfg.console.users, { ...CONSOLE_ACCOUNT_RULES, clock: systemClock });
  const ppl = people(accounts);
  const name = await ppl.add('matti', 'privacy-officer');
  const dpo = await signIn(indexer, name, ppl.secretOf(name));
  const made = await dpo.submit('/console/projects', { name: 'Asiakaspalvelun perehdytys 2027', caseRef: 'KOUL-2027-1' });
  const id = idOf(made.headers.location)!;
  t.ok(id, 'a project');

  const cap = maxExpiryOf(rec.start);
  const added = await dpo.submit(`/console/projects/${id}/recordings`, { recording: rec.id, until: '' });
  t.equal(added.statusCode, 303, added.body.slice(0, 300));
  const onBox = (await box.store.getRecording(rec.id))!;
  t.match(onBox.holds, [{ reason: 'quality-project', caseRef: 'KOUL-2027-1', by: `central:${name}`, until: cap }], 'the hold in the box\'s store');
  t.equal(onBox.expiresAt, cap, 'kept to start + 12 months, and no further');
  await until(async () => ((await indexer.index.get(rec.id))?.expiresAt === cap ? true : undefined), 10_000, 'the expiry event in the index');
  t.ok(await indexer.copies.infoOf(rec.id), 'a sealed copy kept centrally, as for any hold');
  const page = await dpo.get(`/console/projects/${id}`);
  t.match(page.body, tr('fi').fmt.date(cap), 'the page shows the expiry the hold gave');

  const removed = await dpo.submit(`/console/projects/${id}/recordings/remove`, { recording: rec.id });
  t.equal(removed.statusCode, 303, removed.body.slice(0, 300));
  const released = (await box.store.getRecording(rec.id))!;
  t.notOk(released.holds?.length, 'the hold released on the box');
  t.equal(released.expiresAt, rec.expiresAt, 'back to the normal expiry');
  t.same((await new ProjectStore(indexer.index.db, systemClock).get(id))!.recordings, []);
  t.notOk(JSON.stringify(ilog.lines).includes('401234567'), 'no number in the indexer\'s log');
});
