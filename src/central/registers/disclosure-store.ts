// The disclosure register in the indexer's LevelDB (sublevel `reg-disclosure`): one JSON value an
// entry, read whole; few entries, each small. Every write goes through one queue, so a hold's
// answer arriving while the entry is completed cannot lose either change. The request's
// particulars are sealed here, before anything is written: the database never holds them plain.
import { randomUUID } from 'node:crypto';
import type { AbstractLevel, AbstractSublevel } from 'abstract-level';
import type { Clock } from '../../core/clock.js';
import type { FieldSealer } from './sealer.js';
import {
  BASIS_MAX, DETAILS_MAX, DISCLOSURE_CASE_MAX, DISCLOSURE_SUBLEVEL, MAX_DISCLOSED_RECORDINGS, RECIPIENT_MAX, RECORDING_ID, disclosureTextProblem,
  type DisclosedRecording, type DisclosureEntry, type NewDisclosure,
} from './disclosure-types.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyLevel = AbstractLevel<any, any, any>;

const byNewest = (a: DisclosureEntry, b: DisclosureEntry) => b.decidedAt - a.decidedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** What a hold or release did to one recording of an entry. */
export type RecordingHoldPatch = Pick<DisclosedRecording, 'hold'> & Partial<Pick<DisclosedRecording, 'until' | 'problem'>>;

export class DisclosureStore {
  private readonly db: AbstractSublevel<AnyLevel, unknown, string, DisclosureEntry>;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(level: AnyLevel, private readonly clock: Clock, private readonly sealer: Pick<FieldSealer, 'seal' | 'open'>) {
    this.db = level.sublevel<string, DisclosureEntry>(DISCLOSURE_SUBLEVEL, { valueEncoding: 'json' });
  }

  /** Newest first. */
  async list(): Promise<DisclosureEntry[]> {
    return (await this.db.values().all()).sort(byNewest);
  }

  async get(id: string): Promise<DisclosureEntry | undefined> {
    return (await this.db.get(id)) ?? undefined;
  }

  /** The request's particulars, opened with the controller key (only to show them). */
  detailsOf(entry: DisclosureEntry): string | undefined {
    if (!entry.details) return undefined;
    const v = this.sealer.open(entry.id, entry.details);
    return typeof v === 'string' ? v : undefined;
  }

  /**
   * A new open entry, each recording `not-held` until its box says otherwise. Rejects with a
   * TypeError for what the console would have refused: the store is the last line, not the first.
   */
  create(o: NewDisclosure): Promise<DisclosureEntry> {
    const bad = (what: string) => Promise.reject(new TypeError(`a disclosure's ${what}`));
    if (disclosureTextProblem(o.caseRef, DISCLOSURE_CASE_MAX)) return bad(`case reference must be plain text of 1–${DISCLOSURE_CASE_MAX} characters`);
    if (disclosureTextProblem(o.recipient, RECIPIENT_MAX)) return bad(`recipient must be plain text of 1–${RECIPIENT_MAX} characters`);
    if (disclosureTextProblem(o.basis, BASIS_MAX)) return bad(`legal basis must be plain text of 1–${BASIS_MAX} characters`);
    if (!o.disclosed.recordings && !o.disclosed.metadata) return bad('content must be the recordings, their metadata or both');
    const ids = o.recordings.map((r) => r.id);
    if (ids.length === 0 || ids.length > MAX_DISCLOSED_RECORDINGS) return bad(`recordings must be 1–${MAX_DISCLOSED_RECORDINGS}`);
    if (ids.some((id) => !RECORDING_ID.test(id)) || new Set(ids).size !== ids.length) return bad('recordings must be distinct recording ids');
    if (!o.decidedBy.trim()) return bad('decider is required');
    const details = o.details?.trim() ? o.details.trim() : undefined;
    if (details !== undefined && disclosureTextProblem(details, DETAILS_MAX, { lines: true })) return bad(`particulars must be plain text of at most ${DETAILS_MAX} characters`);

    const id = o.id ?? randomUUID();
    const entry: DisclosureEntry = {
      v: 1, id, caseRef: o.caseRef.trim(), recipient: o.recipient.trim(), recipientPreset: o.recipientPreset, basis: o.basis.trim(), basisPreset: o.basisPreset,
      disclosed: { recordings: o.disclosed.recordings, metadata: o.disclosed.metadata },
      recordings: o.recordings.map((r) => ({ id: r.id, site: r.site, box: r.box, start: r.start, hold: 'not-held' as const })),
      decidedBy: o.decidedBy, decidedAt: this.clock.now(),
      ...(details !== undefined ? { details: this.sealer.seal(id, details) } : {}),
      status: 'open',
    };
    return this.serial(async () => {
      if (await this.db.get(id)) throw new TypeError(`a disclosure ${id} exists already`);
      await this.db.put(id, entry);
      return entry;
    });
  }

  /** Records what the box did with one recording's hold; undefined when there is no such entry or recording. */
  setHold(id: string, recordingId: string, patch: RecordingHoldPatch): Promise<DisclosureEntry | undefined> {
    return this.change(id, (e) => {
      if (!e.recordings.some((r) => r.id === recordingId)) return undefined;
      return {
        ...e,
        recordings: e.recordings.map((r) => {
          if (r.id !== recordingId) return r;
          const next: DisclosedRecording = { ...r, hold: patch.hold };
          if (patch.until !== undefined) next.until = patch.until;
          if (patch.problem !== undefined) next.problem = patch.problem;
          else delete next.problem;
          return next;
        }),
      };
    });
  }

  /** Marks the entry complete, once: a second call keeps the first who and when. */
  complete(id: string, by: string): Promise<DisclosureEntry | undefined> {
    return this.change(id, (e) => (e.status === 'complete' ? e : { ...e, status: 'complete', completedBy: by, completedAt: this.clock.now() }));
  }

  private change(id: string, fn: (e: DisclosureEntry) => DisclosureEntry | undefined): Promise<DisclosureEntry | undefined> {
    return this.serial(async () => {
      const e = await this.db.get(id);
      if (!e) return undefined;
      const next = fn(e);
      if (next === undefined) return undefined;
      if (next !== e) await this.db.put(id, next);
      return next;
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => {});
    return run;
  }
}
