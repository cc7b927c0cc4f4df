// The page in a real browser (Debian's chromium through playwright-core): logging in through
// the form, the live script updating a line's state within a couple of seconds without a
// reload under the page's own CSP, and the page still complete with scripts off.
import t from 'tap';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { startStatusServer } from '../../../../src/box/status/web/index.js';
import { systemClock } from '../../../../src/core/clock.js';
import { memoryLog } from '../../../helpers/log.js';
import { liveCall, STAFF, TECH, web } from './fixture.js';

t.setTimeout(120_000);

const CHROMIUM = '/usr/bin/chromium';

t.test('in chromium', { skip: existsSync(CHROMIUM) ? false : `no ${CHROMIUM}` }, async (t) => {
  // A real clock here: the browser keeps the session cookie only while its expiry is ahead.
  const w = await web(t);
  const config = { ...w.config, status: { ...w.config.status, host: '127.0.0.1', port: 0 } };
  const server = await startStatusServer({ box: w.box, config, accounts: w.accounts, clock: systemClock, log: memoryLog().log, clockSynced: async () => true });
  t.teardown(() => server.close());
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  t.teardown(() => browser.close());

  await t.test('with scripts on, the page follows the box live', async (t) => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const problems: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${server.url}/`);
    t.match(page.url(), /\/login$/, 'sent to the login page');
    await page.fill('input[name=name]', STAFF.name);
    await page.fill('input[name=password]', STAFF.password);
    await page.click('button[type=submit]');
    await page.waitForURL(`${server.url}/`);
    const state = page.locator('[data-line="line-1"] [data-field="state"]');
    t.equal(await state.textContent(), 'idle');
    t.equal(await page.locator('[data-line="line-1"] [data-field="stop"]').isVisible(), false, 'no stop button while idle');
    let loads = 0;
    page.on('load', () => loads++);
    liveCall(w.box, 'line-1');
    await page.waitForFunction(() => /^recording since /.test(document.querySelector('[data-line="line-1"] [data-field="state"]')?.textContent ?? ''), undefined, { timeout: 5000 });
    t.equal(await page.locator('[data-line="line-1"]').getAttribute('data-state'), 'recording');
    t.equal(await page.locator('[data-line="line-1"] [data-field="stop"]').isVisible(), true, 'the stop button appears');
    t.equal(loads, 0, 'without a reload');

    await page.click('[data-line="line-1"] [data-field="stop"] button');
    await page.waitForURL(`${server.url}/`);
    t.equal(await page.locator('[data-field="flash"]').textContent(), 'Recording on line-1 stopped: nothing said from now on is stored.');
    t.equal(await state.textContent(), 'stopped on request');
    t.equal(w.box.lines[0]!.state, 'stopped');

    w.box.capture.stats.state = 'lost';
    w.box.capture.emit('state', 'lost');
    await page.waitForSelector('[data-field="alarms"] [data-alarm="capture-lost"]', { timeout: 5000 });
    t.equal(await page.locator('[data-field="summary-word"]').textContent(), 'FAULT');
    t.equal(await page.locator('[data-field="no-alarms"]').isVisible(), false);
    t.same(problems, [], 'no script errors, no CSP refusals');

    await page.click('.logout button');
    await page.waitForURL(/\/login\?m=out$/);
    await ctx.close();
  });

  await t.test('with scripts off, the page has it all and reloads itself', async (t) => {
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(`${server.url}/login`);
    await page.fill('input[name=name]', TECH.name);
    await page.fill('input[name=password]', TECH.password);
    await page.click('button[type=submit]');
    await page.waitForURL(`${server.url}/`);
    t.equal(await page.locator('[data-line="line-1"] [data-field="state"]').textContent(), 'stopped on request');
    t.equal(await page.locator('[data-field="summary-word"]').textContent(), 'FAULT');
    t.match(await page.locator('[data-alarm="capture-lost"] [data-field="todo"]').textContent(), /USB audio adapter/);
    t.equal(await page.locator('.hint').isVisible(), true, 'the noscript hint shows');
    await ctx.close();
  });
});
