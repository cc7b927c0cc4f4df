// The call page's actions over stand-ins, on a manual clock: listening (purpose per role, case
// reference, audited before any audio, byte ranges, grants bound to a person and gone at logout)
// and holds (the 12-month cap, the box's refusal or silence, the central copy), each refusal
// named and nothing sent to a box.
import t from 'tap';
import { addCalendarMonths } from '../../../src/core/retention/index.js';
import { localDateValue } from '../../../src/central/console/pages/form-values.js';
import { IDS, NOW } from '../api/fixture.js';
import { consoleFixture, OGG, type ConsoleFixture } from './console-fixture.js';

const DAY = 86_400_000;
const audioUrlOf = (body: string) => /<audio[^>]+src="([^"]+)"/.exec(body)?.[1]?.replaceAll('&amp;', '&');

async function people(f: ConsoleFixture) {
  await f.person('saara', 'supervisor', ['lappeenranta']);
  await f.person('pia', 'privacy-officer');
  await f.person('aki', 'admin');
  await f.person('tero', 'trainer');
  await f.person('toni', 'trainer');
  f.projects.push({ id: 'p-1', name: 'Palvelu', caseRef: 'KOUL-1', createdBy: 'saara', createdAt: NOW, members: ['tero'], recordings: [{ id: IDS.lpr1, site: 'lappeenranta', box: 'lpr-1', addedBy: 'saara', addedAt: NOW }] });
}

/** Posts a form from the page at `from` (for its CSRF token). */
async function submit(c: Awaited<ReturnType<ConsoleFixture['login']>>, from: string, to: string, form: Record<string, string>) {
  const page = await c.get(from);
  return c.post(to, { ...form, _csrf: c.csrfOf(page.body) });
}

t.test('listening', async (t) => {
  const f = await consoleFixture(t);
  await people(f);
  const saara = await f.login('saara');
  const call = `/console/calls/${IDS.lpr1}`;

  await t.test('the form offers the purposes of the role; a wrong or missing one is refused', async (t) => {
    const page = await saara.get(call);
    t.equal(page.statusCode, 200);
    t.match(page.body, /<option value="complaint">Handling a complaint<\/option><option value="training">Staff training<\/option><\/select>/);
    for (const [form, says] of [
      [{ caseRef: 'VN/1' }, /Choose a purpose/],
      [{ purpose: 'disclosure', caseRef: 'VN/1' }, /Choose a purpose/],
      [{ purpose: 'gossip', caseRef: 'VN/1' }, /Choose a purpose/],
      [{ purpose: 'complaint' }, /Give the case reference/],
      [{ purpose: 'complaint', caseRef: 'VN/\u0007' }, /Give the case reference/],
      [{ purpose: 'complaint', caseRef: 'x'.repeat(65) }, /Give the case reference/],
    ] as const) {
      const r = await submit(saara, call, `${call}/listen`, form);
      t.equal(r.statusCode, 400, JSON.stringify(form));
      t.match(r.body, says);
      t.notMatch(r.body, /<audio/);
    }
    const training = await submit(saara, call, `/console/calls/${IDS.lpr2}/listen`, { purpose: 'training', caseRef: 'KOUL-1' });
    t.equal(training.statusCode, 403, 'training needs a recording marked for a project');
    t.same(f.opened, [], 'nothing was opened');
    t.equal(f.audit.filter((e) => e.action === 'listen' && e.result === 'refused').length, 7, 'every refusal audited');
  });

  await t.test('a listen is audited before the audio exists, and plays with byte ranges', async (t) => {
    f.open = async (id) => {
      t.ok(f.audit.some((e) => e.action === 'listen' && e.result === 'ok' && e.target === id), 'the entry is written first');
      return { ogg: OGG, source: 'box' };
    };
    const r = await submit(saara, call, `${call}/listen`, { purpose: 'complaint', caseRef: 'VN/2026/5' });
    f.open = async () => ({ ogg: OGG, source: 'box' });
    t.equal(r.statusCode, 303);
    t.match(f.audit.at(-1), { actor: 'saara', action: 'listen', target: IDS.lpr1, purpose: 'complaint', caseRef: 'VN/2026/5', result: 'ok' });
    const page = await saara.get(r.headers.location as string);
    t.match(page.body, /Purpose: Handling a complaint\. Case reference: VN\/2026\/5\./);
    const url = audioUrlOf(page.body)!;
    t.match(url, new RegExp(`^/console/calls/${IDS.lpr1}/audio\\?grant=`));
    const whole = await saara.get(url);
    t.equal(whole.statusCode, 200);
    t.equal(whole.headers['accept-ranges'], 'bytes');
    t.equal(whole.headers['cache-control'], 'no-store', 'unsealed audio is never cached');
    t.ok(whole.rawPayload.equals(OGG));
    const part = await f.app.inject({ method: 'GET', url, headers: { cookie: cookieOf(saara), range: 'bytes=100-199' } });
    t.equal(part.statusCode, 206);
    t.equal(part.headers['content-range'], `bytes 100-199/${OGG.length}`);
    t.ok(part.rawPayload.equals(OGG.subarray(100, 200)));
    const past = await f.app.inject({ method: 'GET', url, headers: { cookie: cookieOf(saara), range: `bytes=${OGG.length}-` } });
    t.equal(past.statusCode, 416);
    t.equal(past.headers['content-range'], `bytes */${OGG.length}`);
    t.equal((await saara.get(url.replace(IDS.lpr1, IDS.lpr2))).statusCode, 404, 'the grant opens its own recording only');

    const pia = await f.login('pia');
    t.equal((await pia.get(url)).statusCode, 404, 'and for its own person only');
    const anon = await f.app.inject({ method: 'GET', url });
    t.equal(anon.statusCode, 401);

    await saara.post('/console/logout', { _csrf: saara.csrfOf((await saara.get(call)).body) });
    const again = await f.login('saara');
    t.equal((await again.get(url)).statusCode, 404, 'logging out dropped the audio');
  });

  await t.test('a listen that cannot be audited does not happen', async (t) => {
    f.opened.length = 0;
    f.auditFailsFor = 'listen';
    const s = await f.login('saara');
    const r = await submit(s, call, `${call}/listen`, { purpose: 'complaint', caseRef: 'VN/1' });
    f.auditFailsFor = undefined;
    t.equal(r.statusCode, 503);
    t.same(f.opened, [], 'nothing opened');
  });

  await t.test('roles: a privacy officer for an access request, a trainer of the project for training, never an admin', async (t) => {
    const pia = await f.login('pia');
    const xss = await submit(pia, call, `${call}/listen`, { purpose: 'access-request', caseRef: '<script>alert(1)</script>"\'' });
    t.equal(xss.statusCode, 303);
    const shown = (await pia.get(xss.headers.location as string)).body;
    t.match(shown, /Case reference: &lt;script&gt;alert\(1\)&lt;\/script&gt;&quot;&#39;\./, 'a case reference is shown as text');
    t.notMatch(shown, /<script>alert/);
    const tero = await f.login('tero');
    const page = await tero.get(call);
    t.equal(page.statusCode, 200, 'a trainer opens a recording of their project');
    t.match(page.body, /href="\/console\/projects">Back to training projects/);
    t.notMatch(page.body, /action="[^"]+\/holds"/, 'with no hold form');
    t.equal((await submit(tero, call, `${call}/listen`, { purpose: 'complaint', caseRef: 'KOUL-1' })).statusCode, 400, 'for training only');
    t.equal((await submit(tero, call, `${call}/listen`, { purpose: 'training', caseRef: 'KOUL-1' })).statusCode, 303);
    const toni = await f.login('toni');
    t.equal((await toni.get(call)).statusCode, 404, 'a trainer outside the project: as if it did not exist');
    t.equal((await submit(toni, '/console/projects', `${call}/listen`, { purpose: 'training', caseRef: 'KOUL-1' })).statusCode, 404);
    t.equal((await toni.get(`/console/calls/${IDS.lpr2}`)).statusCode, 404, 'nor any call outside a project');
    const aki = await f.login('aki');
    t.equal((await submit(aki, '/console/fleet', `${call}/listen`, { purpose: 'complaint', caseRef: 'x' })).statusCode, 403, 'an admin never listens');
    const saara = await f.login('saara');
    const other = await submit(saara, call, `/console/calls/${IDS.kotka}/listen`, { purpose: 'complaint', caseRef: 'x' });
    t.equal(other.statusCode, 404, 'a supervisor of another site: as if it did not exist');
    t.match(f.audit.at(-1), { actor: 'saara', action: 'listen', target: IDS.kotka, result: 'refused', detail: { reason: 'other-site' } });
  });

  await t.test('an offline box: the page says so and when it was last seen; a central copy plays all the same', async (t) => {
    const pia = await f.login('pia');
    const kotka = `/console/calls/${IDS.kotka}`;
    const page = await pia.get(kotka);
    t.match(page.body, /The recorder cannot be reached/);
    t.match(page.body, /The recorder was last connected at 2026-11-28 12:00/);
    t.notMatch(page.body, /action="[^"]+\/listen"/, 'no listen form');
    f.open = async () => { throw Object.assign(new Error('no answer'), { code: 'TAL_COMMAND_TIMEOUT' }); };
    const r = await submit(pia, call, `${kotka}/listen`, { purpose: 'complaint', caseRef: 'VN/9' });
    t.equal(r.statusCode, 504, 'asked anyway (a form left open), the box does not answer');
    t.match(r.body, /Recorder ktk-1 did not answer in time/);
    t.match(r.body, /last connected at/);
    f.copies.set(IDS.kotka, { id: IDS.kotka, site: 'kotka', box: 'ktk-1', keptAt: NOW, expiresAt: NOW + 100 * DAY, record: {} as never });
    const withCopy = await pia.get(kotka);
    t.match(withCopy.body, /action="[^"]+\/listen"/, 'with a central copy the form is there');
    f.open = async () => ({ ogg: OGG, source: 'central-copy' });
    const played = await submit(pia, kotka, `${kotka}/listen`, { purpose: 'complaint', caseRef: 'VN/9' });
    t.match((await pia.get(played.headers.location as string)).body, /Played from the sealed copy kept at the centre/);
    const gone = await submit(pia, call, `/console/calls/${IDS.gone}/listen`, { purpose: 'complaint', caseRef: 'VN/9' });
    t.equal(gone.statusCode, 409, 'a destroyed recording');
  });
});

function cookieOf(c: Awaited<ReturnType<ConsoleFixture['login']>>): string {
  return [...c.jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

t.test('holds', async (t) => {
  const f = await consoleFixture(t);
  await people(f);
  const saara = await f.login('saara');
  const call = `/console/calls/${IDS.lpr1}`;
  const start = f.index.calls.find((c) => c.id === IDS.lpr1)!.start;
  const cap = addCalendarMonths(start, 12);
  const hold = (form: Record<string, string>) => submit(saara, call, `${call}/holds`, form);

  await t.test('the page says how far a hold can reach and offers no later day', async (t) => {
    const page = await saara.get(call);
    t.match(page.body, /A hold can keep a recording for at most 12 months from the start of the call/);
    t.match(page.body, new RegExp(`id="hold-until"[^>]*max="${localDateValue(cap)}"`));
  });

  await t.test('bad input is refused by name and nothing is sent', async (t) => {
    const ok = { reason: 'complaint', caseRef: 'VN/1', until: localDateValue(NOW + 30 * DAY) };
    for (const [form, says] of [
      [{ ...ok, reason: 'curiosity' }, /Choose the reason/],
      [{ ...ok, reason: '' }, /Choose the reason/],
      [{ ...ok, caseRef: '' }, /Give the case reference/],
      [{ ...ok, caseRef: 'a\nb' }, /Give the case reference/],
      [{ ...ok, until: localDateValue(cap + DAY) }, new RegExp(`up to ${localDateValue(cap)} at the latest`)],
      [{ ...ok, until: localDateValue(NOW - DAY) }, /Give a day from today/],
      [{ ...ok, until: '2026-02-30' }, /Give a day/],
      [{ ...ok, until: 'tomorrow' }, /Give a day/],
    ] as const) {
      const r = await hold(form);
      t.equal(r.statusCode, 400, JSON.stringify(form));
      t.match(r.body, says);
    }
    t.same(f.sent, [], 'the box was asked nothing');
    const csrf = await saara.post(`${call}/holds`, { ...ok, _csrf: 'forged' });
    t.equal(csrf.statusCode, 403, 'nor without the form\'s CSRF token');
    t.same(f.sent, []);
  });

  await t.test('a hold to the cap day is a hold to the cap, sent to the box, copied centrally, shown and audited', async (t) => {
    const r = await hold({ reason: 'complaint', caseRef: 'VN/2026/<b>7</b>', until: localDateValue(cap) });
    t.equal(r.statusCode, 200);
    t.match(f.sent, [{ site: 'lappeenranta', box: 'lpr-1', verb: 'hold', args: { id: IDS.lpr1, reason: 'complaint', caseRef: 'VN/2026/<b>7</b>', until: cap, by: 'saara' } }]);
    t.match(r.body, /<p class="note-box" role="status">Hold placed until/);
    t.match(r.body, /<td>VN\/2026\/&lt;b&gt;7&lt;\/b&gt;<\/td>/, 'the case reference as text');
    t.notMatch(r.body, /<b>7<\/b>/);
    t.match(f.copies.get(IDS.lpr1), { id: IDS.lpr1, expiresAt: cap }, 'the central copy, to the same expiry');
    t.match(r.body, /A sealed copy of the recording is kept at the centre until/);
    t.match(f.audit.at(-1), { actor: 'saara', action: 'hold', target: IDS.lpr1, purpose: 'complaint', caseRef: 'VN/2026/<b>7</b>', result: 'ok' });
    const mid = await hold({ reason: 'complaint', caseRef: 'VN/8', until: localDateValue(NOW + 10 * DAY) });
    const until = f.sent.at(-1)!.args['until'] as number;
    t.equal(mid.statusCode, 200);
    t.equal(localDateValue(until), localDateValue(NOW + 10 * DAY), 'the day asked for');
    t.equal(localDateValue(until + 1), localDateValue(NOW + 11 * DAY), 'to its very end');
  });

  await t.test('the box refuses, or does not answer, or the copy cannot be made: each said plainly', async (t) => {
    const form = { reason: 'complaint', caseRef: 'VN/3', until: localDateValue(NOW + 5 * DAY) };
    f.answer = async () => ({ correlationId: 'c', ok: false, verb: 'hold', reason: 'not-found', detail: 'no recording' });
    const refused = await hold(form);
    t.equal(refused.statusCode, 409);
    t.match(refused.body, /The recorder refused: not-found\./);
    f.answer = async () => { throw Object.assign(new Error('late'), { code: 'TAL_COMMAND_TIMEOUT' }); };
    const late = await hold(form);
    t.equal(late.statusCode, 504);
    t.match(late.body, /Recorder lpr-1 did not answer in time/);
    f.answer = async (req) => ({ correlationId: 'c', ok: true, verb: 'hold', result: { expiresAt: req.args['until'] as number, until: req.args['until'] as number } });
    f.ensureFails = true;
    f.copies.clear();
    const noCopy = await hold(form);
    t.equal(noCopy.statusCode, 200, 'the hold stands');
    t.match(noCopy.body, /the central copy could not be made yet; it is tried again automatically/);
    f.ensureFails = false;
  });

  await t.test('release: only a hold the call has, by its case reference', async (t) => {
    f.index.calls.find((c) => c.id === IDS.lpr1)!.holds = [{ reason: 'complaint', caseRef: 'VN/3', by: 'saara', at: NOW, until: NOW + 5 * DAY }];
    const sent = f.sent.length;
    const wrong = await submit(saara, call, `${call}/holds/release`, { caseRef: 'VN/999' });
    t.equal(wrong.statusCode, 400);
    t.equal(f.sent.length, sent, 'nothing sent');
    const r = await submit(saara, call, `${call}/holds/release`, { caseRef: 'VN/3' });
    t.equal(r.statusCode, 200);
    t.match(r.body, /Hold released\./);
    t.match(f.sent.at(-1), { verb: 'release', args: { id: IDS.lpr1, caseRef: 'VN/3', by: 'saara' } });
    t.match(f.audit.at(-1), { action: 'release', caseRef: 'VN/3', result: 'ok' });
  });

  await t.test('a training project\'s hold is released on the project\'s page, not here', async (t) => {
    f.index.calls.find((c) => c.id === IDS.lpr1)!.holds = [{ reason: 'quality-project', caseRef: 'KOUL-1', by: 'saara', at: NOW, until: NOW + 5 * DAY }];
    const page = await saara.get(call);
    t.match(page.body, /<a href="\/console\/projects\/p-1">Remove on the project&#39;s page<\/a>|<a href="\/console\/projects\/p-1">Remove on the project's page<\/a>/);
    t.match(page.body, /Marked for these training projects:<\/p><ul><li><a href="\/console\/projects\/p-1">Palvelu<\/a>/);
    const sent = f.sent.length;
    const r = await submit(saara, call, `${call}/holds/release`, { caseRef: 'KOUL-1' });
    t.equal(r.statusCode, 409);
    t.match(r.body, /This hold belongs to a training project/);
    t.equal(f.sent.length, sent, 'nothing sent');
    f.projects.push({ id: 'p-2', name: 'Toinen', caseRef: 'KOUL-2', createdBy: 'pia', createdAt: NOW, members: [], recordings: [] });
    const again = await saara.get(call);
    t.match(again.body, /<form method="post" action="\/console\/projects\/p-2\/recordings"><input type="hidden" name="_csrf" value="[^"]+"><input type="hidden" name="recording" value="[^"]+"><input type="hidden" name="until" value="\d{4}-\d\d-\d\d"><button type="submit">Add to project Toinen<\/button><\/form>/, 'a project it is not in yet is offered');
    f.projects.pop();
  });

  await t.test('a register\'s hold is released in the register, not here', async (t) => {
    for (const [reason, caseRef] of [['access-request', 'TP-2026-0003'], ['disclosure', 'disclosure-7f3a']] as const) {
      f.index.calls.find((c) => c.id === IDS.lpr1)!.holds = [{ reason, caseRef, by: 'pia', at: NOW, until: NOW + 5 * DAY }];
      const page = await saara.get(call);
      t.match(page.body, /<a href="\/console\/registers">Released in the registers<\/a>/, `${reason}: a link, not a button`);
      const sent = f.sent.length;
      const r = await submit(saara, call, `${call}/holds/release`, { caseRef });
      t.equal(r.statusCode, 409, reason);
      t.match(r.body, /belongs to an access request or a disclosure/);
      t.equal(f.sent.length, sent, 'nothing sent');
    }
  });

  await t.test('other sites, trainers and admins hold nothing', async (t) => {
    const sent = f.sent.length;
    const other = await submit(saara, call, `/console/calls/${IDS.kotka}/holds`, { reason: 'complaint', caseRef: 'x', until: localDateValue(NOW + DAY) });
    t.equal(other.statusCode, 404, 'another site\'s call: as if it did not exist');
    t.match(f.audit.at(-1), { actor: 'saara', action: 'hold', target: IDS.kotka, result: 'refused', detail: { reason: 'other-site' } });
    const tero = await f.login('tero');
    t.equal((await submit(tero, call, `${call}/holds`, { reason: 'complaint', caseRef: 'x', until: localDateValue(NOW + DAY) })).statusCode, 403, 'a trainer, even on the project\'s recording');
    t.equal((await submit(tero, call, `${call}/holds/release`, { caseRef: 'VN/3' })).statusCode, 403);
    const aki = await f.login('aki');
    t.equal((await submit(aki, '/console/fleet', `${call}/holds`, { reason: 'complaint', caseRef: 'x', until: localDateValue(NOW + DAY) })).statusCode, 403);
    t.equal(f.sent.length, sent, 'nothing sent');
  });
});
