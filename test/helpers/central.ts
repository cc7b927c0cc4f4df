// The central side for tests: key files as the operator makes them, an indexer config, and
// sealed records that carry a caller's number, without running audio through libopus.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordingRecord } from '../../src/box/store/recording-record.js';
import { generateCommandKeyFiles, parseCommandPrivateKey } from '../../src/core/protocol/command-keys.js';
import { expiryOf } from '../../src/core/retention/index.js';
import { generateControllerKeys, newContentKey, parsePrivateKey, parsePublicKey, sealMetadata, wrapContentKey, type PrivateSealingKey, type PublicSealingKey } from '../../src/core/seal/index.js';
import { uuidv7 } from '../../src/core/ids.js';
import { PASSPHRASE } from './box-fixture.js';

export interface CentralKeys {
  dir: string;
  controllerKey: string;
  controllerPub: string;
  commandKey: string;
  commandPub: string;
  sealTo: PublicSealingKey;
  sealing: PrivateSealingKey;
  command: ReturnType<typeof parseCommandPrivateKey>;
}

export function centralKeys(dir: string): CentralKeys {
  mkdirSync(dir, { recursive: true });
  const c = generateControllerKeys(PASSPHRASE);
  const k = generateCommandKeyFiles(PASSPHRASE);
  const files = {
    controllerKey: join(dir, 'controller.key'), controllerPub: join(dir, 'controller.pub'),
    commandKey: join(dir, 'command.key'), commandPub: join(dir, 'command.pub'),
  };
  writeFileSync(files.controllerKey, c.privatePem, { mode: 0o600 });
  writeFileSync(files.controllerPub, c.publicPem);
  writeFileSync(files.commandKey, k.privatePem, { mode: 0o600 });
  writeFileSync(files.commandPub, k.publicPem);
  const command = parseCommandPrivateKey(k.privatePem, PASSPHRASE, 'command.key');
  return { dir, ...files, sealTo: parsePublicKey(c.publicPem, 'pub'), sealing: parsePrivateKey(c.privatePem, PASSPHRASE, 'key'), command };
}

/** An indexer config file in `dir`; returns its path. */
export function indexerConfig(dir: string, keys: CentralKeys, o: { url: string; port?: number; tokens?: string; extra?: string }): string {
  const file = join(dir, 'indexer.yaml');
  writeFileSync(
    file,
    `indexer: { id: central-1 }\nmqtt: { url: "${o.url}" }\nstorage: { path: ./index }\n` +
      `keys: { controller: ${keys.controllerKey}, command: ${keys.commandKey} }\n` +
      `fleet: { lostAfterS: 60, expiryGraceHours: 1, commandTimeoutS: 5 }\n` +
      `api: { host: 127.0.0.1, port: ${o.port ?? 0}, tokens: ${o.tokens ?? '[]'} }\nlog: { level: info }\n${o.extra ?? ''}`,
  );
  return file;
}

/** A finished recording's record with a real wrapped key and a caller's number in its sealed metadata. */
export function sealedRecord(sealTo: PublicSealingKey, o: { start: number; line?: string; calling?: string; durationMs?: number }): RecordingRecord {
  const id = uuidv7(o.start);
  const contentKey = newContentKey();
  const durationMs = o.durationMs ?? 30_000;
  const rec: RecordingRecord = {
    v: 1, id, line: o.line ?? 'line-1', start: o.start, end: o.start + durationMs, durationMs, state: 'closed', chunks: 1,
    audio: { codec: 'opus', inputSampleRate: 8000, frameMs: 20, preSkip: 312, bitrate: 12000, packetsPerChunk: 48 },
    keyId: sealTo.keyId, wrappedKey: wrapContentKey(contentKey, id, sealTo).toString('base64'), gapMs: 0,
    direction: 'incoming', signalling: 'line-unit', clip: 'ok',
    ...(o.calling ? { sealedMeta: sealMetadata(contentKey, id, { calling: o.calling }, 0).toString('base64'), metaVersion: 0 } : {}),
    retentionMonths: 2, expiresAt: expiryOf(o.start, 2),
  };
  contentKey.fill(0);
  return rec;
}
