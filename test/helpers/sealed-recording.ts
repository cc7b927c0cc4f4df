import { generateKeyPairSync } from 'node:crypto';
import { createOpusEncoder } from '../../src/box/recorder/opus-encoder.js';
import { RecordingWriter } from '../../src/box/recorder/recording-writer.js';
import type { RecordingRecord } from '../../src/box/store/recording-record.js';
import type { RecordingStore } from '../../src/box/store/recording-store.js';
import { speechLike } from '../../src/core/dsp/generate.js';
import { OPUS_PRESKIP_48K } from '../../src/core/ogg/index.js';
import { keyIdOf, type PrivateSealingKey, type PublicSealingKey } from '../../src/core/seal/index.js';
import { memoryLog } from './log.js';

/** A controller key pair held in memory (no PEM, no passphrase: fast, for tests only). */
export function sealingKeys(): { sealTo: PublicSealingKey; key: PrivateSealingKey } {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const keyId = keyIdOf(publicKey);
  return { sealTo: { keyId, key: publicKey }, key: { keyId, key: privateKey } };
}

/**
 * A real recording in `store`: speech-like audio through libopus, sealed in chunks by the
 * recorder itself, with a caller's number in its sealed metadata.
 */
export async function recordSealed(
  store: RecordingStore,
  sealTo: PublicSealingKey,
  opts: { ms: number; startMs: number; calling?: string; packetsPerChunk?: number; seed?: number },
): Promise<RecordingRecord> {
  const rate = 8000;
  let failed: Error | undefined;
  const writer = RecordingWriter.start(
    {
      store,
      sealTo,
      audio: { codec: 'opus', inputSampleRate: rate, frameMs: 20, preSkip: OPUS_PRESKIP_48K, bitrate: 12000, packetsPerChunk: opts.packetsPerChunk ?? 50 },
      retentionMonths: 2,
      newEncoder: () => createOpusEncoder(rate, 12000),
      log: memoryLog().log,
      onWriteError: (err) => (failed = err),
    },
    'line-1',
    opts.startMs,
    { direction: 'incoming', source: 'line-unit', clip: 'ok', calling: opts.calling ?? '0401234567' },
  );
  writer.feed(speechLike(opts.ms, -20, rate, opts.seed ?? 1));
  const rec = await writer.finish('on-hook');
  if (failed) throw failed;
  return rec;
}
