// Listening and holds end to end, in Debian's chromium: the recorder CLI records a call from the
// simulated trunk through a real ALSA device; a box then serves that store (and a 10-minute
// recording) over a real mosquitto to the real indexer. A supervisor states a purpose and hears
// the 10-minute recording: the <audio> element reports its duration, plays, and seeks. A hold is
// placed from the call page, which keeps a sealed copy centrally; with the box's store wiped the
// held recording still plays, the other shows that its recorder is offline and when it was last
// seen, and the copy is destroyed at the recording's expiry. Refusals through inject: no purpose,
// a trainer outside the project, an admin, a supervisor of another site.
import t from 'tap';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import { AccountsFile, CONSOLE_ACCOUNT_RULES, newTotpSecret, type ConsoleRole } from '../../../src/core/auth/index.js';
import { addCalendarMonths } from '../../../src/core/retention/index.js';
import { loadIndexerConfig } from '../../../src/central/config.js';
import { Indexer } from '../../../src/central/indexer.js';
import { centralKeys, indexerConfig } from '../../helpers/central.js';
import { memoryLog } from '../../helpers/log.js';
import { startMosquitto } from '../../helpers/mosquitto.js';
import { recordSealed } from '../../helpers/sealed-recording.js';
import { code, loginInject, PASSWORD } from './inject-client.js';
import { until } from '../../helpers/eventually.js';
import { trunkBox } from '../../helpers/trunk-box.js';

t.setTimeout(300_000);

const CHROMIUM = '/usr/bin/chromium';

t.test('listen, hold, lose the box, still listen, and the copy goes at expiry', { skip: existsSync(CHROMIUM) ? false : `no ${CHROMIUM}` }, async (t) => {
  const broker = await startMosquitto();
  t.teardown(() => broker.stop());
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-listen-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const keys = centralKeys(join(dir, 'central'));

  // The recorder CLI records a call from the simulated trunk; a box serves its store over MQTT,
  // and a 10-minute recording joins it.
  const tb = await trunkBox(t, dir, keys, broker.url);
  const { box, call: trunkCall, fixture: f } = tb;
  const long = await recordSealed(box.store, keys.sealTo, { ms: 600_000, startMs: Date.now() - 3_600_000, packetsPerChunk: 50 });

  // 3. The indexer, its clock movable for the expiry at the end, and its people.
  let offset = 0;
  const clock = { now: () => Date.now() + offset };
  const icfg = await loadIndexerConfig(indexerConfig(dir, keys, { url: broker.url }));
  const accounts = new AccountsFile(icfg.console.users, { ...CONSOLE_ACCOUNT_RULES, clock });
  const people: Record<string, string> = {};
  const person = async (name: string, role: ConsoleRole, sites?: string[]) => {
    people[name] = newTotpSecret();
    await accounts.add(name, role, PASSWORD, { ...(sites ? { sites } : {}), totp: people[name] });
  };
  await person('maija', 'supervisor', ['testsite']);
  // A code is good once (RFC 6238 replay protection): the browser's supervisor is a person of her own.
  await person('liisa', 'supervisor', ['testsite']);
  await person('kalle', 'supervisor', ['othersite']);
  await person('pekka', 'trainer');
  await person('outi', 'trainer');
  await person('aino', 'admin');
  await person('matti', 'privacy-officer');
  const ilog = memoryLog();
  const indexer = await Indexer.start({ config: icfg, sealingKey: keys.sealing, commandKey: keys.command.key, clock, log: ilog.log, listen: false });
  t.teardown(() => indexer.stop());
  await until(async () => (await indexer.index.get(long.id)) && (await indexer.index.get(trunkCall.id)), 20_000, 'both calls in the index');
  const project = await indexer.projects.create({ name: 'Asiakaspalvelu 2026', caseRef: 'KOUL-2026-1', createdBy: 'maija', members: ['pekka'] });
  await indexer.projects.addRecording(project.id, { id: trunkCall.id, site: 'testsite', box: 'test-1', addedBy: 'maija' });

  await t.test('refused before anything plays', async (t) => {
    const maija = await loginInject(indexer, 'maija', people['maija']);
    const page = await maija.c.get(`/console/calls/${long.id}`);
    const before = await auditOf(indexer, 'listen');
    const none = await maija.c.post(`/console/calls/${long.id}/listen`, { caseRef: 'VN/1', _csrf: maija.c.csrfOf(page.body) });
    t.equal(none.statusCode, 400, 'no purpose');
    t.notMatch(none.body, /<audio/, 'and no player');
    const noCase = await maija.c.post(`/console/calls/${long.id}/listen`, { purpose: 'complaint', caseRef: ' ', _csrf: maija.c.csrfOf(none.body) });
    t.equal(noCase.statusCode, 400, 'no case reference');
    const notHers = await maija.c.post(`/console/calls/${long.id}/listen`, { purpose: 'disclosure', caseRef: 'VN/1', _csrf: maija.c.csrfOf(noCase.body) });
    t.equal(notHers.statusCode, 400, 'a purpose a supervisor does not state');
    const training = await maija.c.post(`/console/calls/${long.id}/listen`, { purpose: 'training', caseRef: 'VN/1', _csrf: maija.c.csrfOf(notHers.body) });
    t.equal(training.statusCode, 403, 'training only on recordings marked for a project');
    const after = await auditOf(indexer, 'listen');
    t.same(after.filter((e) => e.result === 'ok').length, before.filter((e) => e.result === 'ok').length, 'no listen happened');
    t.equal(after.filter((e) => e.result === 'refused').length - before.filter((e) => e.result === 'refused').length, 4, 'each refusal audited');

    const audioGuess = await maija.c.get(`/console/calls/${long.id}/audio?grant=${'A'.repeat(32)}`);
    t.equal(audioGuess.statusCode, 404, 'no audio without a grant');

    for (const [name, id, status, why] of [
      ['outi', trunkCall.id, 404, 'a trainer outside the project'],
      ['aino', trunkCall.id, 403, 'an admin'],
      ['kalle', long.id, 404, 'a supervisor of another site'],
    ] as const) {
      const p = await loginInject(indexer, name, people[name]);
      const home = await p.c.get('/console/');
      const r = await p.c.post(`/console/calls/${id}/listen`, { purpose: name === 'kalle' ? 'complaint' : 'training', caseRef: 'VN/2', _csrf: p.c.csrfOf((await p.c.get(home.headers.location as string)).body) });
      t.equal(r.statusCode, status, `${why}: refused`);
      t.notMatch(r.body, /<audio/);
    }
    const pekka = await loginInject(indexer, 'pekka', people['pekka']);
    const callPage = await pekka.c.get(`/console/calls/${trunkCall.id}`);
    t.equal(callPage.statusCode, 200, 'a trainer of the project opens its recording');
    t.match(callPage.body, /<option value="training">/);
    t.notMatch(callPage.body, /value="complaint"/, 'and may state training only');
    const heard = await pekka.c.post(`/console/calls/${trunkCall.id}/listen`, { purpose: 'training', caseRef: 'KOUL-2026-1', _csrf: pekka.c.csrfOf(callPage.body) });
    t.equal(heard.statusCode, 303, 'and hears it');
    const played = await pekka.c.get(heard.headers.location as string);
    const audioUrl = /<audio[^>]+src="([^"]+)"/.exec(played.body)?.[1]?.replaceAll('&amp;', '&');
    t.ok(audioUrl, 'the page plays it');
    const ogg = await pekka.c.get(audioUrl!);
    t.equal(ogg.statusCode, 200);
    t.equal(ogg.headers['content-type'], 'audio/ogg');
    t.equal(ogg.rawPayload.subarray(0, 4).toString(), 'OggS');
    const stolen = await (await loginInject(indexer, 'matti', people['matti'])).c.get(audioUrl!);
    t.equal(stolen.statusCode, 404, 'another person cannot use the grant');
  });

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required'] });
  t.teardown(() => browser.close());
  await indexer.api.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(indexer.api.server.address() as AddressInfo).port}`;
  const page = await (await browser.newContext({ locale: 'fi-FI' })).newPage();
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  await page.goto(`${base}/console/login`);
  await page.getByLabel('Käyttäjätunnus').fill('liisa');
  await page.getByLabel('Salasana').fill(PASSWORD);
  await page.getByRole('button', { name: 'Kirjaudu' }).click();
  await page.getByLabel('Vahvistuskoodi').fill(code(people['liisa']!));
  await page.getByRole('button', { name: 'Vahvista' }).click();
  await page.waitForURL(/\/console\/search$/);

  /** States a purpose on the call page and waits for the player to know the recording's length. */
  async function listen(id: string, caseRef: string) {
    await page.goto(`${base}/console/calls/${id}`);
    await page.getByLabel('Käyttötarkoitus').selectOption('complaint');
    await page.locator('#listen-case').fill(caseRef);
    const clicked = performance.now();
    await page.getByRole('button', { name: 'Kuuntele tallenne' }).click();
    await page.waitForSelector('audio');
    const duration = await page.evaluate(() => new Promise<number>((resolve, reject) => {
      const a = document.querySelector('audio')!;
      const done = () => (Number.isFinite(a.duration) ? resolve(a.duration) : undefined);
      if (a.readyState >= 1) done();
      a.addEventListener('loadedmetadata', done);
      a.addEventListener('durationchange', done);
      a.addEventListener('error', () => reject(new Error(`media error ${a.error?.code}`)));
    }));
    return { duration, firstAudioMs: performance.now() - clicked };
  }

  await t.test('a supervisor hears the 10-minute recording: duration, playing, seeking', async (t) => {
    const { duration, firstAudioMs } = await listen(long.id, 'VN/2026/17');
    t.ok(Math.abs(duration - 600) < 0.5, `the <audio> element reports the recording's duration (${duration} s)`);
    t.comment(`time to first audio (click to metadata, 10-minute recording, loopback): ${Math.round(firstAudioMs)} ms`);
    const advanced = await page.evaluate(async () => {
      const a = document.querySelector('audio')!;
      await a.play();
      const t0 = a.currentTime;
      await new Promise((r) => setTimeout(r, 700));
      return { from: t0, to: a.currentTime };
    });
    t.ok(advanced.to > advanced.from + 0.3, `currentTime advances while playing (${advanced.from} → ${advanced.to})`);
    const seeked = await page.evaluate(() => new Promise<number>((resolve) => {
      const a = document.querySelector('audio')!;
      a.addEventListener('seeked', () => resolve(a.currentTime), { once: true });
      a.currentTime = 420;
    }));
    t.ok(seeked >= 419.9 && seeked < 421, `seeks to 7 min (${seeked})`);
    t.match(await page.textContent('main'), /Valituksen käsittely[\s\S]*VN\/2026\/17/);
    // CONSOLE_SCREENSHOTS=<folder> keeps pictures of the main pages, for reviewing the layout.
    const shots = process.env['CONSOLE_SCREENSHOTS'];
    if (shots) {
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.screenshot({ path: join(shots, 'call.png'), fullPage: true });
      await page.goto(`${base}/console/search?from=`);
      await page.screenshot({ path: join(shots, 'search.png'), fullPage: true });
      await page.goto(`${base}/console/fleet`);
      await page.screenshot({ path: join(shots, 'fleet.png'), fullPage: true });
    }
    const entry = (await auditOf(indexer, 'listen')).find((e) => e.caseRef === 'VN/2026/17');
    t.match(entry, { actor: 'liisa', target: long.id, purpose: 'complaint', result: 'ok' }, 'the listen is in the audit log with its purpose and case');
  });

  let heldUntil = 0;
  await t.test('a hold from the call page keeps a sealed copy centrally', async (t) => {
    await page.goto(`${base}/console/calls/${long.id}`);
    t.match(await page.textContent('#hold-cap'), /12 kuukautta/, 'the page says how far a hold can reach');
    const max = await page.getAttribute('#hold-until', 'max');
    await page.getByLabel('Syy', { exact: true }).selectOption('complaint');
    await page.locator('#hold-case').fill('VN/2026/17');
    await page.locator('#hold-until').fill(max!);
    await page.getByRole('button', { name: 'Jatka säilytystä' }).click();
    await page.waitForLoadState();
    t.match(await page.textContent('[role="status"]'), /Säilytystä jatkettu/);
    heldUntil = addCalendarMonths(long.start, 12);
    t.equal((await box.store.getRecording(long.id))!.expiresAt, heldUntil, 'the box keeps it to the cap');
    const copy = await indexer.copies.infoOf(long.id);
    t.match(copy, { id: long.id, site: 'testsite', box: 'test-1' }, 'and the centre has its sealed copy');
    t.match(await page.textContent('main'), /sinetöity kopio/);
    await until(async () => (await indexer.index.get(long.id))?.expiresAt === heldUntil, 10_000, 'the hold in the index');
  });

  await t.test('the box is lost and its store wiped: the held recording still plays, the other says the box is offline', async (t) => {
    await tb.stop();
    rmSync(f.store, { recursive: true, force: true });
    await until(() => indexer.fleet.list(clock.now()).find((b) => b.box === 'test-1' && b.state === 'lost'), 10_000, 'the box lost');

    const { duration } = await listen(long.id, 'VN/2026/17');
    t.ok(Math.abs(duration - 600) < 0.5, `it plays from the central copy (${duration} s)`);
    t.match(await page.textContent('main'), /Toistetaan keskitetysti säilytettävästä sinetöidystä kopiosta/);

    await page.goto(`${base}/console/calls/${trunkCall.id}`);
    const text = (await page.textContent('main'))!;
    t.match(text, /Tallentimeen ei saada yhteyttä/, 'the other recording: its recorder is offline');
    t.match(text, /Tallennin oli viimeksi yhteydessä/, 'and when it was last seen');
    t.equal(await page.locator('form[action$="/listen"]').count(), 0, 'no listen form to fail');
  });

  await t.test('the central copy is destroyed at the recording\'s expiry', async (t) => {
    offset = heldUntil - Date.now() - 1000;
    await indexer.checkExpiries();
    t.ok(await indexer.copies.infoOf(long.id), 'kept until then');
    offset = heldUntil - Date.now() + 1;
    await indexer.checkExpiries();
    t.equal(await indexer.copies.infoOf(long.id), undefined, 'gone at the expiry');
    const destroyed = (await auditOf(indexer, 'central-copy')).find((e) => e.detail?.['event'] === 'destroyed');
    t.match(destroyed, { target: long.id, detail: { reason: 'expired' } }, 'and the destruction is audited');
  });

  t.same(problems.filter((p) => !/status of 40[34]|Failed to load resource/.test(p)), [], `no errors in the browser console: ${problems.join(' | ')}`);
  t.notOk(JSON.stringify(ilog.lines).includes('0401234567'), 'no number in the indexer log');
});

async function auditOf(indexer: Indexer, action: string) {
  const out = [];
  for await (const e of indexer.audit.entries()) if (e.action === action) out.push(e);
  return out;
}
