// One measurement of peak memory, alone in its own process so no other phase's heap counts:
//   node rss-child.js baseline <config.json>   loads the recorder's modules (and libopus), nothing more
//   node rss-child.js record   <config.json>   records the trunk file through the whole Box
// Prints one JSON object with the process's peak RSS at the end: VmHWM from /proc/self/status,
// and process.resourceUsage().maxRSS beside it. On Linux, maxRSS is NOT this process's own
// peak: the kernel carries it across fork and exec, so a child starts with the RSS its parent
// had when it forked (a bench parent holding 150 MB of trunk audio gives every child a
// maxRSS of at least 150 MB). VmHWM belongs to the address space exec created, so it is.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parsePublicKey } from '../core/seal/index.js';
import { runPipeline } from './pipeline.js';
import { filePeriods } from './replay-binding.js';
import { benchConfig } from './setup.js';

export interface RssJob {
  trunkPath: string;
  channels: number;
  totalSamples: number;
  storePath: string;
  publicKeyPath: string;
}

/** Peak resident set of this address space, kB; undefined where there is no /proc. */
function vmHwmKb(): number | undefined {
  const status = '/proc/self/status';
  if (!existsSync(status)) return undefined;
  const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync(status, 'utf8'));
  return m ? Number(m[1]) : undefined;
}

async function main(): Promise<void> {
  const [mode, jobPath] = process.argv.slice(2);
  if ((mode !== 'baseline' && mode !== 'record') || !jobPath) throw new TypeError('usage: rss-child.js baseline|record JOB.json');
  const job = JSON.parse(readFileSync(jobPath, 'utf8')) as RssJob;
  const config = benchConfig(job.channels, job.storePath, job.publicKeyPath);
  const sealTo = parsePublicKey(readFileSync(job.publicKeyPath, 'utf8'), job.publicKeyPath);
  // libopus is loaded lazily by the first encoder; the baseline loads it too.
  createRequire(import.meta.url)('audify');
  const out: Record<string, unknown> = { mode, lines: job.channels };
  if (mode === 'record') {
    const run = await runPipeline(config, sealTo, filePeriods(job.trunkPath), job.totalSamples);
    Object.assign(out, {
      recordings: run.records.length,
      recordedMs: run.recordedMs,
      capturedSamples: run.capturedSamples,
      cpuMs: Math.round(run.cost.cpuMs),
      wallMs: Math.round(run.cost.wallMs),
      alarms: run.alarms.length,
    });
  }
  out.peakRssKb = vmHwmKb() ?? process.resourceUsage().maxRSS;
  out.peakRssSource = vmHwmKb() === undefined ? 'maxRSS' : 'VmHWM';
  out.maxRssKb = process.resourceUsage().maxRSS;
  out.heapUsedMb = Math.round((process.memoryUsage().heapUsed / 2 ** 20) * 10) / 10;
  process.stdout.write(JSON.stringify(out) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`rss-child: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
