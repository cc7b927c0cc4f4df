// Disclosures and early deletion end to end: the recorder CLI records a call from the simulated
// trunk; a box serves it and two more recordings over a real mosquitto to the real indexer, whose
// config names the controller and its preset disclosure. A privacy officer enters a disclosure of
// two recordings: the register entry, the `disclosure` holds in the box's store and in the index,
// the central copies and the audit entries appear; one recording is exported and ffmpeg decodes
// it as Ogg Opus; marking the entry complete lifts the holds on the box. Then an early deletion:
// the box destroys the recording (its tombstone), and both audit logs say so.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccountsFile, CONSOLE_ACCOUNT_RULES, newTotpSecret } from '../../../src/core/auth/index.js';
import { expiryOf, maxExpiryOf } from '../../../src/core/retention/index.js';
import { loadIndexerConfig } from '../../../src/central/config.js';
import { Indexer } from '../../../src/central/indexer.js';
import { holdCaseRefOf } from '../../../src/central/registers/disclosure-types.js';
import { centralKeys, indexerConfig } from '../../helpers/central.js';
import { until } from '../../helpers/eventually.js';
import { memoryLog } from '../../helpers/log.js';
import { startMosquitto } from '../../helpers/mosquitto.js';
import { recordSealed } from '../../helpers/sealed-recording.js';
import { trunkBox } from '../../helpers/trunk-box.js';
import { login, PASSWORD } from './inject-client.js';

t.setTimeout(240_000);

const KELA = 'Kansaneläkelaitos';
const BASIS = 'Laki julkisesta työvoima- ja yrityspalvelusta (916/2012) 13 luku 5 §';
const PARTICULARS = 'Kelan pyyntö 27.11.2026 asiakkaasta Anna Asiakas';
const REASON = 'Tietosuojavaltuutetun päätös TSV/55/2026';
const CONTROLLER = `controller:
  name: Kaakkois-Suomen TE-toimisto
  businessId: 2296962-1
  address: PL 117, 53101 Lappeenranta
  registerName: Asiakaspuheluiden tallennusjärjestelmä
  contacts: [{ title: Asiantuntija, name: Sirpa Valtonen, phone: "02950 42240" }]
  offices: [Lappeenranta]
  disclosures:
    - { recipient: ${KELA}, basis: "${BASIS}" }
`;

t.test('a disclosure of two recordings and an early deletion, through a real broker and box', async (t) => {
  const broker = await startMosquitto();
  t.teardown(() => broker.stop());
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-disclosure-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const keys = centralKeys(join(dir, 'central'));

  const tb = await trunkBox(t, dir, keys, broker.url);
  const { box, call: trunkCall } = tb;
  const second = await recordSealed(box.store, keys.sealTo, { ms: 4000, startMs: Date.now() - 3_600_000, seed: 2 });
  const third = await recordSealed(box.store, keys.sealTo, { ms: 3000, startMs: Date.now() - 1_800_000, seed: 3 });

  const icfg = await loadIndexerConfig(indexerConfig(dir, keys, { url: broker.url, extra: CONTROLLER }));
  const clock = { now: () => Date.now() };
  const accounts = new AccountsFile(icfg.console.users, { ...CONSOLE_ACCOUNT_RULES, clock });
  const secret = newTotpSecret();
  await accounts.add('pia', 'privacy-officer', PASSWORD, { totp: secret });
  const ilog = memoryLog();
  const indexer = await Indexer.start({ config: icfg, sealingKey: keys.sealing, commandKey: keys.command.key, clock, log: ilog.log, listen: false });
  t.teardown(() => indexer.stop());
  await until(async () => (await indexer.index.get(trunkCall.id)) && (await indexer.index.get(second.id)) && (await indexer.index.get(third.id)), 20_000, 'the calls in the index');
  await until(() => indexer.fleet.list(Date.now()).some((b) => b.box === 'test-1' && b.state !== 'lost'), 10_000, 'the box connected');
  const pia = await login(indexer, { name: 'pia', secret });
  const LIST = '/console/registers/disclosure';

  let id = '';
  const holdRef = () => holdCaseRefOf(id);
  await t.test('entered: the register entry, the holds on the box and in the index, the copies, the audit', async (t) => {
    const form = await pia.get(LIST);
    t.equal(form.statusCode, 200);
    t.match(form.body, new RegExp(`<option value="${KELA}">${KELA}</option>`), 'the configured recipient is offered');
    const r = await pia.submit(LIST, {
      recipientPreset: KELA, recipient: '', basisPreset: BASIS, basis: '', recordings: 'yes', metadata: 'yes', caseRef: 'KEHA/123/2026',
      ids: `${trunkCall.id}\n${second.id}`, details: PARTICULARS,
    });
    t.equal(r.statusCode, 303, r.body.slice(0, 300));
    id = /\/console\/registers\/disclosure\/([^/?]+)\?done=created$/.exec(r.headers.location as string)![1]!;
    const page = await pia.get(r.headers.location as string);
    t.match(page.body, new RegExp(`<dt>Vastaanottaja</dt><dd>${KELA} <span class="muted">\\(tietosuojaselosteen mukainen\\)</span></dd>`));
    t.equal((page.body.match(/<td class="hold held">/g) ?? []).length, 2, 'both held, as the box answered');
    t.match(page.body, /Kelan pyyntö 27\.11\.2026 asiakkaasta Anna Asiakas/);

    for (const rec of [trunkCall, second]) {
      const stored = (await box.store.getRecording(rec.id))!;
      t.match(stored.holds, [{ reason: 'disclosure', caseRef: holdRef(), by: 'central:pia', until: maxExpiryOf(stored.start) }], `the hold in the box's store (${rec.id})`);
      t.equal(stored.expiresAt, maxExpiryOf(stored.start), 'kept to the cap');
      await until(async () => (await indexer.index.get(rec.id))?.holds.some((h) => h.reason === 'disclosure' && h.caseRef === holdRef()), 10_000, 'the hold in the index');
      t.ok(await indexer.copies.infoOf(rec.id), 'a sealed copy centrally');
    }
    t.equal((await box.store.getRecording(third.id))!.holds, undefined, 'the recording not disclosed is not held');

    const entries = await auditOf(indexer);
    t.match(entries.find((e) => e.action === 'disclosure'), { actor: 'pia', target: id, purpose: 'disclosure', caseRef: 'KEHA/123/2026', result: 'ok', detail: { event: 'create', recordings: 2, presetRecipient: true, presetBasis: true } });
    t.equal(entries.filter((e) => e.action === 'hold' && e.purpose === 'disclosure' && e.result === 'ok').length, 2, 'each hold audited at the centre');
    const boxEntries = await auditOf(box);
    t.equal(boxEntries.filter((e) => e.action === 'hold' && e.purpose === 'disclosure' && e.caseRef === holdRef()).length, 2, 'and on the box');
  });

  await t.test('a recording exported: audited, and Ogg Opus that ffmpeg decodes', async (t) => {
    const r = await pia.get(`${LIST}/${id}/export/${second.id}.opus`);
    t.equal(r.statusCode, 200);
    t.equal(r.headers['content-disposition'], `attachment; filename="${second.id}.opus"`);
    const file = join(dir, 'export.opus');
    writeFileSync(file, r.rawPayload);
    t.equal(r.rawPayload.subarray(0, 4).toString(), 'OggS');
    const probe = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name:format=format_name,duration', '-of', 'json', file], { encoding: 'utf8' });
    t.equal(probe.status, 0, probe.stderr);
    const info = JSON.parse(probe.stdout);
    t.equal(info.streams[0].codec_name, 'opus');
    t.equal(info.format.format_name, 'ogg');
    t.ok(Math.abs(Number(info.format.duration) - 4) < 0.5, `its duration (${info.format.duration} s)`);
    const decoded = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 's16le', '-ac', '1', '-ar', '8000', '-'], { maxBuffer: 64 << 20 });
    t.equal(decoded.status, 0, String(decoded.stderr));
    t.equal(String(decoded.stderr), '', 'decoded without a complaint');
    t.ok(Math.abs(decoded.stdout.length / 16_000 - 4) < 0.5, `decodes to 4 s of audio (${decoded.stdout.length / 16_000} s)`);
    t.match((await auditOf(indexer)).filter((e) => e.action === 'export').at(-1), { actor: 'pia', target: second.id, purpose: 'disclosure', caseRef: 'KEHA/123/2026', result: 'ok', detail: { disclosure: id, what: 'recording' } });

    const meta = await pia.get(`${LIST}/${id}/metadata.json`);
    t.equal(meta.statusCode, 200);
    const doc = JSON.parse(meta.body);
    t.equal(doc.controller, 'Kaakkois-Suomen TE-toimisto');
    t.equal(doc.calls.length, 2);
    t.notOk(meta.body.includes('401234567'), 'no number in the metadata');
  });

  await t.test('marked complete: the holds lift on the box', async (t) => {
    const r = await pia.submit(`${LIST}/${id}/complete`, {});
    t.equal(r.statusCode, 303);
    for (const rec of [trunkCall, second]) {
      const stored = (await box.store.getRecording(rec.id))!;
      t.equal(stored.holds, undefined, `no hold left on the box (${rec.id})`);
      t.equal(stored.expiresAt, expiryOf(stored.start, stored.retentionMonths), 'its normal expiry again');
      await until(async () => (await indexer.index.get(rec.id))?.holds.length === 0, 10_000, 'and none in the index');
    }
    const page = await pia.get(`${LIST}/${id}`);
    t.equal((page.body.match(/<td class="hold released">/g) ?? []).length, 2);
    t.match(page.body, /<dt>Tila<\/dt><dd>Valmis<\/dd>/);
    t.equal((await pia.get(`${LIST}/${id}/export/${second.id}.opus`)).statusCode, 409, 'no exports from a complete disclosure');
    t.match((await auditOf(indexer)).filter((e) => e.action === 'disclosure').at(-1), { target: id, detail: { event: 'complete' } });
    t.equal((await auditOf(box)).filter((e) => e.action === 'release' && e.caseRef === holdRef() && e.result === 'ok').length, 2, 'the box audited both releases');
  });

  await t.test('an early deletion: the box destroys the recording, and both sides audit it', async (t) => {
    const page = await pia.get(`/console/calls/${third.id}`);
    t.match(page.body, /<h2 id="delete-heading">Poistaminen ennen säilytysajan päättymistä<\/h2>/);
    const r = await pia.post(`/console/calls/${third.id}/delete`, { reason: REASON, confirm: 'yes', _csrf: pia.csrfOf(page.body) });
    t.equal(r.statusCode, 200, r.body.slice(0, 300));
    t.match(r.body, /Tallennin hävitti tallenteen/);
    t.equal(await box.store.getRecording(third.id), undefined, 'no record left on the box');
    t.match(await box.store.getTombstone(third.id), { id: third.id, reason: 'early-deletion' }, 'only its tombstone');
    await until(async () => (await indexer.index.get(third.id))?.deleted?.reason === 'early-deletion', 10_000, 'the index has it deleted');
    t.match((await auditOf(indexer)).filter((e) => e.action === 'delete').at(-1), { actor: 'pia', target: third.id, result: 'ok', detail: { outcome: 'destroyed', box: 'test-1' } });
    t.match((await auditOf(box)).filter((e) => e.action === 'delete').at(-1), { actor: 'central:pia', target: third.id, result: 'ok', detail: { reason: REASON } }, "the box's own entry, with the reason");
    t.ok((await auditOf(box)).some((e) => e.action === 'destroy' && e.target === third.id && e.detail?.['reason'] === 'early-deletion'), 'and its destruction');
  });

  const central = JSON.stringify(await auditOf(indexer)) + JSON.stringify(ilog.lines);
  t.notOk(central.includes('Anna Asiakas'), 'the particulars are in neither the indexer\'s audit log nor its log');
  t.notOk(central.includes('TSV/55'), 'nor the reason of the deletion');
  t.notOk(central.includes('0401234567'), 'nor a number');
});

async function auditOf(o: { audit: { entries(): AsyncIterable<{ action: string; actor: string; target?: string; purpose?: string; caseRef?: string; result: string; detail?: Record<string, unknown> }> } }) {
  const out = [];
  for await (const e of o.audit.entries()) out.push(e);
  return out;
}
