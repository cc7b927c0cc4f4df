import type { Logger } from 'pino';
import { systemClock, type Clock } from '../../../core/clock.js';
import type { LedConfig } from '../../../core/config/index.js';
import { ledInputs, ledPattern, type LedShow, type LedSource } from './pattern.js';
import { SysfsLed } from './sysfs-led.js';

/** What the LED needs of the box: its alarms and lines, and the 'led-test' event. */
export interface BoxLedSource extends LedSource {
  on(ev: 'led-test', fn: (seconds: number) => void): unknown;
  off?(ev: 'led-test', fn: (seconds: number) => void): unknown;
}

/** Anything that can show a pattern: a `SysfsLed`, or a test's recorder. */
export interface LedDriver {
  apply(p: LedShow): Promise<void>;
}

export interface BoxLedOptions {
  source: BoxLedSource;
  /** the MQTT link; leave out when the box has none configured */
  link?: { readonly connected: boolean };
  /** the outbox's backlog (`Outbox.backlog`) */
  backlog?: () => Promise<number>;
  led: LedDriver;
  clock: Clock;
  /** injected so that tests never sleep */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** how often the state is read (default 1000 ms) */
  pollMs?: number;
  log?: Logger;
}

/** A longer test would hide the box's real state for too long if someone forgot it running. */
export const MAX_TEST_SECONDS = 300;

const realSetTimer = (fn: () => void, ms: number): unknown => setTimeout(fn, ms).unref();
const realClearTimer = (handle: unknown): void => clearTimeout(handle as ReturnType<typeof setTimeout>);

/**
 * Keeps the status LED in step with the box: every `pollMs` it derives the pattern (pattern.ts)
 * and applies it, and on 'led-test' it shows the test pattern for the seconds asked, then the
 * status again. Polling rather than following events keeps it right whatever changed (a line's
 * state, the link, the backlog) with no event that could be missed. `stop()` leaves the LED
 * off: a box that is not running must not look healthy.
 */
export class BoxLed {
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private readonly pollMs: number;
  private running = false;
  /** a stop and a quick start again must not leave two poll loops */
  private generation = 0;
  private pollTimer: unknown;
  private testTimer: unknown;
  private testUntil: number | undefined;
  private lastBacklog = 0;
  private current: LedShow | undefined;
  private busy: Promise<void> = Promise.resolve();
  private readonly onTest = (seconds: number): void => this.test(seconds);

  constructor(private readonly o: BoxLedOptions) {
    this.setTimer = o.setTimer ?? realSetTimer;
    this.clearTimer = o.clearTimer ?? realClearTimer;
    this.pollMs = o.pollMs ?? 1000;
    if (!Number.isFinite(this.pollMs) || this.pollMs <= 0) throw new TypeError('pollMs must be a positive number of milliseconds');
  }

  /** The pattern last applied; undefined before `start()`. */
  get showing(): LedShow | undefined {
    return this.current;
  }

  /** ms since epoch when the LED test in progress ends; undefined when there is none. */
  get testEnds(): number | undefined {
    return this.testing() ? this.testUntil : undefined;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const generation = ++this.generation;
    this.o.source.on('led-test', this.onTest);
    const poll = (): void => {
      void this.refresh().then(() => {
        if (this.running && generation === this.generation) this.pollTimer = this.setTimer(poll, this.pollMs);
      });
    };
    poll();
  }

  /**
   * Shows the test pattern for `seconds` (at most MAX_TEST_SECONDS), then the status again.
   * A new test replaces the one in progress; 0 ends it.
   */
  test(seconds: number): void {
    if (this.testTimer !== undefined) this.clearTimer(this.testTimer);
    this.testTimer = undefined;
    this.testUntil = undefined;
    if (Number.isFinite(seconds) && seconds > 0) {
      const ms = Math.min(seconds, MAX_TEST_SECONDS) * 1000;
      this.testUntil = this.o.clock.now() + ms;
      this.o.log?.info({ seconds: ms / 1000 }, 'status LED test pattern');
      this.testTimer = this.setTimer(() => {
        this.testTimer = undefined;
        this.testUntil = undefined;
        void this.refresh();
      }, ms);
    }
    void this.refresh();
  }

  /** Reads the state and applies its pattern now; resolves once applied. */
  refresh(): Promise<void> {
    const run = this.busy.then(async () => {
      if (!this.running) return;
      const show = await this.pattern();
      // stop() may have come while the backlog was read: it has the last word
      if (!this.running) return;
      await this.o.led.apply(show);
      this.current = show;
    });
    this.busy = run.catch((err: Error) => this.o.log?.warn({ err: err.message }, 'status LED update failed'));
    return this.busy;
  }

  /** Resolves once the updates already asked for are done. */
  idle(): Promise<void> {
    return this.busy;
  }

  /** Stops following the box and switches the LED off. */
  async stop(): Promise<void> {
    this.running = false;
    this.generation++;
    if (this.pollTimer !== undefined) this.clearTimer(this.pollTimer);
    if (this.testTimer !== undefined) this.clearTimer(this.testTimer);
    this.pollTimer = this.testTimer = this.testUntil = undefined;
    this.o.source.off?.('led-test', this.onTest);
    const run = this.busy.then(async () => {
      await this.o.led.apply('off');
      this.current = 'off';
    });
    this.busy = run.catch((err: Error) => this.o.log?.warn({ err: err.message }, 'status LED could not be switched off'));
    return this.busy;
  }

  private testing(): boolean {
    return this.testUntil !== undefined && this.o.clock.now() < this.testUntil;
  }

  private async pattern(): Promise<LedShow> {
    if (this.testing()) return 'test';
    if (this.o.backlog) {
      try {
        this.lastBacklog = await this.o.backlog();
      } catch (err) {
        // a store closing under us: the last count is the best guess until it answers again
        this.o.log?.debug({ err: (err as Error).message }, 'backlog unreadable for the status LED');
      }
    }
    return ledPattern(ledInputs(this.o.source, this.o.link, this.lastBacklog));
  }
}

/** The box's status LED as the config names it (`led.names` under `led.sysfs`). */
export function statusLed(o: {
  config: LedConfig;
  source: BoxLedSource;
  link?: { readonly connected: boolean };
  backlog?: () => Promise<number>;
  log: Logger;
  clock?: Clock;
}): BoxLed {
  return new BoxLed({
    source: o.source,
    ...(o.link ? { link: o.link } : {}),
    ...(o.backlog ? { backlog: o.backlog } : {}),
    led: new SysfsLed({ root: o.config.sysfs, names: o.config.names, log: o.log }),
    clock: o.clock ?? systemClock,
    log: o.log,
  });
}
