// The console served by the real indexer (its real call index, audit log and accounts file):
// logging in with a password and the authenticator's code in Debian's chromium, searching within
// one's own sites, a call page, the language switch, logging out; and, through inject, what must
// be refused: no code, a wrong code, a missing CSRF token, a role without the right, another
// site's call, a session id planted before the login.
import t, { type Test } from 'tap';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { recordingEvent } from '../../../src/box/sync/events.js';
import { AccountsFile, CONSOLE_ACCOUNT_RULES, newTotpSecret } from '../../../src/core/auth/index.js';
import { systemClock } from '../../../src/core/clock.js';
import { loadIndexerConfig } from '../../../src/central/config.js';
import { Indexer } from '../../../src/central/indexer.js';
import { centralKeys, indexerConfig, sealedRecord } from '../../helpers/central.js';
import { memoryLog } from '../../helpers/log.js';
import { client, code, loginInject, PASSWORD } from './inject-client.js';

t.setTimeout(180_000);

const CHROMIUM = '/usr/bin/chromium';

async function setup(t: Test) {
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-console-'));
  const keys = centralKeys(join(dir, 'keys'));
  const config = await loadIndexerConfig(indexerConfig(dir, keys, { url: 'mqtt://127.0.0.1:1' }));
  const accounts = new AccountsFile(config.console.users, { ...CONSOLE_ACCOUNT_RULES, clock: systemClock });
  // A code is good once (RFC 6238 replay protection): every login in these tests is a person of its own.
  let n = 0;
  const person = async (role: 'supervisor' | 'privacy-officer' | 'admin', sites?: string[]) => {
    const name = `${role.slice(0, 3)}-${++n}`;
    const secret = newTotpSecret();
    await accounts.add(name, role, PASSWORD, { ...(sites ? { sites } : {}), totp: secret });
    return { name, secret };
  };
  await accounts.add('pekka', 'trainer', PASSWORD);
  const log = memoryLog();
  const indexer = await Indexer.start({ config, sealingKey: keys.sealing, commandKey: keys.command.key, clock: systemClock, log: log.log, listen: false });
  t.teardown(() => indexer.stop());
  // Three calls: two at the supervisor's site, one at another; the first with the announcement heard.
  const now = Date.now();
  const ids: Record<string, string> = {};
  let seq = 0;
  for (const [name, site, box, start, notice] of [
    ['lpr1', 'lappeenranta', 'lpr-1', now - 3_600_000, { status: 'heard', score: 0.81, threshold: 0.48, offsetMs: 300 }],
    ['lpr2', 'lappeenranta', 'lpr-1', now - 1_800_000, { status: 'not-heard', score: 0.12, threshold: 0.48, offsetMs: 0 }],
    ['ktk1', 'kotka', 'ktk-1', now - 900_000, undefined],
  ] as const) {
    const rec = sealedRecord(keys.sealTo, { start, calling: '0401234567' });
    ids[name] = rec.id;
    const body = { ...recordingEvent({ ...rec, direction: 'incoming' }), ...(notice ? { notice } : {}) };
    await indexer.index.ingest(site, box, { seq: ++seq, boot: 1, ts: now, kind: 'recording', body } as never);
  }
  return { indexer, person, ids, log, accounts };
}

t.test('refusals, through inject', async (t) => {
  const { indexer, person, ids, log } = await setup(t);

  await t.test('the password alone is no session: the code is asked, and a wrong code counts towards the lock', async (t) => {
    const liisa = await person('supervisor', ['lappeenranta']);
    const c = client(indexer);
    const page = await c.get('/console/login');
    t.equal(page.statusCode, 200);
    const first = await c.post('/console/login', { name: liisa.name, password: PASSWORD, _csrf: c.csrfOf(page.body) });
    t.equal(first.statusCode, 200);
    t.match(first.body, /name="code"/, 'the code step');
    t.equal((await c.get('/console/search')).statusCode, 303, 'no session yet');
    let last = first;
    for (let i = 0; i < 5; i++) last = await c.post('/console/login/code', { code: '000000', _csrf: c.csrfOf(last.body) });
    t.equal(last.statusCode, 423, 'five wrong codes lock the name');
    const again = await loginInject(indexer, liisa.name, liisa.secret);
    t.equal(again.last.statusCode, 423, 'the right password does not pass the lock');
  });

  await t.test('a form without its CSRF token is refused', async (t) => {
    const c = client(indexer);
    await c.get('/console/login');
    const r = await c.post('/console/login', { name: (await person('privacy-officer')).name, password: PASSWORD, _csrf: 'forged' });
    t.equal(r.statusCode, 403);
    t.match(r.body, /Lomake oli vanhentunut/);
  });

  await t.test('a session id planted before the login is not the one after it', async (t) => {
    // Ids are made only by a login: one planted in a browser beforehand is never upgraded to a session.
    const e = client(indexer);
    e.jar.set('tallennin-console', 'planted-by-an-attacker');
    const login = await e.get('/console/login');
    const victim = await person('privacy-officer');
    const first = await e.post('/console/login', { name: victim.name, password: PASSWORD, _csrf: e.csrfOf(login.body) });
    const pendingId = e.jar.get('tallennin-console-login');
    t.ok(pendingId, 'between password and code: a pending login, no session');
    const done = await e.post('/console/login/code', { code: code(victim.secret), _csrf: e.csrfOf(first.body) });
    t.equal(done.statusCode, 303, 'logged in');
    const id = e.jar.get('tallennin-console');
    t.ok(id && id !== 'planted-by-an-attacker' && id !== pendingId, 'a new id, neither the planted one nor the pending one');
    const attacker = client(indexer);
    attacker.jar.set('tallennin-console', 'planted-by-an-attacker');
    t.equal((await attacker.get('/console/search')).statusCode, 303, 'the planted id opens nothing');
  });

  await t.test('roles and sites: refused in the server, not only hidden', async (t) => {
    const aino = await person('admin');
    const admin = await loginInject(indexer, aino.name, aino.secret);
    t.equal((await admin.c.get('/console/search?site=kotka')).statusCode, 403, 'an admin never searches');
    t.equal((await admin.c.get(`/console/calls/${ids['lpr1']}`)).statusCode, 403, 'nor opens a call');
    const matti = await person('privacy-officer');
    const dpo = await loginInject(indexer, matti.name, matti.secret);
    const all = await dpo.c.get('/console/search?from=');
    t.equal(all.statusCode, 200);
    for (const id of Object.values(ids)) t.match(all.body, id, 'a privacy officer sees every site');
    t.notMatch(all.body, /0401234567|401234567/, 'no number on the page');
    const trainer = await loginInject(indexer, 'pekka', undefined);
    t.equal(trainer.last.statusCode, 403, 'a trainer without a second factor set up cannot log in');
    t.match(trainer.last.body, /tallennin user totp/);
    t.ok(log.lines.every((l) => !JSON.stringify(l).includes('401234567')), 'no number in the log');
  });
});

t.test('an address trying many names is slowed down, and told so', async (t) => {
  // Its own indexer: the limit holds the address for a minute.
  const { indexer } = await setup(t);
  const c = client(indexer);
  const page = await c.get('/console/login');
  let last = page;
  for (let i = 0; i < 21; i++) last = await c.post('/console/login', { name: `guess-${i}`, password: 'not the password at all', _csrf: c.csrfOf(page.body) });
  t.equal(last.statusCode, 429, 'the 21st login in a minute');
  t.match(last.body, /Liian monta kirjautumisyritystä tästä osoitteesta/);
});

t.test('in chromium: log in with the code, search your own site, open a call, switch language, log out', { skip: existsSync(CHROMIUM) ? false : `no ${CHROMIUM}` }, async (t) => {
  const { indexer, person, ids } = await setup(t);
  const liisa = await person('supervisor', ['lappeenranta']);
  await indexer.api.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(indexer.api.server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  const page = await (await browser.newContext()).newPage();
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });

  await page.goto(`${base}/console/`);
  t.match(page.url(), /\/console\/login$/);
  t.equal(await page.getAttribute('html', 'lang'), 'fi', 'Finnish by default');
  await page.getByLabel('Käyttäjätunnus').fill(liisa.name);
  await page.getByLabel('Salasana').fill(PASSWORD);
  await page.getByRole('button', { name: 'Kirjaudu' }).click();
  await page.getByLabel('Vahvistuskoodi').fill(code(liisa.secret));
  await page.getByRole('button', { name: 'Vahvista' }).click();
  await page.waitForURL(/\/console\/search$/);

  await page.getByRole('button', { name: 'Hae' }).click();
  await page.waitForURL(/\/console\/search\?/);
  const rows = page.locator('table tbody tr');
  t.equal(await rows.count(), 2, 'the two calls of the supervisor\'s own site');
  const html = await page.content();
  t.notMatch(html, new RegExp(ids['ktk1']!), 'not the other site\'s call');
  t.notMatch(html, /401234567/, 'no number');

  await page.locator(`a[href="/console/calls/${ids['lpr1']}"]`).click();
  await page.waitForURL(new RegExp(`/console/calls/${ids['lpr1']}$`));
  t.match(await page.textContent('main'), /kuul/i, 'the announcement\'s evidence, in words');

  const before = problems.length;
  const other = await page.goto(`${base}/console/calls/${ids['ktk1']}`);
  t.equal(other?.status(), 404, 'another site\'s call: as if it did not exist');
  problems.splice(before); // the browser reports that 404 itself

  await page.goto(`${base}/console/search`);
  await page.getByRole('button', { name: 'English' }).click();
  await page.waitForURL(/\/console\/search/);
  t.equal(await page.getAttribute('html', 'lang'), 'en', 'English after the switch');

  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(/\/console\/login$/);
  await page.goto(`${base}/console/search`);
  t.match(page.url(), /\/console\/login$/, 'logged out for good');
  t.same(problems, [], `no errors in the browser console (the CSP included): ${problems.join(' | ')}`);
});
