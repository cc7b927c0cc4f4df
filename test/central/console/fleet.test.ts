// The fleet page: rendered in every state and language as a whole, labelled, protected document
// that shows a box's words only as text and never a number; served by the real indexer with
// logins through inject (who sees which boxes, who may command, what is refused before sending
// and how it is audited); and end to end over a real mosquitto with a real box answering the
// console's signed commands, and then not answering.
import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import mqtt from 'mqtt';
import { Box } from '../../../src/box/box.js';
import { startSync } from '../../../src/box/sync/start-sync.js';
import { systemClock } from '../../../src/core/clock.js';
import { loadConfig } from '../../../src/core/config/index.js';
import type { AuditEntry } from '../../../src/core/audit/entry.js';
import type { Reply } from '../../../src/core/protocol/messages.js';
import type { CommandSender } from '../../../src/central/ingest/types.js';
import type { Indexer } from '../../../src/central/indexer.js';
import type { Translator } from '../../../src/central/console/i18n/catalogue.js';
import { FLEET_VERBS, fleetPage, type FleetPageData } from '../../../src/central/console/pages/fleet.js';
import { boxFixture } from '../../helpers/box-fixture.js';
import { idleBinding } from '../../helpers/idle-binding.js';
import { collect, memoryLog } from '../../helpers/log.js';
import { startMosquitto } from '../../helpers/mosquitto.js';
import { CATALOGUES, checkDocument, DAY, keysOfPart, LANGS, NOW, NUMBER, NUMBER_TRACES, postForms, postFormsWithoutCsrf, tr, trackingTranslator, XSS_PAYLOADS } from './fixture.js';
import { boxes, command, consoleSetup, fleetData, login, status, statusCarryingPersonalData, SUPERVISOR_V, type Client } from './fleet-fixture.js';

t.setTimeout(120_000);

/** Tags with an on*= attribute, once quoted attribute values (escaped text) are set aside. */
const tagsWithHandlers = (page: string): string[] => (page.match(/<[a-z][^>]*>/gi) ?? []).filter((tag) => /\son[a-z]+\s*=/i.test(tag.replace(/"[^"]*"/g, '""')));

const render = (tt: Translator, extra: Partial<FleetPageData> = {}) => String(fleetPage(tt, fleetData(extra)));
const lpr1 = { site: 'lappeenranta', box: 'lpr-1' };

/** Every state of the page worth showing. */
const PAGES: Record<string, (tt: Translator) => string> = {
  'admin, every box state': (tt) => render(tt),
  'admin, LED test done': (tt) => render(tt, { outcome: { ...lpr1, verb: 'led-test', answer: 'ok', result: { seconds: 10 } } }),
  'admin, resync done': (tt) => render(tt, { outcome: { ...lpr1, verb: 'resync', answer: 'ok', result: { republished: 3 } } }),
  'admin, retention set': (tt) => render(tt, { outcome: { ...lpr1, verb: 'set-retention', answer: 'ok', result: { months: 6 } } }),
  'admin, done with a result of another shape': (tt) => render(tt, { outcome: { ...lpr1, verb: 'resync', answer: 'ok', result: { republished: 'many' } } }),
  'admin, refused by the box': (tt) => render(tt, { outcome: { ...lpr1, verb: 'set-retention', answer: 'refused', reason: 'bad-args', detail: 'args.months must be a whole number from 1 to 12' } }),
  'admin, refused for a reason not in the catalogue': (tt) => render(tt, { outcome: { ...lpr1, verb: 'led-test', answer: 'refused', reason: 'TAL_SOMETHING_NEW', detail: '' } }),
  'admin, no answer': (tt) => render(tt, { outcome: { ...lpr1, verb: 'led-test', answer: 'timeout', lastSeen: NOW - 3 * DAY } }),
  'admin, no answer, never seen': (tt) => render(tt, { outcome: { ...lpr1, verb: 'resync', answer: 'timeout' } }),
  'admin, not sent': (tt) => render(tt, { outcome: { ...lpr1, verb: 'led-test', answer: 'failed' } }),
  'admin, a field refused': (tt) => render(tt, { refusal: { ...lpr1, verb: 'set-retention', field: 'months', value: '13', message: 'Months must be 1 to 12.' } }),
  'admin, an unknown box': (tt) => render(tt, { refusal: { message: 'No such box.' } }),
  'supervisor, own sites, no commands': (tt) => render(tt, { user: SUPERVISOR_V, canCommand: false, boxes: boxes().filter((b) => b.site === 'lappeenranta') }),
  'admin, no boxes yet': (tt) => render(tt, { boxes: [] }),
};

t.test('the page renders in fi and en as a whole, labelled, protected document', async (t) => {
  for (const lang of LANGS) {
    for (const [name, draw] of Object.entries(PAGES)) {
      const page = draw(tr(lang));
      const what = `${name} (${lang})`;
      checkDocument(t, page, lang, what);
      t.match(page, /<a href="\/console\/fleet" aria-current="page">/, `${what}: the fleet section is current`);
    }
  }
});

t.test('every box with its state, last seen, alarms, outbox, disk, clock and lines', async (t) => {
  const page = render(tr('en'));
  t.match(page, /<caption id="fleet-caption">Recorders and their latest status report \(4\)<\/caption>/);
  t.equal((page.match(/<th scope="col">/g) ?? []).length, 10, 'ten columns, with commands');
  t.equal((page.match(/<th scope="row" class="id">/g) ?? []).length, 4, 'each box names its row');
  t.match(page, /Recorders: 4, of which 2 need attention\./);
  t.match(page, /As of 12:05\. <a href="\/console\/fleet">Refresh<\/a>/, 'a refresh link, no script');

  const rowOf = (box: string) => new RegExp(`<tr[^>]*>\\s*<td class="id">[^<]+</td>\\s*<th scope="row" class="id">${box}</th>[\\s\\S]*?</tr>`).exec(page)?.[0] ?? '';
  const ktk = rowOf('ktk-1');
  t.match(ktk, /^<tr class="attention">/, 'a box in alert is marked');
  t.match(ktk, /<strong class="flag bad">Alarm<\/strong>/, 'in words, not colour alone');
  t.match(ktk, /<strong class="flag bad">Storage is full<\/strong>: <span lang="en">storage at its floor: 1\.2 GB free<\/span> <span class="muted">\(since 2026-11-28 10:05\)<\/span>/, 'an alarm: its kind in words, the box\'s message, since when');
  t.match(ktk, /Audio capture is not working/);
  t.match(ktk, /<strong class="flag bad">quantum-flux<\/strong>: <span lang="en">a kind from a newer box<\/span>/, 'a kind the catalogue lacks, as it came');
  t.match(ktk, /17 waiting to be sent<br><span class="muted">acknowledged up to event 23<\/span>/);
  t.match(ktk, /98\.6% used<br><span class="muted">900 MB free of 64\.0 GB<\/span><br><strong class="flag warn">Space is used up: new calls are not recorded<\/strong><br>Forecast: space for about 0 more days/);
  t.match(ktk, /<strong class="flag warn">Not synchronised<\/strong><br><span class="muted">source: rtc<\/span>/);
  t.match(ktk, /<li>line-1: ringing<\/li><li>line-2: recording stopped on request since 12:04<\/li><li>line-3: warp<\/li>/, 'each line and its state');
  t.match(ktk, /2026-11-28 12:04<br><span class="muted">30 s ago<\/span>/, 'last seen and how long ago');

  const lpr1Row = rowOf('lpr-1');
  t.match(lpr1Row, /^<tr>/, 'a ready box is not marked');
  t.match(lpr1Row, /<span class="flag good">Working<\/span>/);
  t.match(lpr1Row, /<td>No alarms<\/td>/);
  t.match(lpr1Row, /Empty<br><span class="muted">acknowledged up to event 1234<\/span>/);
  t.match(lpr1Row, /24\.7% used<br><span class="muted">48\.2 GB free of 64\.0 GB<\/span><br>Forecast: space for more than a year/);
  t.match(lpr1Row, /On time \(synchronised\)<br><span class="muted">source: system<\/span>/);
  t.match(lpr1Row, /<li>line-1: idle<\/li><li>line-2: call in progress since 12:03<\/li>/);
  t.match(lpr1Row, /<a href="#box-1-commands">Commands<span class="visually-hidden"> Recorder lpr-1, lappeenranta<\/span><\/a>/, 'a link to its forms, named for a screen reader');

  const lost = rowOf('lpr-2');
  t.match(lost, /^<tr class="attention">/);
  t.match(lost, /<strong class="flag bad">No connection<\/strong>/);
  t.match(lost, /3 d ago/);
  t.match(lost, /Status report 2026-11-25 12:05/, 'when its last report was made');
  t.match(lost, /Space is running low<\/strong><br>No forecast/);
  t.match(lost, /<td>Not known<\/td>/, 'a clock with nothing said');
  t.match(lost, /<td><ul class="plain"><\/ul><\/td>|<td>No lines<\/td>/);

  const init = rowOf('mkl-1');
  t.match(init, /<td>Starting<\/td>/);
  t.match(init, /<td colspan="5">The recorder has not sent a status report yet\.<\/td>/);

  const fi = render(tr('fi'));
  t.match(fi, /<strong class="flag bad">Hälytys<\/strong>/);
  t.match(fi, /98,6 % käytössä/);
  t.match(fi, /30 s sitten/);
  t.match(fi, /3 vrk sitten/);
});

t.test('admins get three labelled command forms per box; supervisors none', async (t) => {
  const page = render(tr('fi'));
  t.equal(postForms(page), 4 * 3 + 2, 'three per box, and logout and the language switch');
  const forms = [...page.matchAll(/<form method="post" action="(\/console\/fleet\/[^"]+)" class="command">[\s\S]*?<\/form>/g)];
  t.same(forms.map((m) => m[1]).slice(3, 6), ['/console/fleet/lappeenranta/lpr-1/commands/led-test', '/console/fleet/lappeenranta/lpr-1/commands/resync', '/console/fleet/lappeenranta/lpr-1/commands/set-retention']);
  const [led, resync, retention] = forms.slice(3, 6).map((m) => m[0]);
  t.match(led, /<label for="box-1-led-test-seconds">LED-testin kesto \(sekuntia\)<\/label><input id="box-1-led-test-seconds" name="seconds" type="number" value="10" inputmode="numeric" min="1" max="300" required aria-describedby="box-1-led-test-seconds-hint">/);
  t.match(led, /<button type="submit">Käynnistä LED-testi<span class="visually-hidden"> Tallennin lpr-1, lappeenranta<\/span><\/button>/, 'each button names its box for a screen reader');
  t.match(resync!, /<input id="box-1-resync-from" name="from" type="number" value="0" inputmode="numeric" min="0" required/);
  t.match(retention!, /<input id="box-1-set-retention-months" name="months" type="number" inputmode="numeric" min="1" max="12" required/, 'no months chosen for the admin');
  t.match(retention!, /Säilytyksen jatkoja ei lyhennetä, ja 12 kuukautta on laissa sallittu enimmäisaika\./, 'holds are not shortened; 12 months is the law\'s maximum');
  t.match(retention!, /id="box-1-set-retention-months-hint"/);

  const sup = render(tr('fi'), { user: SUPERVISOR_V, canCommand: false });
  t.equal(postForms(sup), 2, 'only logout and the language switch');
  t.equal((sup.match(/<th scope="col">/g) ?? []).length, 9, 'no commands column');
  t.notMatch(sup, /\/commands\/|Komennot/);
});

t.test('the box\'s answer: a status when done, an alert when refused or silent', async (t) => {
  const ok = PAGES['admin, retention set']!(tr('fi'));
  t.match(ok, /<div class="note-box outcome" role="status" id="command-outcome"><strong>Tallennin lpr-1 \(lappeenranta\) vastasi: säilytysajan asetus tehty\.<\/strong><p>Uudet tallenteet säilytetään 6 kuukautta\.<\/p><\/div>/);
  t.match(PAGES['admin, LED test done']!(tr('en')), /<p>The lights flash for 10 seconds\.<\/p>/);
  t.match(PAGES['admin, resync done']!(tr('en')), /<p>The recorder resends 3 events\.<\/p>/);
  t.notMatch(PAGES['admin, done with a result of another shape']!(tr('en')), /resends/, 'a result it cannot read is not guessed at');

  const refused = PAGES['admin, refused by the box']!(tr('en'));
  t.match(refused, /<div class="alert outcome" role="alert" id="command-outcome"><strong>Recorder lpr-1 \(lappeenranta\) refused the command: setting the retention period\.<\/strong>/);
  t.match(refused, /<p>Reason: the recorder does not accept the command&#39;s values\.<\/p>/);
  t.match(refused, /<p>The recorder&#39;s own explanation: <span lang="en">args\.months must be a whole number from 1 to 12<\/span><\/p>/);
  t.match(PAGES['admin, refused for a reason not in the catalogue']!(tr('en')), /Reason: TAL_SOMETHING_NEW\./);

  const silent = PAGES['admin, no answer']!(tr('fi'));
  t.match(silent, /role="alert"[^>]*><strong>Tallennin lpr-1 \(lappeenranta\) ei vastannut ajoissa: LED-testi\.<\/strong>/);
  t.match(silent, /Tallennin oli viimeksi yhteydessä 25\.11\.2026 12\.05 \(3 vrk sitten\)\./);
  t.match(silent, /Komento voi vielä toteutua/);
  t.match(PAGES['admin, not sent']!(tr('en')), /role="alert"[\s\S]*The reason is in the indexer&#39;s log/);

  const field = PAGES['admin, a field refused']!(tr('fi'));
  t.match(field, /<p class="alert" role="alert" id="command-error">Months must be 1 to 12\. <a href="#box-1-set-retention-months">Siirry kenttään: Säilytysaika \(kuukautta\)<\/a><\/p>/);
  t.match(field, /<input id="box-1-set-retention-months" name="months" type="number" value="13"[^>]* aria-invalid="true" aria-describedby="command-error box-1-set-retention-months-hint">/, 'the field keeps what was typed and says why');
  t.equal((field.match(/aria-invalid/g) ?? []).length, 1, 'only that field');
  t.match(PAGES['admin, an unknown box']!(tr('en')), /<p class="alert" role="alert" id="command-error">No such box\.<\/p>/);
});

t.test('a box\'s words are text, never markup', async (t) => {
  for (const lang of LANGS) {
    for (const p of XSS_PAYLOADS) {
      const evil = status({
        alarms: [{ kind: p, message: `disk "full" ${p}`, since: NOW }],
        lines: [{ id: p, state: p, since: NOW }],
        clock: { synced: false, source: p },
        disk: { freeBytes: 1, totalBytes: 10, usedPercent: 90, level: p },
      });
      const b = { site: p, box: p, state: 'alert' as const, lastSeen: NOW, watermark: 0, status: evil };
      const pages = [
        render(tr(lang), { boxes: [b], outcome: { site: p, box: p, verb: 'led-test', answer: 'refused', reason: p, detail: p } }),
        render(tr(lang), { boxes: [b], refusal: { site: p, box: p, verb: 'led-test', field: 'seconds', value: p, message: p } }),
        render(tr(lang), { boxes: [b], user: { name: p, role: 'admin' }, csrf: p }),
      ];
      for (const page of pages) {
        t.notOk(page.includes(p), `${lang}: "${p}" never appears raw`);
        t.notMatch(page, /<script|<img/i, `${lang}: no element from the box`);
        t.same(tagsWithHandlers(page), [], `${lang}: no event handler attribute from the box`);
      }
      t.ok(pages[0]!.includes('&lt;script&gt;') || pages[0]!.includes('&quot;&gt;&lt;img') || pages[0]!.includes('&#39; onmouseover=&#39;'), `${lang}: shown escaped`);
    }
    t.match(render(tr(lang), { boxes: [{ ...boxes()[1]!, status: status({ alarms: [{ kind: 'capture-lost', message: 'a "quoted" <b>word</b>', since: NOW }] }) }] }), /a &quot;quoted&quot; &lt;b&gt;word&lt;\/b&gt;/);
  }
});

t.test('no phone number or name reaches the page, even from a status that carries one', async (t) => {
  const b = { ...boxes()[1]!, status: statusCarryingPersonalData() };
  for (const lang of LANGS) {
    const page = render(tr(lang), { boxes: [b] });
    for (const n of [NUMBER, ...NUMBER_TRACES, 'Maija Meikäläinen']) t.notOk(page.includes(n), `${lang}: no "${n}"`);
    t.notOk(page.replace(/\s+/g, '').includes('0401234567'), `${lang}: not even with its spaces taken out`);
    t.match(page, /line-1: /, `${lang}: the line itself is shown`);
  }
});

t.test('a status of another shape shows as unknown, not as a broken page', async (t) => {
  const odd = { ts: 'yesterday', lines: 'two', alarms: [null, { kind: 3, since: 'x' }], disk: { level: 'ok' }, clock: null, outbox: {} } as never;
  const page = render(tr('en'), { boxes: [{ ...boxes()[1]!, status: odd }] });
  t.notMatch(page, /undefined|NaN|\[object /);
  t.match(page, /The state of the storage is not known/);
  t.match(page, /Status report Not known/);
});

t.test('every fleet message is used, and every message used exists', async (t) => {
  const master = CATALOGUES.languages.get('fi')!;
  const { t: tt, used } = trackingTranslator('fi');
  for (const draw of Object.values(PAGES)) draw(tt);
  // The codes the sample boxes above do not happen to carry.
  const variants = [
    ...['capture-lost', 'storage-write', 'storage-warning', 'storage-alarm', 'storage-floor', 'notice-missing'].map((kind) => status({ alarms: [{ kind, message: 'm', since: NOW }] })),
    ...['idle', 'ringing', 'active', 'stopped'].map((state) => status({ lines: [{ id: 'line-1', state }] })),
    ...['warning', 'alarm', 'floor'].map((level) => status({ disk: { freeBytes: 1e8, totalBytes: 1e9, usedPercent: 90, level } })),
    status({ disk: { freeBytes: 0, totalBytes: 0, usedPercent: 0, level: 'unknown' } }),
    status({ clock: { synced: true } }), status({ clock: { synced: false } }), status({ outbox: undefined as never }),
  ];
  render(tt, { boxes: variants.map((s, i) => ({ site: 's', box: `b-${i}`, state: 'ready', lastSeen: 0, watermark: 0, status: s })) });
  for (const reason of ['bad-args', 'failed', 'expired', 'future', 'unknown-key', 'bad-signature']) render(tt, { outcome: { ...lpr1, verb: 'led-test', answer: 'refused', reason, detail: 'd' } });
  for (const state of ['init', 'ready', 'alert', 'lost'] as const) render(tt, { boxes: [{ ...boxes()[1]!, state }] });
  for (const verb of FLEET_VERBS) render(tt, { outcome: { ...lpr1, verb, answer: 'failed' } });
  // What the route hands to the page as messages (a refused form's).
  const route = readFileSync('src/central/console/routes/fleet.ts', 'utf8');
  for (const m of route.matchAll(/'((?:fleet|error|form)\.[A-Za-z.-]+)'/g)) {
    t.ok(Object.hasOwn(master, m[1]!), `routes/fleet.ts: "${m[1]}" is in the catalogue`);
    used.add(m[1]!);
  }
  const missing = [...used].filter((k) => !Object.hasOwn(master, k) && !/^fleet\.(alarm|line|reason|disk\.level|state|verb)\./.test(k));
  t.same(missing, [], 'no render asks for a message the catalogue lacks');
  t.same(keysOfPart('fleet').filter((k) => !used.has(k)), [], 'no fleet message is left unused');
  for (const m of readFileSync('src/central/console/pages/fleet.ts', 'utf8').matchAll(/\bt\('([^']+)'/g)) t.ok(Object.hasOwn(master, m[1]!), `pages/fleet.ts: "${m[1]}" is in the catalogue`);
});

// ---- served by the real indexer ----

type Sent = Parameters<CommandSender['send']>[0];

/** The indexer's command sender, replaced by one that notes what it is asked and answers as told. */
function stubCommands(indexer: Indexer) {
  const sent: Sent[] = [];
  let answer: (req: Sent) => Promise<Reply> = async (req) => ({ correlationId: 'c', ok: true, verb: req.verb, result: {} });
  indexer.commands.send = async (req) => {
    sent.push(req);
    return answer(req);
  };
  return { sent, answerWith: (f: typeof answer) => (answer = f) };
}

async function auditSince(indexer: Indexer, seq: number): Promise<AuditEntry[]> {
  return (await collect(indexer.audit.entries())).filter((e) => e.seq > seq);
}
const lastSeq = async (indexer: Indexer) => (await collect(indexer.audit.entries())).at(-1)?.seq ?? 0;

t.test('through the indexer: who sees what, who may command, and what is refused before sending', async (t) => {
  const s = await consoleSetup(t);
  const { indexer } = s;
  const now = Date.now();
  for (const b of boxes()) {
    await indexer.fleet.onState(b.site, b.box, { state: b.state, ts: now, boot: 1 }, now - 1_000);
    if (b.status) await indexer.fleet.onStatus(b.site, b.box, { ...b.status, ts: now - 1_000 }, now - 1_000);
  }
  const stub = stubCommands(indexer);

  await t.test('no session: to the login', async (t) => {
    const r = await indexer.api.inject({ method: 'GET', url: '/console/fleet' });
    t.equal(r.statusCode, 303);
    t.equal(r.headers.location, '/console/login');
  });

  await t.test('trainers and privacy officers may not open it', async (t) => {
    for (const role of ['trainer', 'privacy-officer'] as const) {
      const c = await login(indexer, await s.person(role));
      const r = await c.get('/console/fleet');
      t.equal(r.statusCode, 403, role);
      t.match(r.body, /Roolisi ei salli tätä toimintoa\./);
      t.notMatch(r.body, /ktk-1|lpr-1/);
    }
  });

  let admin: Client;
  let page: string;
  await t.test('an admin sees every box, with the command forms', async (t) => {
    admin = await login(indexer, await s.person('admin'));
    const r = await admin.get('/console/fleet');
    t.equal(r.statusCode, 200);
    t.match(r.headers['content-type'], /text\/html/);
    t.match(r.headers['content-security-policy'], /default-src 'none'|script-src/);
    page = r.body;
    for (const b of ['ktk-1', 'lpr-1', 'lpr-2', 'mkl-1']) t.match(page, new RegExp(`<th scope="row" class="id">${b}</th>`), b);
    t.equal(postForms(page), 4 * 3 + 2);
    t.same(postFormsWithoutCsrf(page, admin.csrfOf(page)), []);
    t.match(page, /<strong class="flag bad">Hälytys<\/strong>/);
  });

  await t.test('a supervisor sees only the boxes of their own sites, no forms, and a command of theirs is refused and audited', async (t) => {
    const sup = await login(indexer, await s.person('supervisor', ['lappeenranta']));
    const r = await sup.get('/console/fleet');
    t.equal(r.statusCode, 200);
    t.match(r.body, /<th scope="row" class="id">lpr-1<\/th>/);
    t.match(r.body, /<th scope="row" class="id">lpr-2<\/th>/);
    t.notMatch(r.body, /ktk-1|mkl-1|kotka|mikkeli/, 'nothing of other sites');
    t.equal(postForms(r.body), 2, 'no command forms');
    const before = await lastSeq(indexer);
    const post = await command(sup, r.body, 'lappeenranta', 'lpr-1', 'led-test', { seconds: '10' });
    t.equal(post.statusCode, 403);
    t.match(post.body, /Roolisi ei salli tätä toimintoa\./);
    t.same(stub.sent, [], 'nothing sent');
    const entries = await auditSince(indexer, before);
    t.match(entries, [{ action: 'rejected-command', result: 'refused', target: 'lappeenranta/lpr-1', detail: { reason: 'role', verb: 'led-test', site: 'lappeenranta', box: 'lpr-1' } }]);
  });

  await t.test('an admin\'s LED test and retention are sent as the box takes them, audited, and the reply shown', async (t) => {
    stub.answerWith(async (req) => ({ correlationId: 'c', ok: true, verb: req.verb, result: req.verb === 'set-retention' ? { months: req.args['months'] } : { seconds: req.args['seconds'] } }));
    let before = await lastSeq(indexer);
    const led = await command(admin, page, 'lappeenranta', 'lpr-1', 'led-test', { seconds: ' 25 ' });
    t.equal(led.statusCode, 200);
    t.match(led.body, /role="status"[^>]*><strong>Tallennin lpr-1 \(lappeenranta\) vastasi: LED-testi tehty\.<\/strong><p>Merkkivalot vilkkuvat 25 sekuntia\.<\/p>/);
    t.same(stub.sent.at(-1), { site: 'lappeenranta', box: 'lpr-1', verb: 'led-test', args: { seconds: 25 } });
    t.match(await auditSince(indexer, before), [{ action: 'command', result: 'ok', target: 'lappeenranta/lpr-1', detail: { verb: 'led-test', seconds: 25, outcome: 'done', console: true } }]);
    t.equal(postForms(led.body), 4 * 3 + 2, 'the fleet page again, with its forms');

    before = await lastSeq(indexer);
    // A `by` in the form is not who asked: the session's person is.
    const ret = await command(admin, led.body, 'kotka', 'ktk-1', 'set-retention', { months: '6', by: 'mallory' });
    t.equal(ret.statusCode, 200);
    t.match(ret.body, /Uudet tallenteet säilytetään 6 kuukautta\./);
    const adminName = /Kirjautuneena: ([a-z0-9-]+) /.exec(ret.body)?.[1];
    t.same(stub.sent.at(-1), { site: 'kotka', box: 'ktk-1', verb: 'set-retention', args: { months: 6, by: adminName } });
    const [entry] = await auditSince(indexer, before);
    t.match(entry, { actor: adminName, action: 'config-change', result: 'ok', target: 'kotka/ktk-1', detail: { verb: 'set-retention', months: 6, outcome: 'done' } });
    t.notOk('by' in (entry!.detail ?? {}), 'the actor says who; no `by` in the detail');

    const resync = await command(admin, ret.body, 'lappeenranta', 'lpr-2', 'resync', { from: '0' });
    t.equal(resync.statusCode, 200);
    t.same(stub.sent.at(-1)?.args, { from: 0 });
    page = resync.body;
  });

  await t.test('a refusal from the box is a 409 with its reason, audited as a rejected command', async (t) => {
    stub.answerWith(async (req) => ({ correlationId: 'c', ok: false, verb: req.verb, reason: 'failed', detail: 'the box could not carry out the command; its log says why' }));
    const before = await lastSeq(indexer);
    const r = await command(admin, page, 'lappeenranta', 'lpr-1', 'led-test', { seconds: '10' });
    t.equal(r.statusCode, 409);
    t.match(r.body, /role="alert"[^>]*><strong>Tallennin lpr-1 \(lappeenranta\) kieltäytyi komennosta: LED-testi\.<\/strong>\s*<p>Syy: tallennin ei pystynyt suorittamaan komentoa, syy on tallentimen lokissa\.<\/p>/);
    t.match(await auditSince(indexer, before), [{ action: 'rejected-command', result: 'refused', detail: { verb: 'led-test', outcome: 'box-refused', boxReason: 'failed' } }]);
    page = r.body;
  });

  await t.test('no answer is a 504 that says when the box was last seen; a send that fails is a 502', async (t) => {
    stub.answerWith(async () => {
      throw Object.assign(new Error('led-test to lappeenranta/lpr-1: no answer in time'), { code: 'TAL_COMMAND_TIMEOUT' });
    });
    const before = await lastSeq(indexer);
    const r = await command(admin, page, 'lappeenranta', 'lpr-1', 'led-test', { seconds: '10' });
    t.equal(r.statusCode, 504);
    t.match(r.body, /ei vastannut ajoissa: LED-testi\./);
    t.match(r.body, /Tallennin oli viimeksi yhteydessä \d+\.\d+\.\d{4} \d\d\.\d\d \(\d+ s sitten\)\./);
    t.match(await auditSince(indexer, before), [{ action: 'command', result: 'error', detail: { verb: 'led-test', outcome: 'timeout' } }]);
    stub.answerWith(async () => {
      throw new Error('broker connection lost');
    });
    const failed = await command(admin, r.body, 'lappeenranta', 'lpr-1', 'led-test', { seconds: '10' });
    t.equal(failed.statusCode, 502);
    t.match(failed.body, /Komentoa ei voitu lähettää tallentimelle lpr-1/);
    t.notMatch(failed.body, /broker connection lost/, 'the failure stays in the log');
    page = failed.body;
    stub.answerWith(async (req) => ({ correlationId: 'c', ok: true, verb: req.verb, result: {} }));
  });

  await t.test('bad input is a 400 naming the field, audited, and nothing is sent', async (t) => {
    const cases: [verb: string, form: Record<string, string>, says: RegExp][] = [
      ['led-test', { seconds: '0' }, /LED-testin kesto \(sekuntia\): anna kokonaisluku väliltä 1–300\./],
      ['led-test', { seconds: '301' }, /väliltä 1–300/],
      ['led-test', { seconds: '1.5' }, /väliltä 1–300/],
      ['led-test', { seconds: '1e2' }, /väliltä 1–300/],
      ['led-test', { seconds: 'kymmenen' }, /väliltä 1–300/],
      ['led-test', {}, /väliltä 1–300/],
      ['resync', { from: '-1' }, /Uudelleenlähetys tapahtumasta nro: anna kokonaisluku, vähintään 0\./],
      ['resync', { from: '99999999999999999' }, /vähintään 0/],
      ['set-retention', { months: '13' }, /Säilytysaika \(kuukautta\): anna kokonaisluku väliltä 1–12\./],
      ['set-retention', { months: '0' }, /väliltä 1–12/],
      ['set-retention', { months: '' }, /väliltä 1–12/],
    ];
    const before = stub.sent.length;
    for (const [verb, form, says] of cases) {
      const r = await command(admin, page, 'lappeenranta', 'lpr-1', verb, form);
      const what = `${verb} ${JSON.stringify(form)}`;
      t.equal(r.statusCode, 400, what);
      t.match(r.body, says, what);
      t.match(r.body, /<p class="alert" role="alert" id="command-error">Komentoa ei lähetetty tallentimelle lpr-1 \(lappeenranta\)\./, `${what}: says nothing was sent`);
      t.match(r.body, /aria-invalid="true"/, `${what}: the field is marked`);
      page = r.body;
    }
    const seq = await lastSeq(indexer);
    const multi = await admin.post('/console/fleet/lappeenranta/lpr-1/commands/set-retention', { _csrf: admin.csrfOf(page) } as Record<string, string>);
    t.equal(multi.statusCode, 400);
    t.match(await auditSince(indexer, seq), [{ action: 'rejected-input', result: 'refused', detail: { reason: 'bad-arg', field: 'months', verb: 'set-retention' } }]);
    page = multi.body;

    for (const [url, status, says] of [
      ['/console/fleet/lappeenranta/lpr-1/commands/format', 400, /Tuntematon komento\./],
      ['/console/fleet/lappeenranta/lpr-1/commands/delete', 400, /Tuntematon komento\./],
      ['/console/fleet/Lappeenranta!/lpr-1/commands/led-test', 400, /tunnus ei kelpaa/],
      ['/console/fleet/lappeenranta/lpr-9/commands/led-test', 404, /Toimipisteessä lappeenranta ei ole tallenninta lpr-9/],
      ['/console/fleet/joensuu/lpr-1/commands/led-test', 404, /Toimipisteessä joensuu ei ole tallenninta lpr-1/],
    ] as const) {
      const r = await admin.post(encodeURI(url), { seconds: '10', _csrf: admin.csrfOf(page) });
      t.equal(r.statusCode, status, url);
      t.match(r.body, says, url);
      page = r.body;
    }
    t.equal(stub.sent.length, before, 'nothing was sent for any of them');

    const noToken = await admin.post('/console/fleet/lappeenranta/lpr-1/commands/led-test', { seconds: '10' });
    t.equal(noToken.statusCode, 403, 'a form without its token');
    t.match(noToken.body, /Lomake oli vanhentunut/);
    t.equal(stub.sent.length, before);
  });

  await t.test('a supervisor\'s view stays within their sites after a command page too (the English page)', async (t) => {
    const sup = await login(indexer, await s.person('supervisor', ['kotka']));
    const first = await sup.get('/console/fleet');
    const switched = await sup.post('/console/language', { lang: 'en', back: '/console/fleet', _csrf: sup.csrfOf(first.body) });
    t.equal(switched.statusCode, 303);
    const r = await sup.get('/console/fleet');
    t.match(r.body, /<html lang="en">/);
    t.match(r.body, /Recorders: 1, of which 1 need attention\./);
    t.match(r.body, /Storage is full/);
  });
});

// ---- end to end: a real broker and a real box ----

t.test('over mosquitto: the console commands a real box, shows its answers, and says when it is silent', async (t) => {
  const broker = await startMosquitto();
  t.teardown(() => broker.stop());
  const s = await consoleSetup(t, { brokerUrl: broker.url, commandTimeoutS: 1 });
  const { indexer, keys } = s;

  const f = boxFixture({ infile: '/dev/null', channels: 1 });
  writeFileSync(
    f.config,
    readFileSync(f.config, 'utf8').replace(/publicKey: [^ }]+/, `publicKey: ${keys.controllerPub}`) +
      `mqtt: { url: "${broker.url}", commandKeys: [${keys.commandPub}], keepaliveS: 5, reconnectMaxS: 1 }\n`,
  );
  const config = await loadConfig(f.config);
  const boxLog = memoryLog();
  const box = await Box.start({ config, sealTo: keys.sealTo, log: boxLog.log, binding: idleBinding });
  let running = true;
  const sync = await startSync(box, config.mqtt!, { site: 'testsite', box: 'test-1', clock: systemClock, log: boxLog.log });
  const stopBox = async () => {
    if (!running) return;
    running = false;
    await sync.stop();
    await box.stop();
  };
  t.teardown(stopBox);

  // What reaches the broker on the box's command topics.
  const probe = await mqtt.connectAsync(broker.url, { clientId: `probe-${process.pid}` });
  t.teardown(() => probe.endAsync());
  const published: string[] = [];
  probe.on('message', (topic) => published.push(topic.split('/').at(-1)!));
  await probe.subscribeAsync('tallennin/v1/testsite/test-1/cmd/+', { qos: 1 });

  await sync.report();
  const deadline = Date.now() + 15_000;
  while (!indexer.fleet.list(Date.now()).some((b) => b.box === 'test-1' && b.status?.outbox)) {
    if (Date.now() > deadline) throw new Error(`the box's status did not reach the fleet\n${JSON.stringify(boxLog.lines.slice(-5))}\n${JSON.stringify(s.log.lines.slice(-5))}`);
    await new Promise((r) => setTimeout(r, 30));
  }

  const admin = await login(indexer, await s.person('admin'));
  const fleet = await admin.get('/console/fleet');
  t.equal(fleet.statusCode, 200);
  t.match(fleet.body, /<th scope="row" class="id">test-1<\/th>/);
  t.match(fleet.body, /<span class="flag good">Toiminnassa<\/span>/, 'ready, from its retained $state');
  t.match(fleet.body, /<li>line-1: vapaa<\/li>/, 'its line, from its retained status');

  const led = await command(admin, fleet.body, 'testsite', 'test-1', 'led-test', { seconds: '3' });
  t.equal(led.statusCode, 200, led.body.slice(0, 200));
  t.match(led.body, /role="status"[^>]*><strong>Tallennin test-1 \(testsite\) vastasi: LED-testi tehty\.<\/strong><p>Merkkivalot vilkkuvat 3 sekuntia\.<\/p>/, 'the box\'s own reply');

  const ret = await command(admin, led.body, 'testsite', 'test-1', 'set-retention', { months: '6' });
  t.equal(ret.statusCode, 200);
  t.match(ret.body, /Uudet tallenteet säilytetään 6 kuukautta\./);
  t.equal(box.retentionMonths, 6, 'the box keeps new recordings 6 months now');
  const boxAudit = (await collect(box.audit.entries())).filter((e) => e.action === 'set-retention');
  t.match(boxAudit.at(-1), { actor: /^central:adm-\d+$/, result: 'ok', detail: { to: 6 } }, 'the box\'s own log names the admin');

  const tooLong = await command(admin, ret.body, 'testsite', 'test-1', 'set-retention', { months: '13' });
  t.equal(tooLong.statusCode, 400);
  t.match(tooLong.body, /Komentoa ei lähetetty tallentimelle test-1 \(testsite\)\. Säilytysaika \(kuukautta\): anna kokonaisluku väliltä 1–12\./);
  t.equal(box.retentionMonths, 6, 'unchanged');

  await stopBox();
  const started = Date.now();
  const silent = await command(admin, tooLong.body, 'testsite', 'test-1', 'led-test', { seconds: '3' });
  t.equal(silent.statusCode, 504);
  t.ok(Date.now() - started < 5_000, 'the short timeout of the config');
  t.match(silent.body, /role="alert"[^>]*><strong>Tallennin test-1 \(testsite\) ei vastannut ajoissa: LED-testi\.<\/strong>/);
  t.match(silent.body, /Tallennin oli viimeksi yhteydessä \d+\.\d+\.\d{4} \d\d\.\d\d \(\d+ s sitten\)\./);

  // The broker saw exactly the commands that were sent: never the refused 13 months.
  await new Promise((r) => setTimeout(r, 100));
  t.same(published, ['led-test', 'set-retention', 'led-test']);
  const entries = (await collect(indexer.audit.entries())).filter((e) => e.detail?.['console'] === true && e.target === 'testsite/test-1');
  t.match(entries.map((e) => [e.action, e.result, e.detail?.['verb']]), [
    ['command', 'ok', 'led-test'],
    ['config-change', 'ok', 'set-retention'],
    ['rejected-input', 'refused', 'set-retention'],
    ['command', 'error', 'led-test'],
  ]);
});
