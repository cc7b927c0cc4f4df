// Fleet commands end to end, over a real mosquitto, between a real Box (its store, retention and
// audit log; an idle capture device) and the real Indexer: a hold placed through the API moves
// the expiry on the box and in the index; bad commands of every kind are refused, answered and
// audited by the box; a 10-minute recording fetched as ciphertext and unsealed centrally equals
// the box's own `export` byte for byte; a box that vanishes is shown `lost` by its last will.
import t from 'tap';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { Box } from '../../src/box/box.js';
import { startSync, type BoxSync } from '../../src/box/sync/start-sync.js';
import { systemClock } from '../../src/core/clock.js';
import { loadConfig } from '../../src/core/config/index.js';
import { signCommand } from '../../src/core/protocol/command.js';
import { canonicalJson } from '../../src/core/audit/entry.js';
import { boxTopics } from '../../src/core/protocol/topics.js';
import { addCalendarMonths } from '../../src/core/retention/index.js';
import { mulberry32 } from '../../src/core/dsp/generate.js';
import { newApiToken } from '../../src/central/api/tokens.js';
import { loadIndexerConfig } from '../../src/central/config.js';
import { Indexer } from '../../src/central/indexer.js';
import { boxFixture, cli, decodeWithFfmpeg } from '../helpers/box-fixture.js';
import { centralKeys, indexerConfig } from '../helpers/central.js';
import { idleBinding } from '../helpers/idle-binding.js';
import { memoryLog } from '../helpers/log.js';
import { startMosquitto } from '../helpers/mosquitto.js';
import { recordSealed } from '../helpers/sealed-recording.js';
import { sleep, until } from '../helpers/eventually.js';

t.setTimeout(300_000);

/** A payload that parses to the very command signed is that command, not a forgery. */
function sameCommand(bytes: Buffer, valid: string): boolean {
  try {
    return canonicalJson(JSON.parse(bytes.toString('utf8'))) === canonicalJson(JSON.parse(valid));
  } catch {
    return false;
  }
}

t.test('commands between the indexer and a box over mosquitto', async (t) => {
  const broker = await startMosquitto();
  t.teardown(() => broker.stop());
  const f = boxFixture({ infile: '/dev/null', channels: 1 });
  const keys = centralKeys(join(f.dir, 'central'));
  // The box seals to the central controller key, and obeys its command key.
  const boxYaml = readFileSync(f.config, 'utf8').replace(/publicKey: [^ }]+/, `publicKey: ${keys.controllerPub}`) +
    `mqtt: { url: "${broker.url}", commandKeys: [${keys.commandPub}], keepaliveS: 5, reconnectMaxS: 1 }\n`;
  const { writeFileSync } = await import('node:fs');
  writeFileSync(f.config, boxYaml);
  const config = await loadConfig(f.config);
  const boxLog = memoryLog();
  const box = await Box.start({ config, sealTo: keys.sealTo, log: boxLog.log, binding: idleBinding });
  let boxStopped = false;
  t.teardown(async () => {
    if (!boxStopped) await box.stop();
  });

  // A call recorded before the link comes up waits in the outbox.
  const start = Date.now() - 3_600_000;
  const rec = await recordSealed(box.store, keys.sealTo, { ms: 600_000, startMs: start, calling: '0401234567', packetsPerChunk: 48 });
  const sync: BoxSync = await startSync(box, config.mqtt!, { site: 'testsite', box: 'test-1', clock: systemClock, log: boxLog.log });
  t.teardown(() => sync.stop());

  const supervisor = newApiToken();
  const officer = newApiToken();
  const icfg = await loadIndexerConfig(
    indexerConfig(f.dir, keys, {
      url: broker.url,
      tokens: `[{ name: sup-1, role: supervisor, sha256: ${supervisor.sha256} }, { name: dpo-1, role: privacy-officer, sha256: ${officer.sha256} }]`,
    }),
  );
  const ilog = memoryLog();
  const indexer = await Indexer.start({ config: icfg, sealingKey: keys.sealing, commandKey: keys.command.key, clock: systemClock, log: ilog.log, listen: false });
  t.teardown(() => indexer.stop());
  const api = (method: 'GET' | 'POST', url: string, token: string, body?: unknown) =>
    indexer.api.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body ? { payload: body as object } : {}) });

  const indexed = await until(() => indexer.index.get(rec.id), 15_000, 'the recording in the index').catch((err: Error) => {
    throw new Error(`${err.message}\nbox: ${JSON.stringify(boxLog.lines.slice(-8))}\nindexer: ${JSON.stringify(ilog.lines.slice(-8))}`);
  });
  t.equal(indexed.expiresAt, rec.expiresAt);
  await until(async () => (await box.store.outbox.backlog()) === 0, 10_000, 'the ack');

  await t.test('the box\'s retained state and status reach the fleet view, with no personal data', async (t) => {
    await sync.report();
    const view = await until(() => indexer.fleet.list(Date.now()).find((b) => b.box === 'test-1' && b.status?.outbox), 10_000, 'the status');
    t.equal(view.state, 'ready');
    t.match(view.status, { boot: 1, lines: [{ id: 'line-1', state: 'idle' }], capture: { state: String }, outbox: { backlog: 0, lastAckedSeq: 1 }, memory: { rssBytes: Number }, cpu: { load1: Number }, alarms: [] });
    t.notOk(/401234567|0401234567/.test(JSON.stringify(view.status)), 'no number in the status');
    t.notOk(JSON.stringify(boxLog.lines).includes('401234567'), 'nor in the box\'s log');
    // Published just after the status: under load it may arrive a moment later.
    t.ok(await until(() => indexer.ingest.auditHeads.get('testsite/test-1')?.hash, 5_000, 'the audit head'), 'the box\'s audit chain head is known centrally');
  });

  await t.test('a hold sent over MQTT moves the expiry on the box and in the index', async (t) => {
    const until6 = addCalendarMonths(rec.start, 6);
    const res = await api('POST', '/api/boxes/testsite/test-1/commands/hold', supervisor.token, { args: { id: rec.id, reason: 'complaint', caseRef: 'VAL-2026-7', until: until6 } });
    t.equal(res.statusCode, 200, res.body);
    t.match(res.json(), { ok: true, result: { expiresAt: until6 } });
    t.equal((await box.store.getRecording(rec.id))!.expiresAt, until6, 'on the box');
    const moved = await until(async () => ((await indexer.index.get(rec.id))?.expiresAt === until6 ? true : undefined), 10_000, 'the expiry event');
    t.ok(moved, 'in the index');
    t.match((await indexer.index.get(rec.id))!.holds, [{ reason: 'complaint', caseRef: 'VAL-2026-7', by: 'central:sup-1' }]);
    const search = await api('GET', `/api/calls?number=${encodeURIComponent('+358 40 123 4567')}`, supervisor.token);
    t.same(search.json().calls.map((c: { id: string }) => c.id), [rec.id], 'found by the number the box sealed');
  });

  await t.test('bad commands are refused, answered and audited by the box', async (t) => {
    const client = await mqtt.connectAsync(broker.url, { clientId: `attacker-${randomUUID()}` });
    t.teardown(() => client.endAsync());
    const topics = boxTopics('testsite', 'test-1');
    const replyTo = `${topics.replyPrefix}probe`;
    const replies = new Map<string, { ok: boolean; reason?: string }>();
    client.on('message', (_topic, payload) => {
      const r = JSON.parse(payload.toString()) as { correlationId: string; ok: boolean; reason?: string };
      replies.set(r.correlationId, r);
    });
    await client.subscribeAsync(`${topics.replyPrefix}#`, { qos: 1 });
    const { generateCommandKeys } = await import('../../src/core/protocol/command.js');
    const stranger = generateCommandKeys();
    const now = Date.now();
    const base = { verb: 'delete' as const, site: 'testsite', box: 'test-1', ts: now, replyTo, args: { id: rec.id, by: 'dpo-1', reason: 'test' } };
    const good = (over: Partial<typeof base> & { correlationId: string; nonce?: string }) => signCommand({ ...base, nonce: randomUUID(), ...over }, keys.command.key);
    const replayed = good({ verb: 'led-test' as never, args: {} as never, correlationId: 'replay-original' });
    // [name, topic verb, payload, reason, correlation id the reply carries (none: unreadable, unanswered)]
    const cases: [string, string, string, string, string | undefined][] = [
      ['forged', 'delete', JSON.stringify({ ...good({ correlationId: 'forged' }), args: { ...base.args, reason: 'changed' } }), 'bad-signature', 'forged'],
      ['unsigned', 'delete', JSON.stringify({ v: 1, ...base, nonce: 'u', correlationId: 'unsigned' }), 'unsigned', 'unsigned'],
      ['stranger\'s key', 'delete', JSON.stringify(signCommand({ ...base, nonce: 's', correlationId: 'stranger' }, stranger.privateKey)), 'unknown-key', 'stranger'],
      ['expired', 'delete', JSON.stringify(good({ ts: now - 600_000, correlationId: 'expired' })), 'expired', 'expired'],
      ['from the future', 'delete', JSON.stringify(good({ ts: now + 600_000, correlationId: 'future' })), 'future', 'future'],
      ['wrongly addressed', 'delete', JSON.stringify(good({ box: 'test-2', correlationId: 'wrong-box' })), 'wrong-box', 'wrong-box'],
      ['wrong verb topic', 'hold', JSON.stringify(good({ correlationId: 'wrong-verb' })), 'wrong-verb', 'wrong-verb'],
      ['malformed JSON', 'delete', `{"correlationId":"malformed","replyTo":"${replyTo}",`, 'malformed', undefined],
      ['too large', 'delete', JSON.stringify({ ...good({ correlationId: 'too-large' }), pad: 'x'.repeat(20_000) }), 'too-large', undefined],
      ['unknown verb', 'format', JSON.stringify({ ...good({ correlationId: 'unknown-verb' }), verb: 'format' }), 'unknown-verb', 'unknown-verb'],
      ['bad args', 'hold', JSON.stringify(good({ verb: 'hold' as never, args: { id: rec.id } as never, correlationId: 'bad-args' })), 'bad-args', 'bad-args'],
      ['replayed', 'led-test', JSON.stringify(replayed), 'replayed', 'replay-original-again'],
    ];
    await client.publishAsync(topics.cmd('led-test'), JSON.stringify(replayed), { qos: 1 });
    await until(() => replies.get('replay-original'), 10_000, 'the original command\'s reply');
    t.match(replies.get('replay-original'), { ok: true }, 'the first time it is obeyed');
    replies.clear();
    const auditBefore = box.audit.head().seq;
    for (const [, verb, payload] of cases) await client.publishAsync(`${topics.cmd('hold').replace(/hold$/, verb)}`, payload, { qos: 1 });
    for (const [name, , , reason, cid] of cases) {
      if (!cid) continue;
      // The replay's answer carries the original correlation id: the box cannot tell them apart.
      const r = await until(() => replies.get(cid === 'replay-original-again' ? 'replay-original' : cid), 10_000, `the reply to "${name}"`);
      t.match(r, { ok: false, reason }, `${name}: refused as ${reason}`);
    }
    await until(() => box.audit.head().seq >= auditBefore + cases.length, 10_000, 'an audit entry for each');
    const refused: string[] = [];
    for await (const e of box.audit.entries({ gte: auditBefore + 1 })) if (e.action === 'rejected-command') refused.push(String(e.detail?.['reason']));
    t.same(refused.sort(), cases.map((c) => c[3]).sort(), 'every refusal audited with its reason');
    t.ok(await box.store.getRecording(rec.id), 'nothing was deleted');

    // Fuzzed payloads: none is obeyed; the recording is still there.
    const rnd = mulberry32(7);
    const valid = JSON.stringify(good({ correlationId: 'fuzz' }));
    for (let i = 0; i < 300; i++) {
      const bytes = Buffer.from(valid);
      // Each mutation changes its byte (a byte replaced by itself would send the valid command,
      // which is rightly obeyed).
      for (let k = 0; k < 1 + Math.floor(rnd() * 4); k++) {
        const at = Math.floor(rnd() * bytes.length);
        bytes[at] = (bytes[at]! + 1 + Math.floor(rnd() * 255)) % 256;
      }
      if (sameCommand(bytes, valid)) continue; // the mutations undid each other, or only respelt it
      await client.publishAsync(topics.cmd('delete'), bytes, { qos: 1 });
    }
    await sleep(500);
    t.ok(await box.store.getRecording(rec.id), 'no fuzzed command deleted the recording');
  });

  await t.test('a box that misses an expiry raises an alarm centrally, cleared when its deletion arrives', async (t) => {
    // A recording whose expiry passed 3 hours ago, not yet swept: the box was off, say.
    const old = await recordSealed(box.store, keys.sealTo, { ms: 2_000, startMs: Date.now() - 70 * 86_400_000, calling: '0509876543' });
    const overdue = { ...old, expiresAt: Date.now() - 3 * 3_600_000 };
    await box.store.putRecording({ ...overdue, state: 'open' });
    await box.store.putRecording(overdue);
    await until(async () => (await indexer.index.get(old.id))?.expiresAt === overdue.expiresAt, 10_000, 'the overdue call in the index');
    await indexer.checkExpiries();
    t.match(indexer.alarms().find((a) => a.target === old.id), { kind: 'missed-expiry', site: 'testsite', box: 'test-1' });
    const res = await api('GET', '/api/calls?limit=5', officer.token);
    t.equal(res.statusCode, 200);
    await box.sweep();
    await until(async () => (await indexer.index.get(old.id))?.deleted, 10_000, 'the deletion in the index');
    await indexer.checkExpiries();
    t.notOk(indexer.alarms().some((a) => a.target === old.id), 'the alarm is gone once the box destroyed it');
    t.notOk((await indexer.index.get(old.id))?.sealed, 'the index dropped its key and sealed numbers');
    const stop = await api('POST', '/api/boxes/testsite/test-1/commands/stop-recording', supervisor.token, { args: { line: 'line-1' } });
    t.equal(stop.statusCode, 409, 'no call to stop: the box says so');
    t.match(stop.json(), { reply: { ok: false, reason: 'not-stopped' } });
  });

  await t.test('fetch moves a 10-minute recording as ciphertext; the indexer\'s export equals the box\'s byte for byte', async (t) => {
    const started = Date.now();
    const ogg = await indexer.exportRecording('testsite', 'test-1', rec.id);
    const seconds = (Date.now() - started) / 1000;
    t.ok(ogg.length > 500_000, `${ogg.length} bytes in ${seconds.toFixed(1)} s`);
    await sync.stop();
    await box.stop();
    boxStopped = true;
    const out = join(f.dir, 'box-export.opus');
    const r = cli(f, ['export', '--config', f.config, '--key', keys.controllerKey, '--id', rec.id, '--out', out]);
    t.equal(r.status, 0, r.stderr);
    t.ok(readFileSync(out).equals(ogg), 'the same bytes');
    const pcm = decodeWithFfmpeg(out, 8000);
    t.ok(Math.abs(pcm.length / 8000 - 600) < 1, `ffmpeg decodes ${(pcm.length / 8000).toFixed(1)} s`);
  });

  await t.test('a box that vanishes is lost, by its last will', async (t) => {
    const topics = boxTopics('testsite', 'ghost-1');
    const ghost = await mqtt.connectAsync(broker.url, { clientId: 'testsite.ghost-1', keepalive: 5, will: { topic: topics.state, payload: Buffer.from(JSON.stringify({ state: 'lost', ts: Date.now(), boot: 1 })), qos: 1, retain: true } });
    await ghost.publishAsync(topics.state, JSON.stringify({ state: 'ready', ts: Date.now(), boot: 1 }), { qos: 1, retain: true });
    await until(() => indexer.fleet.list(Date.now()).find((b) => b.box === 'ghost-1' && b.state === 'ready'), 10_000, 'ready');
    (ghost as unknown as { stream: { destroy(): void } }).stream.destroy(); // a power cut: no DISCONNECT
    const lost = await until(() => indexer.fleet.list(Date.now()).find((b) => b.box === 'ghost-1' && b.state === 'lost'), 20_000, 'lost');
    t.match(lost, { site: 'testsite', box: 'ghost-1', state: 'lost' }, 'the fleet shows the box lost');
    ghost.end(true);
  });
});
