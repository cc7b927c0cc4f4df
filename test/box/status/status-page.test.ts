// Issue 6 end to end: the real recorder (`tallennin record`) on a FIFO-paced ALSA device with a
// simulated two-line trunk, its status page driven by Debian's chromium. Accounts made with
// `tallennin user add`; login, a wrong password, a lockout after 5 failures, a POST without its
// CSRF token, the line turning to "recording" live while the call runs, site staff stopping it
// from the page (and the audit entry it leaves), and the one-minute session ending by itself.
import t from 'tap';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { RecordingStore } from '../../../src/box/store/recording-store.js';
import { AuditLog } from '../../../src/core/audit/index.js';
import { systemClock } from '../../../src/core/clock.js';
import { makeFifo } from '../../../src/simulate/alsa-file-device.js';
import { FifoFeeder } from '../../../src/simulate/fifo-feeder.js';
import { makeTrunk } from '../../../src/simulate/trunk.js';
import { boxFixture, cli, listRecordings, spawnCli } from '../../helpers/box-fixture.js';
import { freePort } from '../../helpers/mosquitto.js';

t.setTimeout(300_000);

const CHROMIUM = '/usr/bin/chromium';
const RATE = 8000;
const PASSWORD = { 'staff-1': 'kahvi ja pulla 2026', 'tech-1': 'palvelinhuone 7 B', 'tech-2': 'toinen teknikko 42' };
/** Where the run leaves its screenshot, for the closing note. */
export const SCREENSHOT = join(tmpdir(), 'tallennin-status-page.png');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.test('the status page of a running recorder, in chromium', { skip: existsSync(CHROMIUM) ? false : `no ${CHROMIUM}` }, async (t) => {
  const dir = t.testdir({});
  const fifo = join(dir, 'trunk.fifo');
  makeFifo(fifo);
  const port = await freePort();
  const f = boxFixture({ infile: fifo, channels: 2, dir, extraYaml: `vox: { hangMs: 3000 }\nstatus: { host: 127.0.0.1, port: ${port}, sessionMinutes: 1 }\n` });
  for (const [name, role] of [['staff-1', 'site-staff'], ['tech-1', 'technician'], ['tech-2', 'technician']] as const) {
    const r = cli({ ...f, env: { ...f.env, TALLENNIN_USER_PASSWORD: PASSWORD[name] } }, ['user', 'add', '--config', f.config, '--name', name, '--role', role]);
    t.equal(r.status, 0, r.stderr);
  }
  // line-1: a long call the caller asks to stop; line-2: a short call, left alone.
  const trunk = makeTrunk({ rate: RATE, channels: 2, durationMs: 120_000, calls: [{ line: 0, atMs: 12_000, talkMs: 60_000 }, { line: 1, atMs: 14_000, talkMs: 6_000 }], maxPauseMs: 900 });
  const recorder = spawnCli(f, ['record', '--config', f.config]);
  let log = '';
  recorder.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  recorder.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const feeder = new FifoFeeder(fifo, trunk.audio, { rate: RATE, channels: 2 });
  const stopRecorder = async () => {
    if (recorder.exitCode === null && recorder.signalCode === null) {
      const exited = new Promise((r) => recorder.once('exit', r));
      recorder.kill('SIGTERM');
      await exited;
    }
    await feeder.stop().catch(() => {});
  };
  t.teardown(stopRecorder);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; !log.includes('"status page listening"'); i++) {
    if (i > 300) throw new Error(`the recorder did not start its page:\n${log}`);
    await sleep(50);
  }

  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  const login = async (page: Page, name: string, password: string) => {
    await page.goto(`${url}/`);
    await page.fill('input[name=name]', name);
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    await page.waitForLoadState();
  };

  await t.test('a wrong password is refused; five make a lockout the right password cannot pass', async (t) => {
    const page = await (await browser.newContext()).newPage();
    t.match(await page.goto(`${url}/`).then(() => page.url()), /\/login/, 'the page needs a login');
    await login(page, 'staff-1', 'not the password');
    t.match(await page.textContent('body'), /Wrong name or password/);
    for (let i = 0; i < 5; i++) await login(page, 'tech-2', `wrong ${i}`);
    await login(page, 'tech-2', PASSWORD['tech-2']);
    t.match(await page.textContent('body'), /locked/i, 'locked even with the right password');
    t.match(page.url(), /\/login/);
  });

  await t.test('a POST without the CSRF token is refused', async (t) => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await login(page, 'tech-1', PASSWORD['tech-1']);
    t.equal(page.url(), `${url}/`, 'logged in');
    const forged = await ctx.request.post(`${url}/actions/led-test`, { form: { x: '1' }, maxRedirects: 0 });
    t.equal(forged.status(), 403, 'no token, no action');
    const withToken = await page.locator('form[action="/actions/led-test"] button').click().then(() => page.waitForLoadState());
    t.equal(withToken, undefined);
    t.match(await page.textContent('[data-field="flash"]'), /LED/i, 'the page\'s own form, with its token, works');
  });

  let staffPage: Page;
  let loggedInAt = 0;
  await t.test('the line turns to recording live, and site staff stop it from the page', async (t) => {
    staffPage = await (await browser.newContext({ viewport: { width: 420, height: 900 } })).newPage();
    await login(staffPage, 'staff-1', PASSWORD['staff-1']);
    loggedInAt = Date.now();
    t.equal(staffPage.url(), `${url}/`);
    const state = staffPage.locator('[data-line="line-1"] [data-field="state"]');
    t.equal(await state.textContent(), 'idle', 'before the call');
    let loads = 0;
    staffPage.on('load', () => loads++);
    await staffPage.waitForFunction(() => /^recording since /.test(document.querySelector('[data-line="line-1"] [data-field="state"]')?.textContent ?? ''), undefined, { timeout: 30_000, polling: 200 });
    t.equal(loads, 0, 'it changed without a reload');
    await sleep(3000); // both lines in a call, meters moving
    await staffPage.screenshot({ path: SCREENSHOT, fullPage: true });
    t.ok(existsSync(SCREENSHOT), `screenshot at ${SCREENSHOT}`);
    await staffPage.click('[data-line="line-1"] [data-field="stop"] button');
    await staffPage.waitForLoadState();
    t.match(await staffPage.textContent('[data-field="flash"]'), /Recording on line-1 stopped/);
    t.equal(await state.textContent(), 'stopped on request');
  });

  await t.test('the session ends by itself after its minute', async (t) => {
    const left = loggedInAt + 61_000 - Date.now();
    await staffPage.waitForURL(/\/login/, { timeout: Math.max(left, 0) + 10_000 });
    t.match(await staffPage.textContent('body'), /session has ended/i);
  });

  await stopRecorder();
  const recs = listRecordings(f);
  const stopped = recs.find((r) => r.line === 'line-1') as unknown as { stoppedBy?: string } | undefined;
  t.equal(stopped?.stoppedBy, 'status-page', 'the recording was stopped by the page');
  const store = await RecordingStore.open(f.store);
  t.teardown(() => store.close());
  const audit = await AuditLog.open(store.level, { clock: systemClock });
  const entries = [];
  for await (const e of audit.entries()) entries.push(e);
  t.match(entries.find((e) => e.action === 'stop-request'), { actor: 'staff-1', target: 'line-1', result: 'ok' }, 'who stopped which line is audited');
  t.ok(entries.some((e) => e.action === 'lockout' && e.actor === 'tech-2'), 'the lockout is audited');
  t.ok(entries.some((e) => e.action === 'login-failed' && e.actor === 'staff-1'), 'the wrong password is audited');
  t.ok(entries.some((e) => e.action === 'login' && e.actor === 'staff-1'), 'the login is audited');
  t.ok(entries.some((e) => e.action === 'rejected-input'), 'the forged POST is audited');
  t.ok((await audit.verify()).ok, 'and the chain verifies');
  mkdirSync(dir, { recursive: true });
});
