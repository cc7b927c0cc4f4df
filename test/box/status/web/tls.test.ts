// With status.cert and status.key the page is served over TLS only, and its cookies are Secure
// with the __Host- prefix; an unreadable file is named by its config field.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { request } from 'node:https';
import { join } from 'node:path';
import { buildStatusApp, startStatusServer } from '../../../../src/box/status/web/index.js';
import { memoryLog } from '../../../helpers/log.js';
import { web } from './fixture.js';

t.setTimeout(120_000);

function get(url: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    // The test's own self-signed certificate: trust it, whatever name it carries.
    const req = request(url, { rejectUnauthorized: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

t.test('HTTPS with the configured certificate; Secure, __Host- cookies', async (t) => {
  const w = await web(t);
  const cert = join(w.dir, 'status.crt');
  const key = join(w.dir, 'status.key');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
  const config = { ...w.config, status: { ...w.config.status, host: '127.0.0.1', port: 0, cert, key } };
  const server = await startStatusServer({ box: w.box, config, accounts: w.accounts, clock: w.clock, log: memoryLog().log });
  t.teardown(() => server.close());
  t.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  const health = await get(`${server.url}/healthz`);
  t.equal(health.status, 200);
  const login = await get(`${server.url}/login`);
  t.equal(login.status, 200);
  const cookies = [login.headers['set-cookie']].flat().join('\n');
  t.match(cookies, /^__Host-tallennin-csrf=[^;]+;.*Secure/m, 'the CSRF cookie is Secure, __Host-');
  t.match(cookies, /HttpOnly/);
  t.match(cookies, /SameSite=Strict/);
  t.match(cookies, /Path=\//);
});

t.test('an unreadable certificate or key is named by its field', async (t) => {
  const w = await web(t);
  const missing = join(w.dir, 'no-such.pem');
  for (const field of ['cert', 'key'] as const) {
    const other = join(w.dir, 'keys', 'controller.pub');
    const status = { ...w.config.status, cert: field === 'cert' ? missing : other, key: field === 'key' ? missing : other };
    await t.rejects(
      buildStatusApp({ box: w.box, config: { ...w.config, status }, accounts: w.accounts, clock: w.clock, log: memoryLog().log }),
      { code: 'TAL_CONFIG_UNREADABLE', message: new RegExp(`^status\\.${field}: cannot read ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) },
    );
  }
});
