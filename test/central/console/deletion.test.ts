// Early deletion over stand-ins, on a manual clock: the call page offers it to privacy officers
// only (and says when the recorder is not connected); a reason and a confirmation are required;
// the box's `delete` command carries who and why; the indexer audits `delete` with the box's
// outcome and never with the reason; a refusal or silence is said plainly; every other role is
// refused with 403, audited, and nothing is sent.
import t from 'tap';
import { IDS, NOW, timeoutError } from '../api/fixture.js';
import { consoleFixture, type ConsoleFixture } from './console-fixture.js';

const REASON = 'Tietosuojavaltuutetun päätös TSV/55/2026: käsittely lainvastaista';

type Client = Awaited<ReturnType<ConsoleFixture['login']>>;

async function submit(c: Client, from: string, to: string, form: Record<string, string>) {
  const page = await c.get(from);
  return c.post(to, { ...form, _csrf: c.csrfOf(page.body) });
}

t.test('early deletion', async (t) => {
  const f = await consoleFixture(t);
  await f.person('pia', 'privacy-officer');
  await f.person('saara', 'supervisor', ['lappeenranta']);
  await f.person('aki', 'admin');
  await f.person('tero', 'trainer');
  f.projects.push({ id: 'p-1', name: 'Palvelu', caseRef: 'KOUL-1', createdBy: 'saara', createdAt: NOW, members: ['tero'], recordings: [{ id: IDS.lpr1, site: 'lappeenranta', box: 'lpr-1', addedBy: 'saara', addedAt: NOW }] });
  const pia = await f.login('pia');
  const call = `/console/calls/${IDS.lpr1}`;
  const del = (form: Record<string, string>, id = IDS.lpr1) => submit(pia, call, `/console/calls/${id}/delete`, form);

  await t.test('the call page offers it to a privacy officer, and not to anyone else', async (t) => {
    const page = await pia.get(call);
    t.match(page.body, /<h2 id="delete-heading">Deleting before the retention period ends<\/h2>/);
    t.match(page.body, new RegExp(`<form method="post" action="/console/calls/${IDS.lpr1}/delete" class="stack">`));
    const offline = await pia.get(`/console/calls/${IDS.kotka}`);
    t.match(offline.body, /Recorder ktk-1 is not connected to the central system now\./, 'a recorder not connected: said, and no form');
    t.notMatch(offline.body, /\/delete"/);
    t.notMatch((await pia.get(`/console/calls/${IDS.gone}`)).body, /delete-heading/, 'nothing to delete once destroyed');
    const saara = await f.login('saara');
    t.notMatch((await saara.get(call)).body, /delete-heading|\/delete"/, 'a supervisor: no deletion');
    const tero = await f.login('tero');
    t.notMatch((await tero.get(call)).body, /delete-heading|\/delete"/, 'a trainer: no deletion');
  });

  await t.test('a reason and a confirmation, or nothing is sent', async (t) => {
    for (const [form, says] of [
      [{ confirm: 'yes' }, /Give the reason for deletion: plain text, at most 500 characters\./],
      [{ reason: '   ', confirm: 'yes' }, /Give the reason for deletion/],
      [{ reason: 'x'.repeat(501), confirm: 'yes' }, /Give the reason for deletion/],
      [{ reason: 'a\u0007b', confirm: 'yes' }, /Give the reason for deletion/],
      [{ reason: REASON }, /Confirm the deletion by ticking the box\./],
      [{ reason: REASON, confirm: 'on' }, /Confirm the deletion/],
    ] as const) {
      const r = await del(form);
      t.equal(r.statusCode, 400, JSON.stringify(form).slice(0, 80));
      t.match(r.body, says);
      t.match(r.body, /<p class="alert" role="alert">/);
    }
    t.same(f.sent, [], 'the box was asked nothing');
    t.equal(f.audit.filter((e) => e.action === 'delete' && e.result === 'refused').length, 6, 'each refusal audited');
    const forged = await pia.post(`${call}/delete`, { reason: REASON, confirm: 'yes', _csrf: 'forged' });
    t.equal(forged.statusCode, 403, 'nor without the form\'s CSRF token');
    t.same(f.sent, []);
  });

  await t.test('deleted by the box: who and why in the command; the outcome in the audit log, not the reason', async (t) => {
    f.index.calls.find((c) => c.id === IDS.lpr1)!.holds = [{ reason: 'complaint', caseRef: 'VN/1', by: 'saara', at: NOW, until: NOW + 1e9 }];
    f.answer = async (req) => ({ correlationId: 'c', ok: true, verb: req.verb, result: { deletedAt: NOW + 5 } });
    const page = await pia.get(call);
    t.match(page.body, /The recording has holds in force \(1\)\. Deleting it destroys it regardless of the holds\./);
    const r = await submit(pia, call, `${call}/delete`, { reason: `  ${REASON} `, confirm: 'yes' });
    t.equal(r.statusCode, 200);
    t.same(f.sent, [{ site: 'lappeenranta', box: 'lpr-1', verb: 'delete', args: { id: IDS.lpr1, by: 'pia', reason: REASON } }]);
    t.match(r.body, /<p class="note-box" role="status">The recorder destroyed the recording at 2026-11-28 14:00\.<\/p>/);
    t.match(r.body, /<dt>Recording destroyed<\/dt><dd>2026-11-28 14:00, deleted before the end of its retention period<\/dd>/, 'the page shows it destroyed now');
    t.notMatch(r.body, /delete-heading|<form method="post" action="[^"]+\/listen"/, 'no deletion or listening left to offer');
    t.match(f.audit.at(-1), {
      actor: 'pia', action: 'delete', target: IDS.lpr1, result: 'ok',
      detail: { outcome: 'destroyed', deletedAt: NOW + 5, site: 'lappeenranta', box: 'lpr-1', holds: 1, console: true },
    });
    const all = JSON.stringify(f.audit) + JSON.stringify(f.lines);
    t.notOk(all.includes('TSV/55') || all.includes('lainvastaista'), 'the reason is in neither the audit log nor the log');
  });

  await t.test('refused or not answered: said plainly, and audited', async (t) => {
    f.sent.length = 0;
    f.answer = async (req) => ({ correlationId: 'c', ok: false, verb: req.verb, reason: 'TAL_RECORDING_DESTROYED', detail: 'gone' });
    const refused = await del({ reason: REASON, confirm: 'yes' }, IDS.lpr2);
    t.equal(refused.statusCode, 409);
    t.match(refused.body, /The recorder did not delete the recording: TAL_RECORDING_DESTROYED\./);
    t.match(f.audit.at(-1), { action: 'delete', target: IDS.lpr2, result: 'refused', detail: { outcome: 'box-refused', boxReason: 'TAL_RECORDING_DESTROYED' } });
    f.answer = async () => { throw timeoutError(); };
    const late = await del({ reason: REASON, confirm: 'yes' }, IDS.lpr2);
    t.equal(late.statusCode, 504);
    t.match(late.body, /Recorder lpr-1 did not answer in time\. The recording may have been deleted: check again later\./);
    t.match(f.audit.at(-1), { action: 'delete', target: IDS.lpr2, result: 'error', detail: { outcome: 'timeout' } });
    f.answer = async () => { throw new Error('broker gone'); };
    const failed = await del({ reason: REASON, confirm: 'yes' }, IDS.lpr2);
    t.equal(failed.statusCode, 502);
    t.match(failed.body, /The deletion could not be sent to recorder lpr-1\. Nothing was deleted/);
    t.match(f.audit.at(-1), { action: 'delete', target: IDS.lpr2, result: 'error', detail: { outcome: 'failed' } });
    t.equal(f.sent.length, 3);
    const gone = await del({ reason: REASON, confirm: 'yes' }, IDS.gone);
    t.equal(gone.statusCode, 409, 'a recording already destroyed');
    t.equal(f.sent.length, 3, 'is not sent');
    const unknown = await del({ reason: REASON, confirm: 'yes' }, IDS.unknown);
    t.equal(unknown.statusCode, 404);
    t.match(f.audit.at(-1), { action: 'delete', target: IDS.unknown, result: 'refused', detail: { reason: 'not-found' } });
  });

  await t.test('every other role: 403, audited, nothing sent', async (t) => {
    f.sent.length = 0;
    for (const name of ['saara', 'aki', 'tero']) {
      const c = await f.login(name);
      const r = await submit(c, '/console/none', `${call}/delete`, { reason: REASON, confirm: 'yes' });
      t.equal(r.statusCode, 403, `${name}: refused`);
      t.match(f.audit.at(-1), { actor: name, action: 'delete', target: IDS.lpr1, result: 'refused', detail: { reason: 'role' } });
    }
    t.same(f.sent, [], 'nothing sent');
    t.equal((await f.app.inject({ method: 'POST', url: `${call}/delete`, payload: { reason: REASON, confirm: 'yes' } })).statusCode, 403, 'no session, no token: refused');
  });
});
