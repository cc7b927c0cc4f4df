// The audit viewer (issue 8, item 8): its page in fi and en (a whole, labelled document; free text
// from entries shown as text), and its routes through the real indexer: only a privacy officer
// reads the log, the filters narrow it, pages follow by seq, every look is audited, the chain
// verifies and a tampered entry is named, and the boxes' published heads show their status.
import t, { type Test } from 'tap';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditEntry, VerifyResult } from '../../../src/core/audit/index.js';
import { auditKey } from '../../../src/core/audit/index.js';
import { AccountsFile, CONSOLE_ACCOUNT_RULES, newTotpSecret } from '../../../src/core/auth/index.js';
import { systemClock } from '../../../src/core/clock.js';
import { loadIndexerConfig } from '../../../src/central/config.js';
import { Indexer } from '../../../src/central/indexer.js';
import { AuditHeads, type BoxAuditHead } from '../../../src/central/ingest/audit-heads.js';
import { AUDIT_FILTER_ACTIONS, auditPage, detailText, type AuditPageData } from '../../../src/central/console/pages/audit.js';
import type { Translator } from '../../../src/central/console/i18n/catalogue.js';
import type { Viewer } from '../../../src/central/console/pages/types.js';
import { checkDocument, CSRF, keysOfPart, LANGS, NOW, postForms, tr, trackingTranslator } from './fixture.js';
import { centralKeys, indexerConfig } from '../../helpers/central.js';
import { memoryLog } from '../../helpers/log.js';
import { client, login, PASSWORD } from './inject-client.js';

t.setTimeout(240_000);

const OFFICER: Viewer = { name: 'pia', role: 'privacy-officer' };
const hex = (n: number) => n.toString(16).padStart(64, '0');
const XSS = '<script>alert(1)</script>"\'';

function entry(seq: number, extra: Partial<AuditEntry> = {}): AuditEntry {
  return { seq, ts: NOW - (100 - seq) * 60_000, actor: 'maija', action: 'listen', result: 'ok', prev: hex(seq - 1), hash: hex(seq), ...extra };
}

function entries(): AuditEntry[] {
  return [
    entry(9, { action: 'listen', target: '019ac9d2-0000-7000-8000-000000000001', purpose: 'complaint', caseRef: 'VN/123/2026', detail: { site: 'lappeenranta', console: true } }),
    entry(8, { action: 'hold', target: '019ac9d2-0000-7000-8000-000000000002', purpose: 'access-request', caseRef: XSS, detail: { note: XSS, n: 3, held: true } }),
    entry(7, { actor: 'system', action: 'service-start', detail: { indexer: 'central-1' } }),
    entry(6, { actor: 'anonymous', action: 'login-failed', result: 'refused', detail: { reason: 'unknown-token' } }),
    entry(5, { actor: 'aki', action: 'command', target: 'lappeenranta/lpr-1', result: 'error', purpose: 'mystery-purpose' }),
    entry(4, { action: 'brand-new-action' }),
  ];
}

function heads(): BoxAuditHead[] {
  const h = new AuditHeads();
  h.accept('kotka', 'ktk-1', { seq: 120, hash: hex(120) }, NOW - 3_600_000);
  h.accept('kotka', 'ktk-1', { seq: 130, hash: hex(130) }, NOW - 120_000);
  h.accept('lappeenranta', 'lpr-1', { seq: 80, hash: hex(80) }, NOW - 7_200_000);
  h.accept('lappeenranta', 'lpr-1', { seq: 30, hash: hex(30) }, NOW - 600_000);
  h.accept('lappeenranta', 'lpr-2', { seq: 9, hash: hex(9) }, NOW - 600_000);
  h.accept('lappeenranta', 'lpr-2', { seq: 9, hash: hex(0x99) }, NOW);
  return h.list();
}

function data(extra: Partial<AuditPageData> = {}): AuditPageData {
  return {
    user: OFFICER, csrf: CSRF, now: NOW,
    query: { actor: 'maija', target: '019ac9d2-0000-7000-8000-000000000001', caseRef: 'VN/123', action: 'listen', from: '2026-11-01T08:00', to: '2026-11-28T16:00' },
    entries: entries(), next: 4, scan: { read: 20_000, stoppedAt: 4 }, heads: heads(),
    ...extra,
  };
}

const PROBLEMS: VerifyResult[] = [
  { ok: true, count: 1234, head: { seq: 1234, hash: hex(1234) } },
  ...(['edited', 'deleted', 'inserted', 'moved', 'bad-genesis'] as const).map((problem, i): VerifyResult => ({ ok: false, at: 5 + i, problem, detail: `entry ${5 + i} (key 0005) was ${problem}: <b>` })),
];

const PAGES: Record<string, (t: Translator) => string> = {
  'entries, paged, scan stopped': (t) => String(auditPage(t, data())),
  'no entries': (t) => String(auditPage(t, data({ entries: [], next: undefined, scan: { read: 3 } }))),
  'no entries, scan stopped': (t) => String(auditPage(t, data({ entries: [], next: 19, scan: { read: 20_000, stoppedAt: 19 } }))),
  'a field refused': (t) => String(auditPage(t, data({ entries: undefined, error: { field: 'to', message: t('audit.error.window') } }))),
  ...Object.fromEntries(
    ([['actor', 'audit.error.actor'], ['target', 'audit.error.target'], ['caseRef', 'audit.error.caseRef'], ['action', 'audit.error.choice'], ['from', 'audit.error.time']] as const).map(([field, key]) => [
      `${field} refused`,
      (t: Translator) => String(auditPage(t, data({ entries: undefined, error: { field, message: t(key) } }))),
    ]),
  ),
  'a cursor refused': (t) => String(auditPage(t, data({ entries: undefined, error: { field: 'cursor', message: t('audit.error.cursor') } }))),
  'the log unreadable': (t) => String(auditPage(t, data({ entries: undefined, error: { message: t('audit.error.unreadable') } }))),
  'no heads': (t) => String(auditPage(t, data({ heads: [] }))),
  'unfiltered': (t) => String(auditPage(t, data({ query: {} }))),
  ...Object.fromEntries(PROBLEMS.map((v) => [`verified: ${v.ok ? 'ok' : v.problem}`, (t: Translator) => String(auditPage(t, data({ query: {}, entries: undefined, verify: v })))])),
};

t.test('every audit page renders in fi and en as a whole, labelled, protected document', async (t) => {
  for (const lang of LANGS) {
    for (const [name, render] of Object.entries(PAGES)) {
      const page = render(tr(lang));
      const what = `${name} (${lang})`;
      checkDocument(t, page, lang, what);
      t.equal(postForms(page), 3, `${what}: logout, language and verify`);
      t.match(page, /<a href="\/console\/audit" aria-current="page">/, `${what}: the audit section is current`);
    }
  }
});

t.test('the audit part of the catalogue is used, every key', async (t) => {
  for (const lang of LANGS) {
    const { t: tt, used } = trackingTranslator(lang);
    for (const render of Object.values(PAGES)) render(tt);
    const unused = keysOfPart('audit').filter((k) => !used.has(k));
    t.same(unused, [], `${lang}: no key of audit.json is left unused`);
  }
  t.same(AUDIT_FILTER_ACTIONS.filter((a) => !tr('fi').has(`auditAction.${a}`)), [], 'every action offered has a name');
});

t.test('the filter form, the table and the pager', async (t) => {
  const page = String(auditPage(tr('en'), data()));
  const form = /<form method="get" action="\/console\/audit"[\s\S]*?<\/form>/.exec(page)?.[0] ?? '';
  t.ok(form, 'a GET form');
  t.notMatch(form, /_csrf/, 'a view changes nothing: no token in its URL');
  for (const [id, name, type] of [['a-actor', 'actor', 'text'], ['a-target', 'target', 'text'], ['a-caseRef', 'caseRef', 'text'], ['a-from', 'from', 'datetime-local'], ['a-to', 'to', 'datetime-local']]) {
    t.match(form, new RegExp(`<label for="${id}">[^<]+</label><input id="${id}" name="${name}" type="${type}"`), `${name}: labelled, as ${type}`);
  }
  t.match(form, /<input id="a-caseRef" name="caseRef" type="text" value="VN\/123"/, 'the filters as typed');
  const actions = /<select id="a-action"[\s\S]*?<\/select>/.exec(form)![0];
  t.same([...actions.matchAll(/value="([^"]*)"/g)].map((m) => m[1]), ['', ...AUDIT_FILTER_ACTIONS], 'any, then every known action');
  t.match(actions, /<option value="listen" selected>Listen<\/option>/);

  t.match(page, /<caption id="results-caption">Entries, newest first: 6 on this page<\/caption>/);
  t.equal((/<table class="audit">[\s\S]*?<\/table>/.exec(page)![0].match(/<th scope="col">/g) ?? []).length, 7, 'seven columns with scope');
  const rows = [...page.matchAll(/<tr>\n<td class="num">(\d+)<\/td>/g)].map((m) => Number(m[1]));
  t.same(rows, [9, 8, 7, 6, 5, 4], 'newest first');
  const first = /<tr>\n<td class="num">9<\/td>[\s\S]*?<\/tr>/.exec(page)![0];
  t.match(first, /<time datetime="2026-11-28T08:34:00.000Z">2026-11-28 10:34<\/time>/, 'Finnish time, the instant in the markup');
  t.match(first, /<a href="\/console\/audit\?actor=maija">maija<\/a>/, 'who links to their entries');
  t.match(first, /<td>Listen<br><span class="muted">Done<\/span><\/td>/, 'what, and how it went');
  t.match(first, /<a href="\/console\/audit\?target=019ac9d2-0000-7000-8000-000000000001">019ac9d2-0000-7000-8000-000000000001<\/a>/, 'the recording links to its entries');
  t.match(first, /<td class="why">Handling a complaint<br><a href="\/console\/audit\?caseRef=VN%2F123%2F2026">VN\/123\/2026<\/a><\/td>/, 'the purpose in words, and the case');
  t.match(first, /<td class="detail">site=lappeenranta, console=true<\/td>/);
  t.match(page, /<span class="flag refused">Refused<\/span>/, 'a refusal stands out in words');
  t.match(page, /<span class="flag bad">Failed<\/span>/);
  t.match(page, /<td>brand-new-action<br>/, 'an action the catalogue does not know, as it came');
  t.match(page, /<td class="why">mystery-purpose<\/td>/);

  t.match(page, /The scan stopped at entry 4 after reading 20000 entries\. Narrow the filters/);
  const next = /<a href="([^"]+)" rel="next">Next page \(older entries\)<\/a>/.exec(page)?.[1]?.replace(/&amp;/g, '&');
  const url = new URL(next!, 'https://x');
  t.equal(url.pathname, '/console/audit');
  t.equal(url.searchParams.get('cursor'), '4');
  t.same(Object.fromEntries([...url.searchParams].filter(([k]) => k !== 'cursor')), data().query, 'the same filters');

  const refused = String(auditPage(tr('fi'), data({ entries: undefined, error: { field: 'actor', message: tr('fi')('audit.error.actor') } })));
  t.match(refused, /<p class="alert" role="alert" id="audit-error">Käyttäjätunnuksessa voi olla[^<]* <a href="#a-actor">Siirry kenttään: Käyttäjä<\/a><\/p>/);
  t.match(refused, /<input id="a-actor" name="actor" type="text"[^>]* aria-invalid="true" aria-describedby="audit-error a-actor-hint">/);
  t.match(refused, /Tapahtumia ei haettu tällä kertaa\. <a href="\/console\/audit\?actor=maija&amp;/);
  t.notMatch(refused, /<table class="audit"/);

  const none = String(auditPage(tr('fi'), data({ entries: [], next: undefined, scan: { read: 2 } })));
  t.match(none, /Rajauksia vastaavia tapahtumia ei löytynyt\./);
  t.notMatch(none, /rel="next"|Haku pysähtyi/);
});

t.test('free text from entries is text: stored XSS does not run', async (t) => {
  for (const lang of LANGS) {
    const page = String(auditPage(tr(lang), data()));
    const row = /<tr>\n<td class="num">8<\/td>[\s\S]*?<\/tr>/.exec(page)![0];
    t.match(row, />&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot;&#39;<\/a>/, `${lang}: the case reference, escaped`);
    t.match(row, /href="\/console\/audit\?caseRef=%3Cscript%3Ealert%281%29%3C%2Fscript%3E%22%27"/, `${lang}: and in its link, encoded`);
    t.match(row, /note=&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot;&#39;, n=3, held=true/, `${lang}: the detail, escaped`);
    t.notMatch(page, /<script|<b>/);
  }
  const typed = String(auditPage(tr('en'), data({ query: { caseRef: XSS, actor: '"><img src=x>' } })));
  t.match(typed, /<input id="a-caseRef" name="caseRef" type="text" value="&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot;&#39;"/, 'what was typed, escaped in its field');
  t.notMatch(typed, /<img|<script/);
  t.equal(detailText({ a: 'x'.repeat(300) }).length, 160, 'a detail is cut short');
  t.equal(detailText({ a: 'line\nbreak\u0007' }), 'a=line break ', 'control characters become spaces');
  t.equal(detailText(undefined), '');
});

t.test('verification and the boxes\' heads', async (t) => {
  const ok = String(auditPage(tr('en'), data({ verify: PROBLEMS[0] })));
  t.match(ok, /<p class="note-box" role="status">The chain verifies: 1234 entries\. The last is entry 1234, whose hash is <code class="hash">0{61}4d2<\/code><\/p>/);
  t.match(ok, /<form method="post" action="\/console\/audit\/verify"><input type="hidden" name="_csrf" value="csrf-token-abc"><button type="submit">Verify the chain<\/button><\/form>/);
  const broken = String(auditPage(tr('fi'), data({ verify: PROBLEMS[1] })));
  t.match(broken, /<p class="alert" role="alert">Ketju on rikki tapahtuman 5 kohdalla: tapahtumaa on muutettu\.<br>Tekninen kuvaus \(englanniksi\): <span lang="en">entry 5 \(key 0005\) was edited: &lt;b&gt;<\/span><\/p>/);

  const page = String(auditPage(tr('en'), data()));
  const table = /<table>\n<caption id="heads-caption">[\s\S]*?<\/table>/.exec(page)![0];
  const boxRows = [...table.matchAll(/<tr>\n<td class="id">([^<]+)<\/td>\n<td class="id">([^<]+)<\/td>\n<td class="num">(\d+)<\/td>[\s\S]*?<\/tr>/g)];
  t.same(boxRows.map((m) => `${m[1]}/${m[2]}@${m[3]}`), ['kotka/ktk-1@130', 'lappeenranta/lpr-1@30', 'lappeenranta/lpr-2@9'], 'every box, by site and box, with its last head');
  t.match(boxRows[0]![0], /<details><summary><code>000000000000…<\/code><\/summary><code class="hash">0{62}82<\/code><\/details>/, 'the hash abbreviated, the whole of it one click away');
  t.match(boxRows[0]![0], /2 min 0 s ago/, 'how long ago');
  t.match(boxRows[0]![0], /<span class="flag ok">Consistent<\/span>/);
  t.match(boxRows[1]![0], /<span class="flag bad">Regressed<\/span><br><span class="muted">Highest entry reported: 80<\/span>/);
  t.match(boxRows[2]![0], /<span class="flag bad">Rewritten<\/span>/);
  t.match(boxRows[2]![0], /just now/);
  t.match(page, /<li>lappeenranta\/lpr-2 reported another hash for entry 9 at 2026-11-28 12:05 than at 2026-11-28 11:55 \(entry 9\): its log was rewritten\.<\/li>/);
  t.match(page, /<li>lappeenranta\/lpr-1 reported entry 30 as its head at 2026-11-28 11:55, after reporting entry 80 at 2026-11-28 10:05: entries were cut off the end of its log\.<\/li>/);
  t.match(page, /<pre><code>tallennin audit verify --config box.yaml --head SEQ:HASH<\/code><\/pre>/, 'the command a technician runs on the box');
  t.match(String(auditPage(tr('fi'), data({ heads: [] }))), /Yksikään tallennin ei ole ilmoittanut/);
});

// ---------------------------------------------------------------------------------------------
// Through the real indexer


async function setup(t: Test) {
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-audit-'));
  const keys = centralKeys(join(dir, 'keys'));
  const config = await loadIndexerConfig(indexerConfig(dir, keys, { url: 'mqtt://127.0.0.1:1' }));
  const accounts = new AccountsFile(config.console.users, { ...CONSOLE_ACCOUNT_RULES, clock: systemClock });
  let n = 0;
  const person = async (role: 'supervisor' | 'privacy-officer' | 'admin' | 'trainer') => {
    const name = `${role.slice(0, 3)}-${++n}`;
    const secret = newTotpSecret();
    await accounts.add(name, role, PASSWORD, { ...(role === 'supervisor' ? { sites: ['lappeenranta'] } : {}), totp: secret });
    return { name, secret };
  };
  const log = memoryLog();
  const indexer = await Indexer.start({ config, sealingKey: keys.sealing, commandKey: keys.command.key, clock: systemClock, log: log.log, listen: false });
  t.teardown(() => indexer.stop());
  return { indexer, person, log };
}


/** The seqs of the entries a page lists, in order. */
const seqsOf = (body: string): number[] => [...(/<table class="audit">[\s\S]*?<\/table>/.exec(body)?.[0] ?? '').matchAll(/<tr>\n<td class="num">(\d+)<\/td>/g)].map((m) => Number(m[1]));
const lastEntry = async (indexer: Indexer): Promise<AuditEntry> => {
  await indexer.audit.idle();
  for await (const e of indexer.audit.entries({ reverse: true, limit: 1 })) return e;
  throw new Error('empty log');
};

t.test('through the indexer', async (t) => {
  const { indexer, person } = await setup(t);
  const officer = await person('privacy-officer');

  // What there is to find: listens, holds and a deletion by two people in two cases.
  const seeded: AuditEntry[] = [];
  const add = async (e: Parameters<Indexer['audit']['append']>[0]) => seeded.push(await indexer.audit.append(e));
  const REC = ['019ac9d2-0000-7000-8000-00000000000a', '019ac9d2-0000-7000-8000-00000000000b'];
  await add({ actor: 'maija', action: 'listen', target: REC[0], purpose: 'complaint', caseRef: 'VN/123/2026', result: 'ok', detail: { console: true } });
  await add({ actor: 'maija', action: 'hold', target: REC[0], purpose: 'complaint', caseRef: 'VN/123/2026', result: 'ok' });
  await add({ actor: 'ville', action: 'listen', target: REC[1], purpose: 'access-request', caseRef: 'TP-7/2026', result: 'ok' });
  await add({ actor: 'ville', action: 'export', target: REC[1], purpose: 'access-request', caseRef: 'tp-7/2026', result: 'refused' });
  await add({ actor: 'maija', action: 'delete', target: REC[1], caseRef: XSS, result: 'ok', detail: { reason: XSS } });

  await t.test('no session: to the login; another role: refused, and the refusal audited', async (t) => {
    const anon = client(indexer);
    const r = await anon.get('/console/audit');
    t.equal(r.statusCode, 303);
    t.equal(r.headers['location'], '/console/login');
    for (const role of ['supervisor', 'admin', 'trainer'] as const) {
      const who = await person(role);
      const c = await login(indexer, who);
      const page = await c.get('/console/audit?actor=maija');
      t.equal(page.statusCode, 403, `${role}: refused`);
      t.match(page.body, /Roolisi ei salli tätä toimintoa\./, `${role}: says why`);
      t.notMatch(page.body, /VN\/123\/2026|maija/, `${role}: sees nothing of the log`);
      t.match(await lastEntry(indexer), { actor: who.name, action: 'search', result: 'refused', detail: { audit: true, reason: 'role' } }, `${role}: audited`);
      const csrf = c.csrfOf(page.body);
      const v = await c.post('/console/audit/verify', { _csrf: csrf });
      t.equal(v.statusCode, 403, `${role}: may not verify either`);
      t.match(await lastEntry(indexer), { actor: who.name, action: 'verify', result: 'refused' });
    }
  });

  const c = await login(indexer, officer);

  await t.test('the privacy officer sees the log, newest first, and the view is audited', async (t) => {
    const r = await c.get('/console/audit');
    t.equal(r.statusCode, 200);
    t.match(r.body, /<h1>Tapahtumaloki<\/h1>/);
    const seqs = seqsOf(r.body);
    t.ok(seqs.length > 5, 'the entries, the logins among them');
    t.same(seqs, [...seqs].sort((a, b) => b - a), 'newest first');
    t.ok(seqs.includes(seeded[0]!.seq));
    const view = await lastEntry(indexer);
    t.match(view, { actor: officer.name, action: 'search', result: 'ok', detail: { audit: true, console: true, cursor: false, results: seqs.length } });
    t.notOk(view.target ?? view.caseRef, 'no filter, no target or case');
  });

  await t.test('the filters narrow the log', async (t) => {
    const seqs = async (qs: string) => {
      const r = await c.get(`/console/audit?${qs}`);
      t.equal(r.statusCode, 200, qs);
      return seqsOf(r.body);
    };
    const s = seeded.map((e) => e.seq);
    t.same(await seqs('actor=maija'), [s[4], s[1], s[0]], 'by user');
    t.same(await seqs(`target=${REC[1]}`), [s[4], s[3], s[2]], 'by recording');
    t.same(await seqs('caseRef=TP-7'), [s[3], s[2]], 'by case reference, part of it, whatever the case');
    t.same(await seqs('action=listen'), [s[2], s[0]], 'by action');
    t.same(await seqs('actor=maija&action=listen'), [s[0]], 'together');
    t.same(await seqs('actor=nobody'), [], 'nothing');
    const later = new Date(Date.now() + 86_400_000);
    const ymd = (d: Date) => d.toISOString().slice(0, 10);
    t.same(await seqs(`from=${ymd(later)}T00:00&actor=maija`), [], 'from tomorrow: nothing yet');
    t.same(await seqs(`to=2020-01-01T00:00`), [], 'before the log began: nothing');
    t.same(await seqs(`from=2020-01-01T00:00&to=${ymd(later)}T00:00&actor=maija`), [s[4], s[1], s[0]], 'a window around it all');

    const view = await lastEntry(indexer);
    t.match(view, { action: 'search', detail: { audit: true, user: 'maija', from: Number, to: Number, results: 3 } }, 'the filters in the audit entry');
    await c.get(`/console/audit?caseRef=${encodeURIComponent('VN/123')}&target=${REC[0]}`);
    const withCase = await lastEntry(indexer);
    t.equal(withCase.caseRef, 'VN/123', 'a case reference in its own field');
    t.equal(withCase.target, REC[0], 'the recording as the target');
    t.equal(withCase.detail?.['caseRef'], true, 'and only that there was one in the detail');
    t.notMatch(JSON.stringify(withCase.detail), /VN\/123/);
  });

  await t.test('refused filters: said, marked, audited', async (t) => {
    for (const [qs, field, message] of [
      ['actor=a%20b', 'actor', /Käyttäjätunnuksessa voi olla/],
      ['action=fly', 'action', /Valitse jokin luettelon vaihtoehdoista/],
      ['from=2026-02-30T10:00', 'from', /Aikaa ei voitu lukea/],
      ['from=2026-11-02T10:00&to=2026-11-01T10:00', 'to', /päättymisajan on oltava/],
      ['cursor=abc', 'cursor', /Sivun osoite oli virheellinen/],
      ['caseRef=a%0Ab', 'caseRef', /Asiaviitteessä voi olla/],
    ] as const) {
      const r = await c.get(`/console/audit?${qs}`);
      t.equal(r.statusCode, 400, qs);
      t.match(r.body, message, `${qs}: says what is wrong`);
      t.same(seqsOf(r.body), [], `${qs}: shows no entries`);
      t.match(await lastEntry(indexer), { actor: officer.name, action: 'rejected-input', detail: { route: '/console/audit', field } });
    }
    t.equal((await c.get('/console/audit?unknown=1')).statusCode, 400, 'an unknown parameter');
  });

  await t.test('stored XSS is shown as text', async (t) => {
    const r = await c.get('/console/audit?actor=maija&action=delete');
    t.match(r.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot;&#39;/);
    t.notMatch(r.body, /<script/i);
  });

  await t.test('pages follow by seq, and the scan stops where it must', async (t) => {
    const filler = await Promise.all(Array.from({ length: 120 }, (_, i) => indexer.audit.append({ actor: 'robotti', action: 'search', result: 'ok', detail: { i } })));
    const all = filler.map((e) => e.seq).sort((a, b) => b - a);
    const first = await c.get('/console/audit?actor=robotti');
    t.same(seqsOf(first.body), all.slice(0, 50), 'the first 50');
    const next1 = /<a href="([^"]+)" rel="next">/.exec(first.body)![1]!.replace(/&amp;/g, '&');
    t.equal(next1, `/console/audit?actor=robotti&cursor=${all[49]}`);
    const second = await c.get(next1);
    t.same(seqsOf(second.body), all.slice(50, 100), 'the next 50, below the last shown');
    t.match(await lastEntry(indexer), { detail: { cursor: true, results: 50 } });
    const third = await c.get(/<a href="([^"]+)" rel="next">/.exec(second.body)![1]!.replace(/&amp;/g, '&'));
    t.same(seqsOf(third.body), all.slice(100), 'the rest');
    t.notMatch(third.body, /rel="next"/, 'and no further page');

    // More than a page request may read, none matching: the scan stops and says where.
    const many = await Promise.all(Array.from({ length: 20_010 }, () => indexer.audit.append({ actor: 'kuormitus', action: 'search', result: 'ok' })));
    const top = many.at(-1)!.seq;
    const r = await c.get('/console/audit?actor=robotti');
    t.same(seqsOf(r.body), [], 'nothing in the newest 20 000');
    t.match(r.body, new RegExp(`Haku pysähtyi tapahtumaan ${top - 19_999}, kun 20000 tapahtumaa oli luettu`));
    const on = /<a href="([^"]+)" rel="next">/.exec(r.body)![1]!.replace(/&amp;/g, '&');
    const more = await c.get(on);
    t.same(seqsOf(more.body), all.slice(0, 50), 'going on finds them');
    t.match(await lastEntry(indexer), { detail: { audit: true, user: 'robotti', results: 50 } });
    const stopped = [];
    for await (const e of indexer.audit.entries({ reverse: true })) {
      if (e.action === 'search' && e.detail?.['stopped'] === true) {
        stopped.push(e);
        break;
      }
    }
    t.equal(stopped.length, 1, 'a stopped scan is marked in its audit entry');
  });

  await t.test('the boxes\' heads, and a regression', async (t) => {
    const send = (site: string, box: string, seq: number, hash: string) =>
      indexer.ingest.onMessage(`tallennin/v1/${site}/${box}/audit`, Buffer.from(JSON.stringify({ head: { seq, hash }, ts: Date.now() })));
    send('lappeenranta', 'lpr-1', 40, hex(40));
    send('kotka', 'ktk-1', 12, hex(12));
    send('lappeenranta', 'lpr-1', 35, hex(35));
    const r = await c.get('/console/audit?actor=nobody');
    t.match(r.body, /<td class="id">kotka<\/td>\n<td class="id">ktk-1<\/td>\n<td class="num">12<\/td>[\s\S]*?<span class="flag ok">Ehjä<\/span>/);
    t.match(r.body, /<td class="id">lappeenranta<\/td>\n<td class="id">lpr-1<\/td>\n<td class="num">35<\/td>[\s\S]*?<span class="flag bad">Ketju lyheni<\/span>/);
    t.match(r.body, /lappeenranta\/lpr-1 ilmoitti [^<]+ ketjun pääksi tapahtuman 35, vaikka oli [^<]+ ilmoittanut tapahtuman 40/);
  });

  await t.test('verify: the chain verifies, then a tampered entry is named', async (t) => {
    const page = await c.get('/console/audit?actor=nobody');
    const csrf = c.csrfOf(page.body);
    t.equal((await c.post('/console/audit/verify', { _csrf: 'forged' })).statusCode, 403, 'no token, no verification');
    const ok = await c.post('/console/audit/verify', { _csrf: csrf });
    t.equal(ok.statusCode, 200);
    const m = /Ketju on eheä: (\d+) tapahtumaa\. Viimeisin on tapahtuma (\d+)/.exec(ok.body);
    t.ok(m, 'the chain verifies');
    t.equal(m![1], m![2]);
    t.same(seqsOf(ok.body), [], 'no entries on the verification page');
    t.match(ok.body, /Tapahtumia ei haettu tällä kertaa\./);
    t.match(await lastEntry(indexer), { actor: officer.name, action: 'verify', target: 'audit-log', result: 'ok', detail: { count: Number(m![1]), console: true } });

    // Someone with the disk changes who listened.
    const raw = indexer.index.db.sublevel<string, string>('audit', { keyEncoding: 'utf8', valueEncoding: 'utf8' });
    const at = seeded[2]!.seq;
    const stored = JSON.parse(await raw.get(auditKey(at)) as string) as AuditEntry;
    await raw.put(auditKey(at), JSON.stringify({ ...stored, actor: 'someone-else' }));
    const bad = await c.post('/console/audit/verify', { _csrf: csrf });
    t.equal(bad.statusCode, 200);
    t.match(bad.body, new RegExp(`Ketju on rikki tapahtuman ${at} kohdalla: tapahtumaa on muutettu\\.`));
    t.match(bad.body, /<span lang="en">entry \d+ \(key [0-9a-f]+\) was edited: its hash does not match its content<\/span>/);
    t.match(await lastEntry(indexer), { action: 'verify', result: 'error', detail: { at, problem: 'edited' } });

    // A record that is not even JSON: the view says so and offers the check.
    await raw.put(auditKey(seeded[1]!.seq), '{"seq":');
    const unreadable = await c.get(`/console/audit?actor=maija&cursor=${seeded[4]!.seq + 1}`);
    t.equal(unreadable.statusCode, 500);
    t.match(unreadable.body, /Lokin tallennetta ei voitu lukea/);
    t.match(unreadable.body, /action="\/console\/audit\/verify"/);
  });
});
