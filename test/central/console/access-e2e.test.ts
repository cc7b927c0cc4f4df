// The access-request flow end to end (issue 9, R10), in Debian's chromium against the real
// indexer, a real mosquitto and a box: the recorder CLI has recorded a call from the simulated
// trunk (its line sends no caller ID), and the box's store holds more sealed recordings, two with
// the requester's number inside the request's window (written two ways), one with it outside the
// window and one with another number inside it. A privacy officer logs in with the second factor
// and records the request: a driving licence issued 30 September 1990 is refused with the reason,
// one issued 2 October 1990 accepted. The search finds exactly the requester's two calls; marking
// them places `access-request` holds in the box's store; the listening is booked; the copies'
// files decode in ffmpeg and are byte for byte the box's own export; the cover sheet lists them
// with their SHA-256; closing releases the holds. A second request by the same person is flagged
// as one a fee may be charged for, and one received 40 days ago is shown overdue. No name,
// number, henkilötunnus, document number or matter reaches the audit log or the indexer's log.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { AccountsFile, CONSOLE_ACCOUNT_RULES, newTotpSecret, type ConsoleRole } from '../../../src/core/auth/index.js';
import { exportOgg } from '../../../src/core/recording/export-ogg.js';
import { maxExpiryOf } from '../../../src/core/retention/index.js';
import { loadIndexerConfig } from '../../../src/central/config.js';
import { localDateValue, localInputValue, parseLocalInput } from '../../../src/central/console/pages/form-values.js';
import { Indexer } from '../../../src/central/indexer.js';
import { centralKeys, indexerConfig } from '../../helpers/central.js';
import { until } from '../../helpers/eventually.js';
import { collect, memoryLog } from '../../helpers/log.js';
import { startMosquitto } from '../../helpers/mosquitto.js';
import { recordSealed } from '../../helpers/sealed-recording.js';
import { trunkBox } from '../../helpers/trunk-box.js';
import { code, loginInject, PASSWORD } from './inject-client.js';

t.setTimeout(300_000);

const CHROMIUM = '/usr/bin/chromium';
const FFMPEG = '/usr/bin/ffmpeg';
const DAY = 86_400_000;
const HOUR = 3_600_000;

const NAME = 'Aune Kyllikki Ruusulampi';
const CONTACT = 'Ruusulammentie 17 B 4\n48100 Kotka';
const MATTER = 'Soitin työttömyysetuuden maksupäivästä ja virkailija lupasi soittaa takaisin';
const HETU = '131052-308T';
const DOCUMENT_NUMBER = 'FI9283746';
const PERSONAL = [NAME, 'Ruusulampi', 'Ruusulammentie', MATTER, 'maksupäivästä', HETU, '131052', DOCUMENT_NUMBER, '9283746', '405551234', '0405551234', '507778888'];

const CONTROLLER = `controller:
  name: Kaakkois-Suomen TE-toimisto
  businessId: 2296962-1
  address: PL 1, 48101 Kotka
  registerName: Asiakaspalvelupuheluiden tallenteet
  contacts: [{ title: Tietosuojavastaava, name: Outi Oikeus, email: tietosuoja@example.fi }]
  offices: [Kotkan toimipaikka, Lappeenrannan toimipaikka]
`;

t.test('an access request from the letter to the copy handed over', { skip: existsSync(CHROMIUM) && existsSync(FFMPEG) ? false : `no ${CHROMIUM} or ${FFMPEG}` }, async (t) => {
  const broker = await startMosquitto();
  t.teardown(() => broker.stop());
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-access-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const keys = centralKeys(join(dir, 'central'));

  // The box: a call from the simulated trunk (no caller ID on its line), and sealed recordings
  // around the window the requester describes: 09.00–17.00 five days ago, Finnish time.
  const tb = await trunkBox(t, dir, keys, broker.url);
  const { box, call: trunkCall } = tb;
  const w0 = parseLocalInput(`${localDateValue(Date.now() - 5 * DAY)}T09:00`)!;
  const windowTo = w0 + 8 * HOUR;
  const mine1 = await recordSealed(box.store, keys.sealTo, { ms: 8_000, startMs: w0 + HOUR, calling: '0405551234', seed: 2 });
  const mine2 = await recordSealed(box.store, keys.sealTo, { ms: 5_000, startMs: w0 + 3 * HOUR, calling: '+358 40 555 1234', seed: 3 });
  const mineOutside = await recordSealed(box.store, keys.sealTo, { ms: 4_000, startMs: w0 - 3 * DAY, calling: '040-555 1234', seed: 4 });
  const someoneElse = await recordSealed(box.store, keys.sealTo, { ms: 4_000, startMs: w0 + 2 * HOUR, calling: '0507778888', seed: 5 });
  const all = [trunkCall.id, mine1.id, mine2.id, mineOutside.id, someoneElse.id];

  const icfg = await loadIndexerConfig(indexerConfig(dir, keys, { url: broker.url, extra: CONTROLLER }));
  const accounts = new AccountsFile(icfg.console.users, { ...CONSOLE_ACCOUNT_RULES, clock: { now: () => Date.now() } });
  const secrets: Record<string, string> = {};
  const person = async (name: string, role: ConsoleRole, sites?: string[]) => {
    secrets[name] = newTotpSecret();
    await accounts.add(name, role, PASSWORD, { ...(sites ? { sites } : {}), totp: secrets[name] });
  };
  await person('matti', 'privacy-officer');
  await person('maija', 'supervisor', ['testsite']);
  const ilog = memoryLog();
  const indexer = await Indexer.start({ config: icfg, sealingKey: keys.sealing, commandKey: keys.command.key, clock: { now: () => Date.now() }, log: ilog.log, listen: false });
  t.teardown(() => indexer.stop());
  await until(async () => (await Promise.all(all.map((id) => indexer.index.get(id)))).every(Boolean), 20_000, 'every call in the index');

  await t.test('only privacy officers reach the register', async (t) => {
    const maija = await loginInject(indexer, 'maija', secrets['maija']);
    for (const url of ['/console/registers/access', '/console/registers/access/new', '/console/registers/access/TP-2026-0001']) {
      t.equal((await maija.c.get(url)).statusCode, 403, `a supervisor: ${url} refused`);
    }
  });

  await indexer.api.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(indexer.api.server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  const page = await (await browser.newContext({ locale: 'fi-FI', acceptDownloads: true })).newPage();
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  await page.goto(`${base}/console/login`);
  await page.getByLabel('Käyttäjätunnus').fill('matti');
  await page.getByLabel('Salasana').fill(PASSWORD);
  await page.getByRole('button', { name: 'Kirjaudu' }).click();
  await page.getByLabel('Vahvistuskoodi').fill(code(secrets['matti']!));
  await page.getByRole('button', { name: 'Vahvista' }).click();
  await page.waitForURL(/\/console\/search$/);

  const today = localDateValue(Date.now());
  /** The new-request form filled in as from a letter. */
  async function fillRequest(p: Page, o: { receivedOn: string; name: string; contact: string; numbers: string; from: number; to: number; document: string; issued?: string; hetu?: string }) {
    await p.goto(`${base}/console/registers/access/new`);
    await p.getByLabel('Saapumispäivä').fill(o.receivedOn);
    await p.getByLabel('Pyyntö on kirjallinen ja pyytäjän allekirjoittama').check();
    await p.getByLabel('Pyytäjän nimi').fill(o.name);
    await p.getByLabel('Yhteystiedot').fill(o.contact);
    if (o.hetu) await p.getByLabel('Henkilötunnus (jos pyynnössä on)').fill(o.hetu);
    await p.getByLabel('Puhelun aikaikkuna alkaen').fill(localInputValue(o.from));
    await p.getByLabel('Puhelun aikaikkuna päättyen').fill(localInputValue(o.to));
    await p.getByLabel('Puhelinnumerot, joista pyytäjä soitti').fill(o.numbers);
    await p.getByLabel('Puhelun asia pyytäjän kuvaamana').fill(MATTER);
    await p.getByLabel('Henkilöllisyystodistus').selectOption(o.document);
    if (o.issued) await p.getByLabel('Ajokortin myöntämispäivä').fill(o.issued);
    await p.getByLabel('Asiakirjan numero').fill(DOCUMENT_NUMBER);
  }
  const submit = async (p: Page) => {
    const [response] = await Promise.all([p.waitForResponse((r) => r.request().method() === 'POST'), p.getByRole('button', { name: 'Kirjaa tarkastuspyyntö' }).click()]);
    await p.waitForLoadState();
    return response.status();
  };

  let requestId = '';
  await t.test('a driving licence issued on 30 September 1990 is refused, one of 2 October 1990 accepted', async (t) => {
    await fillRequest(page, { receivedOn: today, name: NAME, contact: CONTACT, numbers: '040 555 1234', from: w0, to: windowTo, document: 'driving-licence', issued: '1990-09-30', hetu: HETU });
    t.equal(await submit(page), 400, 'refused');
    const alert = (await page.locator('[role="alert"]').textContent())!;
    t.match(alert, /Ajokortti ei kelpaa henkilöllisyyden todistamiseen: tietosuojaseloste hyväksyy vain 1\.10\.1990 jälkeen myönnetyn ajokortin/, 'with the reason');
    t.equal(await page.getAttribute('#ar-issued', 'aria-invalid'), 'true', 'the issue date is marked');
    const shots = process.env['CONSOLE_SCREENSHOTS'];
    if (shots) await page.screenshot({ path: join(shots, 'access-new.png'), fullPage: true });
    t.equal(await page.inputValue('#ar-name'), NAME, 'what was typed is kept');
    const rejected = (await auditOf(indexer, 'rejected-input')).at(-1);
    t.match(rejected, { actor: 'matti', result: 'refused', detail: { problems: 'issued-too-early' } }, 'the refusal is audited, by its code');

    await page.getByLabel('Ajokortin myöntämispäivä').fill('1990-10-02');
    await page.getByLabel('Asiakirjan numero').fill(DOCUMENT_NUMBER);
    t.equal(await submit(page), 303, 'accepted');
    await page.waitForURL(/\/console\/registers\/access\/TP-\d{4}-\d{4}\?done=created$/);
    requestId = /TP-\d{4}-\d{4}/.exec(page.url())![0];
    const main = (await page.textContent('main'))!;
    t.match(main, 'Tarkastuspyyntö kirjattu.');
    t.match(main, NAME);
    t.match(main, '…3746', 'only the document number\'s last four are shown');
    t.notMatch(main, DOCUMENT_NUMBER, 'never the whole');
    t.notMatch(main, HETU, 'the henkilötunnus masked');
    t.match(main, /Pyyntöön on vastattava viimeistään/, 'the deadline is shown');
    const created = (await auditOf(indexer, 'access-request')).find((e) => e.target === requestId);
    t.match(created, { actor: 'matti', caseRef: requestId, detail: { change: 'created', document: 'driving-licence', identity: 'verified', numbers: 1, hetu: true } });
  });

  const resultIds = async () => (await page.locator('#results-caption ~ tbody a[href^="/console/calls/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')!.split('/').pop()!)));
  await t.test('the search finds exactly the requester\'s calls in the window, without numbers', async (t) => {
    await page.getByLabel('Haun ulottuvuus aikaikkunan ympärillä').selectOption('0');
    await page.getByRole('button', { name: 'Hae puhelut' }).click();
    await page.waitForURL(/margin=0/);
    t.same(await resultIds(), [mine2.id, mine1.id], 'the two, newest first: not the one outside the window, nor another number\'s, nor the trunk call');
    const results = (await page.locator('#results-caption').locator('xpath=..').innerHTML());
    for (const n of ['0405551234', '405551234', '0507778888']) t.notOk(results.replace(/\s/g, '').includes(n), `no number in the results (${n})`);
    const searched = (await auditOf(indexer, 'search')).at(-1);
    t.match(searched, { actor: 'matti', purpose: 'access-request', caseRef: requestId, detail: { request: requestId, numbers: 1, results: 2 } }, 'the search is audited under the request');
    await page.getByLabel('Haun ulottuvuus aikaikkunan ympärillä').selectOption('7d');
    await page.getByRole('button', { name: 'Hae puhelut' }).click();
    await page.waitForURL(/margin=7d/);
    t.same(await resultIds(), [mine2.id, mine1.id, mineOutside.id], '±7 days reaches the one three days before the window');
  });

  await t.test('marking places the access-request holds on the box and keeps central copies', async (t) => {
    await page.goto(`${base}/console/registers/access/${requestId}?margin=0`);
    for (const rec of [mine1, mine2]) {
      await page.locator(`form[action$="/marks"]:has(input[value="${rec.id}"]) button`).click();
      await page.waitForURL(/done=marked/);
      t.match(await page.textContent('[role="status"]'), 'Tallenne merkitty');
    }
    for (const rec of [mine1, mine2]) {
      const held = (await box.store.getRecording(rec.id))!;
      t.match(held.holds, [{ reason: 'access-request', caseRef: requestId, by: 'matti', until: maxExpiryOf(rec.start) }], 'the box holds it for the request');
      t.equal(held.expiresAt, maxExpiryOf(rec.start), 'until the 12-month cap at most');
      t.ok(await indexer.copies.infoOf(rec.id), 'and the centre keeps its sealed copy');
    }
    t.equal((await box.store.getRecording(someoneElse.id))!.holds?.length ?? 0, 0);
    // A call the request's search does not find cannot be marked, whatever a crafted form says.
    const csrf = (await page.locator('input[name="_csrf"]').first().getAttribute('value'))!;
    const crafted = await page.request.post(`${base}/console/registers/access/${requestId}/marks`, { form: { recording: someoneElse.id, margin: '0', _csrf: csrf }, maxRedirects: 0 });
    t.equal(crafted.status(), 400, 'another person\'s call: refused');
    t.equal((await box.store.getRecording(someoneElse.id))!.holds?.length ?? 0, 0, 'and no hold is placed on it');
    t.equal(await page.locator('#marks-caption ~ tbody tr').count(), 2, 'the two are listed as the requester\'s');
  });

  await t.test('the listening is booked', async (t) => {
    const at = parseLocalInput(`${localDateValue(Date.now() + 2 * DAY)}T10:30`)!;
    await page.getByLabel('Toimipaikka').selectOption('Kotkan toimipaikka');
    await page.getByLabel('Aika', { exact: true }).fill(localInputValue(at));
    await page.getByRole('button', { name: 'Tallenna kuunteluaika' }).click();
    await page.waitForURL(/done=booked/);
    const booked = (await page.textContent('#booking-now'))!;
    t.match(booked, 'Kotkan toimipaikka');
    t.match(booked, localInputValue(at).slice(11).replace(':', '.'), 'at the time booked');
    t.match(await page.textContent('main'), 'Kuuntelu sovittu');
    const shots = process.env['CONSOLE_SCREENSHOTS'];
    if (shots) {
      await page.goto(`${base}/console/registers/access/${requestId}?margin=0`);
      await page.screenshot({ path: join(shots, 'access-request.png'), fullPage: true });
    }
  });

  const files = new Map<string, Buffer>();
  await t.test('the copy: Ogg Opus files that decode and are the box\'s own export, and a cover sheet', async (t) => {
    for (const rec of [mine1, mine2]) {
      const link = page.locator(`a[href$="/copy/${rec.id}.opus"]`);
      t.equal(await link.getAttribute('download'), `${rec.id}.opus`);
      const res = await page.request.get(`${base}${await link.getAttribute('href')}`);
      t.equal(res.status(), 200);
      t.equal(res.headers()['content-type'], 'audio/ogg; codecs=opus');
      t.match(res.headers()['content-disposition'], `attachment; filename="${rec.id}.opus"`);
      const body = await res.body();
      files.set(rec.id, body);
      const file = join(dir, `${rec.id}.opus`);
      writeFileSync(file, body);
      const decoded = spawnSync(FFMPEG, ['-v', 'error', '-i', file, '-f', 's16le', '-ar', '8000', '-ac', '1', '-'], { maxBuffer: 64 * 1024 * 1024 });
      t.equal(decoded.status, 0, `ffmpeg decodes it${decoded.stderr.length ? `: ${decoded.stderr}` : ''}`);
      const samples = decoded.stdout.length / 2;
      t.ok(Math.abs(samples - rec.durationMs * 8) <= 8 * 40, `its length is the recording's (${samples} samples for ${rec.durationMs} ms)`);
      // The box's own export of the same recording, from its store: the same bytes.
      const r = (await box.store.getRecording(rec.id))!;
      const chunks = (await collect(box.store.readChunks(rec.id))).map((c) => ({ index: c.index, sealed: c.sealed }));
      const own = await exportOgg({ id: r.id, state: r.state as 'closed', chunks: r.chunks, wrappedKey: Buffer.from(r.wrappedKey, 'base64'), audio: r.audio }, chunks, keys.sealing);
      t.ok(body.equals(own.ogg), 'byte for byte the box\'s own export');
      const exported = (await auditOf(indexer, 'export')).find((e) => e.target === rec.id);
      t.match(exported, { actor: 'matti', purpose: 'access-request', caseRef: requestId, result: 'ok', detail: { request: requestId, format: 'ogg-opus' } }, 'the download is audited as an export');
    }
    await page.getByRole('link', { name: 'Tulosta saate' }).click();
    await page.waitForURL(/\/cover$/);
    const sheet = (await page.textContent('main'))!;
    t.match(sheet, 'Kaakkois-Suomen TE-toimisto', 'the controller');
    t.match(sheet, NAME, 'the recipient');
    for (const rec of [mine1, mine2]) {
      t.match(sheet, `${rec.id}.opus`, 'each file');
      t.match(sheet, createHash('sha256').update(files.get(rec.id)!).digest('hex'), 'with the SHA-256 of the very file handed over');
    }
    const shots = process.env['CONSOLE_SCREENSHOTS'];
    if (shots) await page.screenshot({ path: join(shots, 'access-cover.png'), fullPage: true });
  });

  await t.test('closing the request releases the holds', async (t) => {
    await page.goto(`${base}/console/registers/access/${requestId}`);
    await page.getByLabel('Lopputulos').selectOption('copy-handed');
    await page.getByRole('button', { name: 'Päätä pyyntö' }).click();
    await page.waitForURL(/done=closed$/);
    t.match(await page.textContent('main'), /Päättynyt: kopio luovutettu/);
    for (const rec of [mine1, mine2]) {
      const r = (await box.store.getRecording(rec.id))!;
      t.equal(r.holds?.filter((h) => h.caseRef === requestId).length ?? 0, 0, 'the box no longer holds it for the request');
      t.ok(r.expiresAt < maxExpiryOf(rec.start), 'its expiry is the normal one again');
    }
    t.equal(await page.locator('form[action*="/registers/access/"][method="post"]').count(), 0, 'a closed request has no forms');
    const closed = (await auditOf(indexer, 'access-request')).find((e) => e.detail?.['change'] === 'closed');
    t.match(closed, { target: requestId, detail: { outcome: 'copy-handed', recordings: 2 } });
    t.equal((await auditOf(indexer, 'release')).filter((e) => e.caseRef === requestId && e.result === 'ok').length, 2, 'each release audited');
  });

  let secondId = '';
  await t.test('a second request by the same person within 12 months is flagged', async (t) => {
    await fillRequest(page, { receivedOn: today, name: 'Ruusulampi Aune', contact: 'aune@example.fi', numbers: '+358 40 555 1234', from: w0, to: windowTo, document: 'passport' });
    t.equal(await submit(page), 303);
    secondId = /TP-\d{4}-\d{4}/.exec(page.url())![0];
    t.not(secondId, requestId);
    const note = (await page.locator('.note-box.fee').textContent())!;
    t.match(note, /Toinen pyyntö 12 kuukauden sisällä: tästä pyynnöstä voidaan periä maksu/);
    t.match(note, new RegExp(`${requestId} saapui .* \\(sama puhelinnumero\\)`), 'naming the earlier request and what matched');
    await page.goto(`${base}/console/registers/access`);
    const row = (await page.locator(`tr:has(a[href$="/${secondId}"])`).textContent())!;
    t.match(row, 'Toinen pyyntö 12 kuukauden sisällä: maksu voidaan periä', 'the list flags it');
    t.notMatch((await page.locator(`tr:has(a[href$="/${requestId}"])`).textContent())!, 'maksu voidaan periä', 'the first is free');
  });

  await t.test('a request received 40 days ago and still open is shown overdue', async (t) => {
    const received = Date.now() - 40 * DAY;
    await fillRequest(page, { receivedOn: localDateValue(received), name: 'Eero Esimerkki', contact: 'eero@example.fi', numbers: '050 777 8888', from: received - 5 * DAY, to: received - 4 * DAY, document: 'kela-card' });
    t.equal(await submit(page), 303);
    const lateId = /TP-\d{4}-\d{4}/.exec(page.url())![0];
    t.match(await page.textContent('.alert.overdue'), /Myöhässä: pyyntöön olisi pitänyt vastata viimeistään/);
    await page.goto(`${base}/console/registers/access`);
    const late = page.locator(`tr:has(a[href$="/${lateId}"])`);
    t.equal(await late.getAttribute('class'), 'overdue', 'its row is highlighted');
    t.match(await late.textContent(), /Myöhässä: määräaika päättyi/, 'and says so in words');
    t.equal(await page.locator('tr.overdue').count(), 1, 'the others are in time');
    t.match(await page.textContent('#access-caption'), 'myöhässä 1');
    const shots = process.env['CONSOLE_SCREENSHOTS'];
    if (shots) await page.screenshot({ path: join(shots, 'access-list.png'), fullPage: true });
  });

  const entries = [];
  for await (const e of indexer.audit.entries()) entries.push(JSON.stringify(e));
  const logText = JSON.stringify(ilog.lines);
  for (const s of PERSONAL) {
    t.notOk(entries.some((e) => e.includes(s)), `no "${s}" in the audit log`);
    t.notOk(logText.includes(s), `no "${s}" in the indexer's log`);
  }
  t.same(problems.filter((p) => !/status of 40[03]|Failed to load resource/.test(p)), [], `no errors in the browser console: ${problems.join(' | ')}`);
});

async function auditOf(indexer: Indexer, action: string) {
  const out = [];
  for await (const e of indexer.audit.entries()) if (e.action === action) out.push(e);
  return out;
}
