/**
 * Nonces seen within the acceptance window, so a command captured off the wire cannot be played
 * again. A nonce is forgotten once its command's `ts` is outside the window for good; memory is
 * bounded by the window and the fleet's command rate, and by `max` as a last resort.
 */
export class NonceMemory {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly max = 100_000,
  ) {}

  /** False if the nonce was seen already; otherwise remembers it (with its command's time). */
  remember(nonce: string, ts: number, now: number): boolean {
    this.forget(now);
    if (this.seen.has(nonce)) return false;
    if (this.seen.size >= this.max) {
      // Refusing is safer than forgetting: a flood of fresh nonces cannot evict a real one.
      return false;
    }
    this.seen.set(nonce, ts);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  private forget(now: number): void {
    for (const [nonce, ts] of this.seen) {
      if (ts < now - 2 * this.windowMs) this.seen.delete(nonce);
    }
  }
}
