// The rectification register (R11) in the indexer's LevelDB, sublevel `reg-rectification`: one
// JSON value an entry, under its id. The person's name, contact, henkilötunnus and what they say
// is wrong are sealed to the controller key (FieldSealer), as are the decision's words; the
// henkilötunnus also gets a blind index so a person's earlier requests can be found again.
// Each entry's number (`n/year`) comes from a counter kept beside the entries (key `~seq!year`,
// which sorts after every id). Writes go through one queue: two decisions on one request, or
// two requests numbered at once, cannot cross.
import { randomUUID } from 'node:crypto';
import type { AbstractLevel, AbstractSublevel } from 'abstract-level';
import type { Clock } from '../../core/clock.js';
import type { FieldSealer } from './sealer.js';
import {
  RECTIFICATION_LIMITS,
  type NewRectification, type RectificationDecision, type RectificationDecisionText, type RectificationEntry,
  type RectificationRequestText, type RectificationSummary, type StoredRectification,
} from './rectification-types.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyLevel = AbstractLevel<any, any, any>;

export const RECTIFICATION_SUBLEVEL = 'reg-rectification';
/** Counters sort after every entry id (ids are [0-9a-f-]). */
const COUNTER = '~seq!';
const DAY = /^\d{4}-\d{2}-\d{2}$/;

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const CONTROL_ONE_LINE = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Direction overrides and isolates: they make a printed text read other than it is stored. */
const BIDI = /[\u202a-\u202e\u2066-\u2069]/;

export type TextProblem = 'empty' | 'long' | 'text';

/**
 * Text typed into a register form, as it is kept: line breaks made `\n` (when `lines`), trimmed.
 * Undefined for a value that is not text.
 */
export function registerText(value: unknown, lines: boolean): string | undefined {
  if (typeof value !== 'string') return undefined;
  return (lines ? value.replace(/\r\n?/g, '\n') : value).trim();
}

/** What is wrong with text typed into a register form, if anything: empty, too long, or not plain text. */
export function registerTextProblem(value: unknown, max: number, lines = false): TextProblem | undefined {
  const v = registerText(value, lines);
  if (v === undefined || v === '') return 'empty';
  if (v.length > max) return 'long';
  if ((lines ? CONTROL : CONTROL_ONE_LINE).test(v) || LONE_SURROGATE.test(v) || BIDI.test(v)) return 'text';
  return undefined;
}

const YEAR = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Helsinki', year: 'numeric' });

function summaryOf(e: StoredRectification): RectificationSummary {
  return {
    id: e.id, ref: e.ref, receivedOn: e.receivedOn, recordedAt: e.recordedAt, recordedBy: e.recordedBy, status: e.status,
    hasHetu: e.hetuBlind !== undefined,
    ...(e.decision ? { decided: { by: e.decision.by, at: e.decision.at } } : {}),
  };
}

const byNewest = (a: RectificationSummary, b: RectificationSummary) =>
  b.receivedOn.localeCompare(a.receivedOn) || b.recordedAt - a.recordedAt || a.id.localeCompare(b.id);

export class RectificationStore {
  private readonly db: AbstractSublevel<AnyLevel, unknown, string, unknown>;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(level: AnyLevel, private readonly sealer: FieldSealer, private readonly clock: Clock) {
    this.db = level.sublevel<string, unknown>(RECTIFICATION_SUBLEVEL, { valueEncoding: 'json' });
  }

  /** Newest request first; nothing is opened. */
  async list(): Promise<RectificationSummary[]> {
    return (await this.entries()).map(summaryOf).sort(byNewest);
  }

  /** The requests that gave this henkilötunnus (canonical, as parseHetu gives it); nothing is opened. */
  async withHetu(canonical: string): Promise<RectificationSummary[]> {
    const blind = this.sealer.blind('hetu', canonical);
    return (await this.entries()).filter((e) => e.hetuBlind === blind).map(summaryOf).sort(byNewest);
  }

  /** The entry's plain facts, without opening anything. */
  async summary(id: string): Promise<RectificationSummary | undefined> {
    const e = await this.stored(id);
    return e && summaryOf(e);
  }

  /** The entry with its sealed parts opened: only to show it. */
  async get(id: string): Promise<RectificationEntry | undefined> {
    const e = await this.stored(id);
    if (!e) return undefined;
    const request = this.sealer.open(requestAad(e.id), e.request) as RectificationRequestText;
    const decision = e.decision && {
      outcome: e.decision.outcome, by: e.decision.by, at: e.decision.at,
      text: (this.sealer.open(decisionAad(e.id), e.decision.sealed) as RectificationDecisionText).text,
    };
    return { ...summaryOf(e), request, ...(decision ? { decision } : {}) };
  }

  /**
   * Records a request. Rejects with a TypeError for a value the console would have refused (so
   * no caller can store what a form could not), or an id in use.
   */
  create(o: NewRectification & { id?: string }): Promise<RectificationSummary> {
    const id = o.id ?? randomUUID();
    const r = o.request;
    const problems = [
      DAY.test(o.receivedOn) ? undefined : 'receivedOn',
      registerTextProblem(r.name, RECTIFICATION_LIMITS.name) && 'name',
      registerTextProblem(r.contact, RECTIFICATION_LIMITS.contact, true) && 'contact',
      registerTextProblem(r.what, RECTIFICATION_LIMITS.what, true) && 'what',
      registerTextProblem(r.where, RECTIFICATION_LIMITS.where, true) && 'where',
      r.hetu === undefined || /^\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]$/.test(r.hetu) ? undefined : 'hetu',
      /^[0-9a-zA-Z-]{1,64}$/.test(id) ? undefined : 'id',
    ].filter((p) => p !== undefined);
    if (problems.length > 0) return Promise.reject(new TypeError(`a rectification request cannot be recorded with these fields: ${problems.join(', ')}`));
    const request: RectificationRequestText = {
      name: registerText(r.name, false)!, contact: registerText(r.contact, true)!, what: registerText(r.what, true)!, where: registerText(r.where, true)!,
      ...(r.hetu !== undefined ? { hetu: r.hetu } : {}),
    };
    return this.serial(async () => {
      if (await this.db.get(id)) throw new TypeError(`a rectification request ${id} exists already`);
      const recordedAt = this.clock.now();
      const year = Number(YEAR.format(recordedAt));
      const counter = `${COUNTER}${year}`;
      const n = ((await this.db.get(counter)) as { n: number } | undefined)?.n ?? 0;
      const entry: StoredRectification = {
        v: 1, id, ref: { year, n: n + 1 }, receivedOn: o.receivedOn, signed: true, recordedAt, recordedBy: o.recordedBy, status: 'open',
        ...(request.hetu !== undefined ? { hetuBlind: this.sealer.blind('hetu', request.hetu) } : {}),
        request: this.sealer.seal(requestAad(id), request),
      };
      await this.db.batch([
        { type: 'put', key: id, value: entry },
        { type: 'put', key: counter, value: { n: n + 1 } },
      ]);
      return summaryOf(entry);
    });
  }

  /**
   * Decides an open request, once: 'decided' if it already was, undefined if there is none.
   * Rejects with a TypeError for an empty or unusable text.
   */
  decide(id: string, d: RectificationDecision): Promise<RectificationSummary | 'decided' | undefined> {
    const max = d.outcome === 'refused' ? RECTIFICATION_LIMITS.reasons : RECTIFICATION_LIMITS.correction;
    if (registerTextProblem(d.text, max, true)) return Promise.reject(new TypeError(`a rectification decision needs its ${d.outcome === 'refused' ? 'reasons' : 'correction'} as plain text of 1–${max} characters`));
    return this.serial(async () => {
      const e = await this.stored(id);
      if (!e) return undefined;
      if (e.status !== 'open') return 'decided';
      const text: RectificationDecisionText = { text: registerText(d.text, true)! };
      const next: StoredRectification = { ...e, status: d.outcome, decision: { outcome: d.outcome, by: d.by, at: this.clock.now(), sealed: this.sealer.seal(decisionAad(id), text) } };
      await this.db.put(id, next);
      return summaryOf(next);
    });
  }

  private async stored(id: string): Promise<StoredRectification | undefined> {
    if (id.startsWith(COUNTER)) return undefined;
    const e = (await this.db.get(id)) as StoredRectification | undefined;
    return e ?? undefined;
  }

  private async entries(): Promise<StoredRectification[]> {
    return (await this.db.values({ lt: COUNTER }).all()) as StoredRectification[];
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => {});
    return run;
  }
}

// Each sealed part is bound to its entry and to its place in it: a request's seal moved into the
// decision (or another entry, or another register) does not open.
const requestAad = (id: string) => `reg-rectification:${id}:request`;
const decisionAad = (id: string) => `reg-rectification:${id}:decision`;
