// Search through the indexer's HTTP API over the 1,000,000-call index of index-search.ts: the
// real `buildApi` (bearer tokens, schema checks, an audit entry written with fsync before each
// answer, JSON) with the real console beside it, listening on loopback, asked over one
// keep-alive connection. The reference, in the same run on the same index, is CallIndex.search
// called directly with the very query the route hands it. `serveCentral` is shared with
// console-pages.ts, which times the console's pages on the same server.
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { AuditLog } from '../core/audit/index.js';
import { AccountsFile, CONSOLE_ACCOUNT_RULES } from '../core/auth/index.js';
import type { Clock } from '../core/clock.js';
import { mulberry32 } from '../core/dsp/generate.js';
import { generateCommandKeys } from '../core/protocol/command.js';
import type { StatusPayload } from '../core/protocol/messages.js';
import { keyIdOf } from '../core/seal/index.js';
import { buildApi, newApiToken } from '../central/api/server.js';
import { CopyKeeper } from '../central/copies/keeper.js';
import { CopyStore } from '../central/copies/store.js';
import { Fleet } from '../central/fleet/fleet.js';
import type { CallIndex } from '../central/index/call-index.js';
import type { CallQuery } from '../central/index/types.js';
import { CentralCommands } from '../central/ingest/commands.js';
import { Playback } from '../central/playback/playback.js';
import { ProjectStore } from '../central/projects/store.js';
import { BOX, LINES, openSyntheticIndex, queryMakers, siteId, SITES, SPAN_MS, T0, type SyntheticIndex } from './index-search.js';
import { progress, round } from './measure.js';
import { nullLogger } from './pipeline.js';
import { blindIndexKey } from '../core/seal/index.js';
import { FieldSealer } from '../central/registers/sealer.js';

const HOUR = 3_600_000;
export const API_TARGET_MS = 100;

// ---- timing helpers ---------------------------------------------------------------------------

export interface Percentiles {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles, ms rounded to 0.01. */
export function percentiles(xs: readonly number[], digits = 2): Percentiles {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => (s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!);
  return { n: s.length, p50: round(at(0.5), digits), p95: round(at(0.95), digits), p99: round(at(0.99), digits), max: round(at(1), digits) };
}

// ---- an HTTP client over one keep-alive connection, with a cookie jar -------------------------

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** ms from sending the request to its response head, to the first body byte, to the last */
  headMs: number;
  firstByteMs: number;
  totalMs: number;
  /** the server's own time for the request (addServerTiming's header): first onRequest hook to onSend */
  serverMs: number | undefined;
  /** whether the request went over a connection already used */
  reused: boolean;
}

/**
 * Node's http client with a keep-alive agent of one socket: every request after the first goes
 * over the same connection, as a browser's or a script's would. Keeps the cookies it is given
 * (path and expiry ignored: one server, one session at a time).
 */
export class HttpClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  readonly jar = new Map<string, string>();
  requests = 0;
  reusedRequests = 0;

  constructor(readonly base: string, private readonly headers: Record<string, string> = {}) {}

  request(method: string, path: string, o: { headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
    const url = new URL(path, this.base);
    const headers: Record<string, string> = { ...this.headers, ...o.headers };
    if (this.jar.size > 0) headers['cookie'] = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    if (o.body !== undefined) headers['content-length'] = String(Buffer.byteLength(o.body));
    return new Promise<Answer>((resolve, reject) => {
      const t0 = performance.now();
      const req = httpRequest(url, { method, headers, agent: this.agent }, (res) => {
        const headMs = performance.now() - t0;
        let firstByteMs = NaN;
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => {
          if (parts.length === 0) firstByteMs = performance.now() - t0;
          parts.push(d);
        });
        res.once('error', reject);
        res.once('end', () => {
          const totalMs = performance.now() - t0;
          this.keep(res.headers['set-cookie']);
          const timing = /app;dur=([0-9.]+)/.exec(String(res.headers['server-timing'] ?? ''));
          this.requests++;
          if (req.reusedSocket) this.reusedRequests++;
          resolve({
            status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts), headMs,
            firstByteMs: Number.isNaN(firstByteMs) ? totalMs : firstByteMs, totalMs,
            serverMs: timing ? Number(timing[1]) : undefined, reused: req.reusedSocket,
          });
        });
      });
      req.once('error', reject);
      req.end(o.body);
    });
  }

  get(path: string, headers?: Record<string, string>): Promise<Answer> {
    return this.request('GET', path, headers ? { headers } : {});
  }

  postForm(path: string, form: Record<string, string>): Promise<Answer> {
    return this.request('POST', path, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
  }

  close(): void {
    this.agent.destroy();
  }

  private keep(set: string[] | undefined): void {
    for (const c of set ?? []) {
      const [pair = ''] = c.split(';');
      const eq = pair.indexOf('=');
      const k = pair.slice(0, eq);
      const v = pair.slice(eq + 1);
      if (v === '' || /Expires=Thu, 01 Jan 1970/i.test(c) || /Max-Age=0\b/i.test(c)) this.jar.delete(k);
      else this.jar.set(k, v);
    }
  }
}

/** The CSRF token of the last form on a page. */
export const csrfOf = (page: string): string => /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';

/**
 * Adds the server's own time for each request, from its first onRequest hook (routing done) to
 * its onSend (the answer serialised, about to be written), as a `server-timing` header. Fastify's
 * reply.elapsedTime stays 0 here: it is kept only with a logger or an onResponse hook. Call
 * before the app is ready: root hooks reach every route registered under the root.
 */
export function addServerTiming(app: FastifyInstance): void {
  const began = new WeakMap<object, number>();
  app.addHook('onRequest', async (request) => {
    began.set(request.raw, performance.now());
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const t0 = began.get(request.raw);
    if (t0 !== undefined) reply.header('server-timing', `app;dur=${(performance.now() - t0).toFixed(2)}`);
    return payload;
  });
}

// ---- the central server over the synthetic index ----------------------------------------------

export interface Central {
  url: string;
  app: FastifyInstance;
  index: CallIndex;
  audit: AuditLog;
  fleet: Fleet;
  projects: ProjectStore;
  accounts: AccountsFile;
  clock: Clock;
  built: SyntheticIndex;
  /** bearer tokens: a supervisor of every site, a supervisor of `ownSites`, a privacy officer */
  tokens: { supervisor: string; ownSites: string; officer: string };
  ownSites: string[];
  close(): Promise<void>;
}

function boxStatus(now: number, site: number): StatusPayload {
  return {
    ts: now, boot: 3, version: '0.1.0', uptimeS: 86_400 * 12, announcement: 'verify',
    lines: Array.from({ length: LINES }, (_, l) => ({
      id: `line-${l + 1}`, state: (l + site) % 3 === 0 ? 'active' : 'idle', since: now - 60_000 * (l + 1), lastCallEnd: now - 300_000, notice: 'heard' as const,
    })),
    capture: { state: 'running', overruns: 0, gapsMs: 0 },
    disk: { freeBytes: 40e9, totalBytes: 64e9, usedPercent: 37.5, daysLeft: 900, level: 'ok' },
    cpu: { load1: 0.4, temperatureC: 51 },
    memory: { rssBytes: 140e6, freeBytes: 1.2e9, totalBytes: 4e9 },
    clock: { synced: true, source: 'ntp' },
    outbox: { backlog: 0, lastAckedSeq: 50_000 },
    alarms: site === 3 ? [{ kind: 'storage-warning', message: 'disk filling faster than usual', since: now - 3_600_000 }] : [],
  };
}

/**
 * The index reopened behind the real API and console, as `Indexer.start` builds them (the audit
 * log, fleet, projects and copies in the index's LevelDB), but with no broker: commands fail at
 * once. The clock runs in real time from just after the index's last call. The fleet holds the
 * 20 sites' boxes with a health report each; a few training projects exist.
 */
export async function serveCentral(built: SyntheticIndex, dir: string): Promise<Central> {
  mkdirSync(dir, { recursive: true });
  const shift = T0 + SPAN_MS + HOUR - Date.now();
  const clock: Clock = { now: () => Date.now() + shift };
  const log = nullLogger();
  const index = await openSyntheticIndex(built, clock);
  const audit = await AuditLog.open(index.db, { clock });
  // The boxes report once, at the start: "lost" only after a day, so none goes lost during the bench.
  const fleet = await Fleet.open(index.db, { lostAfterMs: 86_400_000 });
  const now = clock.now();
  for (let s = 0; s < SITES; s++) {
    await fleet.onState(siteId(s), BOX, { state: 'ready', ts: now, boot: 3 }, now);
    await fleet.onStatus(siteId(s), BOX, boxStatus(now, s), now);
  }
  const projects = new ProjectStore(index.db, clock);
  const ownSites = [siteId(0), siteId(1), siteId(2)];
  const sample = await index.search({ site: ownSites[0]!, limit: 40 });
  for (let p = 0; p < 5; p++) {
    const project = await projects.create({ name: `Asiakaspalvelu ${2026 + p}`, caseRef: `KOUL-2026-${p + 1}`, createdBy: 'bench-sup', members: ['bench-trainer'] });
    for (const c of sample.calls.slice(p * 8, p * 8 + 8)) await projects.addRecording(project.id, { id: c.id, site: c.site, box: c.box, addedBy: 'bench-sup' });
  }

  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const sealing = { keyId: keyIdOf(publicKey), key: privateKey };
  const commands = new CentralCommands({
    privateKey: generateCommandKeys().privateKey, indexerId: 'bench', clock, log, timeoutMs: 2000,
    publish: async () => {
      throw new Error('no broker in this bench');
    },
  });
  const fetch = (site: string, box: string, id: string) => commands.fetch(site, box, id);
  const copyStore = new CopyStore(index.db);
  const copies = new CopyKeeper({ store: copyStore, index, fetch, audit, clock, log, online: () => false });
  const accounts = new AccountsFile(join(dir, 'users.json'), { ...CONSOLE_ACCOUNT_RULES, clock });

  const supervisor = newApiToken();
  const own = newApiToken();
  const officer = newApiToken();
  const app = buildApi({
    index, fleet, commands, audit, clock, log,
    tokens: [
      { name: 'bench-sup', role: 'supervisor', sha256: supervisor.sha256 },
      { name: 'bench-sup-own', role: 'supervisor', sites: ownSites, sha256: own.sha256 },
      { name: 'bench-dpo', role: 'privacy-officer', sha256: officer.sha256 },
    ],
    alarms: () => [],
    openNumbers: built.openMeta,
    commandTimeoutMs: 2000,
    console: {
      accounts, totpRoles: ['supervisor', 'trainer', 'privacy-officer', 'admin'], sessionMinutes: 30, language: 'fi',
      index, fleet, audit, clock, log, commands, projects, copies,
      playback: new Playback({ copies: copyStore, fetch, key: sealing }),
      auditHeads: () => new Map(),
      db: index.db,
      sealer: new FieldSealer(sealing, blindIndexKey(sealing)),
    },
  });
  addServerTiming(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    url, app, index, audit, fleet, projects, accounts, clock, built, ownSites,
    tokens: { supervisor: supervisor.token, ownSites: own.token, officer: officer.token },
    close: async () => {
      await app.close();
      await audit.idle().catch(() => {});
      await index.close();
    },
  };
}

// ---- the search benchmark ---------------------------------------------------------------------

/** The query string the API takes for a CallQuery (times as ms since the epoch). */
function apiQuery(q: CallQuery): string {
  const p = new URLSearchParams();
  for (const k of ['from', 'to', 'site', 'line', 'box', 'direction', 'notice', 'number', 'limit', 'cursor'] as const) {
    if (q[k] !== undefined) p.set(k, String(q[k]));
  }
  return `/api/calls?${p.toString()}`;
}

interface ApiPage {
  calls: { id: string }[];
  next?: string;
}

type Who = keyof Central['tokens'];

interface Kind {
  /** the token the HTTP side uses */
  who: Who;
  /** a fresh query of this kind */
  make: () => CallQuery;
  /** timed pages per chain: the first page (1) or, for `cursorPage`, pages 2..n of one listing */
  pages?: number;
  what: string;
}

export async function benchApiSearch(c: Central, opts: { queries?: number } = {}): Promise<Record<string, unknown>> {
  const queries = opts.queries ?? 200;
  const m = queryMakers(c.built.pool, mulberry32(11));
  // What the route adds for a supervisor of some sites: the index sees `sites` as well.
  const mine = (q: CallQuery): CallQuery => ({ ...q, sites: c.ownSites });
  const kinds: Record<string, Kind> = {
    number: { who: 'supervisor', make: m.number, what: 'by number (national spelling with a space), all sites' },
    hour: { who: 'supervisor', make: m.hour, what: '1-hour window, all sites' },
    daySite: { who: 'supervisor', make: m.daySite, what: '1-day window at one site' },
    dayLine: { who: 'supervisor', make: m.dayLine, what: '1-day window on one line (site and line)' },
    cursorPage: { who: 'supervisor', make: m.dayAll, pages: 5, what: 'pages 2–5 of a 1-day listing at all sites, each by the previous page\'s cursor' },
    ownSitesHour: { who: 'ownSites', make: m.hour, what: '1-hour window for a supervisor of 3 sites (the index merges 3 site ranges)' },
    officerNumber: { who: 'officer', make: m.number, what: 'by number, privacy officer (all sites)' },
  };
  const clients = {
    supervisor: new HttpClient(c.url, { authorization: `Bearer ${c.tokens.supervisor}` }),
    ownSites: new HttpClient(c.url, { authorization: `Bearer ${c.tokens.ownSites}` }),
    officer: new HttpClient(c.url, { authorization: `Bearer ${c.tokens.officer}` }),
  };
  const indexQuery = (k: Kind, q: CallQuery) => (k.who === 'ownSites' ? mine(q) : q);
  const http = async (k: Kind, q: CallQuery): Promise<{ page: ApiPage; a: Answer }> => {
    const a = await clients[k.who].get(apiQuery(q));
    if (a.status !== 200) throw new Error(`api search (as ${k.who}): answered ${a.status}: ${a.body.toString().slice(0, 300)}`);
    const page = JSON.parse(a.body.toString('utf8')) as ApiPage;
    if (!Array.isArray(page.calls)) throw new Error('api search: the answer has no calls array');
    return { page, a };
  };

  // The same queries both ways give the same calls (a few of each kind, not timed).
  progress('api search: the API and the index agree');
  for (const [name, k] of Object.entries(kinds)) {
    for (let i = 0; i < 3; i++) {
      const q = k.make();
      const direct = await c.index.search(indexQuery(k, q));
      const { page } = await http(k, q);
      const same = JSON.stringify(page.calls.map((x) => x.id)) === JSON.stringify(direct.calls.map((x) => x.id)) && page.next === direct.next;
      if (!same) throw new Error(`api search: ${name}: the API answered other calls than CallIndex.search for the same query`);
    }
  }

  // Warm-up of both paths (JIT, fastify's first requests), not counted.
  for (let i = 0; i < 20; i++) {
    await http(kinds['hour']!, m.hour());
    await c.index.search(m.hour());
  }

  const result: Record<string, unknown> = {};
  const allHttp: number[] = [];
  const allDirect: number[] = [];
  for (const [name, k] of Object.entries(kinds)) {
    progress(`api search: ${name} × ${queries}, over HTTP and directly`);
    const httpMs: number[] = [];
    const serverMs: number[] = [];
    const directMs: number[] = [];
    let httpHits = 0;
    let directHits = 0;
    let httpEmpty = 0;
    let bytes = 0;
    const pages = k.pages ?? 1;
    const chains = Math.ceil(queries / Math.max(1, pages - 1));
    // Each side gets queries of its own from the same stream (so neither reads blocks the other
    // just cached), and the sides take turns going first.
    const runDirect = async () => {
      let q = indexQuery(k, k.make());
      for (let p = 1; p <= pages; p++) {
        const t0 = performance.now();
        const page = await c.index.search(q);
        const ms = performance.now() - t0;
        if (pages === 1 || p > 1) {
          directMs.push(ms);
          directHits += page.calls.length;
        }
        if (page.next === undefined) break;
        q = { ...q, cursor: page.next };
      }
    };
    const runHttp = async () => {
      let q = k.make();
      for (let p = 1; p <= pages; p++) {
        const { page, a } = await http(k, q);
        if (pages === 1 || p > 1) {
          httpMs.push(a.totalMs);
          if (a.serverMs !== undefined) serverMs.push(a.serverMs);
          httpHits += page.calls.length;
          if (page.calls.length === 0) httpEmpty++;
          bytes += a.body.length;
        }
        if (page.next === undefined) break;
        q = { ...q, cursor: page.next };
      }
    };
    for (let i = 0; i < (pages === 1 ? queries : chains); i++) {
      if (i % 2 === 0) {
        await runDirect();
        await runHttp();
      } else {
        await runHttp();
        await runDirect();
      }
    }
    if (httpHits === 0) throw new Error(`api search: ${name}: every answer was empty`);
    allHttp.push(...httpMs);
    allDirect.push(...directMs);
    result[name] = {
      what: k.what,
      as: k.who === 'officer' ? 'privacy officer' : k.who === 'ownSites' ? 'supervisor of 3 sites' : 'supervisor (all sites)',
      http: percentiles(httpMs),
      server: percentiles(serverMs),
      direct: percentiles(directMs),
      httpMeanHits: round(httpHits / httpMs.length, 1),
      directMeanHits: round(directHits / directMs.length, 1),
      emptyAnswers: httpEmpty,
      meanBytes: Math.round(bytes / httpMs.length),
    };
  }

  // What every answer waits for besides the search: its audit entry, appended with fsync.
  progress(`api search: ${queries} audit appends alone`);
  const auditMs: number[] = [];
  for (let i = 0; i < queries; i++) {
    const t0 = performance.now();
    await c.audit.append({ actor: 'bench-sup', action: 'search', result: 'ok', detail: { from: T0, to: T0 + HOUR, limit: 50, results: 50 } });
    auditMs.push(performance.now() - t0);
  }

  const requests = Object.values(clients).reduce((s, x) => s + x.requests, 0);
  const reused = Object.values(clients).reduce((s, x) => s + x.reusedRequests, 0);
  for (const x of Object.values(clients)) x.close();
  const overall = percentiles(allHttp);
  return {
    calls: await c.index.count(),
    p99Ms: overall.p99,
    pass: overall.p99 <= API_TARGET_MS,
    http: overall,
    direct: percentiles(allDirect),
    kinds: result,
    auditAppend: percentiles(auditMs),
    requests,
    keepAliveReused: reused,
    queriesPerKind: queries,
    target: `search p99 ≤ ${API_TARGET_MS} ms through the HTTP API over 1,000,000 indexed calls`,
    basis:
      'GET /api/calls with a bearer token to the real buildApi on 127.0.0.1 (audit entry with fsync before each answer), node:http over one keep-alive connection, one request at a time, ' +
      'time to the last byte of the JSON; `direct` is CallIndex.search on the same open index with the query the route hands it, taking turns with the HTTP side; ' +
      '`server` is the server\'s time from its first onRequest hook to onSend (addServerTiming); `auditAppend` one audit append alone; limit 50; nearest-rank percentiles',
  };
}
