// A search, checked and turned into a plan: which index to read (the most selective the query
// allows), which key ranges of it, and what to filter from the index values alone.
import { blindIndex, normaliseNumber } from './numbers.js';
import { callSuffix, decodeCursor, KEY_PART, parseFilterValue, prefixEnd, type IndexName } from './keys.js';
import type { CallQuery } from './types.js';
import { NOTICE_STATUSES } from '../../core/protocol/messages.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;
const DIRECTIONS = new Set(['incoming', 'outgoing', 'unknown']);

export interface Plan {
  index: IndexName;
  /** key ranges read newest first; several when a supervisor's sites are read side by side */
  ranges: { gte?: string; lt?: string }[];
  accept: (value: string) => boolean;
  limit: number;
}

/** Undefined when the query cannot match anything (a site outside the caller's own sites). */
export function plan(q: CallQuery, blindKey: Buffer, countryCode: string): Plan | undefined {
  const limit = checkLimit(q.limit);
  for (const field of ['site', 'line', 'box'] as const) {
    const v = q[field];
    if (v !== undefined && (typeof v !== 'string' || !KEY_PART.test(v))) throw new TypeError(`${field}: not a valid ${field} id`);
  }
  if (q.direction !== undefined && !DIRECTIONS.has(q.direction)) throw new TypeError('direction: must be incoming, outgoing or unknown');
  if (q.notice !== undefined && !NOTICE_STATUSES.includes(q.notice)) throw new TypeError(`notice: must be one of ${NOTICE_STATUSES.join(', ')}`);
  if (q.sites !== undefined && (!Array.isArray(q.sites) || q.sites.some((s) => typeof s !== 'string'))) {
    throw new TypeError('sites: must be a list of site ids');
  }
  const from = checkTime('from', q.from);
  const to = checkTime('to', q.to);
  let blind: string | undefined;
  if (q.number !== undefined) {
    // The message never repeats the number: errors get logged, numbers must not.
    const n = typeof q.number === 'string' ? normaliseNumber(q.number, countryCode) : undefined;
    if (n === undefined) throw new TypeError('number: not a phone number (digits, with an optional leading + or 00; spaces, dashes, dots and parentheses allowed)');
    blind = blindIndex(blindKey, n);
  }
  const cursor = q.cursor !== undefined ? decodeCursor(q.cursor) : undefined;

  const sites = q.sites ? new Set(q.sites) : undefined;
  if (sites && q.site !== undefined && !sites.has(q.site)) return undefined;
  if (sites && sites.size === 0) return undefined;
  if (from !== undefined && to !== undefined && from >= to) return undefined;

  let index: IndexName;
  let prefixes: string[];
  if (blind !== undefined) [index, prefixes] = ['byNumber', [blind]];
  else if (q.site !== undefined && q.line !== undefined) [index, prefixes] = ['byLine', [`${q.site}!${q.line}`]];
  else if (q.box !== undefined) [index, prefixes] = ['byBox', [q.box]];
  else if (q.site !== undefined) [index, prefixes] = ['bySite', [q.site]];
  else if (sites) [index, prefixes] = ['bySite', [...sites].filter((s) => KEY_PART.test(s))];
  else [index, prefixes] = ['byTime', ['']];

  const ranges = prefixes.map((p) => range(p, from, to, cursor));
  return { index, ranges, accept: filter(q, sites), limit };
}

function range(prefix: string, from: number | undefined, to: number | undefined, cursor: string | undefined): { gte?: string; lt?: string } {
  const head = prefix === '' ? '' : `${prefix}!`;
  // The smallest suffix at `from` is its time followed by '!'; the time alone sorts just below it.
  const gte = head + (from !== undefined ? callSuffix(from, '').slice(0, -1) : '');
  let lt: string | undefined = to !== undefined ? head + callSuffix(to, '').slice(0, -1) : prefix === '' ? undefined : prefixEnd(prefix);
  if (cursor !== undefined && (lt === undefined || head + cursor < lt)) lt = head + cursor;
  const out: { gte?: string; lt?: string } = {};
  if (gte !== '') out.gte = gte;
  if (lt !== undefined) out.lt = lt;
  return out;
}

function filter(q: CallQuery, sites: Set<string> | undefined): (value: string) => boolean {
  const { site, line, box, direction, notice } = q;
  if (site === undefined && line === undefined && box === undefined && direction === undefined && notice === undefined && !sites) return () => true;
  return (value) => {
    const v = parseFilterValue(value);
    return (
      (site === undefined || v.site === site) &&
      (sites === undefined || sites.has(v.site)) &&
      (line === undefined || v.line === line) &&
      (box === undefined || v.box === box) &&
      (direction === undefined || v.direction === direction) &&
      (notice === undefined || v.notice === notice)
    );
  };
}

function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw new TypeError(`limit: must be a whole number from 1 to ${MAX_LIMIT}`);
  return Math.min(limit, MAX_LIMIT);
}

function checkTime(field: 'from' | 'to', v: number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`${field}: must be a time in ms since the epoch`);
  return v;
}
