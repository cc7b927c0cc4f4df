import { ManualClock } from '../../../src/core/clock.js';

/** A manual clock with timers on it: tests advance time and never sleep. */
export class ManualTimers {
  readonly clock = new ManualClock(1_700_000_000_000);
  private timers: { at: number; seq: number; fn: () => void }[] = [];
  private seq = 0;

  readonly setTimer = (fn: () => void, ms: number): { cancel(): void } => {
    const t = { at: this.clock.now() + ms, seq: this.seq++, fn };
    this.timers.push(t);
    return { cancel: () => void (this.timers = this.timers.filter((x) => x !== t)) };
  };

  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward, firing due timers in order; awaits promise continuations between them. */
  async advance(ms: number): Promise<void> {
    const end = this.clock.now() + ms;
    for (;;) {
      await settle();
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.clock.set(Math.max(this.clock.now(), due.at));
      due.fn();
    }
    this.clock.set(end);
    await settle();
  }
}

/** Lets promise continuations, nextTicks and immediates run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}
