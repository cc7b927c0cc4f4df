// Every form post carries a CSRF token bound to its session: without one, or with another
// session's, the post is refused with 403, nothing is done, and the refusal is audited.
import t from 'tap';
import { Browser, liveCall, loggedIn, STAFF, TECH, web } from './fixture.js';

t.setTimeout(120_000);

const POSTS: [string, Record<string, string>, 'tech' | 'staff'][] = [
  ['/logout', {}, 'tech'],
  ['/actions/led-test', {}, 'tech'],
  ['/actions/capture-restart', {}, 'tech'],
  ['/actions/stop', { line: 'line-1' }, 'staff'],
];

t.test('a post without a token, or with a forged one, is refused and audited as rejected input', async (t) => {
  const w = await web(t);
  liveCall(w.box, 'line-1');
  const users = { tech: await loggedIn(w.app, TECH), staff: await loggedIn(w.app, STAFF) };
  let led = 0;
  w.box.on('led-test', () => led++);
  for (const [url, fields, who] of POSTS) {
    const b = users[who];
    for (const [how, csrf] of [['no token', null], ['a made-up token', 'abc-def'], ['the other user\'s token', users[who === 'tech' ? 'staff' : 'tech'].csrf]] as const) {
      const res = await b.post(url, fields, { csrf });
      t.equal(res.statusCode, 403, `${url} with ${how}`);
      t.match(res.body, /This form has expired or did not come from this page/);
    }
  }
  t.equal(led, 0, 'no LED test');
  t.equal(w.box.lines[0]!.state, 'active', 'the recording was not stopped');
  t.equal((await users.tech.get('/')).statusCode, 200, 'nor was anyone logged out');
  const rejected = (await w.audit()).filter((e) => e.action === 'rejected-input');
  t.equal(rejected.length, POSTS.length * 3);
  t.match(rejected[0], { actor: 'tech', result: 'refused', detail: { reason: 'csrf', method: 'POST', route: '/logout', remote: '127.0.0.1' } });
  t.match(rejected.at(-1), { actor: 'staff', detail: { reason: 'csrf', route: '/actions/stop' } });
  t.notOk((await w.audit()).some((e) => ['capture-restart', 'led-test', 'stop-request', 'logout'].includes(e.action)), 'nothing was acted on');
});

t.test('the login form needs its token too', async (t) => {
  const w = await web(t);
  const b = new Browser(w.app);
  await b.get('/login');
  const none = await b.post('/login', { name: TECH.name, password: TECH.password }, { csrf: null });
  t.equal(none.statusCode, 403);
  t.match(none.body, /This form has expired/);
  t.notOk(b.jar.cookies.has('tallennin-session'), 'no session');
  // Without the secret cookie a token is worth nothing.
  const stranger = new Browser(w.app);
  const token = b.csrf;
  const res = await stranger.post('/login', { name: TECH.name, password: TECH.password }, { csrf: token });
  t.equal(res.statusCode, 403);
  t.match((await w.audit()).filter((e) => e.action === 'rejected-input'), [
    { actor: 'unknown', detail: { reason: 'csrf', route: '/login' } },
    { actor: 'unknown', detail: { reason: 'csrf', route: '/login' } },
  ]);
  t.notOk((await w.audit()).some((e) => e.action === 'login'));
});

t.test('a token also works from a script, in the x-csrf-token header', async (t) => {
  const w = await web(t);
  const b = await loggedIn(w.app, TECH);
  const res = await w.app.inject({
    method: 'POST', url: '/actions/led-test', payload: {},
    headers: { cookie: b.jar.header(), accept: 'application/json', 'x-csrf-token': b.csrf },
  });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { ok: true, message: 'The LED shows its test pattern for 10 seconds.' });
});
