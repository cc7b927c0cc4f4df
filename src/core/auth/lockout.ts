// Repeated failed logins lock an account name (R9). Names with no account lock the same way,
// so a lockout tells nobody which names exist. In memory: a restart forgets, which costs an
// attacker a restart of the recorder per five guesses.
import type { Clock } from '../clock.js';

export interface LockoutOptions {
  /** failures within windowMs that lock the name; default 5 */
  max?: number;
  /** default 15 minutes */
  windowMs?: number;
  /** names remembered at most; default 10000, the least recently failed forgotten first */
  maxNames?: number;
}

// No account name is longer (NAME_PATTERN): longer input cannot be an account, and must not
// let a flood of huge names hold memory.
const KEY_LENGTH = 64;

export class Lockout {
  /** failure times per name, oldest first, at most `max`; the map's order is least recently failed first */
  private readonly failures = new Map<string, number[]>();
  private readonly max: number;
  private readonly windowMs: number;
  private readonly maxNames: number;

  constructor(private readonly clock: Clock, opts: LockoutOptions = {}) {
    this.max = positiveInteger(opts.max ?? 5, 'max');
    this.windowMs = positiveInteger(opts.windowMs ?? 15 * 60_000, 'windowMs');
    this.maxNames = positiveInteger(opts.maxNames ?? 10_000, 'maxNames');
  }

  /** Check before verifying a password: a locked name is refused without one. */
  locked(name: string): { locked: boolean; until?: number } {
    const times = this.live(key(name));
    return times.length >= this.max ? { locked: true, until: times[0]! + this.windowMs } : { locked: false };
  }

  /** Counts a failed login. While locked nothing is counted: the lock ends when it said it would. */
  failure(name: string): { locked: boolean; failures: number; until?: number } {
    const k = key(name);
    const times = this.live(k);
    if (times.length < this.max) times.push(this.clock.now());
    this.failures.delete(k);
    this.failures.set(k, times);
    this.bound(k);
    return times.length >= this.max
      ? { locked: true, failures: times.length, until: times[0]! + this.windowMs }
      : { locked: false, failures: times.length };
  }

  success(name: string): void {
    this.failures.delete(key(name));
  }

  private live(k: string): number[] {
    const times = this.failures.get(k);
    if (!times) return [];
    const horizon = this.clock.now() - this.windowMs;
    while (times.length > 0 && times[0]! <= horizon) times.shift();
    if (times.length === 0) this.failures.delete(k);
    return times;
  }

  // Over the bound: forget names that are not locked first, least recently failed first, so
  // a flood of made-up names must be large to push a locked one out. The name just counted
  // stays, or a full table would forget every new failure at once.
  private bound(current: string): void {
    if (this.failures.size <= this.maxNames) return;
    for (const k of [...this.failures.keys()]) {
      if (this.failures.size <= this.maxNames) return;
      if (k !== current && this.live(k).length < this.max) this.failures.delete(k);
    }
    for (const k of [...this.failures.keys()]) {
      if (this.failures.size <= this.maxNames) return;
      if (k !== current) this.failures.delete(k);
    }
  }
}

function key(name: string): string {
  return String(name).slice(0, KEY_LENGTH);
}

function positiveInteger(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`Lockout: ${what} must be a positive whole number, got ${value}`);
  return value;
}
