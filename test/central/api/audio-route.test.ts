// GET /api/calls/:id/audio: the API's listen. The purposes of the token's role, a case reference,
// the audit entry before the recording is opened; site scoping for supervisors, project
// membership for trainers, nothing for admins; the box's silence said as such.
import t from 'tap';
import { newApiToken } from '../../../src/central/api/server.js';
import { fixture, IDS, NOW } from './fixture.js';

const OGG = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(500, 3)]);

function setup() {
  const made = { saara: newApiToken(), pia: newApiToken(), aki: newApiToken(), tero: newApiToken(), toni: newApiToken() };
  const opened: string[] = [];
  let open = async (): Promise<{ ogg: Buffer; source: 'box' }> => ({ ogg: OGG, source: 'box' });
  const f = fixture({
    tokens: [
      { name: 'saara', role: 'supervisor', sites: ['lappeenranta'], sha256: made.saara.sha256 },
      { name: 'pia', role: 'privacy-officer', sha256: made.pia.sha256 },
      { name: 'aki', role: 'admin', sha256: made.aki.sha256 },
      { name: 'tero', role: 'trainer', sha256: made.tero.sha256 },
      { name: 'toni', role: 'trainer', sha256: made.toni.sha256 },
    ],
    playback: { open: async (call) => (opened.push(call.id), open()) },
    projects: {
      containing: async (id) => (id === IDS.lpr1 ? [{ id: 'p-1', name: 'x', caseRef: 'KOUL-1', createdBy: 'saara', createdAt: NOW, members: ['tero'], recordings: [{ id, site: 'lappeenranta', box: 'lpr-1', addedBy: 'saara', addedAt: NOW }] }] : []),
    },
  });
  const get = async (who: keyof typeof made, id: string, query: string) => {
    const r = await f.app.inject({ method: 'GET', url: `/api/calls/${id}/audio${query}`, headers: { authorization: `Bearer ${made[who].token}` } });
    return { status: r.statusCode, body: r.rawPayload, json: (() => { try { return r.json(); } catch { return undefined; } })(), headers: r.headers };
  };
  return { f, get, opened, setOpen: (fn: typeof open) => (open = fn) };
}

t.test('who hears what, for which purpose', async (t) => {
  const { f, get, opened } = setup();
  const q = (purpose: string, caseRef = 'VN/1') => `?purpose=${purpose}&caseRef=${encodeURIComponent(caseRef)}`;
  const ok = await get('saara', IDS.lpr1, q('complaint'));
  t.equal(ok.status, 200);
  t.equal(ok.headers['content-type'], 'audio/ogg');
  t.equal(ok.headers['cache-control'], 'no-store');
  t.ok(ok.body.equals(OGG));
  t.match(f.audit.at(-1), { actor: 'saara', action: 'listen', target: IDS.lpr1, purpose: 'complaint', caseRef: 'VN/1', result: 'ok', detail: { api: true } });

  for (const [who, id, query, status, code, why] of [
    ['saara', IDS.kotka, q('complaint'), 404, 'not-found', 'another site: as if it did not exist'],
    ['saara', IDS.unknown, q('complaint'), 404, 'not-found', 'no such call'],
    ['saara', IDS.lpr1, q('disclosure'), 403, 'forbidden', 'a purpose a supervisor does not state'],
    ['saara', IDS.lpr2, q('training'), 403, 'forbidden', 'training off a project'],
    ['aki', IDS.lpr1, q('complaint'), 403, 'forbidden', 'an admin never listens'],
    ['tero', IDS.lpr1, q('complaint'), 403, 'forbidden', 'a trainer trains only'],
    ['tero', IDS.lpr2, q('training'), 404, 'not-found', 'a trainer: only the project\'s recordings'],
    ['toni', IDS.lpr1, q('training'), 404, 'not-found', 'a trainer outside the project'],
    ['pia', IDS.gone, q('complaint'), 409, 'destroyed', 'a destroyed recording'],
    ['pia', IDS.lpr1, '?purpose=complaint', 400, undefined, 'no case reference'],
    ['pia', IDS.lpr1, `?caseRef=x`, 400, undefined, 'no purpose'],
    ['pia', IDS.lpr1, q('complaint', 'a\u0001b'), 400, undefined, 'a control character in the case reference'],
    ['pia', IDS.lpr1, q('curiosity'), 400, undefined, 'an unknown purpose'],
  ] as const) {
    const r = await get(who, id, query);
    t.equal(r.status, status, why);
    if (code) t.equal(r.json?.error?.code, code, why);
  }
  t.same(opened, [IDS.lpr1], 'only the allowed listen opened anything');
  t.equal((await get('tero', IDS.lpr1, q('training', 'KOUL-1'))).status, 200, 'a trainer of the project');
  t.equal((await get('pia', IDS.kotka, q('access-request', 'TP-7'))).status, 200, 'a privacy officer, any site');
  t.ok(f.audit.filter((e) => e.action === 'listen' && e.result === 'refused').length >= 9, 'refusals audited');
});

t.test('no entry, no audio; a silent box is a 504', async (t) => {
  const { f, get, opened, setOpen } = setup();
  f.auditFails = true;
  const r = await get('pia', IDS.lpr1, '?purpose=complaint&caseRef=x');
  t.equal(r.status, 503);
  t.same(opened, [], 'nothing opened');
  f.auditFails = false;
  setOpen(async () => { throw Object.assign(new Error('late'), { code: 'TAL_COMMAND_TIMEOUT' }); });
  const late = await get('pia', IDS.lpr1, '?purpose=complaint&caseRef=x');
  t.equal(late.status, 504);
  t.match(late.json.error.message, /did not answer in time/);
  t.match(f.audit.at(-1), { action: 'listen', result: 'error', detail: { outcome: 'timeout' } });
});
