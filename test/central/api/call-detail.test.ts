// GET /api/calls/:id: numbers only for a stated purpose and case reference, never the sealed
// parts, a foreign site's call indistinguishable from a missing one, every view audited.
import t from 'tap';
import { fixture, IDS, NUMBERS } from './fixture.js';

const url = (id: string, q = '') => `/api/calls/${id}${q ? `?${q}` : ''}`;

t.test('without purpose and case reference: the call, no numbers, and why', async (t) => {
  const f = fixture();
  const r = await f.req('GET', url(IDS.lpr1), 'supervisor');
  t.equal(r.status, 200);
  t.match(r.json.call, { id: IDS.lpr1, site: 'lappeenranta', box: 'lpr-1', line: 'l1', direction: 'incoming' });
  t.notOk('numbers' in r.json);
  t.same(r.json.numbersOmitted, { reason: 'no-purpose', message: 'numbers are shown only with a purpose and a case reference (query parameters purpose and caseRef)' });
  t.notOk('sealed' in r.json.call, 'never the sealed parts');
  t.notOk('seq' in r.json.call);
  t.same(f.opened, [], 'nothing was unsealed');
  t.same(f.audit, [{ actor: 'saara.supervisor', action: 'view-call', target: IDS.lpr1, result: 'ok', detail: { site: 'lappeenranta', box: 'lpr-1', numbers: false, omitted: 'no-purpose' } }]);
});

t.test('with purpose and case reference: the numbers, and the audit keeps both', async (t) => {
  const f = fixture();
  for (const purpose of ['complaint', 'quality-project', 'access-request', 'disclosure', 'investigation']) {
    const r = await f.req('GET', url(IDS.lpr1, `purpose=${purpose}&caseRef=VAL-2026-17`), 'supervisor');
    t.equal(r.status, 200, purpose);
    t.same(r.json.numbers, { calling: NUMBERS.anna, called: NUMBERS.office, name: 'Anna Asiakas' }, purpose);
    t.notOk('numbersOmitted' in r.json);
    t.notOk('sealed' in r.json.call);
    t.same(f.audit.at(-1), { actor: 'saara.supervisor', action: 'view-call', target: IDS.lpr1, purpose, caseRef: 'VAL-2026-17', result: 'ok', detail: { site: 'lappeenranta', box: 'lpr-1', numbers: true } });
  }
  t.equal(f.opened.length, 5);
});

t.test('purpose without case reference, or the other way round, or an unknown purpose: 400 naming it', async (t) => {
  const f = fixture();
  const cases: [string, string][] = [
    ['purpose=complaint', 'caseRef'],
    ['caseRef=VAL-1', 'purpose'],
    ['purpose=curiosity&caseRef=VAL-1', 'purpose'],
    ['purpose=training&caseRef=VAL-1', 'purpose'], // training access is for marked recordings only, not this route
    ['purpose=complaint&caseRef=', 'caseRef'],
    [`purpose=complaint&caseRef=${'x'.repeat(65)}`, 'caseRef'],
    ['purpose=complaint&caseRef=a%0Ab', 'caseRef'],
    ['purpose=complaint&caseRef=VAL-1&number=1', 'number'],
  ];
  for (const [q, field] of cases) {
    const r = await f.req('GET', url(IDS.lpr1, q));
    t.equal(r.status, 400, q);
    t.equal(r.json.error.field, field, q);
    t.match(r.json.error.message, `"${field}"`, r.json.error.message);
  }
  t.equal(f.opened.length, 0);
  t.equal((await f.req('GET', '/api/calls/a%20b')).json.error.field, 'id');
  t.equal((await f.req('GET', '/api/calls/-abc')).json.error.field, 'id');
});

t.test("a call at another site answers exactly as one that does not exist; the audit knows which", async (t) => {
  const f = fixture();
  const foreign = await f.req('GET', url(IDS.kotka, 'purpose=complaint&caseRef=VAL-1'), 'supervisor');
  const missing = await f.req('GET', url(IDS.unknown, 'purpose=complaint&caseRef=VAL-1'), 'supervisor');
  t.equal(foreign.status, 404);
  t.equal(missing.status, 404);
  t.same(
    { ...foreign.json, error: { ...foreign.json.error, message: foreign.json.error.message.replace(IDS.kotka, 'ID') } },
    { ...missing.json, error: { ...missing.json.error, message: missing.json.error.message.replace(IDS.unknown, 'ID') } },
    'same body but for the id asked',
  );
  t.same(Object.keys(foreign.headers).sort(), Object.keys(missing.headers).sort(), 'same headers');
  t.equal(f.opened.length, 0, 'nothing unsealed');
  t.match(f.audit[0], { action: 'view-call', target: IDS.kotka, result: 'refused', purpose: 'complaint', caseRef: 'VAL-1', detail: { reason: 'other-site' } });
  t.match(f.audit[1], { action: 'view-call', target: IDS.unknown, result: 'error', detail: { reason: 'not-found' } });

  t.equal((await f.req('GET', url(IDS.kotka), 'supervisorAll')).status, 200, 'a supervisor of all sites sees it');
  t.equal((await f.req('GET', url(IDS.kotka), 'privacy')).status, 200, 'the privacy officer sees every site');
});

t.test('a destroyed recording: its tombstone, no numbers, nothing unsealed', async (t) => {
  const f = fixture();
  const r = await f.req('GET', url(IDS.gone, 'purpose=access-request&caseRef=AR-9'));
  t.equal(r.status, 200);
  t.match(r.json.call, { id: IDS.gone, deleted: { reason: 'expired' } });
  t.equal(r.json.numbersOmitted.reason, 'destroyed');
  t.equal(f.opened.length, 0);
});

t.test('a call with no signalled numbers says so', async (t) => {
  const f = fixture();
  const r = await f.req('GET', url(IDS.lpr2, 'purpose=complaint&caseRef=VAL-1'));
  t.equal(r.json.numbersOmitted.reason, 'none');
  t.match(f.audit.at(-1), { result: 'ok', detail: { numbers: false, omitted: 'none' } });
});

t.test('unsealing fails: the call without numbers, audited as error, logged without the number', async (t) => {
  const f = fixture();
  f.openFails = true;
  const r = await f.req('GET', url(IDS.lpr1, 'purpose=complaint&caseRef=VAL-1'));
  t.equal(r.status, 200);
  t.equal(r.json.numbersOmitted.reason, 'unseal-failed');
  t.match(f.audit.at(-1), { action: 'view-call', result: 'error', detail: { numbers: false, omitted: 'unseal-failed' } });
  const line = f.lines.find((l) => l['msg'] === 'numbers of a call could not be unsealed');
  t.ok(line, 'logged');
  t.match(line, { id: IDS.lpr1, error: { type: 'Error', message: /\[number\]|\[digits\]/ } });
  t.notMatch(JSON.stringify(f.lines), /401234567/);
});

t.test('no audit, no numbers: a view whose entry cannot be written is refused', async (t) => {
  const f = fixture();
  f.auditFails = true;
  const r = await f.req('GET', url(IDS.lpr1, 'purpose=complaint&caseRef=VAL-1'));
  t.equal(r.status, 503);
  t.equal(r.json.error.code, 'audit-unavailable');
  t.notMatch(JSON.stringify(r.json), /401234567|Anna/);
});
