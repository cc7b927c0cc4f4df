// The console and API over HTTPS when api.tls names a certificate: served by the real indexer,
// the cookies Secure and __Host- prefixed (so no other path or host can set or read them), plain
// HTTP refused on that port, and a missing key file refused at start with its field named.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { request as plainRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccountsFile, CONSOLE_ACCOUNT_RULES } from '../../../src/core/auth/index.js';
import { systemClock } from '../../../src/core/clock.js';
import { loadIndexerConfig } from '../../../src/central/config.js';
import { Indexer } from '../../../src/central/indexer.js';
import { centralKeys, indexerConfig } from '../../helpers/central.js';
import { memoryLog } from '../../helpers/log.js';
import { PASSWORD } from './inject-client.js';

function fetchTls(port: number, ca: string, path: string, o: { method?: string; cookie?: string; form?: Record<string, string> } = {}) {
  const body = o.form ? new URLSearchParams(o.form).toString() : undefined;
  return new Promise<{ status: number; cookies: string[]; body: string; location?: string }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: o.method ?? 'GET', ca, servername: 'localhost', headers: { ...(o.cookie ? { cookie: o.cookie } : {}), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) } },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, cookies: (res.headers['set-cookie'] ?? []) as string[], body: text, ...(res.headers.location ? { location: res.headers.location } : {}) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

t.test('served over TLS with Secure __Host- cookies', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-tls-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-keyout', join(dir, 'console.key'), '-out', join(dir, 'console.crt')], { encoding: 'utf8' });
  t.equal(made.status, 0, made.stderr);
  const keys = centralKeys(join(dir, 'keys'));
  const file = indexerConfig(dir, keys, { url: 'mqtt://127.0.0.1:1', extra: 'console: { totpRoles: [] }\n' });
  writeFileSync(file, readFileSync(file, 'utf8').replace('tokens: []', 'tokens: [], tls: { cert: console.crt, key: console.key }'));
  const config = await loadIndexerConfig(file);
  t.equal(config.api.tls?.cert, join(dir, 'console.crt'), 'paths resolve beside the config');
  await new AccountsFile(config.console.users, { ...CONSOLE_ACCOUNT_RULES, clock: systemClock }).add('maija', 'privacy-officer', PASSWORD);
  const indexer = await Indexer.start({ config, sealingKey: keys.sealing, commandKey: keys.command.key, clock: systemClock, log: memoryLog().log });
  t.teardown(() => indexer.stop());
  const port = (indexer.api.server.address() as AddressInfo).port;
  const ca = readFileSync(join(dir, 'console.crt'), 'utf8');

  const login = await fetchTls(port, ca, '/console/login');
  t.equal(login.status, 200);
  const csrfCookie = login.cookies.find((c) => c.startsWith('__Host-tallennin-console-csrf='));
  t.ok(csrfCookie, 'the CSRF cookie is __Host- prefixed');
  t.match(csrfCookie, /; Path=\/;.*HttpOnly.*Secure.*SameSite=Strict|; Path=\/;.*Secure.*HttpOnly/i);
  const token = /name="_csrf" value="([^"]+)"/.exec(login.body)![1]!;
  const cookie = csrfCookie!.split(';')[0]!;
  const done = await fetchTls(port, ca, '/console/login', { method: 'POST', cookie, form: { name: 'maija', password: PASSWORD, _csrf: token } });
  t.equal(done.status, 303, 'logged in over TLS');
  const session = done.cookies.find((c) => c.startsWith('__Host-tallennin-console='));
  t.ok(session, 'the session cookie is __Host- prefixed');
  t.match(session, /Secure/);
  t.match(session, /HttpOnly/);
  t.match(session, /SameSite=Strict/);
  const search = await fetchTls(port, ca, '/console/search', { cookie: `${cookie}; ${session!.split(';')[0]}` });
  t.equal(search.status, 200, 'the session works');

  const plain = await new Promise<number | string>((resolve) => {
    const req = plainRequest({ host: '127.0.0.1', port, path: '/console/login' }, (res) => resolve(res.statusCode!));
    req.on('error', (err) => resolve((err as NodeJS.ErrnoException).code ?? 'error'));
    req.end();
  });
  t.not(plain, 200, `plain HTTP on the TLS port gets no page (${plain})`);
});

t.test('a missing certificate key stops the indexer, naming the field', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-tls-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const keys = centralKeys(join(dir, 'keys'));
  const file = indexerConfig(dir, keys, { url: 'mqtt://127.0.0.1:1' });
  writeFileSync(join(dir, 'console.crt'), 'not read');
  writeFileSync(file, readFileSync(file, 'utf8').replace('tokens: []', 'tokens: [], tls: { cert: console.crt, key: missing.key }'));
  const config = await loadIndexerConfig(file);
  await t.rejects(Indexer.start({ config, sealingKey: keys.sealing, commandKey: keys.command.key, clock: systemClock, log: memoryLog().log, listen: false }), { message: /api\.tls\.key/ });
  writeFileSync(file, readFileSync(file, 'utf8').replace('tls: { cert: console.crt, key: missing.key }', 'tls: { cert: console.crt }'));
  await t.rejects(loadIndexerConfig(file), { message: /api\.tls\.key/ }, 'a certificate without its key');
});
