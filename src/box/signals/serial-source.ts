import { EventEmitter } from 'node:events';
import type { Transform } from 'node:stream';
import type { Logger } from 'pino';
import { SerialPort } from 'serialport';
import type { SetTimer } from './hayes-modem.js';

/** What the source needs of a port; `SerialPort` and `SerialPortMock` both fit. */
export interface SourcePort {
  readonly isOpen: boolean;
  open(cb: (err: Error | null) => void): void;
  close(cb?: (err: Error | null) => void): void;
  write(data: string | Buffer): unknown;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'close' | 'error', listener: (err?: Error | null) => void): unknown;
  off(event: 'data', listener: (chunk: Buffer) => void): unknown;
  off(event: 'close' | 'error', listener: (err?: Error | null) => void): unknown;
}

/** A line parser as the signal parsers here are: a Transform that can drop a partial line. */
export interface LineParser extends Transform {
  resync(): void;
}

export type SerialSourceState = 'opening' | 'open' | 'waiting' | 'closed';

export interface SerialSourceOptions {
  path: string;
  baudRate: number;
  log: Logger;
  /** fed with every chunk and resynced whenever the port is lost; its records are re-emitted as 'record' */
  parser?: LineParser;
  /** how a port is made (default: the real `SerialPort`, not yet open) */
  createPort?: (path: string, baudRate: number) => SourcePort;
  /** wait between reopen attempts: doubles from initial up to max (default 500 ms … 30 s) */
  backoff?: { initialMs: number; maxMs: number };
  setTimer?: SetTimer;
}

export interface SerialSourceStats {
  opens: number;
  failedOpens: number;
  /** the port went away while open (unplugged, device reset, pty closed) */
  lost: number;
}

const realPort = (path: string, baudRate: number): SourcePort => new SerialPort({ path, baudRate, autoOpen: false });

const defaultTimer: SetTimer = (fn, ms) => {
  const t = setTimeout(fn, ms);
  return { cancel: () => clearTimeout(t) };
};

/**
 * Keeps one serial port open: opens it, and when it cannot be opened or vanishes, logs it and
 * tries again with back-off, never throwing. Emits 'open' (port) on every successful open,
 * 'lost' when an open port goes away, 'record' for parser output, and 'state'.
 */
export class SerialSource extends EventEmitter {
  readonly stats: SerialSourceStats = { opens: 0, failedOpens: 0, lost: 0 };
  private _state: SerialSourceState = 'closed';
  private port: SourcePort | undefined;
  private retry: { cancel(): void } | undefined;
  private delayMs: number;
  private failures = 0;
  private lastError = '';
  private stopped = true;
  private unlisten: (() => void) | undefined;
  private readonly o: Required<Omit<SerialSourceOptions, 'parser'>> & { parser?: LineParser };

  constructor(opts: SerialSourceOptions) {
    super();
    if (typeof opts.path !== 'string' || opts.path === '') throw new TypeError('path must be a non-empty string');
    if (!Number.isInteger(opts.baudRate) || opts.baudRate <= 0) throw new TypeError('baudRate must be a positive integer');
    const backoff = opts.backoff ?? { initialMs: 500, maxMs: 30_000 };
    if (!(backoff.initialMs > 0) || !(backoff.maxMs >= backoff.initialMs)) throw new TypeError('backoff needs 0 < initialMs <= maxMs');
    this.o = { ...opts, backoff, createPort: opts.createPort ?? realPort, setTimer: opts.setTimer ?? defaultTimer };
    this.delayMs = backoff.initialMs;
    this.o.parser?.on('data', (r: unknown) => this.emit('record', r));
  }

  get state(): SerialSourceState {
    return this._state;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.openNow();
  }

  /** Closes the port and stops reopening; resolves when the port is closed. */
  async close(): Promise<void> {
    this.stopped = true;
    this.retry?.cancel();
    this.retry = undefined;
    const port = this.port;
    this.port = undefined;
    this.setState('closed');
    if (port) this.release(port);
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }

  /** Our listeners off; an error listener stays so a late error from a dead port cannot crash us. */
  private release(port: SourcePort): void {
    this.unlisten?.();
    this.unlisten = undefined;
    port.on('error', () => undefined);
  }

  private setState(s: SerialSourceState): void {
    if (s === this._state) return;
    this._state = s;
    this.emit('state', s);
  }

  private openNow(): void {
    this.retry = undefined;
    if (this.stopped) return;
    this.setState('opening');
    let port: SourcePort;
    try {
      port = this.o.createPort(this.o.path, this.o.baudRate);
    } catch (err) {
      this.failed(err);
      return;
    }
    this.port = port;
    const onError = (err?: Error | null) => {
      if (port === this.port && port.isOpen) this.lost(port, err);
    };
    const onData = (chunk: Buffer) => this.o.parser?.write(chunk);
    const onClose = (err?: Error | null) => {
      if (port === this.port) this.lost(port, err);
    };
    port.on('error', onError);
    this.unlisten = () => {
      port.off('error', onError);
      port.off('data', onData);
      port.off('close', onClose);
    };
    port.open((err) => {
      if (port !== this.port) {
        if (!err) port.close(() => undefined); // closed (or replaced) while the open was pending
        return;
      }
      if (err) {
        this.port = undefined;
        this.release(port);
        this.failed(err);
        return;
      }
      this.stats.opens++;
      this.o.log.info({ path: this.o.path, baudRate: this.o.baudRate, afterFailures: this.failures }, 'serial: port open');
      this.failures = 0;
      this.lastError = '';
      this.delayMs = this.o.backoff.initialMs;
      port.on('data', onData);
      port.on('close', onClose);
      this.setState('open');
      this.emit('open', port);
    });
  }

  private lost(port: SourcePort, err: Error | null | undefined): void {
    this.port = undefined;
    this.release(port);
    if (port.isOpen) port.close(() => undefined);
    this.stats.lost++;
    this.o.log.warn({ path: this.o.path, err: err?.message }, 'serial: port lost, will reopen');
    this.o.parser?.resync();
    this.emit('lost');
    this.schedule();
  }

  private failed(err: unknown): void {
    this.stats.failedOpens++;
    this.failures++;
    const message = err instanceof Error ? err.message : String(err);
    // the first failure and any change of cause at warn; repeats of the same cause at debug
    const level = this.failures === 1 || message !== this.lastError ? 'warn' : 'debug';
    this.lastError = message;
    this.o.log[level]({ path: this.o.path, err: message, attempt: this.failures, retryInMs: this.delayMs }, 'serial: cannot open port');
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.setState('waiting');
    const delay = this.delayMs;
    this.delayMs = Math.min(delay * 2, this.o.backoff.maxMs);
    this.retry = this.o.setTimer(() => this.openNow(), delay);
  }
}
