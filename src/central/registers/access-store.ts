// The access-request register in the indexer's LevelDB: one JSON value an entry, read whole (a
// few requests a month), under `reg-access`; the year's running number under `reg-access-seq`.
// What identifies the person is sealed to the controller key with the entry's id as its
// additional data, and blind-indexed for recognising a second request; nothing personal is ever
// in a key or in plain text. Every write goes through one queue, so two changes to one request
// at once cannot lose either, and two new requests cannot take one number.
import type { AbstractLevel, AbstractSublevel } from 'abstract-level';
import type { Clock } from '../../core/clock.js';
import { dayOf, personKey } from './access-rules.js';
import type { AccessMark, AccessOutcome, AccessPersonal, NewAccessRequest, StoredAccessRequest } from './access-types.js';
import type { FieldSealer } from './sealer.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyLevel = AbstractLevel<any, any, any>;

export const ACCESS_KEYSPACES = { entries: 'reg-access', seq: 'reg-access-seq' } as const;

/** `TP-2026-0001`: tarkastuspyyntö, the year it was recorded, its number that year. */
export const ACCESS_ID = /^TP-\d{4}-\d{4,6}$/;

const byNewest = (a: StoredAccessRequest, b: StoredAccessRequest) =>
  a.receivedOn !== b.receivedOn ? (a.receivedOn < b.receivedOn ? 1 : -1) : b.recordedAt - a.recordedAt || (a.id < b.id ? 1 : -1);

export class AccessRequestStore {
  private readonly entries: AbstractSublevel<AnyLevel, unknown, string, StoredAccessRequest>;
  private readonly seq: AbstractSublevel<AnyLevel, unknown, string, number>;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly level: AnyLevel, private readonly sealer: FieldSealer, private readonly clock: Clock) {
    this.entries = level.sublevel<string, StoredAccessRequest>(ACCESS_KEYSPACES.entries, { valueEncoding: 'json' });
    this.seq = level.sublevel<string, number>(ACCESS_KEYSPACES.seq, { valueEncoding: 'json' });
  }

  /** Newest received first. */
  async list(): Promise<StoredAccessRequest[]> {
    return (await this.entries.values().all()).sort(byNewest);
  }

  async get(id: string): Promise<StoredAccessRequest | undefined> {
    if (!ACCESS_ID.test(id)) return undefined;
    return (await this.entries.get(id)) ?? undefined;
  }

  /** The person's data, opened with the controller key: only to show it. */
  open(r: StoredAccessRequest): AccessPersonal {
    return this.sealer.open(r.id, r.personal) as AccessPersonal;
  }

  /**
   * Recorded by `by` now; the identity was verified by them at the same moment. `beforeWrite`
   * runs with the new id before anything is stored (the audit entry): if it throws, nothing is.
   */
  create(o: NewAccessRequest, by: string, beforeWrite?: (id: string) => Promise<void>): Promise<StoredAccessRequest> {
    return this.serial(async () => {
      const now = this.clock.now();
      const year = dayOf(now).slice(0, 4);
      const n = ((await this.seq.get(year)) ?? 0) + 1;
      const id = `TP-${year}-${String(n).padStart(4, '0')}`;
      const p = o.personal;
      const personal: AccessPersonal = {
        name: p.name, contact: p.contact, matter: p.matter, numbers: [...p.numbers], documentLast4: p.documentLast4,
        ...(p.hetu !== undefined ? { hetu: p.hetu } : {}),
        ...(p.documentIssued !== undefined ? { documentIssued: p.documentIssued } : {}),
      };
      const entry: StoredAccessRequest = {
        v: 1, id, receivedOn: o.receivedOn, signed: true, window: { from: o.window.from, to: o.window.to },
        recordedBy: by, recordedAt: now,
        identity: { document: o.document, verifiedBy: by, verifiedAt: now },
        personal: this.sealer.seal(id, personal),
        blinds: {
          phones: [...new Set(p.numbers.map((x) => this.sealer.blind('phone', x)))],
          ...(p.hetu !== undefined ? { hetu: this.sealer.blind('hetu', p.hetu) } : {}),
          person: this.sealer.blind('person', personKey(p.name, p.contact)),
        },
        numberCount: p.numbers.length,
        marks: [],
      };
      await beforeWrite?.(id);
      // One batch: a number is never taken without its entry, nor an entry written under a number still free.
      await this.level.batch([
        { type: 'put', sublevel: this.entries, key: id, value: entry },
        { type: 'put', sublevel: this.seq, key: year, value: n },
      ] as never);
      return entry;
    });
  }

  /** A recording marked (its hold placed); marking one already marked replaces its mark. */
  mark(id: string, m: AccessMark): Promise<StoredAccessRequest | undefined> {
    return this.change(id, (r) => ({ ...r, marks: [...r.marks.filter((x) => x.id !== m.id), m] }));
  }

  /** Unmarked before the request closed: it leaves the request. */
  unmark(id: string, recording: string): Promise<StoredAccessRequest | undefined> {
    return this.change(id, (r) => ({ ...r, marks: r.marks.filter((x) => x.id !== recording) }));
  }

  /** Its hold was released when the request closed: it stays listed, as released. */
  released(id: string, recording: string, at: number): Promise<StoredAccessRequest | undefined> {
    return this.change(id, (r) => ({ ...r, marks: r.marks.map((x) => (x.id === recording ? { ...x, released: at } : x)) }));
  }

  fileOf(id: string, recording: string, file: { sha256: string; bytes: number }): Promise<StoredAccessRequest | undefined> {
    return this.change(id, (r) => ({ ...r, marks: r.marks.map((x) => (x.id === recording ? { ...x, file } : x)) }));
  }

  book(id: string, booking: NonNullable<StoredAccessRequest['booking']>): Promise<StoredAccessRequest | undefined> {
    return this.change(id, (r) => ({ ...r, booking }));
  }

  close(id: string, outcome: { kind: AccessOutcome; by: string; at: number }): Promise<StoredAccessRequest | undefined> {
    return this.change(id, (r) => (r.outcome ? r : { ...r, outcome }));
  }

  private change(id: string, fn: (r: StoredAccessRequest) => StoredAccessRequest): Promise<StoredAccessRequest | undefined> {
    return this.serial(async () => {
      const r = await this.get(id);
      if (!r) return undefined;
      const next = fn(r);
      if (next !== r) await this.entries.put(id, next);
      return next;
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
