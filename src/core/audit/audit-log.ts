// The hash-chained, append-only audit log (R9), over any abstract-level database: the box's
// LevelDB and the indexer's alike. docs/audit.md describes the format for auditors.
import type { AbstractBatchOptions, AbstractLevel } from 'abstract-level';
import type { Clock } from '../clock.js';
import { AuditError } from './audit-error.js';
import {
  auditKey,
  buildEntry,
  GENESIS_PREV,
  KEY_RANGE,
  normalizeInput,
  parseAuditHead,
  seqOfKey,
  type AuditEntry,
  type AuditHead,
  type AuditInput,
} from './entry.js';
import { verifyChain, verifyChainAgainstHead, type HeadVerifyResult, type StoredRecord, type VerifyResult } from './verify.js';

// Any abstract-level database or sublevel, whatever its default encodings: every call below
// names its own encodings.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyLevel = AbstractLevel<any, any, any>;

const ENC = { keyEncoding: 'utf8', valueEncoding: 'utf8' } as const;
const HEX64 = /^[0-9a-f]{64}$/;

export interface AuditLogOptions {
  clock: Clock;
  /**
   * The sublevel of `db` the log lives in (default 'audit', the box's keyspace). null: `db` is
   * already the log's own keyspace (a sublevel made by the caller), holding nothing else.
   */
  name?: string | null;
  /** fsync every write, so that an entry whose append resolved survives a power cut (default true) */
  sync?: boolean;
  /** at most this many waiting entries go into one write (default 1024) */
  maxBatch?: number;
}

export interface EntryRange {
  /** first seq (default 1) */
  gte?: number;
  /** last seq (default: the end) */
  lte?: number;
  /** newest first */
  reverse?: boolean;
  /** at most this many entries */
  limit?: number;
}

interface Waiting {
  input: AuditInput;
  ts: number;
  resolve: (entry: AuditEntry) => void;
  reject: (err: unknown) => void;
}

/**
 * Appends go through one queue: entries waiting while a write is in flight are chained and
 * written together in one atomic batch (group commit), so seq stays gap-free under any
 * concurrency and a failed write consumes no seq. One AuditLog per keyspace: a second writer
 * on the same keyspace would fork the chain.
 */
export class AuditLog {
  private waiting: Waiting[] = [];
  private flushing: Promise<void> | undefined;

  private constructor(
    private readonly db: AnyLevel,
    private readonly clock: Clock,
    private readonly sync: boolean,
    private readonly maxBatch: number,
    private headSeq: number,
    private headHash: string,
  ) {}

  /** Opens the log and restores its head (last seq and hash) from the store. */
  static async open(db: AnyLevel, options: AuditLogOptions): Promise<AuditLog> {
    const name = options.name === undefined ? 'audit' : options.name;
    const sub: AnyLevel = name === null ? db : db.sublevel(name, ENC);
    const maxBatch = options.maxBatch ?? 1024;
    if (!Number.isSafeInteger(maxBatch) || maxBatch < 1) throw new TypeError(`maxBatch must be a positive integer, got ${maxBatch}`);
    let head: AuditHead = { seq: 0, hash: GENESIS_PREV };
    // The last record under a canonical key holds the head. It is not verified here (verify()
    // reads the whole chain); it only has to say where to continue.
    for await (const [key, value] of sub.iterator<string, string>({ ...KEY_RANGE, reverse: true, ...ENC })) {
      const keySeq = seqOfKey(key);
      if (keySeq === undefined) continue;
      let v: { seq?: unknown; hash?: unknown };
      try {
        v = JSON.parse(value) as typeof v;
      } catch (err) {
        throw new AuditError('TAL_AUDIT_BROKEN', `the last audit entry (key ${key}) is not JSON; run verify to see what happened to the log`, { cause: err });
      }
      if (typeof v !== 'object' || v === null || !Number.isSafeInteger(v.seq) || typeof v.hash !== 'string' || !HEX64.test(v.hash)) {
        throw new AuditError('TAL_AUDIT_BROKEN', `the last audit entry (key ${key}) has no seq and hash to continue from; run verify to see what happened to the log`);
      }
      // Never reuse a key: continue after the larger of what the key and the entry say.
      head = { seq: Math.max(keySeq, v.seq as number), hash: v.hash };
      break;
    }
    return new AuditLog(sub, options.clock, options.sync ?? true, maxBatch, head.seq, head.hash);
  }

  /** The chain head: the last entry appended (or restored), to publish so others can compare. */
  head(): AuditHead {
    return { seq: this.headSeq, hash: this.headHash };
  }

  /**
   * Appends an entry; resolves once it is stored, with the entry as stored. Rejects with
   * TAL_AUDIT_INVALID (consuming no seq) when a field is not valid. The time is read now, so
   * entries appended one after another have non-decreasing ts whenever the clock does.
   */
  append(input: AuditInput): Promise<AuditEntry> {
    let norm: AuditInput;
    try {
      norm = normalizeInput(input);
    } catch (err) {
      return Promise.reject(err);
    }
    const now = this.clock.now();
    if (!Number.isFinite(now)) return Promise.reject(new AuditError('TAL_AUDIT_INVALID', `the clock gave ${now}, not a time`));
    const ts = Math.floor(now);
    return new Promise<AuditEntry>((resolve, reject) => {
      this.waiting.push({ input: norm, ts, resolve, reject });
      this.kick();
    });
  }

  /** Resolves when every append made so far has been written (or has failed). */
  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private kick(): void {
    if (this.flushing) return;
    this.flushing = this.flush().finally(() => {
      this.flushing = undefined;
      if (this.waiting.length > 0) this.kick();
    });
  }

  private async flush(): Promise<void> {
    while (this.waiting.length > 0) {
      const group = this.waiting.splice(0, this.maxBatch);
      const built: { w: Waiting; entry: AuditEntry; text: string }[] = [];
      let seq = this.headSeq;
      let prev = this.headHash;
      for (const w of group) {
        try {
          const { entry, text } = buildEntry(w.input, seq + 1, w.ts, prev);
          built.push({ w, entry, text });
          seq = entry.seq;
          prev = entry.hash;
        } catch (err) {
          w.reject(err); // too large: refused before it took a seq
        }
      }
      if (built.length === 0) continue;
      try {
        await this.db.batch<string, string>(
          built.map((b) => ({ type: 'put' as const, key: auditKey(b.entry.seq), value: b.text })),
          { ...ENC, sync: this.sync } as AbstractBatchOptions<string, string>, // sync: classic-level's option
        );
      } catch (err) {
        // Nothing of the batch was written (LevelDB batches are atomic): the head stays.
        for (const b of built) b.w.reject(err);
        continue;
      }
      this.headSeq = seq;
      this.headHash = prev;
      for (const b of built) b.w.resolve(b.entry);
    }
  }

  /**
   * Entries in seq order (newest first with `reverse`), as stored: not verified, use verify().
   * A record that is not JSON throws TAL_AUDIT_BROKEN.
   */
  async *entries(range: EntryRange = {}): AsyncGenerator<AuditEntry> {
    const bound = (name: string, v: number | undefined): number | undefined => {
      if (v !== undefined && (!Number.isSafeInteger(v) || v < 0)) throw new TypeError(`${name} must be an integer ≥ 0, got ${v}`);
      return v;
    };
    const gte = bound('gte', range.gte);
    const lte = bound('lte', range.lte);
    const limit = bound('limit', range.limit);
    if (lte === 0 || limit === 0 || (gte !== undefined && lte !== undefined && gte > lte)) return;
    const options = {
      ...ENC,
      gte: gte !== undefined && gte > 1 ? auditKey(gte) : KEY_RANGE.gte,
      lte: lte !== undefined ? auditKey(lte) : KEY_RANGE.lte,
      reverse: range.reverse ?? false,
    };
    let n = 0;
    for await (const [key, value] of this.db.iterator<string, string>(options)) {
      if (seqOfKey(key) === undefined) continue;
      try {
        yield JSON.parse(value) as AuditEntry;
      } catch (err) {
        throw new AuditError('TAL_AUDIT_BROKEN', `the audit record under key ${key} is not JSON; run verify`, { cause: err });
      }
      if (limit !== undefined && ++n >= limit) return;
    }
  }

  /** Every record of the keyspace in key order, canonical key or not: what verify reads. */
  private async *records(): AsyncGenerator<StoredRecord> {
    for await (const [key, value] of this.db.iterator<string, string>(ENC)) yield { key, value };
  }

  /**
   * Reads the whole chain from entry 1 and names the first entry edited, deleted, inserted or
   * moved (or a wrong genesis). It reads a snapshot: appends made meanwhile are not included.
   * Cannot see entries cut off the end: use verifyAgainstHead for that.
   */
  async verify(): Promise<VerifyResult> {
    return verifyChain(this.records());
  }

  /**
   * verify(), then checks that the chain reaches a head published earlier (by this box over
   * MQTT, or `log.head()` of the process that wrote it): 'truncated' when the log ends before
   * it, 'rewritten' when the entry at its seq has another hash.
   */
  async verifyAgainstHead(expected: AuditHead): Promise<HeadVerifyResult> {
    return verifyChainAgainstHead(this.records(), parseAuditHead(expected));
  }
}
