import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import { HayesParser, type HayesParserOptions, type HayesRecord } from './hayes-parser.js';

export type HayesState = 'initialising' | 'ready' | 'failed';

/** What the driver needs of a port: a SerialPort, a SerialPortMock or a test double. */
export interface ModemPort {
  write(data: string): unknown;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer) => void): unknown;
}

export type SetTimer = (fn: () => void, ms: number) => { cancel(): void };

export interface HayesModemOptions {
  log: Logger;
  clock: Clock;
  /** injected so that tests never sleep */
  setTimer?: SetTimer;
  parser?: Omit<HayesParserOptions, 'log'>;
  /** sent after ATZ; an ERROR here is logged and passed over (default ['ATE0V1']: no echo, word results) */
  setup?: string[];
  /** tried in order until one answers OK (default ['AT+VCID=1', 'AT#CID=1']) */
  cidCommands?: string[];
  /** how long a command may wait for OK/ERROR (default 3000 ms) */
  commandTimeoutMs?: number;
  /** a caller-ID block with no new line for this long is complete (default 1500 ms) */
  cidQuietMs?: number;
  /** the working caller-ID command is re-sent this often as a liveness probe; 0 = never (default 60 s) */
  probeIntervalMs?: number;
  /** no probe while a call may be ringing: this long after the last RING or caller-ID line (default 15 s) */
  quietBeforeProbeMs?: number;
  /** initialisation attempts before the state becomes 'failed' (default 3) */
  maxAttempts?: number;
  /** after 'failed', start again after this long (default 30 s) */
  retryMs?: number;
}

export interface HayesModemStats {
  inits: number;
  probes: number;
  probeFailures: number;
  timeouts: number;
  /** re-initialisations because the modem printed something it should not have (a banner, garbage) */
  unexpectedOutput: number;
}

type Outcome = 'OK' | 'ERROR' | 'timeout' | 'garbage' | 'cancelled';

const defaultTimer: SetTimer = (fn, ms) => {
  const t = setTimeout(fn, ms);
  return { cancel: () => clearTimeout(t) };
};

function positive(name: string, v: number | undefined, dflt: number, zeroOk = false): number {
  const n = v ?? dflt;
  if (!Number.isFinite(n) || n < 0 || (n === 0 && !zeroOk)) throw new TypeError(`${name} must be a positive number of milliseconds`);
  return n;
}

function commands(name: string, v: string[] | undefined, dflt: string[], nonEmpty: boolean): string[] {
  const list = v ?? dflt;
  if (!Array.isArray(list) || (nonEmpty && list.length === 0) || list.some((c) => typeof c !== 'string' || !/^AT[\x20-\x7e]*$/i.test(c))) {
    throw new TypeError(`${name} must be a list of AT commands without line ends`);
  }
  return [...list];
}

/**
 * Drives one voice modem as a caller-ID receiver: ATZ, setup, then AT+VCID=1 with AT#CID=1 as
 * fallback; re-initialises when the modem prints a banner or garbage, or a probe goes unanswered.
 * Emits 'record' (HayesRecord: ring, caller-id, unsolicited result codes) and 'state'
 * (HayesState, reason). Owns the parser; the port comes and goes through attach/detach.
 */
export class HayesModem extends EventEmitter {
  readonly parser: HayesParser;
  readonly stats: HayesModemStats = { inits: 0, probes: 0, probeFailures: 0, timeouts: 0, unexpectedOutput: 0 };
  private _state: HayesState = 'failed';
  private _cidCommand: string | undefined;
  private port: ModemPort | undefined;
  private generation = 0;
  private pending: { settle(o: Outcome): void } | undefined;
  private probeTimer: { cancel(): void } | undefined;
  private retryTimer: { cancel(): void } | undefined;
  private cidTimer: { cancel(): void } | undefined;
  private lastActivity = -Infinity;
  private readonly o: Required<Omit<HayesModemOptions, 'parser'>>;
  private readonly onData = (chunk: Buffer) => this.parser.write(chunk);

  constructor(opts: HayesModemOptions) {
    super();
    this.o = {
      log: opts.log,
      clock: opts.clock,
      setTimer: opts.setTimer ?? defaultTimer,
      setup: commands('setup', opts.setup, ['ATE0V1'], false),
      cidCommands: commands('cidCommands', opts.cidCommands, ['AT+VCID=1', 'AT#CID=1'], true),
      commandTimeoutMs: positive('commandTimeoutMs', opts.commandTimeoutMs, 3000),
      cidQuietMs: positive('cidQuietMs', opts.cidQuietMs, 1500),
      probeIntervalMs: positive('probeIntervalMs', opts.probeIntervalMs, 60_000, true),
      quietBeforeProbeMs: positive('quietBeforeProbeMs', opts.quietBeforeProbeMs, 15_000, true),
      maxAttempts: positive('maxAttempts', opts.maxAttempts, 3),
      retryMs: positive('retryMs', opts.retryMs, 30_000),
    };
    this.parser = new HayesParser({ ...opts.parser, log: opts.log });
    this.parser.on('data', (r: HayesRecord) => this.onRecord(r));
    this.parser.on('pending', () => this.armCidTimer());
  }

  get state(): HayesState {
    return this._state;
  }

  /** the caller-ID command the modem accepted, once ready */
  get cidCommand(): string | undefined {
    return this._cidCommand;
  }

  /** Takes a freshly opened port and initialises the modem on it. */
  attach(port: ModemPort): void {
    this.detach('replaced');
    this.port = port;
    port.on('data', this.onData);
    void this.initialise('attached');
  }

  /** The port is gone (or being closed): stop talking, drop partial input. */
  detach(reason = 'detached'): void {
    const port = this.port;
    if (!port) return;
    this.port = undefined;
    port.off('data', this.onData);
    this.stop();
    this.setState('failed', reason);
    this.parser.resync();
    this.parser.endCallerId();
  }

  private stop(): void {
    this.generation++;
    for (const t of [this.probeTimer, this.retryTimer, this.cidTimer]) t?.cancel();
    this.probeTimer = this.retryTimer = this.cidTimer = undefined;
    this.pending?.settle('cancelled');
  }

  private setState(state: HayesState, reason: string): void {
    if (state === this._state) return;
    this._state = state;
    if (state === 'ready') this.o.log.info({ cidCommand: this._cidCommand }, 'hayes: modem ready');
    else if (state === 'failed') this.o.log.warn({ reason }, 'hayes: modem not available');
    else this.o.log.info({ reason }, 'hayes: initialising modem');
    this.emit('state', state, reason);
  }

  private onRecord(r: HayesRecord): void {
    if (r.kind === 'result' && (r.code === 'OK' || r.code === 'ERROR')) {
      this.pending?.settle(r.code); // unsolicited OK/ERROR carry nothing
      return;
    }
    if (r.kind === 'echo') return;
    if (r.kind === 'unknown-line') {
      if (this.pending) this.pending.settle('garbage');
      else if (this.port && this._state === 'ready') {
        this.stats.unexpectedOutput++;
        void this.initialise('unexpected-output');
      }
      return;
    }
    if (r.kind === 'ring' || r.kind === 'caller-id') this.lastActivity = this.o.clock.now();
    this.emit('record', r);
  }

  private armCidTimer(): void {
    if (!this.port) return;
    this.lastActivity = this.o.clock.now();
    this.cidTimer?.cancel();
    this.cidTimer = this.o.setTimer(() => {
      this.cidTimer = undefined;
      this.parser.endCallerId();
    }, this.o.cidQuietMs);
  }

  private command(cmd: string): Promise<Outcome> {
    return new Promise((resolve) => {
      this.pending?.settle('cancelled');
      const timer = this.o.setTimer(() => {
        this.stats.timeouts++;
        entry.settle('timeout');
      }, this.o.commandTimeoutMs);
      const entry = {
        settle: (o: Outcome) => {
          if (this.pending === entry) this.pending = undefined;
          timer.cancel();
          resolve(o);
        },
      };
      this.pending = entry;
      this.port?.write(cmd + '\r');
    });
  }

  private async initialise(reason: string): Promise<void> {
    this.stop();
    const gen = this.generation;
    this.stats.inits++;
    this._cidCommand = undefined;
    this.setState('initialising', reason);
    let why = 'no-answer';
    for (let attempt = 1; attempt <= this.o.maxAttempts && why !== 'no-caller-id-command'; attempt++) {
      const r = await this.attempt(gen);
      if (gen !== this.generation) return;
      if (r === 'ready') {
        this.setState('ready', reason);
        this.scheduleProbe(this.o.probeIntervalMs);
        return;
      }
      why = r;
    }
    this.setState('failed', why);
    this.retryTimer = this.o.setTimer(() => void this.initialise('retry'), this.o.retryMs);
  }

  /** One pass through the commands. 'garbled-answer' usually means a wrong baud rate. */
  private async attempt(gen: number): Promise<'ready' | 'no-answer' | 'garbled-answer' | 'no-caller-id-command'> {
    const failed = (r: Outcome) => (r === 'garbage' ? 'garbled-answer' : 'no-answer');
    await this.command('ATZ'); // any answer will do: ATZ may restore a result mode we cannot read
    for (const c of this.o.setup) {
      if (gen !== this.generation) return 'no-answer';
      const r = await this.command(c);
      if (r === 'ERROR') this.o.log.warn({ command: c }, 'hayes: setup command refused, continuing');
      else if (r !== 'OK') return failed(r);
    }
    for (const c of this.o.cidCommands) {
      if (gen !== this.generation) return 'no-answer';
      const r = await this.command(c);
      if (r === 'OK') {
        this._cidCommand = c;
        return 'ready';
      }
      if (r !== 'ERROR') return failed(r);
      this.o.log.info({ command: c }, 'hayes: caller-ID command refused, trying the next');
    }
    return 'no-caller-id-command';
  }

  private scheduleProbe(ms: number): void {
    if (this.o.probeIntervalMs === 0) return;
    this.probeTimer = this.o.setTimer(() => void this.probe(), ms);
  }

  private async probe(): Promise<void> {
    this.probeTimer = undefined;
    const quietFor = this.o.clock.now() - this.lastActivity;
    if (quietFor < this.o.quietBeforeProbeMs || this.parser.callerIdPending) {
      this.scheduleProbe(Math.max(1000, this.o.quietBeforeProbeMs - quietFor));
      return;
    }
    const gen = this.generation;
    this.stats.probes++;
    const r = await this.command(this._cidCommand ?? 'AT');
    if (gen !== this.generation) return;
    if (r === 'OK') {
      this.scheduleProbe(this.o.probeIntervalMs);
      return;
    }
    this.stats.probeFailures++;
    this.o.log.warn({ outcome: r }, 'hayes: probe not answered with OK');
    await this.initialise(`probe-${r}`);
  }
}
