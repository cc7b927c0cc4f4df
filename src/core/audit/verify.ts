// Verifying a stored chain, and naming the first tampering found. Pure: it reads records from
// any async iterable, so the box (its LevelDB), the indexer (entries received over MQTT) and an
// auditor's tool check a chain the same way. docs/audit.md, "How verify names a tampering".
import { entryHash, entryShapeProblem, GENESIS_PREV, seqOfKey, type AuditEntry, type AuditHead } from './entry.js';

export type TamperProblem = 'edited' | 'deleted' | 'inserted' | 'moved' | 'bad-genesis';
export type HeadProblem = 'truncated' | 'rewritten';

export interface VerifyOk {
  ok: true;
  /** entries checked */
  count: number;
  head: AuditHead;
}

export interface VerifyFailure<P extends string = TamperProblem> {
  ok: false;
  /** the seq position in the log where the first tampering is */
  at: number;
  problem: P;
  detail: string;
}

export type VerifyResult = VerifyOk | VerifyFailure;
export type HeadVerifyResult = VerifyOk | VerifyFailure<TamperProblem | HeadProblem>;

/**
 * One stored record. `key` is the storage key (omit it for entries that have none, such as
 * those received over MQTT: the key checks are then skipped); `value` is the stored text, or
 * the already parsed JSON value.
 */
export interface StoredRecord {
  key?: string | undefined;
  value: unknown;
}

export interface VerifyOptions {
  /** records read past the first break to tell what happened there (default 1024) */
  window?: number;
}

/** A record as verify sees it. */
interface Rec {
  key: string | undefined;
  /** the seq the key names; undefined when there is no key or it is not canonical */
  keySeq: number | undefined;
  /** the parsed entry, when it has a well-formed shape */
  entry: AuditEntry | undefined;
  /** its hash matches its content, and its shape is well-formed */
  ok: boolean;
  /** why it is not ok */
  why: string;
}

function decode(rec: StoredRecord): Rec {
  const key = rec.key;
  const keySeq = key === undefined ? undefined : seqOfKey(key);
  let value = rec.value;
  if (typeof value === 'string' || Buffer.isBuffer(value)) {
    try {
      value = JSON.parse(value.toString());
    } catch {
      return { key, keySeq, entry: undefined, ok: false, why: 'it is not JSON' };
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { key, keySeq, entry: undefined, ok: false, why: 'it is not a JSON object' };
  }
  const shape = entryShapeProblem(value);
  const stored = (value as { hash?: unknown }).hash;
  const hashOk = typeof stored === 'string' && entryHash(value) === stored;
  const entry = shape === undefined ? (value as AuditEntry) : undefined;
  if (!hashOk) return { key, keySeq, entry, ok: false, why: 'its hash does not match its content' };
  if (shape !== undefined) return { key, keySeq, entry, ok: false, why: `it is not a well-formed entry: ${shape}` };
  return { key, keySeq, entry, ok: true, why: '' };
}

const short = (hash: string): string => `${hash.slice(0, 12)}…`;
const under = (r: Rec): string => (r.key === undefined ? '' : ` (key ${r.key})`);
const span = (from: number, to: number): string => (from === to ? `entry ${from} is` : `entries ${from}–${to} are`);

type Records = AsyncIterable<StoredRecord> | Iterable<StoredRecord>;

/** Checks a chain from its genesis entry, in stored order; returns the head, or the first tampering. */
export async function verifyChain(records: Records, options: VerifyOptions = {}): Promise<VerifyResult> {
  return (await run(records, options, undefined)).result;
}

/**
 * verifyChain, then compares the chain with a head published earlier. A chain alone cannot
 * show that entries were cut off its end; the published head can.
 */
export async function verifyChainAgainstHead(records: Records, expected: AuditHead, options: VerifyOptions = {}): Promise<HeadVerifyResult> {
  const { result, hashAt } = await run(records, options, expected.seq);
  return result.ok ? compareWithHead(result, hashAt, expected) : result;
}

async function run(records: Records, options: VerifyOptions, wantHashAt: number | undefined): Promise<{ result: VerifyResult; hashAt?: string }> {
  const window = Math.max(2, options.window ?? 1024);
  const it = (Symbol.asyncIterator in records ? records[Symbol.asyncIterator]() : (records as Iterable<StoredRecord>)[Symbol.iterator]()) as
    | AsyncIterator<StoredRecord>
    | Iterator<StoredRecord>;
  let expected = 1;
  let prevHash = GENESIS_PREV;
  let last: AuditEntry | undefined;
  let hashAt: string | undefined;
  try {
    for (;;) {
      const next = await it.next();
      if (next.done) break;
      const r = decode(next.value);
      const e = r.entry;
      if (r.ok && e !== undefined && e.seq === expected && e.prev === prevHash && (r.key === undefined || r.keySeq === expected)) {
        if (expected === wantHashAt) hashAt = e.hash;
        expected++;
        prevHash = e.hash;
        last = e;
        continue;
      }
      // The first break: read on a little, then say what most simply explains it.
      const around = [r];
      while (around.length < window) {
        const more = await it.next();
        if (more.done) break;
        around.push(decode(more.value));
      }
      return { result: classify(expected, prevHash, last, around) };
    }
  } finally {
    await it.return?.();
  }
  const result: VerifyOk = { ok: true, count: expected - 1, head: { seq: expected - 1, hash: prevHash } };
  return hashAt === undefined ? { result } : { result, hashAt };
}

/**
 * Names the tampering at the first record `recs[0]` that does not continue the chain. Entries
 * 1 … e-1 were fine, the last of them (`last`, hash `hL`). Principle: the simplest tampering
 * that explains what is stored — one entry edited, some deleted, one inserted, some moved.
 */
function classify(e: number, hL: string, last: AuditEntry | undefined, recs: readonly Rec[]): VerifyFailure {
  const r = recs[0]!;
  const fail = (at: number, problem: TamperProblem, detail: string): VerifyFailure => ({ ok: false, at, problem, detail });
  const good = (x: Rec): x is Rec & { entry: AuditEntry } => x.ok && x.entry !== undefined;
  const later = recs.slice(1).filter(good);
  /** the real entry e, if it is stored later and chains on entry e-1 as it should */
  const realNext = later.find((y) => y.entry.seq === e && y.entry.prev === hL);
  const missingBefore = (s: number): VerifyFailure | undefined => {
    const found = later.find((y) => y.entry.seq === e);
    if (found) return fail(e, 'moved', `entry ${e} is stored after entry ${s}${found.key === undefined ? '' : `, under key ${found.key}`}`);
    return undefined;
  };

  if (!good(r)) {
    const what = `the record stored after entry ${e - 1}${under(r)}: ${r.why}`;
    if (realNext) return fail(e, 'inserted', `${what}, and the real entry ${e} follows it`);
    if (r.keySeq !== undefined && r.keySeq > e) {
      return missingBefore(r.keySeq) ?? fail(e, 'deleted', `${span(e, r.keySeq - 1)} missing; also ${what}`);
    }
    return fail(r.keySeq ?? e, 'edited', `entry ${r.keySeq ?? e}${under(r)} was edited: ${r.why}`);
  }

  const x = r.entry;
  const s = x.seq;
  const linkedBy = (a: AuditEntry): boolean => recs.some((y) => good(y) && y.entry !== a && y.entry.prev === a.hash);

  // 1. It claims a place already taken: one of the two is an extra.
  if (s < e) {
    if (last && s === e - 1 && linkedBy(x) && !recs.some((y) => good(y) && y.entry.prev === last.hash)) {
      return fail(e - 1, 'inserted', `entry ${e - 1} (hash ${short(last.hash)}) was inserted: the entries after it chain on another entry ${s}${under(r)}, stored after it`);
    }
    return fail(e, 'inserted', `the entry stored after entry ${e - 1}${under(r)} claims seq ${s}: it was inserted`);
  }

  // 2. Nothing chains on it, nor does it chain on anything stored after it, and the real entry e follows: an extra.
  const chained = linkedBy(x) || recs.some((y) => good(y) && y.entry !== x && x.prev === y.entry.hash);
  if (!chained && realNext) {
    return fail(e, 'inserted', `an entry claiming seq ${s}${under(r)} was inserted after entry ${e - 1}; the real entry ${e}${under(realNext)} follows it`);
  }

  // 3. In its place by seq.
  if (s === e) {
    if (x.prev === hL) {
      return fail(e, 'moved', `entry ${e} is stored under key ${r.key ?? '(none)'} instead of its own key`);
    }
    if (e === 1) return fail(1, 'bad-genesis', `entry 1 has prev ${short(x.prev)}, not ${'0'.repeat(64)}`);
    if (last && x.prev === last.prev) {
      return fail(e - 1, 'inserted', `entries ${e - 1} and ${e} both chain on entry ${e - 2}: entry ${e - 1} was inserted and the rest renumbered`);
    }
    return fail(e - 1, 'edited', `entry ${e} chains on an entry ${e - 1} with hash ${short(x.prev)}, but the stored entry ${e - 1} has hash ${short(hL)}: it was rewritten with a recomputed hash (or entries were deleted and the rest renumbered)`);
  }

  // 4. It claims a later place: the entries before it are stored elsewhere, or gone.
  const moved = missingBefore(s);
  if (moved) return moved;
  if (x.prev === hL) {
    return fail(e, 'edited', `entry ${e}${under(r)} chains on entry ${e - 1} but claims seq ${s}: its seq was rewritten`);
  }
  return fail(e, 'deleted', `${span(e, s - 1)} missing: entry ${s}${under(r)} follows entry ${e - 1}`);
}

function compareWithHead(result: VerifyOk, hashAt: string | undefined, expected: AuditHead): HeadVerifyResult {
  if (expected.seq > result.head.seq) {
    return {
      ok: false,
      at: result.head.seq + 1,
      problem: 'truncated',
      detail: `the log ends at entry ${result.head.seq}, but entry ${expected.seq} was published: ${span(result.head.seq + 1, expected.seq)} missing`,
    };
  }
  const stored = expected.seq === 0 ? GENESIS_PREV : hashAt;
  if (stored !== expected.hash) {
    return {
      ok: false,
      at: expected.seq,
      problem: 'rewritten',
      detail: `entry ${expected.seq} has hash ${short(stored ?? '')}, but ${short(expected.hash)} was published: the log was rewritten up to there, or it is another log`,
    };
  }
  return result;
}
