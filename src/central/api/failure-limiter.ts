// Failed authentications per client address (R9: a token cannot be guessed by trying). In
// memory: a restart forgets, which costs an attacker a restart per 20 guesses. Bounded, so a
// flood of addresses cannot grow it without end.
import type { Clock } from '../../core/clock.js';

export interface FailureLimits {
  /** failures within windowMs after which the address is refused */
  max: number;
  windowMs: number;
  /** addresses remembered at most */
  maxKeys?: number;
}

export class FailureLimiter {
  /** failure times per address, oldest first, at most `max` kept */
  private readonly failures = new Map<string, number[]>();
  private readonly maxKeys: number;

  constructor(private readonly clock: Clock, private readonly limits: FailureLimits) {
    if (!Number.isSafeInteger(limits.max) || limits.max < 1) throw new TypeError(`max must be a positive integer, got ${limits.max}`);
    if (!Number.isFinite(limits.windowMs) || limits.windowMs <= 0) throw new TypeError(`windowMs must be positive, got ${limits.windowMs}`);
    this.maxKeys = limits.maxKeys ?? 10_000;
  }

  /** Ms until the address may try again; 0 when it may now. */
  retryAfterMs(key: string): number {
    const times = this.live(key);
    if (times.length < this.limits.max) return 0;
    return Math.max(1, times[0]! + this.limits.windowMs - this.clock.now());
  }

  /** Counts one failure; `blocked` is true when this one reached the limit. */
  fail(key: string): { blocked: boolean } {
    const times = this.live(key);
    times.push(this.clock.now());
    while (times.length > this.limits.max) times.shift();
    this.failures.delete(key); // re-insert: the map's order is least recently failed first
    this.failures.set(key, times);
    this.bound();
    return { blocked: times.length >= this.limits.max };
  }

  private live(key: string): number[] {
    const times = this.failures.get(key);
    if (!times) return [];
    const horizon = this.clock.now() - this.limits.windowMs;
    while (times.length > 0 && times[0]! <= horizon) times.shift();
    if (times.length === 0) this.failures.delete(key);
    return times;
  }

  private bound(): void {
    if (this.failures.size <= this.maxKeys) return;
    for (const key of [...this.failures.keys()]) this.live(key);
    // Still over: forget the addresses that failed least recently.
    for (const key of this.failures.keys()) {
      if (this.failures.size <= this.maxKeys) break;
      this.failures.delete(key);
    }
  }
}
