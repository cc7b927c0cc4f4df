// The service's side of systemd's Type=notify protocol: READY=1 once it serves, WATCHDOG=1
// while it is healthy, STOPPING=1 when it begins to stop. Outside systemd (no NOTIFY_SOCKET:
// a technician running the command by hand, the tests) every call is a no-op.
import type { Logger } from 'pino';
import { socatTransport, type NotifyTransport } from './notify-socket.js';
import { ServiceWatchdog, statusLine, type Health, type Ticker } from './watchdog.js';
import { watchdogIntervalMs } from './watchdog-env.js';

export type { Health } from './watchdog.js';

export interface ServiceManagerLink {
  /** READY=1: started and serving; starts feeding the watchdog if systemd asked for one */
  ready(status: string): void;
  /** STOPPING=1: no more watchdog pings; systemd's stop timeout applies from here */
  stopping(status: string): void;
  close(): Promise<void>;
}

export interface ServiceLinkOptions {
  log: Logger;
  /** is the service really working: decides each watchdog ping */
  check: () => Promise<Health>;
  env?: NodeJS.ProcessEnv;
  pid?: number;
  ticker?: Ticker;
  /** for tests: replaces the socat transport */
  transport?: NotifyTransport;
}

export function serviceManagerLink(o: ServiceLinkOptions): ServiceManagerLink {
  const env = o.env ?? process.env;
  const socket = env['NOTIFY_SOCKET'];
  if (!o.transport && (socket === undefined || socket === '')) return { ready() {}, stopping() {}, close: () => Promise.resolve() };
  const transport = o.transport ?? socatTransport(socket!, o.log);
  // Children (aplay, socat itself) must not think the notifications are theirs to send.
  delete env['NOTIFY_SOCKET'];
  const intervalMs = watchdogIntervalMs(env, o.pid ?? process.pid);
  delete env['WATCHDOG_USEC'];
  delete env['WATCHDOG_PID'];
  const watchdog = intervalMs === undefined ? undefined : new ServiceWatchdog({ intervalMs, check: o.check, send: (m) => transport.send(m), log: o.log, ...(o.ticker ? { ticker: o.ticker } : {}) });
  return {
    ready(status) {
      transport.send(`READY=1\nSTATUS=${statusLine(status)}`);
      // The first check at half the watchdog time, as every later one: a check at once would
      // find no audio since the check's baseline a moment ago.
      watchdog?.start();
      o.log.info({ watchdogMs: intervalMs === undefined ? null : intervalMs * 2 }, 'told systemd the service is ready');
    },
    stopping(status) {
      watchdog?.stop();
      transport.send(`STOPPING=1\nSTATUS=${statusLine(status)}`);
    },
    async close() {
      watchdog?.stop();
      await transport.close();
    },
  };
}
