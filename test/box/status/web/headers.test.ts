// Headers on every answer: a CSP that allows only the app's own script and style (and the
// pages carry no inline script or style for it to forbid), no framing, no referrer, no caching
// of anything but the assets.
import t from 'tap';
import { Browser, loggedIn, TECH, web } from './fixture.js';

t.setTimeout(120_000);

t.test('security headers on pages, JSON, assets and refusals', async (t) => {
  const w = await web(t);
  const b = await loggedIn(w.app, TECH);
  const anon = new Browser(w.app);
  const answers = {
    'the status page': await b.get('/'),
    'status.json': await b.get('/status.json'),
    'the login page': await anon.get('/login'),
    healthz: await anon.get('/healthz'),
    'a refusal': await b.post('/actions/led-test', {}, { csrf: null }),
    'no such page': await anon.get('/nowhere'),
    'the script': await anon.get('/assets/status.js'),
    'the stylesheet': await anon.get('/assets/status.css'),
  };
  for (const [what, res] of Object.entries(answers)) {
    const csp = String(res.headers['content-security-policy']);
    t.match(csp, /(^|; )script-src 'self'(;|$)/, `${what}: scripts only from the app`);
    t.match(csp, /(^|; )default-src 'none'(;|$)/, `${what}: nothing else by default`);
    t.match(csp, /(^|; )frame-ancestors 'none'(;|$)/, `${what}: not framed`);
    t.notMatch(csp, /unsafe-inline|unsafe-eval|\*/, `${what}: no inline code, no eval, no wildcard`);
    t.equal(res.headers['x-frame-options'], 'DENY', what);
    t.equal(res.headers['referrer-policy'], 'no-referrer', what);
    t.equal(res.headers['x-content-type-options'], 'nosniff', what);
    t.equal(res.headers['cache-control'], what.startsWith('the s') && what !== 'the status page' ? 'no-cache' : 'no-store', `${what}: cache-control`);
  }
  for (const what of ['the status page', 'the login page'] as const) {
    const body = answers[what].body;
    t.notMatch(body, /<script(?![^>]*\bsrc=)/, `${what}: no inline script`);
    t.notMatch(body, /\son[a-z]+=/i, `${what}: no event handler attributes`);
    t.notMatch(body, /\sstyle=|<style/, `${what}: no inline style`);
    t.notMatch(body, /(src|href|action)="(https?:)?\/\//, `${what}: nothing from another origin`);
  }
  t.match(answers['the script'].headers['content-type'], /^text\/javascript/);
  t.ok(answers['the script'].headers.etag, 'assets carry an etag');
  const again = await anon.get('/assets/status.js', { 'if-none-match': String(answers['the script'].headers.etag) });
  t.equal(again.statusCode, 304);
});
