// The disclosure register's logic over stand-ins (a box that answers as told, an audit log in an
// array, the real LevelDB and sealer), on a manual clock: only privacy officers; every refusal
// named, audited and sending nothing; an entry audited before its holds are asked for, each hold
// under the entry's own case reference to the cap, with the box's silence or refusal recorded
// and offered again; exports audited as `export` / `disclosure` before a byte is opened; the
// metadata without numbers; completion releasing exactly the entry's holds. The particulars
// never reach the audit log or the log.
import t from 'tap';
import { maxExpiryOf } from '../../../src/core/retention/index.js';
import { holdCaseRefOf } from '../../../src/central/registers/disclosure-types.js';
import { IDS, NOW, NUMBER_TRACES, timeoutError } from '../api/fixture.js';
import { consoleFixture, OGG, type ConsoleFixture } from './console-fixture.js';

const PARTICULARS = 'Kelan pyyntö 27.11. asiakkaasta Anna Asiakas 010101-123N';
const LIST = '/console/registers/disclosure';

type Client = Awaited<ReturnType<ConsoleFixture['login']>>;

async function people(f: ConsoleFixture) {
  await f.person('pia', 'privacy-officer');
  await f.person('saara', 'supervisor', ['lappeenranta']);
  await f.person('aki', 'admin');
  await f.person('tero', 'trainer');
}

/** Posts a form from the page at `from` (for its CSRF token). */
async function submit(c: Client, from: string, to: string, form: Record<string, string>) {
  const page = await c.get(from);
  return c.post(to, { ...form, _csrf: c.csrfOf(page.body) });
}

const valid = (extra: Record<string, string> = {}) => ({
  recipient: 'Kansaneläkelaitos', basis: 'Työttömyysturvalaki (1290/2002) 13 luku 1 §', recordings: 'yes', caseRef: 'KEHA/123/2026',
  ids: `${IDS.lpr1}\r\n${IDS.kotka}`, details: PARTICULARS, ...extra,
});

const entryIdOf = (location: string) => /\/console\/registers\/disclosure\/([^/?]+)\?done=created$/.exec(location)?.[1];

function noParticulars(t: { notOk(v: unknown, m: string): unknown }, f: ConsoleFixture) {
  const all = JSON.stringify(f.audit) + JSON.stringify(f.lines);
  t.notOk(all.includes('Anna Asiakas') || all.includes('010101-123N'), 'the particulars are in neither the audit log nor the log');
}

t.test('privacy officers only', async (t) => {
  const f = await consoleFixture(t);
  await people(f);
  t.equal((await f.app.inject({ method: 'GET', url: LIST })).statusCode, 303, 'no session: to the login');
  for (const name of ['saara', 'aki', 'tero']) {
    const c = await f.login(name);
    t.equal((await c.get(LIST)).statusCode, 403, `${name}: the register is refused`);
    const r = await submit(c, '/console/none', LIST, valid());
    t.equal(r.statusCode, 403, `${name}: and entering a disclosure`);
    t.match(f.audit.at(-1), { actor: name, action: 'disclosure', result: 'refused', detail: { reason: 'role' } });
    t.equal((await c.get(`${LIST}/anything/export/${IDS.lpr1}.opus`)).statusCode, 403, `${name}: and an export`);
    t.match(f.audit.at(-1), { actor: name, action: 'export', result: 'refused', detail: { reason: 'role' } });
  }
  t.same(f.sent, [], 'nothing sent');
  const pia = await f.login('pia');
  const page = await pia.get(LIST);
  t.equal(page.statusCode, 200);
  t.match(page.body, /No disclosures have been entered\./);
  t.match(page.body, /The controller&#39;s settings name no recipients/, 'no presets in this config: typed');
  t.equal((await pia.get(`${LIST}/no-such-entry`)).statusCode, 404);
  t.match(f.audit.at(-1), { actor: 'pia', action: 'view-disclosure', target: 'no-such-entry', result: 'refused' });
});

t.test('a new entry: refusals, then the entry, its holds and copies, all audited', async (t) => {
  const f = await consoleFixture(t);
  await people(f);
  const pia = await f.login('pia');

  await t.test('each problem is named, audited, and nothing is entered or sent', async (t) => {
    for (const [form, status, says] of [
      [valid({ recipient: '' }), 400, /Choose the recipient or type it\./],
      [valid({ recipientPreset: 'Kela' }), 400, /Choose the recipient from the list or type another recipient, not both\./],
      [valid({ recipient: '', recipientPreset: 'Kela' }), 400, /The chosen recipient is no longer in the settings/],
      [valid({ recipient: 'x'.repeat(201) }), 400, /too long \(at most 200 characters\)/],
      [valid({ basis: 'a\u0000b' }), 400, /The legal basis contains characters that cannot be used\./],
      [valid({ recordings: '' }), 400, /Choose what is disclosed/],
      [valid({ caseRef: ' ' }), 400, /Give the disclosure&#39;s case reference\./],
      [valid({ caseRef: 'x'.repeat(65) }), 400, /The case reference is too long/],
      [valid({ ids: ' \n ' }), 400, /Give the id of at least one recording/],
      [valid({ ids: `${IDS.lpr1}\n../etc/passwd` }), 400, /“..\/etc\/passwd” is not a recording id\./],
      [valid({ ids: IDS.unknown }), 400, new RegExp(`Recording ${IDS.unknown} is not in the call index\\.`)],
      [valid({ ids: IDS.gone }), 400, /has already been destroyed, so it cannot be disclosed/],
      [valid({ ids: Array.from({ length: 101 }, (_, i) => `r-${i}`).join('\n') }), 400, /at most 100 recordings/],
      [valid({ details: 'x'.repeat(1001) }), 400, /The particulars of the request are too long/],
    ] as const) {
      const r = await submit(pia, LIST, LIST, form);
      t.equal(r.statusCode, status, JSON.stringify(form).slice(0, 120));
      t.match(r.body, says);
      t.match(r.body, /<p class="alert" role="alert" id="disclosure-error">/);
    }
    t.equal(f.audit.filter((e) => e.action === 'rejected-input' && e.detail?.['route'] === LIST).length, 14, 'each refusal audited');
    t.same(f.sent, [], 'the boxes were asked nothing');
    t.match((await pia.get(LIST)).body, /No disclosures have been entered\./, 'and nothing entered');
    const forged = await pia.post(LIST, { ...valid(), _csrf: 'forged' });
    t.equal(forged.statusCode, 403, 'nor without the form\'s CSRF token');
    noParticulars(t, f);
  });

  let id = '';
  await t.test('entered: audited first, each recording held under the entry\'s own case to its cap, copied centrally', async (t) => {
    const auditAtFirstSend: number[] = [];
    const answer = f.answer;
    f.answer = async (req) => (auditAtFirstSend.push(f.audit.length), answer(req));
    const r = await submit(pia, LIST, LIST, valid({ metadata: 'yes' }));
    f.answer = answer;
    t.equal(r.statusCode, 303);
    id = entryIdOf(r.headers.location as string)!;
    t.ok(id, 'to the new entry');
    const create = f.audit.findIndex((e) => e.action === 'disclosure' && e.result === 'ok');
    t.match(f.audit[create], {
      actor: 'pia', action: 'disclosure', target: id, purpose: 'disclosure', caseRef: 'KEHA/123/2026', result: 'ok',
      detail: { event: 'create', disclosure: id, recordings: 2, audio: true, metadata: true, presetRecipient: false, presetBasis: false },
    });
    t.ok(auditAtFirstSend[0]! > create, 'the entry is audited before any box is asked');
    const cap = (callId: string) => maxExpiryOf(f.index.calls.find((c) => c.id === callId)!.start);
    t.same(f.sent.map((s) => [s.site, s.box, s.verb, s.args]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))), [
      ['kotka', 'ktk-1', 'hold', { id: IDS.kotka, reason: 'disclosure', caseRef: holdCaseRefOf(id), until: cap(IDS.kotka), by: 'pia' }],
      ['lappeenranta', 'lpr-1', 'hold', { id: IDS.lpr1, reason: 'disclosure', caseRef: holdCaseRefOf(id), until: cap(IDS.lpr1), by: 'pia' }],
    ], 'a hold on each box, to the cap, under the entry\'s own case reference');
    t.match(Object.fromEntries(f.audit.filter((e) => e.action === 'hold').map((e) => [e.target, e])), {
      [IDS.lpr1]: { actor: 'pia', purpose: 'disclosure', caseRef: 'KEHA/123/2026', result: 'ok', detail: { disclosure: id, holdCaseRef: holdCaseRefOf(id), outcome: 'done' } },
      [IDS.kotka]: { actor: 'pia', purpose: 'disclosure', caseRef: 'KEHA/123/2026', result: 'ok' },
    });
    t.match(f.copies.get(IDS.lpr1), { id: IDS.lpr1, expiresAt: cap(IDS.lpr1) }, 'a central copy of each, to the hold\'s expiry');
    t.ok(f.copies.get(IDS.kotka));

    const page = await pia.get(r.headers.location as string);
    t.equal(page.statusCode, 200);
    t.match(page.body, /The disclosure has been entered\./);
    t.match(page.body, /<dd><span class="prewrap">Kelan pyyntö 27\.11\. asiakkaasta Anna Asiakas 010101-123N<\/span><\/dd>/, 'the particulars, opened for the page');
    t.equal((page.body.match(/<td class="hold held">Held until /g) ?? []).length, 2);
    t.match(f.audit.at(-1), { actor: 'pia', action: 'view-disclosure', target: id, purpose: 'disclosure', caseRef: 'KEHA/123/2026', result: 'ok' });
    const list = await pia.get(LIST);
    t.match(list.body, new RegExp(`<td><a href="/console/registers/disclosure/${id}">KEHA/123/2026</a></td>\\s*<td>Kansaneläkelaitos</td>\\s*<td>Työttömyysturvalaki \\(1290/2002\\) 13 luku 1 §</td>\\s*<td><span class="status open">Open</span></td>\\s*<td>[^<]+, pia</td>\\s*<td class="num">2</td>`));
    noParticulars(t, f);
  });

  await t.test('a silent box: its first recording waits the timeout, the rest are not sent; placed again on request', async (t) => {
    f.sent.length = 0;
    f.answer = async (req) => {
      if (req.box === 'ktk-1') throw timeoutError();
      return { correlationId: 'c', ok: true, verb: req.verb, result: { expiresAt: req.args['until'] as number, until: req.args['until'] as number } };
    };
    f.index.calls.push({ ...structuredClone(f.index.calls.find((c) => c.id === IDS.kotka)!), id: 'kotka-2' });
    const r = await submit(pia, LIST, LIST, valid({ caseRef: 'KEHA/124/2026', ids: `${IDS.kotka} kotka-2,${IDS.lpr2}` }));
    const other = entryIdOf(r.headers.location as string)!;
    t.same(f.sent.map((s) => s.args['id']).sort(), [IDS.kotka, IDS.lpr2].sort(), 'kotka-2 was not sent to the silent box');
    // The boxes are asked side by side: the entries' order between boxes is not fixed.
    const byTarget = Object.fromEntries(f.audit.filter((e) => e.action === 'hold' && e.caseRef === 'KEHA/124/2026').map((e) => [e.target, e]));
    t.match(byTarget, {
      [IDS.lpr2]: { result: 'ok' },
      [IDS.kotka]: { result: 'error', detail: { outcome: 'timeout' } },
      'kotka-2': { result: 'error', detail: { outcome: 'not-sent-box-silent' } },
    });
    const page = await pia.get(`${LIST}/${other}`);
    t.equal((page.body.match(/Not held: the recorder did not answer in time/g) ?? []).length, 2);
    t.match(page.body, /Recordings that could not be held: 2\./);

    f.answer = async (req) => ({ correlationId: 'c', ok: true, verb: req.verb, result: { expiresAt: req.args['until'] as number, until: req.args['until'] as number } });
    f.sent.length = 0;
    const again = await submit(pia, `${LIST}/${other}`, `${LIST}/${other}/holds`, {});
    t.equal(again.statusCode, 303);
    t.same(f.sent.map((s) => s.args['id']), [IDS.kotka, 'kotka-2'], 'only the recordings not held are asked for again');
    const held = await pia.get(again.headers.location as string);
    t.equal((held.body.match(/<td class="hold held">/g) ?? []).length, 3);
    t.notMatch(held.body, /could not be held/);

    f.answer = async (req) => ({ correlationId: 'c', ok: false, verb: req.verb, reason: 'TAL_RECORDING_DESTROYED', detail: 'gone' });
    const gone = await submit(pia, LIST, LIST, valid({ caseRef: 'KEHA/125/2026', ids: IDS.lpr2 }));
    const goneId = entryIdOf(gone.headers.location as string)!;
    t.match((await pia.get(`${LIST}/${goneId}`)).body, /<td class="hold gone">The recorder no longer has the recording<\/td>/, 'a box that no longer has it');
    t.match(f.audit.filter((e) => e.action === 'hold').at(-1), { target: IDS.lpr2, result: 'refused', detail: { outcome: 'box-refused', boxReason: 'TAL_RECORDING_DESTROYED' } });
    f.answer = async (req) => ({ correlationId: 'c', ok: true, verb: req.verb, result: { expiresAt: NOW + 1, until: NOW + 1 } });
  });

  await t.test('exports: audited before a byte is opened, as the entry allows', async (t) => {
    f.open = async (callId) => {
      t.ok(f.audit.some((e) => e.action === 'export' && e.result === 'ok' && e.target === callId), 'the export is audited first');
      return { ogg: OGG, source: 'central-copy' };
    };
    const r = await pia.get(`${LIST}/${id}/export/${IDS.lpr1}.opus`);
    t.equal(r.statusCode, 200);
    t.equal(r.headers['content-type'], 'audio/ogg; codecs=opus');
    t.equal(r.headers['content-disposition'], `attachment; filename="${IDS.lpr1}.opus"`);
    t.equal(r.headers['cache-control'], 'no-store', 'unsealed audio is never cached');
    t.ok(r.rawPayload.equals(OGG));
    t.match(f.audit.filter((e) => e.action === 'export').at(-1), {
      actor: 'pia', action: 'export', target: IDS.lpr1, purpose: 'disclosure', caseRef: 'KEHA/123/2026', result: 'ok',
      detail: { disclosure: id, what: 'recording', format: 'ogg-opus', site: 'lappeenranta', box: 'lpr-1' },
    });
    t.same(f.opened, [IDS.lpr1]);

    const notIn = await pia.get(`${LIST}/${id}/export/${IDS.lpr2}.opus`);
    t.equal(notIn.statusCode, 404, 'a recording not in the entry');
    t.match(f.audit.at(-1), { action: 'export', target: IDS.lpr2, result: 'refused', detail: { reason: 'not-in-disclosure' } });
    t.equal((await pia.get(`${LIST}/no-such/export/${IDS.lpr1}.opus`)).statusCode, 404, 'an entry that does not exist');
    t.equal((await pia.get(`${LIST}/${id}/export/${IDS.lpr1}.wav`)).statusCode, 404, 'only .opus');

    f.open = async () => { throw timeoutError(); };
    const late = await pia.get(`${LIST}/${id}/export/${IDS.kotka}.opus`);
    t.equal(late.statusCode, 504);
    t.match(late.body, /Recorder ktk-1 did not answer in time, so the recording could not be fetched\./);
    t.match(f.audit.at(-1), { action: 'export', target: IDS.kotka, result: 'error', detail: { outcome: 'timeout' } });
    f.open = async () => ({ ogg: OGG, source: 'box' });

    const meta = await pia.get(`${LIST}/${id}/metadata.json`);
    t.equal(meta.statusCode, 200);
    t.equal(meta.headers['content-type'], 'application/json; charset=utf-8');
    t.equal(meta.headers['content-disposition'], `attachment; filename="disclosure-${id}.json"`);
    const doc = JSON.parse(meta.body);
    t.match(doc, { format: 'tallennin-disclosure-metadata/1', numbers: 'not included', disclosure: { caseRef: 'KEHA/123/2026', recipient: 'Kansaneläkelaitos' } });
    t.same(doc.calls.map((c: { id: string }) => c.id), [IDS.lpr1, IDS.kotka]);
    t.match(doc.calls[0], { site: 'lappeenranta', line: 'l1', durationSeconds: 60, direction: 'incoming', recording: 'closed' });
    t.match(doc.calls[0].start, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    for (const trace of NUMBER_TRACES) t.notOk(meta.body.includes(trace), `no number or name in the metadata (${trace})`);
    t.notOk(meta.body.includes('Anna Asiakas') || meta.body.includes('wrappedKey') || meta.body.includes('sealed'), 'no particulars, no sealed parts');
    t.match(f.audit.at(-1), { action: 'export', target: id, purpose: 'disclosure', caseRef: 'KEHA/123/2026', result: 'ok', detail: { what: 'metadata', format: 'json', calls: 2 } });

    // An entry of metadata only: no audio from it.
    const r2 = await submit(pia, LIST, LIST, valid({ recordings: '', metadata: 'yes', caseRef: 'KEHA/126/2026', ids: IDS.lpr2 }));
    const metaOnly = entryIdOf(r2.headers.location as string)!;
    const refused = await pia.get(`${LIST}/${metaOnly}/export/${IDS.lpr2}.opus`);
    t.equal(refused.statusCode, 409);
    t.match(refused.body, /This material is not part of this disclosure\./);
    t.match(f.audit.at(-1), { action: 'export', target: IDS.lpr2, result: 'refused', detail: { reason: 'export-not-disclosed', what: 'recording' } });
    const r3 = await submit(pia, LIST, LIST, valid({ caseRef: 'KEHA/127/2026', ids: IDS.lpr2 }));
    const audioOnly = entryIdOf(r3.headers.location as string)!;
    t.equal((await pia.get(`${LIST}/${audioOnly}/metadata.json`)).statusCode, 409, 'nor metadata from an entry of recordings only');
    noParticulars(t, f);
  });

  await t.test('complete: audited once, the entry\'s holds released by its own case reference; no exports after', async (t) => {
    f.sent.length = 0;
    f.answer = async (req) => {
      if (req.box === 'ktk-1') throw timeoutError();
      return { correlationId: 'c', ok: true, verb: req.verb, result: { expiresAt: NOW + 1, destroyed: false } };
    };
    f.clock.advance(60_000);
    const r = await submit(pia, `${LIST}/${id}`, `${LIST}/${id}/complete`, {});
    t.equal(r.statusCode, 303);
    t.equal(r.headers.location, `${LIST}/${id}?done=completed`);
    t.match(f.audit.filter((e) => e.action === 'disclosure').at(-1), { actor: 'pia', target: id, caseRef: 'KEHA/123/2026', result: 'ok', detail: { event: 'complete', recordings: 2 } });
    t.same(f.sent.map((s) => [s.box, s.verb, s.args]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))), [
      ['ktk-1', 'release', { id: IDS.kotka, by: 'pia', caseRef: holdCaseRefOf(id) }],
      ['lpr-1', 'release', { id: IDS.lpr1, by: 'pia', caseRef: holdCaseRefOf(id) }],
    ], 'each hold released by the entry\'s own case reference');
    t.match(Object.fromEntries(f.audit.filter((e) => e.action === 'release').map((e) => [e.target, e])), {
      [IDS.lpr1]: { purpose: 'disclosure', caseRef: 'KEHA/123/2026', result: 'ok', detail: { outcome: 'done', disclosure: id } },
      [IDS.kotka]: { result: 'error', detail: { outcome: 'timeout' } },
    });
    const page = await pia.get(r.headers.location as string);
    t.match(page.body, /<dt>Status<\/dt><dd>Complete<\/dd><dt>Marked complete<\/dt><dd>[^<]+, pia<\/dd>/);
    t.match(page.body, /<td class="hold released">Hold released<\/td>/);
    t.match(page.body, /<td class="hold not-released">The hold could not be released: the recorder did not answer in time\./);
    t.match(page.body, /Holds that could not be released: 1\./);
    t.notMatch(page.body, /\.opus"|metadata\.json/, 'no downloads from a complete disclosure');
    const late = await pia.get(`${LIST}/${id}/export/${IDS.lpr1}.opus`);
    t.equal(late.statusCode, 409);
    t.match(late.body, /has been marked complete, so no more files can be downloaded/);
    t.equal((await pia.get(`${LIST}/${id}/metadata.json`)).statusCode, 409);

    f.sent.length = 0;
    f.answer = async (req) => ({ correlationId: 'c', ok: true, verb: req.verb, result: { expiresAt: NOW + 1, destroyed: false } });
    const completes = f.audit.filter((e) => e.action === 'disclosure' && e.detail?.['event'] === 'complete').length;
    const again = await submit(pia, `${LIST}/${id}`, `${LIST}/${id}/complete`, {});
    t.equal(again.statusCode, 303);
    t.same(f.sent.map((s) => s.args['id']), [IDS.kotka], 'only the hold left is released again');
    t.equal(f.audit.filter((e) => e.action === 'disclosure' && e.detail?.['event'] === 'complete').length, completes, 'completed once');
    const done = await pia.get(`${LIST}/${id}`);
    t.equal((done.body.match(/<td class="hold released">/g) ?? []).length, 2);
    t.notMatch(done.body, /could not be released/);
    t.match(done.body, /Marked complete<\/dt><dd>[^<]+, pia/, 'the first completion\'s who and when stay');
    t.match((await pia.get(LIST)).body, new RegExp(`KEHA/123/2026</a></td>[\\s\\S]*?<span class="status complete">Complete</span>`));

    // A box that says the recording has no hold of the case (it lapsed, or never was): nothing left to lift.
    const r4 = await submit(pia, LIST, LIST, valid({ caseRef: 'KEHA/128/2026', ids: IDS.lpr1 }));
    const lapsed = entryIdOf(r4.headers.location as string)!;
    f.answer = async (req) => ({ correlationId: 'c', ok: false, verb: req.verb, reason: 'TAL_HOLD_INVALID', detail: 'no hold' });
    await submit(pia, `${LIST}/${lapsed}`, `${LIST}/${lapsed}/complete`, {});
    t.match((await pia.get(`${LIST}/${lapsed}`)).body, /<td class="hold released">Hold released<\/td>/);
    t.match(f.audit.at(-2), { action: 'release', target: IDS.lpr1, result: 'ok', detail: { outcome: 'no-hold', boxReason: 'TAL_HOLD_INVALID' } });
    noParticulars(t, f);
  });

  await t.test('an audit log that cannot be written: nothing is entered, held or exported', async (t) => {
    f.sent.length = 0;
    f.auditFailsFor = 'disclosure';
    const r = await submit(pia, LIST, LIST, valid({ caseRef: 'KEHA/200/2026' }));
    t.equal(r.statusCode, 503);
    t.same(f.sent, [], 'no hold asked for');
    t.notMatch((await pia.get(LIST)).body, /KEHA\/200\/2026/);
    f.auditFailsFor = 'export';
    const r2 = await submit(pia, LIST, LIST, valid({ caseRef: 'KEHA/201/2026', ids: IDS.lpr2 }));
    const e = entryIdOf(r2.headers.location as string)!;
    f.opened.length = 0;
    t.equal((await pia.get(`${LIST}/${e}/export/${IDS.lpr2}.opus`)).statusCode, 503);
    t.same(f.opened, [], 'nothing opened');
    f.auditFailsFor = undefined;
  });
});
