// Every route that takes an id, probed with another site's and another person's ids: each
// answers as if the thing did not exist (or refuses the role), sends nothing to a box and opens
// no recording. The list of routes is read from the server itself, so a new id-bearing route
// without a probe here fails this test.
import t from 'tap';
import { newApiToken } from '../../../src/central/api/server.js';
import { IDS, NOW } from '../api/fixture.js';
import { consoleFixture } from './console-fixture.js';

/** Every route of the server as `METHOD /path`, from fastify's route tree. */
function routesOf(tree: string): string[] {
  const out: string[] = [];
  const stack: { depth: number; path: string }[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)(?:├── |└── )(\S+)(?: \(([^)]+)\))?/.exec(line.replace(/\u00a0/g, ' '));
    if (!m) continue;
    const depth = m[1]!.length;
    while (stack.length && stack.at(-1)!.depth >= depth) stack.pop();
    const parent = stack.at(-1)?.path ?? '';
    const path = parent.endsWith('/') && m[2]!.startsWith('/') ? parent + m[2]!.slice(1) : parent + m[2]!;
    stack.push({ depth, path });
    for (const method of (m[3] ?? '').split(', ').filter((x) => x === 'GET' || x === 'POST')) out.push(`${method} ${path}`);
  }
  return out;
}

t.test('every id-bearing route refuses other sites\' and other people\'s ids', async (t) => {
  const saaraToken = newApiToken();
  const f = await consoleFixture(t, { tokens: [{ name: 'saara', role: 'supervisor', sites: ['lappeenranta'], sha256: saaraToken.sha256 }] });
  await f.person('saara', 'supervisor', ['lappeenranta']);
  await f.person('pia', 'privacy-officer');
  await f.person('toni', 'trainer');
  await f.person('aki', 'admin');
  // A project of other people, holding a Kotka recording.
  f.projects.push({ id: '0b6f0f3c-0000-4000-8000-000000000001', name: 'Muiden', caseRef: 'KOUL-9', createdBy: 'pia', createdAt: NOW, members: ['pia'], recordings: [{ id: IDS.kotka, site: 'kotka', box: 'ktk-1', addedBy: 'pia', addedAt: NOW }] });
  const project = f.projects[0]!.id;
  await f.app.ready();
  const idRoutes = routesOf(f.app.printRoutes({ commonPrefix: false })).filter((r) => r.includes(':'));

  const saara = await f.login('saara');
  const toni = await f.login('toni');
  // A grant of Pia's, for a Kotka call: its token in Saara's hands.
  const pia = await f.login('pia');
  const piaPage = await pia.get(`/console/calls/${IDS.kotka}`);
  f.copies.set(IDS.kotka, { id: IDS.kotka, site: 'kotka', box: 'ktk-1', keptAt: NOW, expiresAt: NOW + 1e10, record: {} as never });
  const granted = await pia.post(`/console/calls/${IDS.kotka}/listen`, { purpose: 'complaint', caseRef: 'VN/1', _csrf: pia.csrfOf(piaPage.body) });
  const grant = /grant=([^&#]+)/.exec(granted.headers.location as string)![1]!;
  f.opened.length = 0;
  f.sent.length = 0;

  const sCsrf = saara.csrfOf((await saara.get('/console/search')).body);
  const tCsrf = toni.csrfOf((await toni.get('/console/projects')).body);
  const api = (method: 'GET' | 'POST', url: string, payload?: object) => f.app.inject({ method, url, headers: { authorization: `Bearer ${saaraToken.token}` }, ...(payload ? { payload } : {}) });

  // [route, probe, expected status, who and what]
  const probes: [string, () => Promise<{ statusCode: number }>, number, string][] = [
    ['GET /api/calls/:id', () => api('GET', `/api/calls/${IDS.kotka}?purpose=complaint&caseRef=x`), 404, 'a supervisor, another site\'s call'],
    ['GET /api/calls/:id/audio', () => api('GET', `/api/calls/${IDS.kotka}/audio?purpose=complaint&caseRef=x`), 404, 'a supervisor, another site\'s recording'],
    ['POST /api/boxes/:site/:box/commands/:verb', () => api('POST', '/api/boxes/kotka/ktk-1/commands/hold', { args: { id: IDS.kotka, reason: 'complaint', caseRef: 'x', months: 6 } }), 403, 'a supervisor, another site\'s box'],
    ['GET /console/calls/:id', () => saara.get(`/console/calls/${IDS.kotka}`), 404, 'a supervisor, another site\'s call'],
    ['POST /console/calls/:id/listen', () => saara.post(`/console/calls/${IDS.kotka}/listen`, { purpose: 'complaint', caseRef: 'x', _csrf: sCsrf }), 404, 'a supervisor, another site\'s call'],
    ['GET /console/calls/:id/audio', () => saara.get(`/console/calls/${IDS.kotka}/audio?grant=${grant}`), 404, 'a supervisor with another person\'s grant'],
    ['POST /console/calls/:id/holds', () => saara.post(`/console/calls/${IDS.kotka}/holds`, { reason: 'complaint', caseRef: 'x', until: '2027-01-01', _csrf: sCsrf }), 404, 'a supervisor, another site\'s call'],
    ['POST /console/calls/:id/holds/release', () => saara.post(`/console/calls/${IDS.kotka}/holds/release`, { caseRef: 'x', _csrf: sCsrf }), 404, 'a supervisor, another site\'s call'],
    ['GET /console/projects/:id', () => toni.get(`/console/projects/${project}`), 404, 'a trainer, another team\'s project'],
    ['POST /console/projects/:id/members', () => toni.post(`/console/projects/${project}/members`, { member: 'toni', _csrf: tCsrf }), 403, 'a trainer adding themselves to a project'],
    ['POST /console/projects/:id/members/remove', () => toni.post(`/console/projects/${project}/members/remove`, { member: 'pia', _csrf: tCsrf }), 403, 'a trainer removing a member'],
    ['POST /console/projects/:id/recordings', () => saara.post(`/console/projects/${project}/recordings`, { recording: IDS.kotka, until: '2027-01-01', _csrf: sCsrf }), 404, 'a supervisor adding another site\'s call'],
    ['POST /console/projects/:id/recordings/remove', () => saara.post(`/console/projects/${project}/recordings/remove`, { recording: IDS.kotka, _csrf: sCsrf }), 404, 'a supervisor releasing another site\'s call'],
    ['POST /console/fleet/:site/:box/commands/:verb', () => saara.post('/console/fleet/kotka/ktk-1/commands/led-test', { seconds: '5', _csrf: sCsrf }), 403, 'a supervisor commanding a box'],
  ];
  // The registers (issue 9) are the privacy officer's: a supervisor meets each of them as forbidden,
  // whatever id they try; a privacy officer's unknown id is not found.
  const piaCsrf = pia.csrfOf((await pia.get('/console/search')).body);
  const access = 'TP-2026-0001';
  const disclosure = '0b6f0f3c-0000-4000-8000-00000000dd01';
  const rect = '0b6f0f3c-0000-4000-8000-00000000ee01';
  const registerRoutes: [string, string][] = [
    ['GET /console/registers/access/:id', `/console/registers/access/${access}`],
    ['GET /console/registers/access/:id/copy/:file', `/console/registers/access/${access}/copy/${IDS.kotka}.opus`],
    ['GET /console/registers/access/:id/cover', `/console/registers/access/${access}/cover`],
    ['GET /console/registers/disclosure/:id', `/console/registers/disclosure/${disclosure}`],
    ['GET /console/registers/disclosure/:id/export/:callId.opus', `/console/registers/disclosure/${disclosure}/export/${IDS.kotka}.opus`],
    ['GET /console/registers/disclosure/:id/metadata.json', `/console/registers/disclosure/${disclosure}/metadata.json`],
    ['GET /console/registers/rectification/:id', `/console/registers/rectification/${rect}`],
    ['GET /console/registers/rectification/:id/certificate', `/console/registers/rectification/${rect}/certificate`],
    ['POST /console/registers/access/:id/booking', `/console/registers/access/${access}/booking`],
    ['POST /console/registers/access/:id/close', `/console/registers/access/${access}/close`],
    ['POST /console/registers/access/:id/marks', `/console/registers/access/${access}/marks`],
    ['POST /console/registers/access/:id/marks/remove', `/console/registers/access/${access}/marks/remove`],
    ['POST /console/registers/access/:id/release', `/console/registers/access/${access}/release`],
    ['POST /console/registers/disclosure/:id/complete', `/console/registers/disclosure/${disclosure}/complete`],
    ['POST /console/registers/disclosure/:id/holds', `/console/registers/disclosure/${disclosure}/holds`],
    ['POST /console/registers/rectification/:id/decision', `/console/registers/rectification/${rect}/decision`],
  ];
  for (const [route, url] of registerRoutes) {
    const post = route.startsWith('POST');
    probes.push([route, () => (post ? saara.post(url, { _csrf: sCsrf }) : saara.get(url)), 403, 'a supervisor, a register\'s entry']);
    const unknown = post ? await pia.post(url, { _csrf: piaCsrf }) : await pia.get(url);
    t.ok([400, 404].includes(unknown.statusCode), `${route}: a privacy officer's unknown id is not found or refused (${unknown.statusCode}), never served`);
  }
  probes.push(['POST /console/calls/:id/delete', () => saara.post(`/console/calls/${IDS.kotka}/delete`, { reason: 'x', confirm: 'yes', _csrf: sCsrf }), 403, 'a supervisor deleting a recording']);
  t.same(probes.map((p) => p[0]).sort(), [...idRoutes].sort(), 'a probe for every route that takes an id');
  for (const [route, probe, status, what] of probes) {
    const r = await probe();
    t.equal(r.statusCode, status, `${route}: ${what}`);
  }
  t.same(f.sent, [], 'no box was asked anything');
  t.same(f.opened, [], 'no recording was opened');
  const text = JSON.stringify(f.audit.filter((e) => e.actor === 'saara' || e.actor === 'toni'));
  t.match(text, /other-site/, 'the refusals are audited with their reason');
});
