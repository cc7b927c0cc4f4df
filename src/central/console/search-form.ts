// The search form's fields (all text, as a browser sends them) into an index query, and the
// filters the index cannot apply itself (duration, held), or the field that is wrong.
import { RETENTION_TIME_ZONE, instantOfWallTime } from '../../core/retention/index.js';
import { NOTICE_STATUSES, type NoticeStatus } from '../../core/protocol/messages.js';
import type { CallQuery, CallSummary, Direction } from '../index/types.js';

export interface SearchForm {
  from?: string;
  to?: string;
  site?: string;
  line?: string;
  direction?: string;
  number?: string;
  minSeconds?: string;
  maxSeconds?: string;
  held?: string;
  notice?: string;
  cursor?: string;
}

export const SEARCH_FIELDS = ['from', 'to', 'site', 'line', 'direction', 'number', 'minSeconds', 'maxSeconds', 'held', 'notice', 'cursor'] as const;

export interface ParsedSearch {
  query: CallQuery;
  /** what the index cannot filter by: applied to each page it returns */
  keep: (c: CallSummary) => boolean;
  /** the filters for the audit entry: never the number itself */
  audit: Record<string, string | number | boolean>;
}

/** The field that is wrong, as a message key of the catalogue and the field's name. */
export class SearchFormError extends Error {
  constructor(readonly field: (typeof SEARCH_FIELDS)[number], readonly key: string) {
    super(`${field}: ${key}`);
  }
}

const DIRECTIONS: readonly Direction[] = ['incoming', 'outgoing', 'unknown'];
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** `2026-11-28T09:30` (a datetime-local field) as Helsinki wall time. */
function localTime(field: 'from' | 'to', text: string): number {
  const m = LOCAL.exec(text);
  if (!m) throw new SearchFormError(field, 'search.error.time');
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59) throw new SearchFormError(field, 'search.error.time');
  return instantOfWallTime({ year, month, day, hour, minute, second: 0, millisecond: 0 }, RETENTION_TIME_ZONE);
}

function seconds(field: 'minSeconds' | 'maxSeconds', text: string): number {
  if (!/^\d{1,6}$/.test(text)) throw new SearchFormError(field, 'search.error.seconds');
  return Number(text) * 1000;
}

const given = (v: string | undefined): v is string => typeof v === 'string' && v.trim() !== '';

export function parseSearchForm(f: SearchForm): ParsedSearch {
  const query: CallQuery = {};
  const audit: ParsedSearch['audit'] = {};
  if (given(f.from)) query.from = localTime('from', f.from);
  if (given(f.to)) query.to = localTime('to', f.to);
  if (query.from !== undefined && query.to !== undefined && query.from >= query.to) throw new SearchFormError('to', 'search.error.window');
  for (const field of ['site', 'line'] as const) {
    if (!given(f[field])) continue;
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(f[field])) throw new SearchFormError(field, 'search.error.id');
    query[field] = f[field];
  }
  if (given(f.direction)) {
    if (!DIRECTIONS.includes(f.direction as Direction)) throw new SearchFormError('direction', 'search.error.choice');
    query.direction = f.direction as Direction;
  }
  if (given(f.notice)) {
    if (!NOTICE_STATUSES.includes(f.notice as NoticeStatus)) throw new SearchFormError('notice', 'search.error.choice');
    query.notice = f.notice as NoticeStatus;
  }
  if (given(f.number)) {
    const digits = f.number.replace(/[^0-9]/g, '').length;
    if (!/^\+?[0-9 ()./-]{3,32}$/.test(f.number.trim()) || digits < 3 || digits > 20) throw new SearchFormError('number', 'search.error.number');
    query.number = f.number.trim();
  }
  if (given(f.cursor)) query.cursor = f.cursor;
  const min = given(f.minSeconds) ? seconds('minSeconds', f.minSeconds) : undefined;
  const max = given(f.maxSeconds) ? seconds('maxSeconds', f.maxSeconds) : undefined;
  if (given(f.held) && f.held !== 'yes' && f.held !== 'no') throw new SearchFormError('held', 'search.error.choice');
  const held = f.held === 'yes' ? true : f.held === 'no' ? false : undefined;

  for (const k of ['from', 'to', 'site', 'line', 'direction', 'notice'] as const) if (query[k] !== undefined) audit[k] = query[k];
  if (min !== undefined) audit['minSeconds'] = min / 1000;
  if (max !== undefined) audit['maxSeconds'] = max / 1000;
  if (held !== undefined) audit['held'] = held;
  if (query.number !== undefined) audit['number'] = true;
  const keep = (c: CallSummary) =>
    (min === undefined || c.durationMs >= min) && (max === undefined || c.durationMs <= max) && (held === undefined || (c.holds.length > 0) === held);
  return { query, keep, audit };
}
