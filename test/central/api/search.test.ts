// GET /api/calls: filters checked with errors that name the field, a supervisor's search kept to
// their sites, results without sealed parts, and an audit entry without the number.
import t from 'tap';
import { fixture, HOUR, IDS, NOW, NUMBERS } from './fixture.js';

t.test('a search returns the page, newest first, without sealed parts or seq', async (t) => {
  const f = fixture();
  const r = await f.req('GET', '/api/calls?limit=2', 'privacy');
  t.equal(r.status, 200);
  t.same(r.json.calls.map((c: { id: string }) => c.id), [IDS.kotka, IDS.lpr2]);
  t.equal(r.json.next, 'o2');
  for (const c of r.json.calls) {
    t.notOk('sealed' in c, 'no sealed');
    t.notOk('seq' in c, 'no seq');
  }
  const next = await f.req('GET', `/api/calls?limit=2&cursor=${r.json.next}`, 'privacy');
  t.same(next.json.calls.map((c: { id: string }) => c.id), [IDS.lpr1, IDS.gone]);
  t.notOk('next' in next.json);
  t.match(f.audit[0], { actor: 'pia.privacy', action: 'search', result: 'ok', detail: { limit: 2, results: 2 } });
  t.match(f.audit[1], { detail: { cursor: true } });
  t.notOk(JSON.stringify(f.audit).includes('o2'), 'the cursor itself is not kept');
});

t.test('filters reach the index as typed values; times as ms or ISO-8601 with offset', async (t) => {
  const f = fixture();
  const from = new Date(NOW - 4 * HOUR).toISOString();
  const r = await f.req('GET', `/api/calls?from=${encodeURIComponent(from)}&to=${NOW}&site=lappeenranta&box=lpr-1&line=l1&direction=outgoing&limit=10`);
  t.equal(r.status, 200);
  t.same(f.index.queries[0], { from: NOW - 4 * HOUR, to: NOW, site: 'lappeenranta', box: 'lpr-1', line: 'l1', direction: 'outgoing', limit: 10 });
  t.same(r.json.calls.map((c: { id: string }) => c.id), [IDS.lpr2]);
  await f.req('GET', `/api/calls?from=${encodeURIComponent('2026-11-28T09:00:00+02:00')}`);
  t.equal(f.index.queries[1]!.from, Date.UTC(2026, 10, 28, 7));
  await f.req('GET', `/api/calls?from=2026-11-28T09:00Z`);
  t.equal(f.index.queries[2]!.from, Date.UTC(2026, 10, 28, 9));
  t.match(f.audit[0], { detail: { from: NOW - 4 * HOUR, to: NOW, site: 'lappeenranta', box: 'lpr-1', line: 'l1', direction: 'outgoing', limit: 10, results: 1 } });
});

t.test('a bad filter is a 400 whose message names the field, and nothing is searched', async (t) => {
  const f = fixture();
  const cases: [string, string][] = [
    ['from=yesterday', 'from'],
    ['from=2026-11-28', 'from'], // a date without a time and zone is ambiguous
    ['from=2026-11-28T09:00:00', 'from'], // no offset
    ['from=2026-02-30T09:00Z', 'from'], // no such day
    ['to=2026-11-28T25:00Z', 'to'],
    [`from=${NOW}&to=${NOW}`, 'to'],
    [`from=${NOW}&to=${NOW - 1}`, 'to'],
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=ten', 'limit'],
    ['limit=-1', 'limit'],
    ['direction=sideways', 'direction'],
    ['site=Lappeenranta', 'site'],
    ['site=a&site=b', 'site'],
    ['box=lpr_1', 'box'],
    ['line=%20', 'line'],
    ['number=anna', 'number'],
    ['number=12', 'number'],
    ['number=%2B358%20(40)%20123%20456%20789%20000%20111%20222', 'number'],
    ['cursor=%20x', 'cursor'],
    ['sort=start', 'sort'],
    ['sites=kotka', 'sites'],
  ];
  for (const [query, field] of cases) {
    const r = await f.req('GET', `/api/calls?${query}`);
    t.equal(r.status, 400, query);
    t.equal(r.json.error.field, field, `${query}: field`);
    t.match(r.json.error.message, `"${field}"`, `${query}: ${r.json.error.message}`);
  }
  t.equal(f.index.queries.length, 0);
  t.ok(f.audit.every((e) => e.action === 'rejected-input' && e.result === 'refused' && e.detail?.['route'] === '/api/calls'), 'each rejection audited');
  t.equal(f.audit.length, cases.length);
});

t.test("what the index refuses (its TypeError names the field) is a 400 for that field, not a 500", async (t) => {
  const f = fixture();
  const n = await f.req('GET', '/api/calls?number=0012');
  t.equal(n.status, 400);
  t.same(n.json.error, { code: 'invalid-field', message: 'query parameter "number": not a phone number (digits, with an optional leading + or 00)', field: 'number' });
  const c = await f.req('GET', '/api/calls?cursor=forged');
  t.equal(c.status, 400);
  t.equal(c.json.error.field, 'cursor');
  t.match(f.audit.at(-1), { action: 'rejected-input', detail: { field: 'cursor' } });
  f.index.searchError = new TypeError('Cannot read properties of undefined');
  t.equal((await f.req('GET', '/api/calls')).status, 500, 'any other TypeError is the indexer\'s failure');
});

t.test('messages say what is expected without echoing what was sent', async (t) => {
  const f = fixture();
  t.equal((await f.req('GET', '/api/calls?limit=501')).json.error.message, 'query parameter "limit" must be a whole number from 1 to 500');
  t.equal((await f.req('GET', '/api/calls?direction=x')).json.error.message, 'query parameter "direction" must be one of incoming, outgoing, unknown');
  t.equal((await f.req('GET', '/api/calls?nope=1')).json.error.message, 'unknown query parameter "nope"');
  const n = await f.req('GET', '/api/calls?number=040-abc-4567');
  t.match(n.json.error.message, /phone number/);
  t.notMatch(n.json.error.message, /abc/);
});

t.test('search by number: found through the index, audited as "a number", never the number', async (t) => {
  const f = fixture();
  for (const spelling of ['%2B358401234567', '040%20123%204567', '00358401234567']) {
    const r = await f.req('GET', `/api/calls?number=${spelling}`, 'privacy');
    t.equal(r.status, 200, spelling);
    t.same(r.json.calls.map((c: { id: string }) => c.id), [IDS.kotka, IDS.lpr1], spelling);
  }
  t.equal(f.index.queries[0]!.number, NUMBERS.anna, 'the index is given the number as typed');
  for (const e of f.audit) t.match(e, { action: 'search', detail: { number: true } });
  t.notMatch(JSON.stringify(f.audit), /401234567|123 4567/);
});

t.test("a supervisor's search stays within their sites", async (t) => {
  const f = fixture();
  const all = await f.req('GET', '/api/calls', 'supervisor');
  t.equal(all.status, 200);
  t.same(f.index.queries[0]!.sites, ['lappeenranta'], 'the index is told the sites');
  t.ok(all.json.calls.every((c: { site: string }) => c.site === 'lappeenranta'));
  t.equal(all.json.calls.length, 3);

  const own = await f.req('GET', '/api/calls?site=lappeenranta', 'supervisor');
  t.equal(own.status, 200);

  const other = await f.req('GET', '/api/calls?site=kotka', 'supervisor');
  t.equal(other.status, 403);
  t.equal(other.json.error.field, 'site');
  t.match(other.json.error.message, /site kotka is not among the sites of saara.supervisor/);
  t.equal(f.index.queries.length, 2, 'the foreign search never reached the index');
  t.match(f.audit.at(-1), { actor: 'saara.supervisor', action: 'search', result: 'refused', detail: { site: 'kotka', reason: 'other-site' } });

  const byNumber = await f.req('GET', '/api/calls?number=0401234567', 'supervisor');
  t.same(byNumber.json.calls.map((c: { id: string }) => c.id), [IDS.lpr1], "a number's calls at other sites stay hidden");

  const unrestricted = await f.req('GET', '/api/calls?site=kotka', 'supervisorAll');
  t.equal(unrestricted.status, 200, 'a supervisor whose token names no sites sees all');
  t.equal(f.index.queries.at(-1)!.sites, undefined);
});

t.test('no audit, no results: a search whose entry cannot be written is refused with 503', async (t) => {
  const f = fixture();
  f.auditFails = true;
  const r = await f.req('GET', '/api/calls?number=0401234567');
  t.equal(r.status, 503);
  t.same(r.json, { error: { code: 'audit-unavailable', message: 'the audit log could not be written, so the request was not served' } });
  t.notOk(JSON.stringify(r.json).includes(IDS.lpr1));
  t.ok(f.lines.some((l) => l['level'] === 50 && l['msg'] === 'audit entry could not be written; request not served'));
});
