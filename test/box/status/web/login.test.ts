// Logging in and out of the status page (R9): one answer for a wrong password and an unknown
// name, a lock after five failures, sessions that end on time, every step audited.
import t from 'tap';
import { Browser, loggedIn, NOW, STAFF, TECH, web } from './fixture.js';

t.setTimeout(120_000);

t.test('a technician logs in and sees the page; the cookie is HttpOnly, SameSite=Strict, and ends with the session', async (t) => {
  const w = await web(t);
  const b = new Browser(w.app);
  const login = await b.get('/login');
  t.equal(login.statusCode, 200);
  t.match(login.body, /<form method="post" action="\/login"/);
  const res = await b.post('/login', { name: TECH.name, password: TECH.password });
  t.equal(res.statusCode, 303);
  t.equal(res.headers.location, '/');
  const cookie = (res.cookies as { name: string; httpOnly?: boolean; sameSite?: string; path?: string; expires?: Date; secure?: boolean }[]).find((c) => c.name === 'tallennin-session');
  t.ok(cookie, 'a session cookie');
  t.equal(cookie!.httpOnly, true);
  t.equal(cookie!.sameSite, 'Strict');
  t.equal(cookie!.path, '/');
  t.notOk(cookie!.secure, 'not Secure over plain HTTP');
  t.equal(cookie!.expires!.getTime(), Math.floor((NOW + w.config.status.sessionMinutes * 60_000) / 1000) * 1000, 'expires when the session does');
  const page = await b.get('/');
  t.equal(page.statusCode, 200);
  t.match(page.body, /Log out tech/);
  const entries = await w.audit();
  t.match(entries.at(-1), { actor: 'tech', action: 'login', result: 'ok', detail: { remote: '127.0.0.1', role: 'technician' } });
});

t.test('nothing but /login, /healthz and /assets answers without a session', async (t) => {
  const w = await web(t);
  const b = new Browser(w.app);
  const page = await b.get('/');
  t.equal(page.statusCode, 303);
  t.equal(page.headers.location, '/login');
  const json = await b.get('/status.json');
  t.equal(json.statusCode, 401);
  t.notMatch(json.body, /line-1/);
  for (const url of ['/login', '/healthz', '/assets/status.js', '/assets/status.css']) t.equal((await b.get(url)).statusCode, 200, url);
});

t.test('a wrong password and an unknown name get the same answer; both are audited, the unknown name as "unknown"', async (t) => {
  const w = await web(t);
  const b = new Browser(w.app);
  await b.get('/login');
  const wrong = await b.post('/login', { name: TECH.name, password: 'not the password at all' });
  await b.get('/login');
  const unknown = await b.post('/login', { name: 'nobody-here', password: 'not the password at all' });
  t.equal(wrong.statusCode, 401);
  t.equal(unknown.statusCode, 401);
  const message = (body: string) => /data-field="message">([^<]*)</.exec(body)?.[1];
  t.equal(message(wrong.body), 'Wrong name or password.');
  t.equal(message(unknown.body), message(wrong.body), 'the same message');
  t.notOk(b.jar.cookies.has('tallennin-session'), 'no session');
  const entries = (await w.audit()).filter((e) => e.action === 'login-failed');
  t.match(entries, [
    { actor: 'tech', result: 'refused', detail: { reason: 'password', remote: '127.0.0.1' } },
    { actor: 'unknown', result: 'refused', detail: { reason: 'unknown-name' } },
  ]);
  const text = JSON.stringify(await w.audit());
  t.notOk(text.includes('nobody-here'), 'an unknown name is not written to the log');
  t.notOk(text.includes('not the password'), 'nor any password');
});

t.test('five failures lock a name for 15 minutes, even against the right password; the lockout is audited', async (t) => {
  const w = await web(t);
  const b = new Browser(w.app);
  let last;
  for (let i = 0; i < 5; i++) {
    await b.get('/login');
    last = await b.post('/login', { name: TECH.name, password: `wrong guess number ${i}` });
  }
  t.equal(last!.statusCode, 423);
  t.match(last!.body, /Wrong name or password\. Too many failed logins: this name is locked until 12:15:00\./);
  await b.get('/login');
  const right = await b.post('/login', { name: TECH.name, password: TECH.password });
  t.equal(right.statusCode, 423, 'locked: the right password does not get in');
  t.match(right.body, /locked until 12:15:00/);
  t.notOk(b.jar.cookies.has('tallennin-session'));
  // Another name is not locked.
  await b.get('/login');
  t.equal((await b.post('/login', { name: STAFF.name, password: STAFF.password })).statusCode, 303);

  const entries = await w.audit();
  t.match(entries.filter((e) => e.action === 'lockout'), [{ actor: 'tech', result: 'refused', detail: { failures: 5, until: NOW + 15 * 60_000 } }]);
  t.match(entries.filter((e) => e.action === 'login-failed').at(-1), { actor: 'tech', detail: { reason: 'locked' } });

  // An unknown name locks just the same, so the lock tells nobody which names exist.
  const anon = new Browser(w.app);
  for (let i = 0; i < 5; i++) {
    await anon.get('/login');
    last = await anon.post('/login', { name: 'ghost', password: `wrong guess number ${i}` });
  }
  t.equal(last!.statusCode, 423);
  t.match(last!.body, /Wrong name or password\. Too many failed logins: this name is locked until 12:15:00\./);

  w.clock.advance(15 * 60_000);
  const b2 = new Browser(w.app);
  t.equal((await b2.login(TECH)).statusCode, 303, 'the lock ends when it said it would');
});

t.test('an expired session goes back to the login page with a message', async (t) => {
  const w = await web(t);
  const b = await loggedIn(w.app, TECH);
  w.clock.advance(w.config.status.sessionMinutes * 60_000 - 1);
  t.equal((await b.get('/')).statusCode, 200, 'still live a moment before');
  w.clock.advance(1);
  const gone = await b.get('/');
  t.equal(gone.statusCode, 303);
  t.equal(gone.headers.location, '/login?m=ended');
  t.notOk(b.jar.cookies.has('tallennin-session'), 'the stale cookie is cleared');
  const page = await b.get(gone.headers.location as string);
  t.match(page.body, /Your session has ended\. Log in again\./);
  // The live script is told the same, and goes to the login page.
  const b2 = await loggedIn(w.app, STAFF);
  w.clock.advance(w.config.status.sessionMinutes * 60_000);
  const json = await b2.get('/status.json', { accept: 'application/json' });
  t.equal(json.statusCode, 401);
  t.match(json.json(), { error: 'session-ended' });
});

t.test('logging out ends the session, and is audited', async (t) => {
  const w = await web(t);
  const b = await loggedIn(w.app, STAFF);
  const sid = b.jar.cookies.get('tallennin-session')!;
  const out = await b.post('/logout');
  t.equal(out.statusCode, 303);
  t.equal(out.headers.location, '/login?m=out');
  t.match((await b.get('/login?m=out')).body, /You have logged out\./);
  const again = await w.app.inject({ method: 'GET', url: '/', headers: { cookie: `tallennin-session=${sid}` } });
  t.equal(again.statusCode, 303, 'the old cookie opens nothing');
  t.match((await w.audit()).at(-1), { actor: 'staff', action: 'logout', result: 'ok' });
});

t.test('accounts are re-read at each login: changes are audited and end the changed account\'s sessions', async (t) => {
  const w = await web(t);
  const tech = await loggedIn(w.app, TECH);
  const staff = await loggedIn(w.app, STAFF);
  await w.accounts.remove(STAFF.name);
  await w.accounts.setPassword(TECH.name, 'uusi salasana joka on pitkä');
  await w.accounts.add('tech2', 'technician', 'kolmas tunnus pitkällä salasanalla');
  // Until someone logs in, nothing has read the file.
  t.equal((await tech.get('/')).statusCode, 200);
  const fresh = new Browser(w.app);
  t.equal((await fresh.login({ name: 'tech2', password: 'kolmas tunnus pitkällä salasanalla' })).statusCode, 303);
  const changes = (await w.audit()).filter((e) => e.action === 'user-change');
  t.match(changes, [
    { actor: 'system', target: 'tech', result: 'ok', detail: { change: 'password', sessionsEnded: 1 } },
    { actor: 'system', target: 'tech2', detail: { change: 'added', sessionsEnded: 0 } },
    { actor: 'system', target: 'staff', detail: { change: 'removed', sessionsEnded: 1 } },
  ]);
  t.equal((await tech.get('/')).headers.location, '/login?m=ended', 'the technician whose password changed is out');
  t.equal((await staff.get('/')).headers.location, '/login?m=ended', 'the removed account is out');
  t.equal((await fresh.get('/')).statusCode, 200);
  // The removed account cannot log in again.
  const b = new Browser(w.app);
  t.equal((await b.login(STAFF)).statusCode, 401);
});

t.test('logins from one address are rate-limited on top of the per-name lock', async (t) => {
  const w = await web(t, { loginLimits: { max: 3, windowMs: 60_000 } });
  const b = new Browser(w.app);
  const names = ['a1', 'a2', 'a3', 'a4'];
  const codes: number[] = [];
  for (const name of names) {
    await b.get('/login');
    codes.push((await b.post('/login', { name, password: 'some password here' })).statusCode);
  }
  t.same(codes, [401, 401, 401, 429]);
  await b.get('/login');
  const res = await b.post('/login', { name: TECH.name, password: TECH.password });
  t.equal(res.statusCode, 429, 'even the right password waits');
  t.match(res.body, /Too many login attempts from this address\. Wait a minute and try again\./);
  t.ok(res.headers['retry-after'], 'says how long');
});
