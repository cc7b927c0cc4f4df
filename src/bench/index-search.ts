// The indexer's call index at fleet scale: build it from `calls` synthetic recording events
// (20 sites × 8 lines, one outside number per call from a pool of 200,000, starts spread over two
// months), then time the searches a supervisor makes. The numbers stay in this process's memory:
// each call's `sealedMeta` is only a pool position, so the index stores no number, as in production.
// The index is built once (buildSyntheticIndex) and reopened by each user: timeIndexSearch here,
// and api-search.ts / console-pages.ts, which serve it through the API and the console.
import { randomBytes } from 'node:crypto';
import { CallIndex } from '../central/index/call-index.js';
import type { IndexedCall } from '../central/index/types.js';
import type { CallQuery } from '../central/index/types.js';
import { ManualClock, type Clock } from '../core/clock.js';
import { mulberry32 } from '../core/dsp/generate.js';
import { uuidv7 } from '../core/ids.js';
import type { EventMessage, RecordingEvent } from '../core/protocol/messages.js';
import { dirSize, progress, round } from './measure.js';

export const SITES = 20;
export const LINES = 8;
/** every site has one box, of this id */
export const BOX = 'box-1';
const POOL = 200_000;
/** call starts are spread over [T0, T0 + SPAN_MS) */
export const SPAN_MS = 61 * 86_400_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
export const T0 = Date.UTC(2026, 0, 1);
const BATCH = 2000;
const QUERIES = 200;
const LIMIT = 50;

const AUDIO: RecordingEvent['audio'] = { codec: 'opus', inputSampleRate: 8000, frameMs: 20, preSkip: 312, bitrate: 12000, packetsPerChunk: 48 };

/** A built synthetic index, closed: what the searches (direct, through the API, the console) reopen. */
export interface SyntheticIndex {
  dir: string;
  calls: number;
  buildS: number;
  /** the outside numbers, national spelling; a call's `sealedMeta` is its position here */
  pool: readonly string[];
  blindKey: Buffer;
  openMeta: (call: IndexedCall) => { calling?: string; called?: string } | undefined;
}

/** Builds the index from `calls` synthetic recording events (fsync off: it is the fixture) and closes it. */
export async function buildSyntheticIndex(opts: { calls: number; dir: string }): Promise<SyntheticIndex> {
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
  const index = await CallIndex.open(opts.dir, { blindKey, openMeta, clock, sync: false });
  const seqs = new Array<number>(SITES).fill(0);
  const began = performance.now();
  for (let done = 0; done < opts.calls; ) {
    const n = Math.min(BATCH, opts.calls - done);
    const items = Array.from({ length: n }, () => {
      const site = Math.floor(rnd() * SITES);
      return { site: siteId(site), box: BOX, event: recordingEvent(++seqs[site]!, rnd) };
    });
    await index.ingestMany(items);
    done += n;
    if (done % 100_000 < BATCH) progress(`index: ${done} ingested, ${Math.round(done / ((performance.now() - began) / 1000))} events/s`);
  }
  const buildS = (performance.now() - began) / 1000;
  await index.close();
  return { dir: opts.dir, calls: opts.calls, buildS, pool, blindKey, openMeta };
}

/** The index reopened as an indexer finds it after a restart (fsync on, as in production). */
export function openSyntheticIndex(built: SyntheticIndex, clock: Clock = new ManualClock(T0 + SPAN_MS)): Promise<CallIndex> {
  return CallIndex.open(built.dir, { blindKey: built.blindKey, openMeta: built.openMeta, clock });
}

/**
 * The kinds of search a supervisor makes, as query makers over one random stream: by number (a
 * national spelling with a space), by a 1-hour window, by a 1-day window at one site, by one line
 * (site and line) over one day, and a 1-day window at every site (the start of a paged listing).
 */
export function queryMakers(pool: readonly string[], qr: () => number) {
  const window = (span: number) => {
    const from = T0 + Math.floor(qr() * (SPAN_MS - span));
    return { from, to: from + span };
  };
  return {
    number: (): CallQuery => ({ number: pool[Math.floor(qr() * pool.length)]!, limit: LIMIT }),
    hour: (): CallQuery => ({ ...window(HOUR), limit: LIMIT }),
    daySite: (): CallQuery => ({ ...window(DAY), site: siteId(Math.floor(qr() * SITES)), limit: LIMIT }),
    dayLine: (): CallQuery => ({ ...window(DAY), site: siteId(Math.floor(qr() * SITES)), line: `line-${1 + Math.floor(qr() * LINES)}`, limit: LIMIT }),
    dayAll: (): CallQuery => ({ ...window(DAY), limit: LIMIT }),
  };
}

/** The searches timed directly on CallIndex.search: the figures of `indexSearch`. */
export async function timeIndexSearch(built: SyntheticIndex): Promise<Record<string, number>> {
  const index = await openSyntheticIndex(built);
  const count = await index.count();

  const make = queryMakers(built.pool, mulberry32(7));
  const byNumber = await timeQueries(index, make.number);
  const byHour = await timeQueries(index, make.hour);
  const byDaySite = await timeQueries(index, make.daySite);
  await index.close();

  const disk = dirSize(built.dir);
  return {
    calls: count,
    buildS: round(built.buildS, 1),
    ingestEventsPerS: Math.round(built.calls / built.buildS),
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

export async function benchIndexSearch(opts: { calls: number; dir: string }): Promise<Record<string, number>> {
  return timeIndexSearch(await buildSyntheticIndex(opts));
}

export const siteId = (n: number): string => `site-${String(n + 1).padStart(2, '0')}`;

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
