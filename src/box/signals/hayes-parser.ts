import type { TransformCallback } from 'node:stream';
import type { Logger } from 'pino';
import { countBad, newLineStats, resetLineStats, type BadLineReason, type LineStats } from './line-reader.js';
import { LineTransform } from './line-transform.js';
import { parseHayesLine, type CallerIdStatus, type HayesField, type HayesFormatOptions, type HayesLine, type HayesResultCode } from './hayes-format.js';

export interface CallerIdRecord {
  kind: 'caller-id';
  /** 'ok' with a number; 'withheld' (NMBR = P, PRIVATE); 'unavailable' (NMBR = O, OUT OF AREA) */
  status: CallerIdStatus;
  /** 'MMDD' and 'HHMM' (24 h) as the exchange sent them */
  date?: string;
  time?: string;
  number?: string;
  name?: string;
}

export type HayesRecord =
  | { kind: 'ring' }
  | CallerIdRecord
  | { kind: 'result'; code: HayesResultCode }
  | { kind: 'echo' }
  /** a line of no known kind (a restart banner, or garbage); its content is not kept */
  | { kind: 'unknown-line' };

export interface HayesParserOptions extends HayesFormatOptions {
  /** longest line kept, in bytes (default 256) */
  maxLineBytes?: number;
  /** bad lines and dropped blocks are logged at debug, without content */
  log?: Logger;
}

export interface HayesStats extends LineStats {
  callerIds: number;
  /** caller-ID blocks dropped: a line in them could not be read, two NMBR lines disagreed, or none came */
  droppedBlocks: number;
}

type Slot<T> = T | undefined | null; // undefined: not sent; null: unreadable or contradictory

/**
 * Bytes from a voice modem in, `HayesRecord` objects out. The DATE/TIME/NMBR/NAME/MESG lines
 * after a RING are grouped into one caller-id record, pushed at the next RING or result code,
 * on `endCallerId()` (the modem driver calls it after a quiet spell) or at end of stream. A
 * block in which any line could not be read is dropped whole: that line may have been the number.
 * Emits 'pending' whenever a block is open, so a driver can time it out.
 */
export class HayesParser extends LineTransform<HayesStats> {
  private readonly format: HayesFormatOptions;
  private readonly log: Logger | undefined;
  private open = false;
  private damaged = false;
  private date: Slot<string>;
  private time: Slot<string>;
  private nmbr: Slot<Extract<HayesField, { tag: 'NMBR' }>>;
  private name: Slot<string>;
  private absent: Slot<CallerIdStatus>;
  private nameAbsent = false;

  constructor(opts: HayesParserOptions = {}) {
    const min = opts.minNumberDigits ?? 3;
    if (!Number.isInteger(min) || min < 1 || min > 20) throw new TypeError('minNumberDigits must be an integer from 1 to 20');
    super({ ...newLineStats(), callerIds: 0, droppedBlocks: 0 }, opts.maxLineBytes);
    this.format = { minNumberDigits: min };
    this.log = opts.log;
  }

  override _flush(cb: TransformCallback): void {
    this.resync();
    this.endCallerId();
    cb();
  }

  resetStats(): void {
    Object.assign(this.stats, { callerIds: 0, droppedBlocks: 0 });
    resetLineStats(this.stats);
  }

  /** Pushes the open caller-ID block now (or drops it if damaged) and forgets pending damage. */
  endCallerId(): void {
    if (this.open) this.emitBlock();
    this.open = false;
    this.damaged = false;
    this.date = this.time = this.nmbr = this.name = this.absent = undefined;
    this.nameAbsent = false;
  }

  get callerIdPending(): boolean {
    return this.open || this.damaged;
  }

  protected line(text: string): void {
    this.stats.lines++;
    const l: HayesLine = parseHayesLine(text, this.format);
    switch (l.kind) {
      case 'ring':
      case 'result':
        this.endCallerId();
        this.out(l);
        return;
      case 'echo':
        this.stats.ignored++;
        this.out(l);
        return;
      case 'ignored':
        this.stats.ignored++;
        return;
      case 'field':
        this.open = true;
        this.field(l.field);
        break;
      case 'malformed':
        // the tag was read, so the damage is confined to that field; an unreadable NMBR spoils the block
        countBad(this.stats, 'malformed');
        this.log?.debug({ reason: 'malformed', tag: l.tag, bytes: text.length }, 'hayes: line dropped');
        if (l.tag === 'DATE') this.date = null;
        else if (l.tag === 'TIME') this.time = null;
        else if (l.tag === 'NAME') this.name = null;
        else if (l.tag === 'MESG') this.absent = null;
        else this.damaged = true;
        this.open = true;
        break;
      case 'unknown':
        this.bad('unknown', text.length);
        return;
    }
    this.emit('pending');
  }

  private field(f: HayesField): void {
    const same = <T>(slot: Slot<T>, v: T): Slot<T> => (slot === undefined || slot === v ? v : null);
    if (f.tag === 'DATE') this.date = same(this.date, f.value);
    else if (f.tag === 'TIME') this.time = same(this.time, f.value);
    else if (f.tag === 'NAME') this.name = same(this.name, f.name ?? '');
    else if (f.tag === 'NMBR') {
      const n = this.nmbr;
      this.nmbr = n === undefined || (n !== null && n.number === f.number && n.status === f.status) ? f : null;
    } else {
      if (f.numberAbsent) this.absent = same(this.absent, f.numberAbsent);
      if (f.nameAbsent) this.nameAbsent = true;
    }
  }

  private emitBlock(): void {
    // IS-101: a block always carries the caller code (number, P or O), here or as an MDMF reason
    // for absence. Without one, the NMBR line was lost: "unavailable" would be a guess.
    let status: CallerIdStatus | undefined;
    if (this.nmbr) status = this.nmbr.status;
    else if (this.nmbr === undefined && this.absent) status = this.absent;
    if (this.damaged || status === undefined) {
      this.stats.droppedBlocks++;
      const reason = this.damaged ? 'unreadable-line' : this.nmbr === null ? 'contradictory-number' : 'no-number-line';
      this.log?.debug({ reason }, 'hayes: caller-ID block dropped');
      return;
    }
    const r: CallerIdRecord = { kind: 'caller-id', status };
    if (this.date) r.date = this.date;
    if (this.time) r.time = this.time;
    if (this.nmbr?.number) r.number = this.nmbr.number;
    if (this.name && !this.nameAbsent) r.name = this.name;
    this.stats.callerIds++;
    this.out(r);
  }

  private out(r: HayesRecord): void {
    this.stats.records++;
    this.push(r);
  }

  /** A line of unknown identity: it may have been the NMBR line, so any block around it is spoilt. */
  protected bad(reason: BadLineReason, bytes: number): void {
    countBad(this.stats, reason);
    this.damaged = true;
    this.log?.debug({ reason, bytes }, 'hayes: line dropped');
    this.out({ kind: 'unknown-line' });
    this.emit('pending');
  }
}
