// Whatever happens on the API, no phone number (nor a caller's name) reaches an audit entry or a
// log line: a whole session of searches, views, refusals and failures, scanned for the numbers.
import t from 'tap';
import { everythingWritten, fixture, IDS, NUMBER_TRACES } from './fixture.js';

const SPELLINGS = ['%2B358401234567', '0401234567', '040%20123%204567', '00358401234567', '(040)%20123-4567', '0291234567'];

t.test('a session of every kind of request writes no number anywhere', async (t) => {
  const f = fixture({ authFailures: { max: 10_000, windowMs: 1000 } }); // the unauthenticated requests too
  for (const who of ['supervisor', 'supervisorAll', 'privacy', 'admin'] as const) {
    for (const n of SPELLINGS) {
      await f.req('GET', `/api/calls?number=${n}`, who);
      await f.req('GET', `/api/calls?number=${n}&site=kotka`, who);
      await f.req('GET', `/api/calls?number=${n}&limit=999`, who); // rejected input
      await f.req('GET', `/api/calls?number=${n}&nonsense=${n}`, who);
      await f.req('GET', `/api/calls?number=${n}`, null); // unauthenticated
    }
    for (const id of Object.values(IDS)) {
      await f.req('GET', `/api/calls/${id}`, who);
      await f.req('GET', `/api/calls/${id}?purpose=access-request&caseRef=AR-2026-4`, who);
    }
    await f.req('GET', '/api/fleet', who);
    await f.req('GET', '/api/alarms', who);
    await f.req('POST', '/api/boxes/lappeenranta/lpr-1/commands/hold', who, { args: { id: IDS.lpr1, reason: 'complaint', caseRef: 'VAL-1' } });
  }
  f.openFails = true;
  await f.req('GET', `/api/calls/${IDS.lpr1}?purpose=complaint&caseRef=VAL-1`, 'privacy');
  // An index that puts the query into its error message: a 500, and the log line scrubbed.
  f.index.searchError = new Error('cannot normalise number +358 40 123 4567 from ?number=0401234567');
  const r = await f.req('GET', '/api/calls?number=%2B358401234567', 'privacy');
  t.equal(r.status, 500);
  t.same(r.json, { error: { code: 'internal', message: 'internal error; the failure is in the indexer log' } });
  t.ok(f.lines.some((l) => l['msg'] === 'api request failed'), 'the failure is logged');

  t.ok(f.audit.length > 100, `${f.audit.length} audit entries written`);
  t.ok(f.audit.some((e) => e.detail?.['number'] === true), 'searches by number are audited as such');
  const written = everythingWritten(f);
  for (const trace of NUMBER_TRACES) t.notOk(written.includes(trace), `"${trace}" is nowhere in the audit or the log`);
  t.notMatch(written, /number=/, 'no query string in the log');
  const stripped = written.replace(/"time":\d+/g, '').replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '');
  t.notMatch(stripped, /\d{6,}/, 'no long digit run at all (log times and call ids aside)');
});
