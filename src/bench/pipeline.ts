import { pino, type Logger } from 'pino';
import { Box } from '../box/box.js';
import type { CaptureStats } from '../box/capture/capture.js';
import { keyspaces } from '../box/store/keys.js';
import type { RecordingRecord } from '../box/store/recording-record.js';
import { RecordingStore } from '../box/store/recording-store.js';
import { ManualClock } from '../core/clock.js';
import type { Config } from '../core/config/index.js';
import type { PublicSealingKey } from '../core/seal/index.js';
import { startCost, type Cost } from './measure.js';
import { replayBinding, type PeriodSource } from './replay-binding.js';

/** The capture timeline's anchor is this fixed time (minus one period): positions map to ms exactly. */
export const BENCH_EPOCH_MS = 1_767_225_600_000; // 2026-01-01T00:00:00Z

export function nullLogger(): Logger {
  return pino({ level: 'warn' }, pino.destination({ dest: '/dev/null', sync: true }));
}

export interface PipelineRun {
  cost: Cost;
  records: RecordingRecord[];
  /** total duration of the recordings, ms */
  recordedMs: number;
  /** samples per channel the capture delivered */
  capturedSamples: number;
  periods: number;
  capture: CaptureStats;
  alarms: unknown[];
}

/**
 * The whole recording path on replayed trunk audio: the real Box (Capture → Demux → Line (VOX,
 * pre-roll) → RecordingWriter (Opus, sealing) → RecordingStore on LevelDB), from opening the
 * store to the store closed with every recording written. The cost covers all of it.
 */
export async function runPipeline(config: Config, sealTo: PublicSealingKey, source: PeriodSource, totalSamples: number): Promise<PipelineRun> {
  const log = nullLogger();
  let ended: () => void = () => {};
  const sourceEnded = new Promise<void>((resolve) => (ended = resolve));
  const binding = replayBinding(source, { onEnd: () => ended() });
  const records: RecordingRecord[] = [];
  const alarms: unknown[] = [];
  const cost = await startCost();
  const box = await Box.start({ config, sealTo, log, binding, clock: new ManualClock(BENCH_EPOCH_MS), stopAfterSamples: totalSamples });
  box.on('recorded', (r: RecordingRecord) => records.push(r));
  box.on('alarm', (a: unknown) => alarms.push(a));
  await Promise.race([new Promise((resolve) => box.once('done', resolve)), sourceEnded]);
  await box.stop();
  const spent = cost();
  return {
    cost: spent,
    records: records.sort((a, b) => a.line.localeCompare(b.line) || a.start - b.start),
    recordedMs: records.reduce((s, r) => s + r.durationMs, 0),
    capturedSamples: box.capture.samples,
    periods: binding.periods,
    capture: { ...box.capture.stats },
    alarms,
  };
}

/** The capture sample position where a recording starts (the inverse of Capture.timeOf in a bench run). */
export function startPosition(record: RecordingRecord, rate: number, periodMs: number): number {
  const anchor = BENCH_EPOCH_MS - periodMs;
  return Math.round(((record.start - anchor) * rate) / 1000);
}

export interface StoredBytes {
  recordings: number;
  chunks: number;
  recordedMs: number;
  /** sum of the sealed chunks' bytes */
  sealedBytes: number;
  /** LevelDB keys of the chunks and records, and the records' JSON */
  recordBytes: number;
  chunkKeyBytes: number;
  /** sealedBytes + recordBytes + chunkKeyBytes: what the store holds, before LevelDB's own overhead */
  logicalBytes: number;
}

/** Reads every recording and chunk back from a closed store and counts what it holds. */
export async function readBack(storePath: string): Promise<StoredBytes> {
  const store = await RecordingStore.open(storePath, { sync: false });
  const prefix = (space: string) => Buffer.byteLength(`!${space}!`);
  const out: StoredBytes = { recordings: 0, chunks: 0, recordedMs: 0, sealedBytes: 0, recordBytes: 0, chunkKeyBytes: 0, logicalBytes: 0 };
  try {
    for await (const record of store.listRecordings()) {
      out.recordings++;
      out.recordedMs += record.durationMs;
      out.recordBytes += prefix(keyspaces.recordings) + Buffer.byteLength(record.id) + Buffer.byteLength(JSON.stringify(record));
      for await (const chunk of store.readChunks(record.id)) {
        out.chunks++;
        out.sealedBytes += chunk.sealed.length;
        out.chunkKeyBytes += prefix(keyspaces.chunks) + Buffer.byteLength(record.id) + 1 + 8;
      }
    }
  } finally {
    await store.close();
  }
  out.logicalBytes = out.sealedBytes + out.recordBytes + out.chunkKeyBytes;
  return out;
}
