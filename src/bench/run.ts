// `npm run bench`: libopus alone against the whole recording pipeline, on the same audio, in
// the same run; storage per audio minute; peak memory with 8 lines recording. Prints one JSON
// object on stdout, progress on stderr. docs/bench.md explains every figure.
// The central side reads BENCH_INDEX_CALLS (1,000,000), BENCH_API_QUERIES (200 per kind),
// BENCH_PAGE_REPS (50 per console page), BENCH_LISTEN_REPS (10) and BENCH_LISTEN_MINUTES (10);
// BENCH_ONLY=index,api,console,listen runs only those central sections (one index for the first three).
import { benchSweep } from './sweep.js';
import { benchSyncDrain } from './sync-drain.js';
import { buildSyntheticIndex, timeIndexSearch } from './index-search.js';
import { benchApiSearch, serveCentral } from './api-search.js';
import { benchConsolePages } from './console-pages.js';
import { benchListenLatency } from './listen-latency.js';
import { benchNoticeVerify } from './notice-verify.js';
import { runDetectors, type DetectorSet } from './detectors.js';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../core/config/index.js';
import { makeTrunk, type Trunk } from '../simulate/trunk.js';
import { encodeBare, type Segment } from './bare.js';
import { dirSize, median, progress, round, spread } from './measure.js';
import { readBack, runPipeline, startPosition, type PipelineRun } from './pipeline.js';
import { memoryPeriods } from './replay-binding.js';
import type { RssJob } from './rss-child.js';
import { allBusyScenario, benchConfig, benchKeys, BITRATE, callsScenario, FRAME_MS, FRAME_SAMPLES, RATE } from './setup.js';

const REPS = positiveInt(process.env.BENCH_REPS, 5);
const RSS_REPS = positiveInt(process.env.BENCH_RSS_REPS, 3);
const RATIO_LINES = 2;
const RATIO_SECONDS = 120;
const RSS_LINES = 8;
// Long enough that LevelDB's 4 MB memtable fills and is flushed and compacted at least once
// (at about 2000 line-seconds): before that, peak RSS is still climbing (~93 MB at 8 × 60 s).
const RSS_SECONDS = 300;
const TARGET = { ratio: 1.25, bytesPerAudioMinute: 120_000 } as const;
/** BENCH_ONLY=index,api,console,listen: those central sections alone (one index built for the first three). */
const CENTRAL_SECTIONS = ['index', 'api', 'console', 'listen'] as const;
type CentralSection = (typeof CENTRAL_SECTIONS)[number];

function positiveInt(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

function channelOf(config: Config, lineId: string): number {
  const line = config.lines.find((l) => l.id === lineId);
  if (!line) throw new Error(`recording on unknown line ${lineId}`);
  return line.channel;
}

function speechShare(trunk: Trunk, channels: number, seconds: number): number {
  return trunk.truth.reduce((s, c) => s + (c.endMs - c.startMs), 0) / (channels * seconds * 1000);
}

function libopusInfo(): string {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve('audify/package.json');
  const version = (JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string }).version;
  const release = join(dirname(pkgPath), 'build', 'Release');
  const so = existsSync(release) ? readdirSync(release).find((f) => /^libopus\.so\.\d+\.\d+\.\d+$/.test(f)) : undefined;
  // audify's bundled libopus reports "libopus unknown" as its version string; the soname tells 1.5 (0.10.x).
  return `audify ${version}` + (so ? ` (bundled ${so}: libopus 1.5)` : '');
}

async function main(): Promise<void> {
  const began = performance.now();
  const tmp = mkdtempSync(join(tmpdir(), 'tallennin-bench-'));
  try {
    const result = await bench(tmp);
    result.elapsedS = round((performance.now() - began) / 1000, 1);
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } finally {
    if (!process.env.BENCH_KEEP) rmSync(tmp, { recursive: true, force: true });
    else progress(`kept ${tmp}`);
  }
}

/**
 * The central side: the call index of BENCH_INDEX_CALLS calls built once, searched directly
 * (indexSearch), through the HTTP API (apiSearch) and the console's pages (consolePages); then
 * time to first audio of a 10-minute recording through mosquitto, a box and the indexer.
 */
async function centralBench(tmp: string, want: (s: CentralSection) => boolean): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  if (want('index') || want('api') || want('console')) {
    const indexCalls = positiveInt(process.env.BENCH_INDEX_CALLS, 1_000_000);
    progress(`call index: ${indexCalls} calls`);
    const built = await buildSyntheticIndex({ calls: indexCalls, dir: join(tmp, 'index') });
    if (want('index')) {
      out['indexSearch'] = { ...(await timeIndexSearch(built)), target: 'search p99 ≤ 50 ms', basis: 'ingest of synthetic calls without fsync, then 200 queries of each kind on the reopened index, limit 50' };
    }
    if (want('api') || want('console')) {
      progress('the index behind the API and the console, on 127.0.0.1');
      const central = await serveCentral(built, join(tmp, 'central'));
      try {
        if (want('api')) out['apiSearch'] = await benchApiSearch(central, { queries: positiveInt(process.env.BENCH_API_QUERIES, 200) });
        if (want('console')) out['consolePages'] = await benchConsolePages(central, { reps: positiveInt(process.env.BENCH_PAGE_REPS, 50) });
      } finally {
        await central.close();
      }
    }
    rmSync(join(tmp, 'index'), { recursive: true, force: true });
    rmSync(join(tmp, 'central'), { recursive: true, force: true });
  }
  if (want('listen')) {
    out['listenLatency'] = await benchListenLatency(join(tmp, 'listen'), {
      reps: positiveInt(process.env.BENCH_LISTEN_REPS, 10),
      minutes: positiveInt(process.env.BENCH_LISTEN_MINUTES, 10),
    });
    rmSync(join(tmp, 'listen'), { recursive: true, force: true });
  }
  return out;
}

const context = () => ({ node: process.version, cpu: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}` });

async function bench(tmp: string): Promise<Record<string, unknown>> {
  const only = process.env.BENCH_ONLY?.split(',').map((x) => x.trim()).filter(Boolean);
  if (only && only.length > 0) {
    const unknown = only.filter((x) => !(CENTRAL_SECTIONS as readonly string[]).includes(x));
    if (unknown.length > 0) throw new Error(`BENCH_ONLY: ${unknown.join(', ')}: not a section; choose from ${CENTRAL_SECTIONS.join(', ')}`);
    return { ...(await centralBench(tmp, (x) => only.includes(x))), ...context() };
  }
  progress('controller keys');
  const { publicKeyPath, sealTo } = benchKeys(tmp);

  // ---- ratio: the same audio through libopus alone and through the whole Box ----------------
  const scenario = callsScenario(RATIO_LINES, RATIO_SECONDS, 46, 14);
  progress(`trunk: ${RATIO_LINES} lines × ${RATIO_SECONDS} s`);
  const trunk = makeTrunk(scenario);
  const totalSamples = (RATIO_SECONDS * RATE) | 0;
  progress(`speech source: ${trunk.speech}`);

  let storeNo = 0;
  const pipelineOnce = async (): Promise<{ run: PipelineRun; dir: string; config: Config }> => {
    const dir = join(tmp, `store-${storeNo++}`);
    const config = benchConfig(RATIO_LINES, dir, publicKeyPath);
    const run = await runPipeline(config, sealTo, memoryPeriods(trunk.audio), totalSamples);
    if (run.alarms.length > 0) throw new Error(`the pipeline raised alarms: ${JSON.stringify(run.alarms)}`);
    return { run, dir, config };
  };

  progress('warm-up pipeline run (its recordings fix the audio the bare encoder gets)');
  const warm = await pipelineOnce();
  const periodMs = warm.config.capture.periodMs;
  const segments: Segment[] = warm.run.records.map((r) => ({
    signal: trunk.lines[channelOf(warm.config, r.line)]!,
    from: startPosition(r, RATE, periodMs),
    frames: r.durationMs / FRAME_MS,
  }));
  const everyFrame: Segment[] = trunk.lines.map((signal) => ({ signal, from: 0, frames: Math.floor(signal.length / FRAME_SAMPLES) }));
  const recordedS = warm.run.recordedMs / 1000;
  const capturedS = (RATIO_LINES * warm.run.capturedSamples) / RATE;

  // Storage: what the store holds, then the LevelDB directory as the box left it (its write-ahead
  // log still holding every rewrite of each record) and after a reopen (log compacted to a table).
  const dirAfterClose = dirSize(warm.dir);
  const stored = await readBack(warm.dir);
  const dirAfterReopen = dirSize(warm.dir);
  rmSync(warm.dir, { recursive: true, force: true });
  if (stored.recordedMs !== warm.run.recordedMs) throw new Error(`store holds ${stored.recordedMs} ms, the box reported ${warm.run.recordedMs} ms`);

  // A second warm-up of each: the first measured pipeline run was still slower (JIT tiers).
  rmSync((await pipelineOnce()).dir, { recursive: true, force: true });
  await encodeBare(segments, RATE, BITRATE, FRAME_SAMPLES);

  const bare: number[] = [];
  const bareWall: number[] = [];
  const pipe: number[] = [];
  const pipeWall: number[] = [];
  const every: number[] = [];
  const ratios: number[] = [];
  let packetBytes = 0;
  let bareFrames = 0;
  for (let i = 0; i < REPS; i++) {
    progress(`rep ${i + 1}/${REPS}: bare Opus and pipeline`);
    // Alternate the order so a drift in the machine's speed does not favour one side.
    const doBare = () => encodeBare(segments, RATE, BITRATE, FRAME_SAMPLES);
    let b;
    let p;
    if (i % 2 === 0) {
      b = await doBare();
      p = await pipelineOnce();
    } else {
      p = await pipelineOnce();
      b = await doBare();
    }
    rmSync(p.dir, { recursive: true, force: true });
    if (p.run.recordedMs !== warm.run.recordedMs) {
      throw new Error(`rep ${i + 1} recorded ${p.run.recordedMs} ms, the warm-up ${warm.run.recordedMs} ms: the pipeline is not deterministic`);
    }
    packetBytes = b.packetBytes;
    bareFrames = b.frames;
    bare.push(b.cost.cpuMs);
    bareWall.push(b.cost.wallMs);
    pipe.push(p.run.cost.cpuMs);
    pipeWall.push(p.run.cost.wallMs);
    ratios.push(p.run.cost.cpuMs / b.cost.cpuMs);
    every.push((await encodeBare(everyFrame, RATE, BITRATE, FRAME_SAMPLES)).cost.cpuMs);
  }
  const everyS = (everyFrame.reduce((s, g) => s + g.frames, 0) * FRAME_MS) / 1000;
  const ratio = median(ratios);

  // ---- the line's detectors alone, on every frame, against Opus on every frame ---------------
  progress('detectors: VOX, DTMF, tones, FSK caller ID on every frame of each line');
  const detectorCost: Record<DetectorSet, number[]> = { vox: [], 'vox+dtmf+tones': [], 'vox+dtmf+fsk+tones': [] };
  for (let i = 0; i < REPS; i++) {
    for (const set of Object.keys(detectorCost) as DetectorSet[]) {
      detectorCost[set].push((await runDetectors(trunk.lines, RATE, FRAME_SAMPLES, set)).cpuMs);
    }
  }
  const everyMedian = median(every);
  const detectors = Object.fromEntries(
    (Object.keys(detectorCost) as DetectorSet[]).map((set) => {
      const cpu = median(detectorCost[set]);
      return [set, { cpuMsPerLineMinute: +((cpu / everyS) * 60).toFixed(2), vsOpus: +(cpu / everyMedian).toFixed(3), rtf: +(everyS / (cpu / 1000)).toFixed(0) }];
    }),
  );

  // ---- the recording announcement's verify, per call, against the call's Opus encode ---------
  const noticeVerify = await benchNoticeVerify();

  // ---- the sweeper with 100,000 recordings stored, 20,000 of them expired --------------------
  progress('sweep: 100,000 recordings stored, 20,000 expired');
  const sweepDir = join(tmp, 'sweep');
  const sweep = await benchSweep(sweepDir, 100_000, 20_000, 4);
  rmSync(sweepDir, { recursive: true, force: true });

  // ---- sync: 10,000 events queued offline, drained through mosquitto into the indexer -------
  const syncDrain = await benchSyncDrain(join(tmp, 'sync'), 10_000);
  rmSync(join(tmp, 'sync'), { recursive: true, force: true });

  // ---- the call index: 1,000,000 calls (BENCH_INDEX_CALLS), searched directly, through the API
  // and the console; time to first audio through mosquitto, a box and the indexer ------------
  const central = await centralBench(tmp, () => true);

  // ---- peak RSS: 8 lines recording at once, each measurement in its own process --------------
  progress(`trunk: ${RSS_LINES} lines × ${RSS_SECONDS} s, every line in a call`);
  const busy = makeTrunk(allBusyScenario(RSS_LINES, RSS_SECONDS));
  const trunkPath = join(tmp, 'trunk8.raw');
  writeFileSync(trunkPath, busy.audio);
  const child = join(dirname(fileURLToPath(import.meta.url)), 'rss-child.js');
  const runChild = (mode: 'baseline' | 'record', n: number): Record<string, number> => {
    const storePath = join(tmp, `rss-store-${mode}-${n}`);
    mkdirSync(storePath, { recursive: true });
    const job: RssJob = { trunkPath, channels: RSS_LINES, totalSamples: RSS_SECONDS * RATE, storePath, publicKeyPath };
    const jobPath = join(tmp, `rss-job-${mode}-${n}.json`);
    writeFileSync(jobPath, JSON.stringify(job));
    const r = spawnSync(process.execPath, [child, mode, jobPath], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0) throw new Error(`rss-child ${mode} exited with ${r.status ?? r.signal}`);
    rmSync(storePath, { recursive: true, force: true });
    return JSON.parse(r.stdout) as Record<string, number>;
  };
  const baselines: number[] = [];
  const baselineHeaps: number[] = [];
  const records: Record<string, number>[] = [];
  for (let i = 0; i < RSS_REPS; i++) {
    progress(`rss ${i + 1}/${RSS_REPS}: baseline process, then ${RSS_LINES} lines × ${RSS_SECONDS} s recording`);
    const base = runChild('baseline', i);
    baselines.push(base.peakRssKb! / 1024);
    baselineHeaps.push(base.heapUsedMb!);
    records.push(runChild('record', i));
  }
  const peaks = records.map((r) => r.peakRssKb! / 1024);
  const inherited = records.map((r) => r.maxRssKb! / 1024);
  const busyRecordedS = median(records.map((r) => r.recordedMs!)) / 1000;

  const perMinute = (bytes: number) => Math.round((bytes / stored.recordedMs) * 60_000);
  const cpuRtf = (audioS: number, ms: number[]) => spread(ms.map((m) => audioS / (m / 1000)), 1);
  return {
    syncDrain,
    indexSearch: central['indexSearch'],
    apiSearch: central['apiSearch'],
    consolePages: central['consolePages'],
    listenLatency: central['listenLatency'],
    sweep: { ...sweep, basis: 'one sweeper pass with fsync on, audit entries included; store size on disk before and after the pass and its compaction' },
    noticeVerify,
    detectors: { ...detectors, basis: 'CPU of the detectors alone on every 20 ms frame of both lines, over CPU of libopus encoding the same frames (everyFrame), medians' },
    opusBare: {
      rtf: cpuRtf(recordedS, bare).median,
      basis: 'cpu (process.cpuUsage user+system)',
      rtfSpread: cpuRtf(recordedS, bare),
      wallRtf: cpuRtf(recordedS, bareWall).median,
      audioS: recordedS,
      frames: bareFrames,
      cpuMs: spread(bare, 1),
      everyFrameRtf: cpuRtf(everyS, every).median,
    },
    pipeline: {
      rtf: cpuRtf(capturedS, pipe).median,
      basis: 'cpu (process.cpuUsage user+system, every thread), per line-second captured',
      rtfSpread: cpuRtf(capturedS, pipe),
      rtfPerRecordedSecond: cpuRtf(recordedS, pipe).median,
      wallRtf: cpuRtf(capturedS, pipeWall).median,
      capturedS,
      recordedS,
      recordings: warm.run.records.length,
      cpuMs: spread(pipe, 1),
    },
    ratio: {
      value: round(ratio, 3),
      target: TARGET.ratio,
      pass: ratio <= TARGET.ratio,
      basis: 'median over reps of pipeline CPU / bare-Opus CPU; bare encodes exactly the recorded audio (each recording: its line, start sample and frame count)',
      runs: ratios.map((r) => round(r, 3)),
      ofMedians: round(median(pipe) / median(bare), 3),
      inCallsShare: round(recordedS / capturedS, 3),
      speechShare: round(speechShare(trunk, RATIO_LINES, RATIO_SECONDS), 3),
      vsEveryFrame: round(median(pipe) / median(every), 3),
      // The premise checked: the Opus bytes inside the stored chunks (sealed bytes less the
      // per-chunk version byte, GCM tag and packet count, and the 2-byte length of each packet)
      // against what the bare encoder produced from the same frames.
      opusBytesBare: packetBytes,
      opusBytesStored: stored.sealedBytes - stored.chunks * (1 + 16 + 2) - (stored.recordedMs / FRAME_MS) * 2,
    },
    bytesPerAudioMinute: {
      value: perMinute(stored.logicalBytes),
      target: TARGET.bytesPerAudioMinute,
      pass: perMinute(stored.logicalBytes) <= TARGET.bytesPerAudioMinute,
      basis: 'sealed chunks + chunk keys + final records (key and JSON), read back from the store, per minute recorded',
      opusPayload: perMinute(packetBytes),
      sealedChunks: perMinute(stored.sealedBytes),
      levelDbAfterClose: perMinute(dirAfterClose.bytes),
      levelDbAfterCloseAllocated: perMinute(dirAfterClose.allocatedBytes),
      levelDbAfterReopen: perMinute(dirAfterReopen.bytes),
      recordings: stored.recordings,
      chunks: stored.chunks,
      recordedS: stored.recordedMs / 1000,
    },
    peakRssMb8Lines: {
      value: round(median(peaks), 1),
      basis: `peak RSS (VmHWM) of a child process recording ${RSS_LINES} lines × ${RSS_SECONDS} s, all in calls`,
      runs: peaks.map((x) => round(x, 1)),
      baselineMb: round(median(baselines), 1),
      baselineRuns: baselines.map((x) => round(x, 1)),
      aboveBaselineMb: round(median(peaks) - median(baselines), 1),
      // Linux carries maxRSS across fork+exec: this is max(the parent's RSS at fork, the child's peak).
      maxRssMbAsNodeReports: round(median(inherited), 1),
      heapUsedMbAtEnd: median(records.map((r) => r.heapUsedMb!)),
      baselineHeapUsedMb: median(baselineHeaps),
      recordedS: busyRecordedS,
      speechShare: round(speechShare(busy, RSS_LINES, RSS_SECONDS), 3),
    },
    speech: trunk.speech,
    reps: REPS,
    node: process.version,
    cpu: `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`,
    libopus: libopusInfo(),
    opus: `mono ${RATE} Hz, 20 ms frames, VOIP, ${BITRATE / 1000} kbit/s, complexity: libopus default (9; audify cannot set it)`,
  };
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
