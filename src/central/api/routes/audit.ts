// The indexer's audit log for the privacy officer (R9; issue 8): who searched, listened, exported,
// held or deleted what, when and why.
//
//   GET  /api/audit         entries newest first, filtered by actor, target, case reference, action
//                           and time; paged by seq (`next`: the entries below it)
//   GET  /api/audit/heads   the chain head each box last published, and whether it continued the one before
//   POST /api/audit/verify  the central chain verified from its first entry
//
// Reading the log is itself audited (action `search`, detail `audit: true`), with the filters as
// plain ids and booleans; a case reference searched for goes in the entry's own caseRef field, never
// in its detail. The scan below is shared with the console's audit page.
import type { FastifyInstance } from 'fastify';
import { isAuditError, type AuditEntry, type AuditLog, type VerifyResult } from '../../../core/audit/index.js';
import { boxHeadsOf, type BoxAuditHead, type PublishedHead } from '../../ingest/audit-heads.js';
import { principalOf } from '../auth.js';
import type { RouteContext } from '../context.js';
import { ApiError } from '../errors.js';
import { requireRight } from '../guard.js';
import { parseLimit, parseTime } from '../query.js';
import { caseRefField, limitField, timeField } from '../schemas.js';
import type { ApiAuditEntry, ApiDeps } from '../types.js';

/** What reading the log takes: the indexer's AuditLog is one. */
export type AuditReader = Pick<AuditLog, 'entries' | 'verify'>;

export interface AuditFilter {
  /** who, exactly */
  actor?: string | undefined;
  /** on what (a recording id, a user id, `site/box` …), exactly */
  target?: string | undefined;
  /** contained in the entry's case reference, whatever the letter case */
  caseRef?: string | undefined;
  /** the action, exactly */
  action?: string | undefined;
  /** ms since the epoch: entries at or after */
  from?: number | undefined;
  /** ms since the epoch: entries before */
  to?: number | undefined;
}

export interface AuditPage {
  /** newest first */
  entries: AuditEntry[];
  /** the cursor of the next page: entries with a seq below it. Absent: no more. */
  next?: number | undefined;
  /** entries read to fill this page */
  read: number;
  /** set when MAX_SCAN entries were read before the page filled: the seq the scan stopped at */
  stoppedAt?: number | undefined;
}

/** At most this many entries are read for one page: a filter that matches little does not read the whole log. */
export const MAX_SCAN = 20_000;
/**
 * Entries are in seq order and their times do not go back while the clock does not; a clock
 * stepped back by NTP may leave an older time after a newer one. The time window is searched
 * this much wider, then applied to each entry exactly.
 */
export const CLOCK_SLACK_MS = 10 * 60_000;

/** A user id, `system`, `technician:<name>`, `central:<by>` …: what an actor looks like. */
export const ACTOR_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$';
export const TARGET_PATTERN = '^[^\\x00-\\x1f\\x7f]{1,256}$';
export const ACTION_PATTERN = '^[a-z][a-z0-9]*(-[a-z0-9]+)*$';
const ACTOR = new RegExp(ACTOR_PATTERN);

export function matches(e: AuditEntry, f: AuditFilter): boolean {
  if (f.actor !== undefined && e.actor !== f.actor) return false;
  if (f.target !== undefined && e.target !== f.target) return false;
  if (f.action !== undefined && e.action !== f.action) return false;
  if (f.from !== undefined && e.ts < f.from) return false;
  if (f.to !== undefined && e.ts >= f.to) return false;
  if (f.caseRef !== undefined && !(e.caseRef ?? '').toLowerCase().includes(f.caseRef.toLowerCase())) return false;
  return true;
}

async function first(it: AsyncGenerator<AuditEntry>): Promise<AuditEntry | undefined> {
  for await (const e of it) return e;
  return undefined;
}

/** The last seq whose entry is older than `bound` (0: none), by bisection over seq: a handful of reads, not a scan. */
async function lastSeqBefore(log: AuditReader, bound: number): Promise<number> {
  const newest = await first(log.entries({ reverse: true, limit: 1 }));
  if (!newest) return 0;
  if (newest.ts < bound) return newest.seq;
  let lo = 0; // ts(lo) < bound, with seq 0 standing for "before the log"
  let hi = newest.seq; // ts(hi) ≥ bound
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const e = await first(log.entries({ gte: mid, limit: 1 }));
    if (e && e.ts < bound) lo = Math.max(mid, Math.min(e.seq, hi - 1));
    else hi = mid;
  }
  return lo;
}

/**
 * One page of entries matching `f`, newest first, below the cursor `before`. Reads at most
 * `maxScan` entries; a record that is not JSON throws TAL_AUDIT_BROKEN (verify names it).
 */
export async function readAuditPage(log: AuditReader, f: AuditFilter, o: { before?: number | undefined; limit: number; maxScan?: number }): Promise<AuditPage> {
  const maxScan = o.maxScan ?? MAX_SCAN;
  let lte = o.before !== undefined ? o.before - 1 : undefined;
  if (f.to !== undefined) {
    const upTo = await lastSeqBefore(log, f.to + CLOCK_SLACK_MS);
    lte = lte === undefined ? upTo : Math.min(lte, upTo);
  }
  const entries: AuditEntry[] = [];
  if (lte !== undefined && lte < 1) return { entries, read: 0 };
  let read = 0;
  for await (const e of log.entries({ reverse: true, ...(lte !== undefined ? { lte } : {}) })) {
    read++;
    if (f.from !== undefined && e.ts < f.from - CLOCK_SLACK_MS) return { entries, read };
    if (matches(e, f)) {
      entries.push(e);
      if (entries.length >= o.limit) return { entries, read, ...(e.seq > 1 ? { next: e.seq } : {}) };
    }
    if (read >= maxScan) return { entries, read, ...(e.seq > 1 ? { next: e.seq, stoppedAt: e.seq } : {}) };
  }
  return { entries, read };
}

/** The audit entry of one look at the log: the filters as plain ids and booleans, the case reference in its own field. */
export function auditViewEntry(actor: string, f: AuditFilter, page: AuditPage, extra: { cursor: boolean; [k: string]: string | number | boolean }): ApiAuditEntry {
  const detail: Record<string, string | number | boolean> = { audit: true };
  if (f.actor !== undefined) detail['user'] = ACTOR.test(f.actor) ? f.actor : true;
  if (f.action !== undefined) detail['action'] = f.action;
  if (f.from !== undefined) detail['from'] = f.from;
  if (f.to !== undefined) detail['to'] = f.to;
  if (f.caseRef !== undefined) detail['caseRef'] = true;
  Object.assign(detail, extra, { results: page.entries.length, read: page.read });
  if (page.stoppedAt !== undefined) detail['stopped'] = true;
  return {
    actor, action: 'search', result: 'ok',
    ...(f.target !== undefined ? { target: f.target } : {}),
    ...(f.caseRef !== undefined ? { caseRef: f.caseRef } : {}),
    detail,
  };
}

/** The audit entry of a verification: what it found, no more. */
export function auditVerifyEntry(actor: string, r: VerifyResult, extra: Record<string, string | number | boolean>): ApiAuditEntry {
  return {
    actor, action: 'verify', target: 'audit-log', result: r.ok ? 'ok' : 'error',
    detail: r.ok ? { count: r.count, seq: r.head.seq, ...extra } : { at: r.at, problem: r.problem, ...extra },
  };
}

/** The indexer's audit log to read, and the boxes' heads: the indexer gives its AuditLog as `audit`. */
export function auditSourcesOf(deps: ApiDeps): { log: AuditReader | undefined; heads: () => ReadonlyMap<string, PublishedHead> } {
  const a = deps.audit as Partial<AuditReader>;
  const log = typeof a.entries === 'function' && typeof a.verify === 'function' ? (a as AuditReader) : deps.console?.audit;
  return { log, heads: () => deps.console?.auditHeads() ?? new Map() };
}

/** A head as the API shows it. */
export function headView(h: BoxAuditHead) {
  return {
    site: h.site, box: h.box, seq: h.seq, hash: h.hash, ts: h.ts, status: h.status,
    highest: h.highest, regressions: h.regressions, regressionCount: h.regressionCount,
  };
}

interface AuditQuery {
  actor?: string;
  target?: string;
  caseRef?: string;
  action?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: string;
}

const querystring = {
  type: 'object',
  additionalProperties: false,
  properties: {
    actor: { type: 'string', pattern: ACTOR_PATTERN, description: 'an actor as the log names it: a user id, system, technician:<name> (letters, digits and . _ : @ / -, at most 128)' },
    target: { type: 'string', pattern: TARGET_PATTERN, description: '1–256 characters, no control characters' },
    caseRef: caseRefField,
    action: { type: 'string', pattern: ACTION_PATTERN, maxLength: 64, description: 'an action in kebab-case, such as listen or hold' },
    from: timeField,
    to: timeField,
    cursor: { type: 'string', pattern: '^[0-9]{1,15}$', description: "the previous page's next" },
    limit: limitField,
  },
};

export const DEFAULT_LIMIT = 100;

function broken(err: unknown): never {
  if (isAuditError(err, 'TAL_AUDIT_BROKEN')) {
    throw new ApiError(500, 'audit-broken', 'a record of the audit log cannot be read: POST /api/audit/verify names the first broken entry');
  }
  throw err;
}

export function auditRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { log, heads } = auditSourcesOf(ctx.deps);
  const reader = (): AuditReader => {
    if (!log) throw new ApiError(503, 'audit-unavailable', 'this indexer was built without a readable audit log');
    return log;
  };

  app.get('/api/audit', { schema: { querystring }, preValidation: requireRight(ctx, 'view-audit') }, async (request) => {
    const p = principalOf(request);
    const q = request.query as AuditQuery;
    const f: AuditFilter = {};
    if (q.actor !== undefined) f.actor = q.actor;
    if (q.target !== undefined) f.target = q.target;
    if (q.caseRef !== undefined) f.caseRef = q.caseRef;
    if (q.action !== undefined) f.action = q.action;
    if (q.from !== undefined) f.from = parseTime('from', q.from);
    if (q.to !== undefined) f.to = parseTime('to', q.to);
    if (f.from !== undefined && f.to !== undefined && f.from >= f.to) throw new ApiError(400, 'invalid-field', 'query parameter "to" must be later than "from"', 'to');
    const limit = q.limit !== undefined ? parseLimit(q.limit) : DEFAULT_LIMIT;
    const before = q.cursor !== undefined ? Number(q.cursor) : undefined;
    if (before !== undefined && (!Number.isSafeInteger(before) || before < 1)) throw new ApiError(400, 'invalid-field', 'query parameter "cursor" must be the previous page\'s next', 'cursor');

    const page = await readAuditPage(reader(), f, { before, limit }).catch(broken);
    // Written before the entries leave: no entry, no answer.
    await ctx.auditor.must(auditViewEntry(p.name, f, page, { cursor: before !== undefined, limit }));
    return {
      entries: page.entries,
      ...(page.next !== undefined ? { next: String(page.next) } : {}),
      scan: { read: page.read, max: MAX_SCAN, ...(page.stoppedAt !== undefined ? { stoppedAt: page.stoppedAt } : {}) },
    };
  });

  app.get('/api/audit/heads', { preValidation: requireRight(ctx, 'view-audit') }, async () => ({ boxes: boxHeadsOf(heads()).map(headView) }));

  app.post('/api/audit/verify', { preValidation: requireRight(ctx, 'view-audit') }, async (request) => {
    const p = principalOf(request);
    const r = await reader().verify();
    await ctx.auditor.must(auditVerifyEntry(p.name, r, {}));
    return r;
  });
}
