// Every keyspace of the indexer's LevelDB, declared once. Within a range, fixed-width hex makes
// byte order equal numeric order; every call index key ends in `<start>!<id>`, so each index
// lists newest first when read in reverse, and one cursor fits every index.
import type { IndexedCall } from './types.js';

export const keyspaces = {
  /** call id → Entry (src/central/index/entry.ts); stubs too, until their recording arrives */
  calls: 'call',
  /** `site!box` → highest contiguous seq ingested */
  watermarks: 'wm',
  /** `site!box!seq` (16 hex) → '': seqs ingested above the watermark */
  seen: 'seen',
  /** 'count' → number of calls (not stubs) */
  meta: 'meta',
  /** `start!id` → filter fields */
  byTime: 'ix-time',
  /** `site!start!id` → filter fields */
  bySite: 'ix-site',
  /** `site!line!start!id` → filter fields */
  byLine: 'ix-line',
  /** `box!start!id` → filter fields */
  byBox: 'ix-box',
  /** `blind!start!id` → filter fields, for the calling and the called number */
  byNumber: 'ix-num',
  /** `expiresAt!id` → '', calls not yet deleted */
  byExpiry: 'ix-exp',
  /** `start!id` → '', calls not deleted with at least one hold */
  holds: 'ix-hold',
  /** the fleet's view of each box (src/central/fleet/fleet.ts) */
  fleet: 'fleet',
  /** project id → TrainingProject (src/central/projects/store.ts) */
  projects: 'project',
  /** recording id → CopyInfo (src/central/copies/): sealed copies of held recordings */
  copies: 'copy',
  /** recording id → the copy's wrapped content key: deleted first, which destroys the copy */
  copyKeys: 'copy-key',
  /** `id!index` (8 hex) → one sealed chunk of a copy */
  copyChunks: 'copy-chunk',
} as const;
// 'audit' is the indexer's audit log's, in the same LevelDB.

export type IndexName = 'byTime' | 'bySite' | 'byLine' | 'byBox' | 'byNumber' | 'byExpiry' | 'holds';
export const INDEX_NAMES: readonly IndexName[] = ['byTime', 'bySite', 'byLine', 'byBox', 'byNumber', 'byExpiry', 'holds'];

/** Ids, sites, boxes and lines become key parts: no `!`, no control or non-ASCII characters. */
export const KEY_PART = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

// 12 hex digits of ms reach the year 10889.
const TIME_HEX = 12;
const TIME_MAX = 16 ** TIME_HEX - 1;

export function timeHex(ms: number): string {
  return Math.min(TIME_MAX, Math.max(0, Math.floor(ms))).toString(16).padStart(TIME_HEX, '0');
}

export function seqHex(seq: number): string {
  return seq.toString(16).padStart(16, '0');
}

export const boxKey = (site: string, box: string): string => `${site}!${box}`;

/** The bytes just above every key that starts with `prefix!`. */
export const prefixEnd = (prefix: string): string => `${prefix}"`;

/** `<start>!<id>`: the part every call index key ends in, and what a cursor holds. */
export const callSuffix = (start: number, id: string): string => `${timeHex(start)}!${id}`;

export function suffixOf(key: string): string {
  const bang = key.lastIndexOf('!');
  return key.slice(bang - TIME_HEX);
}

export function idOfKey(key: string): string {
  return key.slice(key.lastIndexOf('!') + 1);
}

/** What a search filters on without reading the entry: `site!box!line!direction!notice` (notice '' when the box sent none). */
export function filterValue(call: Pick<IndexedCall, 'site' | 'box' | 'line' | 'direction' | 'notice'>): string {
  return `${call.site}!${call.box}!${call.line}!${call.direction}!${call.notice?.status ?? ''}`;
}

export function parseFilterValue(value: string): { site: string; box: string; line: string; direction: string; notice: string } {
  const [site = '', box = '', line = '', direction = '', notice = ''] = value.split('!');
  return { site, box, line, direction, notice };
}

/** Every index key of a call as it stands, by index; the value each holds. */
export function indexKeys(call: IndexedCall, blinds: readonly string[]): Map<IndexName, Map<string, string>> {
  const suffix = callSuffix(call.start, call.id);
  const value = filterValue(call);
  const out = new Map<IndexName, Map<string, string>>(INDEX_NAMES.map((n) => [n, new Map()]));
  out.get('byTime')!.set(suffix, value);
  out.get('bySite')!.set(`${call.site}!${suffix}`, value);
  out.get('byLine')!.set(`${call.site}!${call.line}!${suffix}`, value);
  out.get('byBox')!.set(`${call.box}!${suffix}`, value);
  for (const blind of blinds) out.get('byNumber')!.set(`${blind}!${suffix}`, value);
  if (!call.deleted) {
    out.get('byExpiry')!.set(`${timeHex(call.expiresAt)}!${call.id}`, '');
    if (call.holds.length > 0) out.get('holds')!.set(suffix, '');
  }
  return out;
}

/** A cursor is the suffix of the last call of a page, wrapped so callers treat it as opaque. */
export function encodeCursor(suffix: string): string {
  return Buffer.from(suffix, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const suffix = typeof cursor === 'string' ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const bang = suffix.indexOf('!');
  if (bang !== TIME_HEX || !/^[0-9a-f]+$/.test(suffix.slice(0, bang)) || !KEY_PART.test(suffix.slice(bang + 1))) {
    throw new TypeError('cursor: not a cursor from a previous page of this search');
  }
  return suffix;
}
