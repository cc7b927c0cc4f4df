// The role matrix, against a running indexer, mosquitto and a box serving a call the recorder
// recorded from the simulated trunk: each role × search, listen, hold,
// a fleet command and the audit viewer, allowed or refused, in the console (Debian's chromium:
// the forms a role has are used as a person would; a form a role lacks is posted with the
// session's own CSRF token, as a crafted request would be) and in the JSON API (bearer tokens).
// A refusal by the server, not only a missing button.
import t from 'tap';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { AccountsFile, CONSOLE_ACCOUNT_RULES, newTotpSecret, type ConsoleRole } from '../../../src/core/auth/index.js';
import { addCalendarMonths } from '../../../src/core/retention/index.js';
import { newApiToken } from '../../../src/central/api/server.js';
import { loadIndexerConfig } from '../../../src/central/config.js';
import { Indexer } from '../../../src/central/indexer.js';
import { centralKeys, indexerConfig } from '../../helpers/central.js';
import { memoryLog } from '../../helpers/log.js';
import { startMosquitto } from '../../helpers/mosquitto.js';
import { trunkBox } from '../../helpers/trunk-box.js';
import { code, PASSWORD } from './inject-client.js';

t.setTimeout(300_000);
const CHROMIUM = '/usr/bin/chromium';

type Who = 'supervisor' | 'supervisor of another site' | 'trainer' | 'privacy officer' | 'admin';
type Action = 'search' | 'listen' | 'hold' | 'fleet command' | 'audit viewer';
const ACTIONS: readonly Action[] = ['search', 'listen', 'hold', 'fleet command', 'audit viewer'];

const PEOPLE: Record<Who, { name: string; role: ConsoleRole; sites?: string[]; purpose: string }> = {
  supervisor: { name: 'maija', role: 'supervisor', sites: ['testsite'], purpose: 'complaint' },
  'supervisor of another site': { name: 'kalle', role: 'supervisor', sites: ['othersite'], purpose: 'complaint' },
  trainer: { name: 'pekka', role: 'trainer', purpose: 'training' },
  'privacy officer': { name: 'matti', role: 'privacy-officer', purpose: 'access-request' },
  admin: { name: 'aino', role: 'admin', purpose: 'complaint' },
};

/**
 * What each role gets, as HTTP status: the console's and the API's. The supervisor of another site
 * may search (their own sites: the call is not among the results) but meets the call as one that
 * does not exist. The trainer hears the project's recording but searches nothing.
 */
const MATRIX: Record<Who, Record<Action, { page: number; api: number }>> = {
  supervisor: { search: { page: 200, api: 200 }, listen: { page: 303, api: 200 }, hold: { page: 200, api: 200 }, 'fleet command': { page: 403, api: 403 }, 'audit viewer': { page: 403, api: 403 } },
  'supervisor of another site': { search: { page: 200, api: 200 }, listen: { page: 404, api: 404 }, hold: { page: 404, api: 403 }, 'fleet command': { page: 403, api: 403 }, 'audit viewer': { page: 403, api: 403 } },
  trainer: { search: { page: 403, api: 403 }, listen: { page: 303, api: 200 }, hold: { page: 403, api: 403 }, 'fleet command': { page: 403, api: 403 }, 'audit viewer': { page: 403, api: 403 } },
  'privacy officer': { search: { page: 200, api: 200 }, listen: { page: 303, api: 200 }, hold: { page: 200, api: 200 }, 'fleet command': { page: 403, api: 403 }, 'audit viewer': { page: 200, api: 200 } },
  admin: { search: { page: 403, api: 403 }, listen: { page: 403, api: 403 }, hold: { page: 403, api: 403 }, 'fleet command': { page: 200, api: 200 }, 'audit viewer': { page: 403, api: 403 } },
};

t.test('each role × search, listen, hold, fleet command, audit viewer', { skip: existsSync(CHROMIUM) ? false : `no ${CHROMIUM}` }, async (t) => {
  const broker = await startMosquitto();
  t.teardown(() => broker.stop());
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-roles-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const keys = centralKeys(join(dir, 'central'));
  // A call the recorder CLI recorded from the simulated trunk, served by its box.
  const { call: rec } = await trunkBox(t, dir, keys, broker.url);

  const tokens = Object.fromEntries(Object.keys(PEOPLE).map((w) => [w, newApiToken()])) as Record<Who, ReturnType<typeof newApiToken>>;
  const tokenYaml = `[${(Object.entries(PEOPLE) as [Who, (typeof PEOPLE)[Who]][]).map(([w, p]) => `{ name: ${p.name}, role: ${p.role}${p.sites ? `, sites: [${p.sites.join(', ')}]` : ''}, sha256: ${tokens[w].sha256} }`).join(', ')}]`;
  const icfg = await loadIndexerConfig(indexerConfig(dir, keys, { url: broker.url, tokens: tokenYaml }));
  const accounts = new AccountsFile(icfg.console.users, { ...CONSOLE_ACCOUNT_RULES, clock: { now: () => Date.now() } });
  const secrets: Record<string, string> = {};
  for (const p of Object.values(PEOPLE)) {
    secrets[p.name] = newTotpSecret();
    await accounts.add(p.name, p.role, PASSWORD, { ...(p.sites ? { sites: p.sites } : {}), totp: secrets[p.name] });
  }
  const ilog = memoryLog();
  const indexer = await Indexer.start({ config: icfg, sealingKey: keys.sealing, commandKey: keys.command.key, clock: { now: () => Date.now() }, log: ilog.log, listen: false });
  t.teardown(() => indexer.stop());
  for (let i = 0; i < 200 && !(await indexer.index.get(rec.id)); i++) await new Promise((r) => setTimeout(r, 50));
  t.ok(await indexer.index.get(rec.id), 'the call is in the index');
  const project = await indexer.projects.create({ name: 'Perehdytys', caseRef: 'KOUL-7', createdBy: 'maija', members: ['pekka'] });
  await indexer.projects.addRecording(project.id, { id: rec.id, site: 'testsite', box: 'test-1', addedBy: 'maija' });
  await indexer.api.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(indexer.api.server.address() as AddressInfo).port}`;
  const until = new Date(addCalendarMonths(Date.parse(rec.start), 6)).toISOString().slice(0, 10);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'] });
  t.teardown(() => browser.close());

  /** A form the page has, used as a person would; else the same POST crafted with the session's CSRF token. */
  async function submitOrPost(page: Page, form: string, fill: () => Promise<void>, url: string, fields: Record<string, string>): Promise<number> {
    if ((await page.locator(form).count()) > 0) {
      await fill();
      const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.locator(`${form} button[type="submit"]`).first().click()]);
      await page.waitForLoadState();
      return response.status();
    }
    const csrf = (await page.locator('input[name="_csrf"]').first().getAttribute('value')) ?? '';
    const r = await page.request.post(url, { form: { ...fields, _csrf: csrf }, maxRedirects: 0 });
    return r.status();
  }

  const seen: Record<string, Record<string, number>> = {};
  for (const [who, person] of Object.entries(PEOPLE) as [Who, (typeof PEOPLE)[Who]][]) {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${base}/console/login`);
    await page.locator('#login-name').fill(person.name);
    await page.locator('#login-password').fill(PASSWORD);
    await page.locator('form button[type="submit"]').last().click();
    await page.locator('#login-code').fill(code(secrets[person.name]!));
    await page.locator('form button[type="submit"]').last().click();
    await page.waitForURL((u) => !u.pathname.startsWith('/console/login'));
    const got: Record<Action, number> = {} as never;

    const search = await page.goto(`${base}/console/search?from=`);
    got.search = search!.status();
    if (got.search === 200) {
      const listed = await page.locator(`a[href="/console/calls/${rec.id}"]`).count();
      t.equal(listed, who === 'supervisor of another site' ? 0 : 1, `${who}: the call ${listed ? 'is' : 'is not'} among the results`);
    }

    const call = `${base}/console/calls/${rec.id}`;
    const callPage = await page.goto(call);
    if (callPage!.status() !== 200) await page.goto(`${base}/console/`);
    got.listen = await submitOrPost(page, `form[action$="/listen"]`, async () => {
      await page.locator('#listen-purpose').selectOption(person.purpose);
      await page.locator('#listen-case').fill('ROLE-1');
    }, `${call}/listen`, { purpose: person.purpose, caseRef: 'ROLE-1' });
    if (got.listen === 303) {
      const duration = await page.evaluate(() => new Promise<number>((resolve) => {
        const a = document.querySelector('audio')!;
        const done = () => Number.isFinite(a.duration) && resolve(a.duration);
        if (a.readyState >= 1) done();
        a.addEventListener('loadedmetadata', done);
      }));
      t.ok(Math.abs(duration - rec.durationMs / 1000) < 0.5, `${who}: the recording plays (${duration} s of ${rec.durationMs / 1000} s)`);
    } else {
      t.equal(await page.locator('audio').count(), 0, `${who}: nothing plays`);
    }

    if ((await page.goto(call))!.status() !== 200) await page.goto(`${base}/console/`);
    got.hold = await submitOrPost(page, `form[action$="/holds"]`, async () => {
      await page.locator('#hold-reason').selectOption('complaint');
      await page.locator('#hold-case').fill(`HOLD-${person.name}`);
      await page.locator('#hold-until').fill(until);
    }, `${call}/holds`, { reason: 'complaint', caseRef: `HOLD-${person.name}`, until });

    const fleet = await page.goto(`${base}/console/fleet`);
    if (fleet!.status() !== 200) await page.goto(`${base}/console/`);
    const fleetForm = `form[action="/console/fleet/testsite/test-1/commands/led-test"]`;
    got['fleet command'] = await submitOrPost(page, fleetForm, async () => {
      await page.locator(`${fleetForm} input[name="seconds"]`).fill('3');
    }, `${base}/console/fleet/testsite/test-1/commands/led-test`, { seconds: '3' });

    got['audit viewer'] = (await page.goto(`${base}/console/audit`))!.status();
    seen[who] = got;
    for (const action of ACTIONS) t.equal(got[action], MATRIX[who][action].page, `${who} × ${action}, in the console`);
    await page.context().close();
  }

  // The same matrix through the JSON API.
  const api = async (who: Who, method: 'GET' | 'POST', url: string, payload?: object) =>
    (await indexer.api.inject({ method, url, headers: { authorization: `Bearer ${tokens[who].token}` }, ...(payload ? { payload } : {}) })).statusCode;
  for (const who of Object.keys(PEOPLE) as Who[]) {
    const p = PEOPLE[who];
    const got: Record<Action, number> = {
      search: await api(who, 'GET', '/api/calls'),
      listen: await api(who, 'GET', `/api/calls/${rec.id}/audio?purpose=${p.purpose}&caseRef=ROLE-2`),
      hold: await api(who, 'POST', '/api/boxes/testsite/test-1/commands/hold', { args: { id: rec.id, reason: 'complaint', caseRef: `API-${p.name}`, months: 6 } }),
      'fleet command': await api(who, 'POST', '/api/boxes/testsite/test-1/commands/led-test', { args: { seconds: 3 } }),
      'audit viewer': await api(who, 'GET', '/api/audit'),
    };
    for (const action of ACTIONS) t.equal(got[action], MATRIX[who][action].api, `${who} × ${action}, in the API`);
  }
  t.comment(`console: ${JSON.stringify(seen)}`);

  // Every refusal left its trace for the privacy officer.
  const refused: string[] = [];
  for await (const e of indexer.audit.entries()) if (e.result === 'refused') refused.push(`${e.actor}:${e.action}`);
  for (const name of ['kalle', 'pekka', 'aino']) t.ok(refused.some((r) => r.startsWith(`${name}:`)), `${name}'s refusals are in the audit log`);
  t.notOk(JSON.stringify(ilog.lines).includes('0401234567'), 'no number in the indexer log');
});
