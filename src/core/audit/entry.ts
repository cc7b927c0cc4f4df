// One audit entry: its fields, the canonical serialisation its hash is computed over, and the
// storage key it lives under. docs/audit.md describes the same rules for auditors; the worked
// example there is recomputed by test/core/audit/vector.test.ts.
import { createHash } from 'node:crypto';
import { AuditError } from './audit-error.js';

export type AuditResult = 'ok' | 'refused' | 'error';
export type AuditDetailValue = string | number | boolean;
export type AuditDetail = Record<string, AuditDetailValue>;

/**
 * Actions the programs write. The log accepts any kebab-case action (so a new one needs no
 * change here), but these are the spellings to use.
 */
export const auditActions = [
  'login', 'logout', 'login-failed', 'search', 'listen', 'export', 'disclosure', 'hold', 'release', 'delete', 'sweep', 'command',
  'destroy', 'clock-jump', 'stop-recording', 'config-load', 'config-change', 'key-change', 'user-change', 'rejected-input', 'rejected-command',
  'service-start', 'service-stop',
] as const;
export type KnownAuditAction = (typeof auditActions)[number];

/** What a caller gives to append(); the log adds seq, ts, prev and hash. */
export interface AuditInput {
  /** who: a user id, 'system' or 'technician:<name>'; never a phone number or personal identity code */
  actor: string;
  /** what, in kebab-case: see auditActions */
  action: KnownAuditAction | (string & {});
  /** on what: a recording id, a user id, a config file … */
  target?: string | undefined;
  /** why (R2): 'complaint', 'training', 'access-request', 'disclosure' … */
  purpose?: string | undefined;
  /** the case the action belongs to */
  caseRef?: string | undefined;
  result: AuditResult;
  /** flat facts: strings, safe integers and booleans only */
  detail?: AuditDetail | undefined;
}

export interface AuditEntry {
  /** 1, 2, 3 … with no gap */
  seq: number;
  /** milliseconds since the Unix epoch, from the log's clock */
  ts: number;
  actor: string;
  action: string;
  target?: string;
  purpose?: string;
  caseRef?: string;
  result: AuditResult;
  detail?: AuditDetail;
  /** the previous entry's hash; GENESIS_PREV for seq 1 */
  prev: string;
  /** lower-case hex SHA-256 of the canonical serialisation of every other field */
  hash: string;
}

/** The chain head: the last entry's seq and hash ({ seq: 0, hash: GENESIS_PREV } for an empty log). */
export interface AuditHead {
  seq: number;
  hash: string;
}

export const GENESIS_PREV = '0'.repeat(64);
/** The largest canonical form of one entry, hash included, in UTF-8 bytes. */
export const MAX_ENTRY_BYTES = 16 * 1024;
export const MAX_DETAIL_KEYS = 64;

const HEX64 = /^[0-9a-f]{64}$/;
const ACTION = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const DETAIL_KEY = /^[A-Za-z0-9_.:-]{1,64}$/;
const LONE_SURROGATE = /\p{Cs}/u;
const RESULTS: readonly string[] = ['ok', 'refused', 'error'];
const INPUT_FIELDS: readonly string[] = ['actor', 'action', 'target', 'purpose', 'caseRef', 'result', 'detail'];
const ENTRY_FIELDS: readonly string[] = ['seq', 'ts', ...INPUT_FIELDS, 'prev', 'hash'];

// ---------------------------------------------------------------------------------------------
// Canonical serialisation

/**
 * The canonical JSON of a value: object members sorted by key (UTF-16 code units, which for
 * the ASCII keys entries allow is byte order), no whitespace, strings escaped exactly as
 * JSON.stringify does. For the values an entry may hold this is RFC 8785 (JCS).
 * Own implementation because JSON.stringify puts integer-like keys ("10", "9") first.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new AuditError('TAL_AUDIT_INVALID', `${value} has no canonical JSON form`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
    }
    default:
      throw new AuditError('TAL_AUDIT_INVALID', `a ${typeof value} has no canonical JSON form`);
  }
}

/** The bytes an entry's hash is computed over: the canonical JSON of every field except `hash`. */
export function hashInput(entry: object): string {
  const { hash: _hash, ...rest } = entry as Record<string, unknown>;
  return canonicalJson(rest);
}

/** Lower-case hex SHA-256 of hashInput(entry), UTF-8 encoded. */
export function entryHash(entry: object): string {
  return createHash('sha256').update(hashInput(entry), 'utf8').digest('hex');
}

/** The stored form of an entry: its canonical JSON, hash included (still sorted among the keys). */
export function serializeEntry(entry: AuditEntry): string {
  return canonicalJson(entry);
}

// ---------------------------------------------------------------------------------------------
// Storage keys: 16 lower-case hex digits, so byte order is seq order.

const KEY_WIDTH = 16;
const KEY = /^[0-9a-f]{16}$/;

export function auditKey(seq: number): string {
  if (!Number.isSafeInteger(seq) || seq < 1) throw new TypeError(`audit seq must be a positive safe integer, got ${seq}`);
  return seq.toString(16).padStart(KEY_WIDTH, '0');
}

/** The seq a stored key names, or undefined when the key is not in the canonical form. */
export function seqOfKey(key: string): number | undefined {
  if (!KEY.test(key)) return undefined;
  const seq = parseInt(key, 16);
  return Number.isSafeInteger(seq) && seq >= 1 ? seq : undefined;
}

export const KEY_RANGE = { gte: '0'.repeat(KEY_WIDTH), lte: 'f'.repeat(KEY_WIDTH) } as const;

// ---------------------------------------------------------------------------------------------
// Validation

function invalid(message: string): never {
  throw new AuditError('TAL_AUDIT_INVALID', message);
}

function checkText(name: string, value: unknown, max: number): string {
  if (typeof value !== 'string') invalid(`${name} must be a string, got ${typeof value}`);
  if (value.length === 0) invalid(`${name} must not be empty (leave it out instead)`);
  if (value.length > max) invalid(`${name} is longer than ${max} characters`);
  if (LONE_SURROGATE.test(value)) invalid(`${name} is not well-formed Unicode (lone surrogate)`);
  return value;
}

function checkDetail(value: unknown): AuditDetail {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid('detail must be a flat object');
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) invalid('detail must be a plain object');
  const out: AuditDetail = {};
  const keys = Object.keys(value).sort();
  if (keys.length > MAX_DETAIL_KEYS) invalid(`detail has more than ${MAX_DETAIL_KEYS} keys`);
  for (const k of keys) {
    if (!DETAIL_KEY.test(k)) invalid(`detail key ${JSON.stringify(k)} is not 1–64 of A-Z a-z 0-9 _ . : -`);
    const v = (value as Record<string, unknown>)[k];
    if (typeof v === 'boolean') out[k] = v;
    else if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) invalid(`detail.${k} must be a safe integer (use integer units such as ms), got ${v}`);
      out[k] = v === 0 ? 0 : v; // no -0
    } else if (typeof v === 'string') {
      if (LONE_SURROGATE.test(v)) invalid(`detail.${k} is not well-formed Unicode (lone surrogate)`);
      out[k] = v;
    } else invalid(`detail.${k} must be a string, safe integer or boolean, got ${v === null ? 'null' : typeof v}`);
  }
  return out;
}

/** Checks what a caller gives to append() and returns it normalised (undefined and empty detail dropped). */
export function normalizeInput(input: AuditInput): AuditInput {
  if (typeof input !== 'object' || input === null) invalid('an audit entry must be an object');
  for (const k of Object.keys(input)) {
    if (!INPUT_FIELDS.includes(k)) invalid(`unknown field ${JSON.stringify(k)} (the log sets seq, ts, prev and hash itself)`);
  }
  const out: AuditInput = {
    actor: checkText('actor', input.actor, 256),
    action: checkText('action', input.action, 64),
    result: input.result,
  };
  if (!ACTION.test(out.action)) invalid(`action ${JSON.stringify(out.action)} is not kebab-case`);
  if (!RESULTS.includes(input.result)) invalid(`result must be 'ok', 'refused' or 'error', got ${JSON.stringify(input.result)}`);
  if (input.target !== undefined) out.target = checkText('target', input.target, 1024);
  if (input.purpose !== undefined) out.purpose = checkText('purpose', input.purpose, 1024);
  if (input.caseRef !== undefined) out.caseRef = checkText('caseRef', input.caseRef, 1024);
  if (input.detail !== undefined) {
    const detail = checkDetail(input.detail);
    if (Object.keys(detail).length > 0) out.detail = detail;
  }
  return out;
}

/** Builds the entry that follows `prev`, and its stored form; refuses one over MAX_ENTRY_BYTES. */
export function buildEntry(input: AuditInput, seq: number, ts: number, prev: string): { entry: AuditEntry; text: string } {
  const fields: Omit<AuditEntry, 'hash'> = { seq, ts, ...input, prev };
  const hash = createHash('sha256').update(canonicalJson(fields), 'utf8').digest('hex');
  // Members in canonical order, so that the object reads the way it is stored.
  const entry = { action: input.action } as AuditEntry;
  entry.actor = input.actor;
  if (input.caseRef !== undefined) entry.caseRef = input.caseRef;
  if (input.detail !== undefined) entry.detail = input.detail;
  entry.hash = hash;
  entry.prev = prev;
  if (input.purpose !== undefined) entry.purpose = input.purpose;
  entry.result = input.result;
  entry.seq = seq;
  if (input.target !== undefined) entry.target = input.target;
  entry.ts = ts;
  const text = serializeEntry(entry);
  const size = Buffer.byteLength(text, 'utf8');
  if (size > MAX_ENTRY_BYTES) invalid(`the entry is ${size} bytes in canonical form, more than ${MAX_ENTRY_BYTES}`);
  return { entry, text };
}

/** Why a stored, parsed value is not a well-formed entry; undefined when it is one. */
export function entryShapeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const v = value as Record<string, unknown>;
  for (const k of Object.keys(v)) if (!ENTRY_FIELDS.includes(k)) return `unknown field ${JSON.stringify(k)}`;
  if (!Number.isSafeInteger(v.seq) || (v.seq as number) < 1) return 'seq is not a positive integer';
  if (!Number.isSafeInteger(v.ts)) return 'ts is not an integer';
  if (typeof v.prev !== 'string' || !HEX64.test(v.prev)) return 'prev is not 64 lower-case hex digits';
  if (typeof v.hash !== 'string' || !HEX64.test(v.hash)) return 'hash is not 64 lower-case hex digits';
  try {
    const input: Record<string, unknown> = {};
    for (const k of INPUT_FIELDS) if (k in v) input[k] = v[k];
    const norm = normalizeInput(input as unknown as AuditInput);
    if ('detail' in v && norm.detail === undefined) return 'detail is empty';
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
}

/** Reads an audit head published by a box (e.g. from an MQTT payload). */
export function parseAuditHead(value: unknown): AuditHead {
  const v = value as Partial<AuditHead> | null;
  if (typeof v !== 'object' || v === null) invalid('an audit head must be an object { seq, hash }');
  if (!Number.isSafeInteger(v.seq) || (v.seq as number) < 0) invalid('audit head seq must be an integer ≥ 0');
  if (typeof v.hash !== 'string' || !HEX64.test(v.hash)) invalid('audit head hash must be 64 lower-case hex digits');
  if (v.seq === 0 && v.hash !== GENESIS_PREV) invalid('the head of an empty log has the all-zero hash');
  return { seq: v.seq as number, hash: v.hash };
}
