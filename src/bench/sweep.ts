import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { RecordingStore } from '../box/store/recording-store.js';
import type { RecordingRecord } from '../box/store/recording-record.js';
import { Retention } from '../box/store/retention.js';
import { AuditLog } from '../core/audit/index.js';
import { ManualClock } from '../core/clock.js';
import { startCost } from './measure.js';

const DAY = 86_400_000;

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}

/**
 * The sweeper with `stored` recordings in the store (each with `chunks` sealed chunks of 1.1 kB,
 * what 12 kbit/s Opus gives per 960 ms), `expired` of them due: recordings destroyed per second,
 * and the store's size before the sweep and after it and its compaction.
 */
export async function benchSweep(dir: string, stored: number, expired: number, chunks: number): Promise<Record<string, number>> {
  const store = await RecordingStore.open(dir, { sync: false });
  const now = Date.UTC(2026, 10, 28);
  // Sealed chunks are ciphertext: incompressible, unlike a filler LevelDB's Snappy would shrink.
  const pool = randomBytes(1100 * 64);
  const chunkAt = (n: number) => pool.subarray((n % 64) * 1100, (n % 64) * 1100 + 1100);
  for (let i = 0; i < stored; i++) {
    const start = i < expired ? now - 100 * DAY : now - 10 * DAY;
    const id = `${start.toString(16)}-${String(i).padStart(6, '0')}`;
    const rec: RecordingRecord = {
      v: 1, id, line: `line-${1 + (i % 8)}`, start, end: start + 60_000, durationMs: 60_000, state: 'closed', chunks,
      audio: { codec: 'opus', inputSampleRate: 8000, frameMs: 20, preSkip: 312, bitrate: 12000, packetsPerChunk: 48 },
      keyId: '0011223344556677', wrappedKey: Buffer.alloc(101, 7).toString('base64'), gapMs: 0,
      direction: 'incoming', signalling: 'vox', clip: 'ok', sealedMeta: Buffer.alloc(60, 3).toString('base64'), metaVersion: 0,
      retentionMonths: 2, expiresAt: start + 61 * DAY,
    };
    const writes = [store.putRecording({ ...rec, chunks })];
    for (let c = 0; c < chunks; c++) writes.push(store.putChunk(id, c, chunkAt(i * 7 + c)));
    await Promise.all(writes);
  }
  await store.close();
  const before = dirBytes(dir);

  const reopened = await RecordingStore.open(dir);
  const clock = new ManualClock(now);
  const audit = await AuditLog.open(reopened.level, { clock });
  const retention = new Retention(reopened, { clock, monotonic: () => clock.now(), audit, log: pino({ level: 'silent' }) });
  const cost = await startCost();
  const result = await retention.sweep();
  const spent = cost();
  await reopened.close();
  return {
    stored,
    chunksEach: chunks,
    destroyed: result.destroyed,
    perSecond: Math.round(result.destroyed / (spent.wallMs / 1000)),
    wallMs: Math.round(spent.wallMs),
    storeMbBefore: +(before / 1e6).toFixed(1),
    storeMbAfterSweepAndCompaction: +(dirBytes(dir) / 1e6).toFixed(1),
  };
}
