// Turning checked query strings into values, with errors that name the field.
import { ApiError } from './errors.js';

/** ms since the epoch, or an ISO-8601 date-time with offset whose date exists (Date.parse would
 *  roll 30 Feb over into March). The schema has already checked the shape. */
export function parseTime(field: string, text: string): number {
  let ms: number;
  if (/^[0-9]+$/.test(text)) ms = Number(text);
  else {
    const [y, m, d] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
    const day = new Date(Date.UTC(y, m - 1, d));
    ms = Date.parse(text);
    const hh = Number(text.slice(11, 13));
    const mm = Number(text.slice(14, 16));
    if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d || hh > 23 || mm > 59) ms = NaN;
  }
  if (!Number.isSafeInteger(ms)) throw new ApiError(400, 'invalid-field', `query parameter "${field}" is not a real date and time`, field);
  return ms;
}

export function parseLimit(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1 || n > 500) throw new ApiError(400, 'invalid-field', 'query parameter "limit" must be a whole number from 1 to 500', 'limit');
  return n;
}

const INDEX_FIELDS = /^(number|cursor|limit|from|to|site|line|box|direction|notice): (.+)$/s;

/**
 * The index refuses what it cannot search with a TypeError whose message starts with the field
 * (and never repeats a number): the caller's mistake, a 400, not a failure of the indexer.
 */
export function indexRefusal(err: unknown): ApiError | undefined {
  const m = err instanceof TypeError ? INDEX_FIELDS.exec(err.message) : null;
  return m ? new ApiError(400, 'invalid-field', `query parameter "${m[1]}": ${m[2]}`, m[1]) : undefined;
}

/** The schema allowed the characters; a number also needs enough digits to be one. */
export function checkNumber(text: string): string {
  const digits = text.replace(/[^0-9]/g, '').length;
  if (digits < 3 || digits > 20) throw new ApiError(400, 'invalid-field', 'query parameter "number" must hold 3 to 20 digits', 'number');
  return text;
}
