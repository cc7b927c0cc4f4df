// The indexer's call index at fleet scale: build it from `calls` synthetic recording events
// (20 sites × 8 lines, one outside number per call from a pool of 200,000, starts spread over two
// months), then time the searches a supervisor makes. The numbers stay in this process's memory:
// each call's `sealedMeta` is only a pool position, so the index stores no number, as in production.
import { randomBytes } from 'node:crypto';
import { CallIndex } from '../central/index/call-index.js';
import type { IndexedCall } from '../central/index/types.js';
import type { CallQuery } from '../central/index/types.js';
import { ManualClock } from '../core/clock.js';
import { mulberry32 } from '../core/dsp/generate.js';
import { uuidv7 } from '../core/ids.js';
import type { EventMessage, RecordingEvent } from '../core/protocol/messages.js';
import { dirSize, progress, round } from './measure.js';

const SITES = 20;
const LINES = 8;
const POOL = 200_000;
const SPAN_MS = 61 * 86_400_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
const BATCH = 2000;
const QUERIES = 200;
const LIMIT = 50;

const AUDIO: RecordingEvent['audio'] = { codec: 'opus', inputSampleRate: 8000, frameMs: 20, preSkip: 312, bitrate: 12000, packetsPerChunk: 48 };

export async function benchIndexSearch(opts: { calls: number; dir: string }): Promise<Record<string, number>> {
  const rnd = mulberry32(20260101);
  // Finnish mobile numbers, as a national 10-digit spelling: what a supervisor types.
  const pool = Array.from({ length: POOL }, () => `04${Math.floor(rnd() * 10)} ${String(Math.floor(rnd() * 1e7)).padStart(7, '0')}`);
  const openMeta = (call: IndexedCall) => {
    const meta = call.sealed?.sealedMeta;
    if (meta === undefined) return undefined;
    const n = pool[Buffer.from(meta, 'base64').readUInt32BE(0)]!;
    return call.direction === 'outgoing' ? { called: n } : { calling: n };
  };
  const blindKey = randomBytes(32);
  const clock = new ManualClock(T0 + SPAN_MS);

  progress(`index: ingesting ${opts.calls} recording events`);
  let index = await CallIndex.open(opts.dir, { blindKey, openMeta, clock, sync: false });
  const seqs = new Array<number>(SITES).fill(0);
  const began = performance.now();
  for (let done = 0; done < opts.calls; ) {
    const n = Math.min(BATCH, opts.calls - done);
    const items = Array.from({ length: n }, () => {
      const site = Math.floor(rnd() * SITES);
      return { site: siteId(site), box: 'box-1', event: recordingEvent(++seqs[site]!, rnd) };
    });
    await index.ingestMany(items);
    done += n;
    if (done % 100_000 < BATCH) progress(`index: ${done} ingested, ${Math.round(done / ((performance.now() - began) / 1000))} events/s`);
  }
  const buildS = (performance.now() - began) / 1000;
  // Searches run on the index as an indexer finds it after a restart, not on the writer's warm state.
  await index.close();
  index = await CallIndex.open(opts.dir, { blindKey, openMeta, clock });
  const count = await index.count();

  const qr = mulberry32(7);
  const byNumber = await timeQueries(index, () => ({ number: pool[Math.floor(qr() * POOL)]!, limit: LIMIT }));
  const byHour = await timeQueries(index, () => {
    const from = T0 + Math.floor(qr() * (SPAN_MS - HOUR));
    return { from, to: from + HOUR, limit: LIMIT };
  });
  const byDaySite = await timeQueries(index, () => {
    const from = T0 + Math.floor(qr() * (SPAN_MS - DAY));
    return { from, to: from + DAY, site: siteId(Math.floor(qr() * SITES)), limit: LIMIT };
  });
  await index.close();

  const disk = dirSize(opts.dir);
  return {
    calls: count,
    buildS: round(buildS, 1),
    ingestEventsPerS: Math.round(opts.calls / buildS),
    dbMB: round(disk.bytes / 1e6, 1),
    numberP50Ms: round(byNumber.p50, 2),
    numberP99Ms: round(byNumber.p99, 2),
    numberMeanHits: round(byNumber.meanHits, 1),
    hourP50Ms: round(byHour.p50, 2),
    hourP99Ms: round(byHour.p99, 2),
    hourMeanHits: round(byHour.meanHits, 1),
    daySiteP50Ms: round(byDaySite.p50, 2),
    daySiteP99Ms: round(byDaySite.p99, 2),
    daySiteMeanHits: round(byDaySite.meanHits, 1),
  };
}

const siteId = (n: number): string => `site-${String(n + 1).padStart(2, '0')}`;

function recordingEvent(seq: number, rnd: () => number): EventMessage {
  const start = T0 + Math.floor(rnd() * SPAN_MS);
  const durationMs = 20_000 + Math.floor(rnd() * 400_000);
  const meta = Buffer.alloc(4);
  meta.writeUInt32BE(Math.floor(rnd() * POOL));
  const body: RecordingEvent = {
    id: uuidv7(start), line: `line-${1 + Math.floor(rnd() * LINES)}`, start, end: start + durationMs, durationMs, state: 'closed',
    direction: rnd() < 0.7 ? 'incoming' : 'outgoing', signalling: 'line-unit', clip: 'ok', sealedMeta: meta.toString('base64'), metaVersion: 0,
    // The size of a real ECIES-wrapped key, and as incompressible.
    wrappedKey: randomBytes(92).toString('base64'), keyId: '0011223344556677', chunks: Math.ceil(durationMs / 960), gapMs: 0,
    retentionMonths: 2, expiresAt: start + 59 * DAY, holds: [], audio: AUDIO,
  };
  return { seq, boot: 1, ts: body.end, kind: 'recording', body };
}

async function timeQueries(index: CallIndex, make: () => CallQuery): Promise<{ p50: number; p99: number; meanHits: number }> {
  const ms: number[] = [];
  let hits = 0;
  for (let i = 0; i < QUERIES; i++) {
    const q = make();
    const t0 = performance.now();
    const page = await index.search(q);
    ms.push(performance.now() - t0);
    hits += page.calls.length;
  }
  ms.sort((a, b) => a - b);
  const at = (p: number) => ms[Math.min(ms.length - 1, Math.ceil(p * ms.length) - 1)]!;
  return { p50: at(0.5), p99: at(0.99), meanHits: hits / QUERIES };
}
