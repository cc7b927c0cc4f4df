import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Cost {
  /** user + system CPU of the whole process (every thread: LevelDB's, libuv's, GC's), ms */
  cpuMs: number;
  wallMs: number;
}

/**
 * Starts a measurement after a short pause in which the previous phase's background work (V8's
 * concurrent sweeping, LevelDB's compaction after close) can finish. No forced collection: a
 * full GC shrinks V8's young generation, and the phase after it then pays for extra scavenges
 * while it grows back (measured here: +60 ms on a 670 ms pipeline run). Each phase pays for
 * the collections its own allocations cause, as the box does in steady state.
 * The returned function gives the cost since.
 */
export async function startCost(): Promise<() => Cost> {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  return () => {
    const cpu = process.cpuUsage(cpu0);
    return { cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - wall0 };
  };
}

const SETTLE_MS = 150;

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function spread(xs: readonly number[], digits = 3): Spread {
  const r = (x: number) => round(x, digits);
  return { median: r(median(xs)), min: r(Math.min(...xs)), max: r(Math.max(...xs)), runs: xs.map(r) };
}

export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Bytes of the files under `dir`: as listed (size) and as allocated on disk (blocks). */
export function dirSize(dir: string): { files: number; bytes: number; allocatedBytes: number } {
  let files = 0;
  let bytes = 0;
  let allocatedBytes = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      const d = dirSize(p);
      files += d.files;
      bytes += d.bytes;
      allocatedBytes += d.allocatedBytes;
    } else if (e.isFile()) {
      const st = statSync(p);
      files++;
      bytes += st.size;
      allocatedBytes += st.blocks * 512;
    }
  }
  return { files, bytes, allocatedBytes };
}

export function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}
