// Rotating the controller's sealing key (docs/indexer.md, "Rotating the controller key"): with
// the new key current and the old one under keys.previous, what was sealed to the old key still
// opens (numbers, audio, register entries), new register entries are sealed to the new key, and
// number search still finds the old calls because the blind index key stays the old key's. A
// start that would change the blind index key is refused, naming the field to set.
import t from 'tap';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Level } from 'level';
import { RecordingStore } from '../../src/box/store/recording-store.js';
import { recordingEvent } from '../../src/box/sync/events.js';
import { newApiToken } from '../../src/central/api/tokens.js';
import { loadIndexerConfig, parseIndexerConfig } from '../../src/central/config.js';
import { CopyStore } from '../../src/central/copies/store.js';
import { Indexer } from '../../src/central/indexer.js';
import type { FetchedRecording } from '../../src/central/ingest/fetch-assembler.js';
import { openCallNumbers } from '../../src/central/numbers.js';
import { Playback } from '../../src/central/playback/playback.js';
import { FieldSealer } from '../../src/central/registers/sealer.js';
import { systemClock } from '../../src/core/clock.js';
import type { AuditEntry } from '../../src/core/audit/index.js';
import { exportOgg } from '../../src/core/recording/export-ogg.js';
import { generateControllerKeys, parsePrivateKey, parsePublicKey, wrappedKeyId, type SealingKeyRing } from '../../src/core/seal/index.js';
import { loadSealingKeys } from '../../src/commands/indexer.js';
import { PASSPHRASE } from '../helpers/box-fixture.js';
import { centralKeys, sealedRecord } from '../helpers/central.js';
import { collect, memoryLog } from '../helpers/log.js';
import { recordSealed } from '../helpers/sealed-recording.js';

t.setTimeout(180_000);

const SITE = 'lappeenranta';
const BOX = 'lpr-1';
const CALLER = '0401234567';

t.test('a rotation keeps every earlier call readable and findable', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-rotation-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // Key A: what the indexer and the boxes had. Key B: made at the rotation, same passphrase.
  const a = centralKeys(join(dir, 'a'));
  mkdirSync(join(dir, 'b'));
  const made = generateControllerKeys(PASSPHRASE);
  writeFileSync(join(dir, 'b', 'controller.key'), made.privatePem, { mode: 0o600 });
  const b = { sealTo: parsePublicKey(made.publicPem, 'b.pub'), sealing: parsePrivateKey(made.privatePem, PASSPHRASE, 'b.key') };
  const token = newApiToken();
  const config = (name: string, keys: string): string => {
    const file = join(dir, name);
    writeFileSync(file, `indexer: { id: central-1 }\nmqtt: { url: "mqtt://127.0.0.1:1" }\nstorage: { path: index }\nkeys: ${keys}\napi: { port: 0, tokens: [{ name: dpo-1, role: privacy-officer, sha256: ${token.sha256} }] }\n`);
    return file;
  };
  const before = config('before.yaml', '{ controller: a/controller.key, command: a/command.key }');
  const rotated = config('rotated.yaml', '{ controller: b/controller.key, previous: [a/controller.key], blindIndexFrom: a/controller.key, command: a/command.key }');
  const dropped = config('dropped.yaml', '{ controller: b/controller.key, command: a/command.key }');
  const forgot = config('forgot.yaml', '{ controller: b/controller.key, previous: [a/controller.key], command: a/command.key }');

  const ringOf = async (file: string): Promise<SealingKeyRing> => loadSealingKeys((await loadIndexerConfig(file)).keys, PASSPHRASE);
  const start = async (file: string): Promise<Indexer> => {
    const indexer = await Indexer.start({ config: await loadIndexerConfig(file), sealingKey: await ringOf(file), commandKey: a.command.key, clock: systemClock, log: memoryLog().log, listen: false });
    t.teardown(() => indexer.stop().catch(() => {}));
    return indexer;
  };
  const get = (indexer: Indexer, url: string) => indexer.api.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token.token}` } });
  const foundBy = async (indexer: Indexer, number: string): Promise<string[]> =>
    ((await get(indexer, `/api/calls?number=${encodeURIComponent(number)}`)).json() as { calls: { id: string }[] }).calls.map((c) => c.id);

  // A box with a real recording (audio through libopus) sealed to A.
  const boxStore = await RecordingStore.open(join(dir, 'box'));
  t.teardown(() => boxStore.close());
  const now = Date.now();
  const rec = await recordSealed(boxStore, a.sealTo, { ms: 3000, startMs: now - 3_600_000, calling: CALLER });
  const fetchFromBox = async (_site: string, _box: string, id: string): Promise<FetchedRecording> => {
    const r = (await boxStore.getRecording(id))!;
    return {
      record: { id, state: r.state as 'closed', chunks: r.chunks, wrappedKey: Buffer.from(r.wrappedKey, 'base64'), keyId: r.keyId, audio: r.audio },
      chunks: (await collect(boxStore.readChunks(id))).map((c) => ({ index: c.index, sealed: c.sealed })),
    };
  };
  const sealedOnBox = await fetchFromBox(SITE, BOX, rec.id);
  const boxOgg = (await exportOgg(sealedOnBox.record, sealedOnBox.chunks, a.sealing)).ogg;

  // ---- before: A alone ----
  let indexer = await start(before);
  await indexer.index.ingest(SITE, BOX, { seq: 1, boot: 1, ts: now, kind: 'recording', body: recordingEvent(rec) } as never);
  // A held recording's central copy, so the indexer's own playback path is taken.
  await new CopyStore(indexer.index.db).keep(SITE, BOX, await fetchFromBox(SITE, BOX, rec.id), { keptAt: now, expiresAt: rec.expiresAt });
  t.same(await foundBy(indexer, CALLER), [rec.id], 'found by its number under A');
  const ringA = await ringOf(before);
  const sealerA = new FieldSealer(ringA, ringA.blindIndexKey());
  const oldEntry = sealerA.seal('req-1', { name: 'Maija Meikäläinen' });
  t.equal(wrappedKeyId(Buffer.from(oldEntry.wrappedKey, 'base64')), a.sealing.keyId);
  await indexer.stop();

  await t.test('after the rotation: B current, A previous, the blind index key still A\'s', async (t) => {
    const ring = await ringOf(rotated);
    t.same(ring.keyIds, [b.sealing.keyId, a.sealing.keyId]);
    t.equal(ring.blindIndexFrom, a.sealing.keyId);
    indexer = await start(rotated);
    let started: AuditEntry | undefined;
    for await (const e of indexer.audit.entries({ reverse: true })) if (!started && e.action === 'service-start') started = e;
    t.match(started?.detail, { keyId: b.sealing.keyId, previousKeyIds: a.sealing.keyId, blindIndexFrom: a.sealing.keyId }, 'the start names the keys held');

    const newCall = sealedRecord(b.sealTo, { start: now - 600_000, calling: '0409876543' });
    await indexer.index.ingest(SITE, BOX, { seq: 2, boot: 1, ts: now, kind: 'recording', body: recordingEvent(newCall) } as never);
    t.same(await foundBy(indexer, '+358 40 123 4567'), [rec.id], 'the A-sealed call is still found by its number');
    t.same(await foundBy(indexer, '040 987 6543'), [newCall.id], 'and a B-sealed one by its own');

    for (const [id, calling] of [[rec.id, CALLER], [newCall.id, '0409876543']]) {
      const r = await get(indexer, `/api/calls/${id}?purpose=complaint&caseRef=VN/1`);
      t.equal(r.statusCode, 200);
      t.match(r.json(), { numbers: { calling } }, `the numbers of ${id === rec.id ? 'the A' : 'the B'}-sealed call open`);
    }
    const audio = await get(indexer, `/api/calls/${rec.id}/audio?purpose=complaint&caseRef=VN/1`);
    t.equal(audio.statusCode, 200, 'the A-sealed recording plays');
    t.ok(audio.rawPayload.equals(boxOgg), 'the very bytes the box\'s chunks give under A');
    const fromBox = await new Playback({ copies: { get: async () => undefined }, fetch: fetchFromBox, key: ring }).open({ id: rec.id, site: SITE, box: BOX });
    t.equal(fromBox.source, 'box');
    t.ok(fromBox.ogg.equals(boxOgg), 'and so it does fetched from the box');

    const sealer = new FieldSealer(ring, ring.blindIndexKey());
    t.same(sealer.open('req-1', oldEntry), { name: 'Maija Meikäläinen' }, 'a register entry sealed to A opens');
    const newEntry = sealer.seal('req-2', { name: 'Ville Virtanen' });
    t.equal(wrappedKeyId(Buffer.from(newEntry.wrappedKey, 'base64')), b.sealing.keyId, 'a new entry is sealed to B');
    t.same(sealer.open('req-2', newEntry), { name: 'Ville Virtanen' });
    t.equal(sealer.blind('phone', '+358401234567'), sealerA.blind('phone', '+358401234567'), 'the same person is recognised across the rotation');
    await indexer.stop();
  });

  await t.test('A dropped from keys.previous: nothing sealed to A opens, and the indexer will not start', async (t) => {
    const ring = await ringOf(dropped);
    const wrongKey = { code: 'TAL_SEAL_WRONG_KEY', message: new RegExp(`controller key ${a.sealing.keyId}, which is not among the keys held \\(current ${b.sealing.keyId}; no previous keys\\)`) };
    const call = { id: rec.id, sealed: { ...recordingEvent(rec) } };
    t.throws(() => openCallNumbers(call, ring), wrongKey, 'numbers');
    await t.rejects(new Playback({ copies: { get: async () => undefined }, fetch: fetchFromBox, key: ring }).open({ id: rec.id, site: SITE, box: BOX }), wrongKey, 'audio');
    t.throws(() => new FieldSealer(ring, ring.blindIndexKey()).open('req-1', oldEntry), wrongKey, 'register entries');
    await t.rejects(start(dropped), {
      code: 'TAL_CONFIG_INVALID',
      message: new RegExp(`keys: the blind index key differs from the one this index was built with \\(fingerprint [0-9a-f]{32}, from controller key ${a.sealing.keyId};.*keys\\.previous.*keys\\.blindIndexFrom`),
    });
  });

  await t.test('A kept but keys.blindIndexFrom forgotten: refused, naming the field; the index is left closed', async (t) => {
    await t.rejects(start(forgot), { code: 'TAL_CONFIG_INVALID', message: new RegExp(`List the file of controller key ${a.sealing.keyId} under keys.previous and set keys.blindIndexFrom to it`) });
    indexer = await start(rotated);
    t.same(await foundBy(indexer, CALLER), [rec.id], 'the refused start left nothing locked or changed');
    await indexer.stop();
  });

  await t.test('an index built before the blind key was recorded: checked by finding its own calls', async (t) => {
    const forget = async () => {
      const db = new Level<string, unknown>(join(dir, 'index'), { valueEncoding: 'json' });
      await db.sublevel('meta', { valueEncoding: 'json' }).del('blindIndexKey');
      await db.close();
    };
    await forget();
    await t.rejects(start(forgot), { code: 'TAL_CONFIG_INVALID', message: /does not record its blind index key, and calls are not found by their own numbers.*keys\.blindIndexFrom/ });
    indexer = await start(rotated);
    t.same(await foundBy(indexer, CALLER), [rec.id]);
    await indexer.stop();
    await t.rejects(start(forgot), { message: /differs from the one this index was built with/ }, 'and recorded from then on');
  });
});

t.test('keys.previous and keys.blindIndexFrom in the config', async (t) => {
  const base = (keys: string) => `indexer: { id: central-1 }\nmqtt: { url: "mqtts://mqtt.example:8883" }\nstorage: { path: index }\nkeys: ${keys}\n`;
  const c = parseIndexerConfig(base('{ controller: keys/b.key, previous: [keys/a.key, /srv/old/z.key], blindIndexFrom: keys/a.key, command: keys/command.key }'), 'indexer.yaml', '/etc/tallennin');
  t.same(c.keys, { controller: '/etc/tallennin/keys/b.key', previous: ['/etc/tallennin/keys/a.key', '/srv/old/z.key'], blindIndexFrom: '/etc/tallennin/keys/a.key', command: '/etc/tallennin/keys/command.key' });
  const plain = parseIndexerConfig(base('{ controller: keys/a.key, command: keys/command.key }'), 'indexer.yaml', '/etc/tallennin');
  t.same(plain.keys.previous, [], 'no previous keys by default');
  t.equal(plain.keys.blindIndexFrom, '/etc/tallennin/keys/a.key', 'the blind index key from the controller key by default');

  let message = '';
  try {
    parseIndexerConfig(base('{ controller: keys/b.key, previous: [./keys/b.key, keys/a.key, /etc/tallennin/keys/a.key], blindIndexFrom: keys/z.key, command: keys/command.key }'), 'indexer.yaml', '/etc/tallennin');
  } catch (err) {
    message = (err as Error).message;
  }
  t.match(message, /keys\.previous\[0\]: \/etc\/tallennin\/keys\/b\.key is keys\.controller itself/);
  t.match(message, /keys\.previous\[2\]: \/etc\/tallennin\/keys\/a\.key is listed already, as keys\.previous\[1\]/);
  t.match(message, /keys\.blindIndexFrom: \/etc\/tallennin\/keys\/z\.key is neither keys\.controller nor one of keys\.previous/);
  t.throws(() => parseIndexerConfig(base('{ controller: a.key, previous: a.key, command: c.key }'), 'indexer.yaml', '/etc'), { message: /keys\.previous/ }, 'a list, not a path');
});

t.test('loading the keys: the same key under two names, and an earlier key under another passphrase', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tallennin-rotation-keys-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const a = centralKeys(join(dir, 'a'));
  const b = centralKeys(join(dir, 'b'));
  copyFileSync(a.controllerKey, join(dir, 'a-copy.key'));
  await t.rejects(loadSealingKeys({ controller: b.controllerKey, previous: [a.controllerKey, join(dir, 'a-copy.key')] }, PASSPHRASE), {
    code: 'TAL_KEY_INVALID',
    message: new RegExp(`keys\\.previous\\[1\\] \\(.*a-copy\\.key\\) holds controller key ${a.sealing.keyId}, the same key as keys\\.previous\\[0\\]`),
  });
  writeFileSync(join(dir, 'other.key'), generateControllerKeys('another passphrase, long enough').privatePem);
  await t.rejects(loadSealingKeys({ controller: b.controllerKey, previous: [join(dir, 'other.key')] }, PASSPHRASE), {
    code: 'TAL_KEY_PASSPHRASE',
    message: /keys\.previous\[0\] .*could not be decrypted.*opened with the passphrase of keys\.controller/,
  });
  const ring = await loadSealingKeys({ controller: b.controllerKey, previous: [a.controllerKey], blindIndexFrom: a.controllerKey }, PASSPHRASE);
  t.same(ring.keyIds, [b.sealing.keyId, a.sealing.keyId]);
  t.equal(ring.blindIndexFrom, a.sealing.keyId);
});
