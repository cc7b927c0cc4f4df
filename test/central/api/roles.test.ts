// Each role on each route (DESIGN, "People and rights"): what it may do answers, what it may not
// is a 403 that names what the role may not do, audited as refused.
import t from 'tap';
import { fixture, IDS } from './fixture.js';

type Who = 'supervisor' | 'supervisorAll' | 'privacy' | 'admin';
const WHO: Who[] = ['supervisor', 'supervisorAll', 'privacy', 'admin'];

const ROUTES: { route: string; method: 'GET' | 'POST'; url: string; body?: unknown; allowed: Who[]; action: string }[] = [
  { route: 'search', method: 'GET', url: '/api/calls', allowed: ['supervisor', 'supervisorAll', 'privacy'], action: 'search' },
  { route: 'detail', method: 'GET', url: `/api/calls/${IDS.lpr1}`, allowed: ['supervisor', 'supervisorAll', 'privacy'], action: 'view-call' },
  { route: 'fleet', method: 'GET', url: '/api/fleet', allowed: ['supervisor', 'supervisorAll', 'admin'], action: 'view-fleet' },
  { route: 'alarms', method: 'GET', url: '/api/alarms', allowed: ['admin'], action: 'view-alarms' },
];
const VERBS: Record<string, Who[]> = {
  hold: ['supervisor', 'supervisorAll', 'privacy'],
  release: ['supervisor', 'supervisorAll', 'privacy'],
  'stop-recording': ['supervisor', 'supervisorAll'],
  delete: ['privacy'],
  'led-test': ['admin'],
  resync: ['admin'],
  'set-retention': ['admin'],
};
for (const [verb, allowed] of Object.entries(VERBS)) {
  ROUTES.push({ route: `command ${verb}`, method: 'POST', url: `/api/boxes/lappeenranta/lpr-1/commands/${verb}`, body: { args: {} }, allowed, action: 'command' });
}

t.test('the matrix', async (t) => {
  for (const r of ROUTES) {
    for (const who of WHO) {
      const f = fixture();
      const res = await f.req(r.method, r.url, who, r.body);
      const name = `${who} ${r.route}`;
      if (r.allowed.includes(who)) {
        t.equal(res.status, 200, `${name}: allowed`);
      } else {
        t.equal(res.status, 403, `${name}: forbidden`);
        t.equal(res.json.error.code, 'forbidden', name);
        t.match(res.json.error.message, /may not/, `${name}: ${res.json.error.message}`);
        t.match(f.audit.at(-1), { action: r.action, result: 'refused', detail: { reason: 'role' } }, `${name}: audited`);
        t.equal(f.sent.length, 0, `${name}: nothing sent`);
        t.equal(f.index.queries.length, 0, `${name}: nothing searched`);
        t.equal(f.opened.length, 0, `${name}: nothing unsealed`);
      }
    }
  }
});

t.test('a refusal names the role and what it may not do', async (t) => {
  const f = fixture();
  t.equal((await f.req('GET', '/api/calls', 'admin')).json.error.message, 'an admin may not search calls');
  const del = await f.req('POST', '/api/boxes/lappeenranta/lpr-1/commands/delete', 'supervisor', { args: { id: IDS.lpr1 } });
  t.equal(del.json.error.message, 'a supervisor may not send delete (may send: hold, release, stop-recording)');
});

t.test('an admin never sees a number, even with a purpose', async (t) => {
  const f = fixture();
  const r = await f.req('GET', `/api/calls/${IDS.lpr1}?purpose=complaint&caseRef=VAL-1`, 'admin');
  t.equal(r.status, 403);
  t.equal(f.opened.length, 0);
});

t.test('fetch is internal: no role may send it through the API', async (t) => {
  for (const who of WHO) {
    const f = fixture();
    const r = await f.req('POST', '/api/boxes/lappeenranta/lpr-1/commands/fetch', who, { args: { id: IDS.lpr1 } });
    t.equal(r.status, 400, who);
    t.match(r.json.error.message, /path segment "verb" must be one of hold, release, delete, stop-recording, set-retention, resync, led-test/);
    t.equal(f.sent.length, 0);
  }
});
