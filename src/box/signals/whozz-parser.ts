import type { Logger } from 'pino';
import { countBad, newLineStats, resetLineStats, type LineStats } from './line-reader.js';
import { LineTransform } from './line-transform.js';
import { parseWhozzLine, type WhozzFormatOptions, type WhozzRecord } from './whozz-format.js';

export interface WhozzParserOptions extends WhozzFormatOptions {
  /** longest line kept, in bytes (default 256; a call record is 63 with its "$") */
  maxLineBytes?: number;
  /** bad lines are logged at debug, by reason and length only: they may hold a number */
  log?: Logger;
}

export interface WhozzStats extends LineStats {
  /** call records of the wrong width (also counted as malformed); see `trimmedPadding` */
  width: number;
}

/**
 * Bytes from a Whozz Calling? unit in, `WhozzRecord` objects out. A line that does not
 * match the published format exactly yields nothing and is counted in `stats`.
 */
export class WhozzParser extends LineTransform<WhozzStats> {
  private readonly format: WhozzFormatOptions;
  private readonly log: Logger | undefined;
  private warnedWidth = false;

  constructor(opts: WhozzParserOptions = {}) {
    if (opts.dateOrder !== undefined && opts.dateOrder !== 'MD' && opts.dateOrder !== 'DM') {
      throw new TypeError("dateOrder must be 'MD' or 'DM'");
    }
    super({ ...newLineStats(), width: 0 }, opts.maxLineBytes);
    this.format = { dateOrder: opts.dateOrder ?? 'MD', trimmedPadding: opts.trimmedPadding === true };
    this.log = opts.log;
  }

  resetStats(): void {
    resetLineStats(this.stats);
    this.stats.width = 0;
  }

  protected line(text: string): void {
    this.stats.lines++;
    const r = parseWhozzLine(text, this.format);
    if (r.ok) {
      this.stats.records++;
      this.push(r.record satisfies WhozzRecord);
    } else if (r.reason === 'ignored') {
      this.stats.ignored++;
    } else if (r.reason === 'width') {
      this.stats.width++;
      this.bad('malformed', text.length);
      if (!this.warnedWidth && this.stats.width >= 3 && this.stats.records === 0) {
        this.warnedWidth = true;
        this.log?.warn({ widthMismatches: this.stats.width }, 'whozz: call records are not 62 columns wide; if the unit strips padding, set trimmedPadding');
      }
    } else {
      this.bad(r.reason, text.length);
    }
  }

  protected bad(reason: 'overlong' | 'binary' | 'truncated' | 'malformed' | 'unknown', bytes: number): void {
    countBad(this.stats, reason);
    this.log?.debug({ reason, bytes }, 'whozz: line dropped');
  }
}
