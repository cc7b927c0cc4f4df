// Bearer tokens: who gets in, who does not, what the audit keeps of a failure (never the token),
// and how repeated failures from one address are refused.
import t from 'tap';
import { createHash } from 'node:crypto';
import { buildApi, newApiToken } from '../../../src/central/api/server.js';
import { TokenTable } from '../../../src/central/api/tokens.js';
import { fixture } from './fixture.js';

t.test('newApiToken: 32 random bytes as base64url, and the SHA-256 hex of that text', async (t) => {
  const a = newApiToken();
  const b = newApiToken();
  t.match(a.token, /^[A-Za-z0-9_-]{43}$/);
  t.equal(Buffer.from(a.token, 'base64url').length, 32);
  t.equal(a.sha256, createHash('sha256').update(a.token).digest('hex'));
  t.not(a.token, b.token);
});

t.test('no token, a malformed one or an unknown one: 401, audited without the token', async (t) => {
  const f = fixture();
  const wrong = newApiToken().token;
  const cases: [string, Record<string, string>, string][] = [
    ['no header', {}, 'no-token'],
    ['not Bearer', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }, 'malformed'],
    ['bearer with junk', { authorization: 'Bearer a b c' }, 'malformed'],
    ['unknown token', { authorization: `Bearer ${wrong}` }, 'unknown-token'],
    ['the hash instead of the token', { authorization: `Bearer ${createHash('sha256').update(f.tokens.admin).digest('hex')}` }, 'unknown-token'],
  ];
  for (const [name, headers, reason] of cases) {
    const r = await f.req('GET', '/api/fleet', null, undefined, headers);
    t.equal(r.status, 401, name);
    t.equal(r.json.error.code, 'unauthenticated', name);
    t.match(r.headers['www-authenticate'], /^Bearer realm="tallennin"/, name);
    t.match(f.audit.at(-1), { actor: 'anonymous', action: 'login-failed', result: 'refused', detail: { reason, route: '/api/fleet', method: 'GET' } }, name);
  }
  t.equal(f.audit.length, cases.length);
  const written = JSON.stringify(f.audit) + JSON.stringify(f.lines);
  t.notOk(written.includes(wrong), 'the unknown token is nowhere in the audit or the log');
  t.notOk(written.includes('a b c'));
});

t.test('a valid token in any letter case of "Bearer" gets in; the token itself is case-sensitive', async (t) => {
  const f = fixture();
  t.equal((await f.req('GET', '/api/fleet', null, undefined, { authorization: `bearer ${f.tokens.admin}` })).status, 200);
  t.equal((await f.req('GET', '/api/fleet', null, undefined, { authorization: `Bearer ${f.tokens.admin.toUpperCase()}` })).status, 401);
});

t.test('20 failures in 15 minutes from one address: 429 for it, even with a good token; others unaffected; it passes', async (t) => {
  const f = fixture();
  const from = (ip: string, token?: string) =>
    f.app.inject({ method: 'GET', url: '/api/fleet', remoteAddress: ip, headers: token ? { authorization: `Bearer ${token}` } : {} });
  for (let i = 0; i < 19; i++) {
    t.equal((await from('10.0.0.9', `guess${i}`)).statusCode, 401);
    f.clock.advance(10_000);
  }
  t.equal((await from('10.0.0.9', f.tokens.admin)).statusCode, 200, 'a success in between does not reset the count');
  t.equal((await from('10.0.0.9', 'guess19')).statusCode, 401, 'the 20th failure is still answered 401');
  t.match(f.audit.at(-1), { action: 'login-failed', detail: { blocked: true, ip: '10.0.0.9' } });
  t.ok(f.lines.some((l) => l['msg'] === 'address refused after repeated failed authentications'));
  const audited = f.audit.length;

  const limited = await from('10.0.0.9', f.tokens.admin);
  t.equal(limited.statusCode, 429);
  t.equal(limited.json().error.code, 'too-many-failures');
  const retry = Number(limited.headers['retry-after']);
  t.ok(retry > 0 && retry <= 15 * 60, `Retry-After ${retry} s`);
  t.equal((await from('10.0.0.9', 'guess-more')).statusCode, 429, 'no more guessing while refused');
  t.equal(f.audit.length, audited, 'refusals while blocked are not audited one by one (the block was)');

  t.equal((await from('10.0.0.10', f.tokens.admin)).statusCode, 200, 'another address is not affected');
  t.equal((await from('10.0.0.10', 'guess')).statusCode, 401);

  f.clock.advance(retry * 1000);
  t.equal((await from('10.0.0.9', f.tokens.admin)).statusCode, 200, 'after the window the address may try again');
});

t.test('failures spread beyond the window never block', async (t) => {
  const f = fixture();
  for (let i = 0; i < 60; i++) {
    const r = await f.app.inject({ method: 'GET', url: '/api/fleet', remoteAddress: '10.1.1.1' });
    t.equal(r.statusCode, 401);
    f.clock.advance(60_000);
  }
});

t.test('the limits can be set', async (t) => {
  const f = fixture({ authFailures: { max: 2, windowMs: 1000 } });
  await f.req('GET', '/api/fleet', null);
  await f.req('GET', '/api/fleet', null);
  t.equal((await f.req('GET', '/api/fleet', 'admin')).status, 429);
  f.clock.advance(1000);
  t.equal((await f.req('GET', '/api/fleet', 'admin')).status, 200);
});

t.test('a bad token config is refused at start, naming the token', async (t) => {
  const ok = newApiToken().sha256;
  const bad: [string, unknown, RegExp][] = [
    ['short hash', [{ name: 'a', role: 'admin', sha256: 'abc' }], /"a".*sha256/],
    ['upper-case hash', [{ name: 'a', role: 'admin', sha256: ok.toUpperCase() }], /sha256/],
    ['unknown role', [{ name: 'b', role: 'root', sha256: ok }], /"b".*role/],
    ['sites on an admin', [{ name: 'c', role: 'admin', sites: ['x'], sha256: ok }], /"c".*sites applies only to supervisors/],
    ['empty sites', [{ name: 'd', role: 'supervisor', sites: [], sha256: ok }], /"d".*at least one site/],
    ['bad site', [{ name: 'e', role: 'supervisor', sites: ['Kotka!'], sha256: ok }], /"e".*site "Kotka!"/],
    ['same hash twice', [{ name: 'f', role: 'admin', sha256: ok }, { name: 'g', role: 'admin', sha256: ok }], /twice/],
    ['no name', [{ name: '', role: 'admin', sha256: ok }], /api token 1: name/],
  ];
  for (const [name, tokens, message] of bad) {
    t.throws(() => new TokenTable(tokens as never), message, name);
    t.throws(() => buildApi({ tokens } as never), { code: 'TAL_CONFIG_INVALID' }, `${name}: TAL_CONFIG_INVALID`);
  }
});

t.test('GET /healthz needs no token and says only whether the index answers', async (t) => {
  const f = fixture();
  const r = await f.req('GET', '/healthz', null);
  t.equal(r.status, 200);
  t.same(r.json, { ok: true });
  t.equal(f.audit.length, 0, 'not an access to anything: not audited');

  const g = fixture();
  g.index.searchError = new Error('LevelDB closed');
  const down = await g.req('GET', '/healthz', null);
  t.equal(down.status, 503);
  t.same(down.json, { ok: false });
  g.index.searchError = undefined;
  t.equal((await g.req('GET', '/healthz', null)).status, 503, 'the answer is kept for a second');
  g.clock.advance(1000);
  t.equal((await g.req('GET', '/healthz', null)).status, 200);
  t.ok(g.index.queries.every((q) => q.to! - q.from! === 1 && q.limit === 1), 'the probe asks for an empty window');
  t.equal(g.index.queries.length, 2, 'one probe per second however often asked');
});

t.test('an unknown route is a JSON 404 that does not echo the query', async (t) => {
  const f = fixture();
  const r = await f.req('GET', '/api/nothing?number=0401234567', null);
  t.equal(r.status, 404);
  t.same(r.json, { error: { code: 'no-route', message: 'no route GET /api/nothing' } });
});

t.test('behind a trusted proxy the client address comes from X-Forwarded-For', async (t) => {
  const f = fixture({ trustProxy: '127.0.0.1', authFailures: { max: 1, windowMs: 60_000 } });
  await f.req('GET', '/api/fleet', null, undefined, { 'x-forwarded-for': '192.0.2.7' });
  t.match(f.audit[0], { detail: { ip: '192.0.2.7', blocked: true } });
  t.equal((await f.req('GET', '/api/fleet', 'admin', undefined, { 'x-forwarded-for': '192.0.2.8' })).status, 200, 'another client behind the same proxy');
  t.equal((await f.req('GET', '/api/fleet', 'admin', undefined, { 'x-forwarded-for': '192.0.2.7' })).status, 429);
});
