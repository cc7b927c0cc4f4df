// Feeds systemd's watchdog only while the service really works. A process whose event loop
// still turns but whose capture or store has died must stop the pings, so that systemd
// restarts it (and, after the hardware watchdog, so that a wedged box reboots).
import type { Logger } from 'pino';

export interface Health {
  ok: boolean;
  /** one line for `systemctl status`: never personal data (no numbers, names or ids of people) */
  status: string;
}

/** STATUS= is one line of a datagram: a newline would start a new assignment. */
export function statusLine(status: string): string {
  return status.replace(/\s+/g, ' ').trim();
}

export interface Ticker {
  every(ms: number, fn: () => void): { cancel(): void };
}

export const realTicker: Ticker = {
  every(ms, fn) {
    const t = setInterval(fn, ms);
    return { cancel: () => clearInterval(t) };
  },
};

export interface WatchdogOptions {
  intervalMs: number;
  check: () => Promise<Health>;
  send: (message: string) => void;
  log: Logger;
  ticker?: Ticker;
}

/**
 * Runs `check` every interval; sends WATCHDOG=1 with the status when it says ok, and only the
 * status otherwise. A check still running at the next tick has hung (a stuck disk read, say):
 * that tick is a failure too, and no second check is stacked on it.
 */
export class ServiceWatchdog {
  private timer: { cancel(): void } | undefined;
  private inFlight = false;
  private lastStatus: string | undefined;
  private healthy = true;
  private stopped = false;

  constructor(private readonly opts: WatchdogOptions) {}

  start(): void {
    this.timer ??= (this.opts.ticker ?? realTicker).every(this.opts.intervalMs, () => void this.tick());
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
  }

  async tick(): Promise<void> {
    if (this.inFlight) {
      this.report({ ok: false, status: 'health check hung: no answer within the watchdog interval' });
      return;
    }
    this.inFlight = true;
    let health: Health;
    try {
      health = await this.opts.check();
    } catch (err) {
      health = { ok: false, status: `health check failed: ${(err as Error).message}` };
    } finally {
      this.inFlight = false;
    }
    if (!this.stopped) this.report(health);
  }

  private report(health: Health): void {
    if (health.ok !== this.healthy) {
      this.healthy = health.ok;
      if (health.ok) this.opts.log.info({ status: health.status }, 'healthy again: feeding the watchdog');
      else this.opts.log.error({ status: health.status }, 'unhealthy: the watchdog is no longer fed, systemd will restart the service');
    }
    const line = statusLine(health.status);
    const status = line !== this.lastStatus ? `STATUS=${line}` : undefined;
    this.lastStatus = line;
    const message = [health.ok ? 'WATCHDOG=1' : undefined, status].filter(Boolean).join('\n');
    if (message) this.opts.send(message);
  }
}
