// Every route the status page has, asked by a logged-in technician and site staff (every GET,
// every POST with a valid token), while a call with a caller's number is in progress and a
// sealed recording with a number is in the store: no answer, body or header, carries the
// number in any spelling, the recording's id, its wrapped key or sealed metadata, or any key
// material. The route list is fixed here, so a new route cannot skip this test.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { recordSealed } from '../../../helpers/sealed-recording.js';
import { Browser, liveCall, loggedIn, NOW, STAFF, TECH, web } from './fixture.js';

t.setTimeout(120_000);

const EXPECTED = [
  'GET /',
  'GET /assets/icon.svg',
  'GET /assets/status.css',
  'GET /assets/status.js',
  'GET /healthz',
  'GET /login',
  'GET /status.json',
  'POST /actions/capture-restart',
  'POST /actions/led-test',
  'POST /actions/stop',
  'POST /login',
  'POST /logout',
];

const NUMBER = '0401234567';
/** the number's digits after the trunk prefix, with any separators a person or a format might put in */
const NUMBER_ANY_SPELLING = /(?:\+|00)?(?:358[\s.-]*)?0?[\s.()-]*4[\s.()-]*0[\s.()-]*1[\s.()-]*2[\s.()-]*3[\s.()-]*4[\s.()-]*5[\s.()-]*6[\s.()-]*7/;

t.test('no route tells a caller\'s number, a recording\'s id or keys, or any key material', async (t) => {
  for (const spelling of ['0401234567', '401234567', '+358401234567', '+358 40 123 4567', '00358 40 1234567', '040-123 4567', '(040) 123 4567']) {
    t.match(spelling, NUMBER_ANY_SPELLING, `the pattern finds ${spelling}`);
  }
  const routes: string[] = [];
  const w = await web(t, { onRoute: (method, url) => routes.push(`${method} ${url}`) });
  t.same([...routes].sort(), EXPECTED, 'exactly the routes this test knows (add a new one here)');

  const rec = await recordSealed(w.box.store, w.sealTo, { ms: 3000, startMs: NOW - 3_600_000, calling: NUMBER });
  t.ok(rec.sealedMeta, 'the recording has sealed metadata');
  w.box.lastCallEnd.set('line-2', rec.end!);

  const pem = readFileSync(join(w.dir, 'keys', 'controller.pub'), 'utf8');
  const keyBody = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const forbidden: [string, string][] = [
    [rec.id, 'the recording id'],
    [rec.wrappedKey, 'the wrapped key'],
    [rec.wrappedKey.slice(0, 24), 'part of the wrapped key'],
    [rec.sealedMeta!, 'the sealed metadata'],
    [rec.sealedMeta!.slice(0, 24), 'part of the sealed metadata'],
    [keyBody.slice(0, 40), 'the controller key'],
    ['-----BEGIN', 'PEM material'],
    ['PRIVATE KEY', 'PEM material'],
    [w.dir, 'the box\'s folder'],
  ];
  const checked: string[] = [];
  const check = (what: string, res: LightMyRequestResponse) => {
    const text = `${JSON.stringify(res.headers)}\n${res.body}`;
    checked.push(`${what} → ${res.statusCode}`);
    const m = NUMBER_ANY_SPELLING.exec(text);
    t.notOk(m, `${what}: no number${m ? ` (found ${JSON.stringify(m[0])})` : ''}`);
    for (const [s, name] of forbidden) if (s) t.notOk(text.includes(s), `${what}: no ${name}`);
  };

  for (const who of [TECH, STAFF]) {
    // A call on the line with its number (the technician's capture restart ends the first).
    liveCall(w.box, 'line-1', NUMBER);
    t.equal(w.box.lines[0]!.state, 'active');
    const b = await loggedIn(w.app, who);
    const anon = new Browser(w.app);
    const gets = EXPECTED.filter((r) => r.startsWith('GET ')).map((r) => r.slice(4));
    for (const url of gets) {
      check(`${who.name} GET ${url}`, await b.get(url));
      check(`${who.name} GET ${url} as JSON`, await b.get(url, { accept: 'application/json' }));
      check(`anonymous GET ${url}`, await anon.get(url));
    }
    check(`${who.name} GET /nowhere`, await b.get('/nowhere'));
    await b.get('/');
    const posts: [string, Record<string, string>][] = [
      ['/actions/led-test', {}],
      ['/actions/capture-restart', {}],
      ['/actions/stop', { line: 'line-1' }],
      ['/login', { name: who.name, password: who.password }],
    ];
    for (const [url, fields] of posts) {
      await b.get(url === '/login' ? '/login' : '/');
      check(`${who.name} POST ${url}`, await b.post(url, fields));
      await b.get('/');
      check(`${who.name} POST ${url} as JSON`, await b.post(url, fields, { headers: { accept: 'application/json' } }));
      check(`${who.name} POST ${url} without a token`, await b.post(url, fields, { csrf: null }));
      check(`${who.name} the page after POST ${url}`, await b.get('/'));
    }
    await anon.get('/login');
    check('anonymous POST /login, wrong password', await anon.post('/login', { name: who.name, password: NUMBER }));
    await b.get('/');
    check(`${who.name} POST /logout`, await b.post('/logout'));
    check(`${who.name} GET / after logout`, await b.get('/'));
  }
  t.equal(w.box.lines[0]!.state, 'stopped', 'site staff did stop the call on the way');
  t.ok(checked.length > 60, `${checked.length} answers checked`);
  t.notOk(JSON.stringify(w.logLines).match(NUMBER_ANY_SPELLING), 'and the log has no number either');
  const audit = JSON.stringify(await w.audit());
  t.notOk(audit.match(NUMBER_ANY_SPELLING), 'nor the audit log (a password typed as a number is not written)');
});
