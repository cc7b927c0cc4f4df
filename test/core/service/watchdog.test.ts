// The watchdog's decisions, on a hand-driven ticker: pings only while healthy, the status
// line only when it changes, a hung or throwing check is a failure, nothing after stop.
import t from 'tap';
import { ServiceWatchdog, type Health, type Ticker } from '../../../src/core/service/watchdog.js';
import { watchdogIntervalMs } from '../../../src/core/service/watchdog-env.js';
import { serviceManagerLink } from '../../../src/core/service/service.js';
import { memoryLog } from '../../helpers/log.js';

function manualTicker(): Ticker & { fire(): void; intervalMs: number | undefined; cancelled: boolean } {
  const m = {
    fn: undefined as (() => void) | undefined,
    intervalMs: undefined as number | undefined,
    cancelled: false,
    every(ms: number, fn: () => void) {
      m.intervalMs = ms;
      m.fn = fn;
      return { cancel: () => void (m.cancelled = true) };
    },
    fire() {
      if (!m.cancelled) m.fn?.();
    },
  };
  return m;
}

function rig(check: () => Promise<Health>) {
  const sent: string[] = [];
  const { log, lines } = memoryLog();
  const ticker = manualTicker();
  const w = new ServiceWatchdog({ intervalMs: 15_000, check, send: (m) => sent.push(m), log, ticker });
  return { w, sent, lines, ticker };
}

t.test('healthy: WATCHDOG=1 every tick, the status only when it changes', async (t) => {
  let status = 'recording 0 of 2 lines; no alarms';
  const { w, sent } = rig(async () => ({ ok: true, status }));
  w.start();
  await w.tick();
  await w.tick();
  status = 'recording 1 of 2 lines; no alarms';
  await w.tick();
  t.same(sent, ['WATCHDOG=1\nSTATUS=recording 0 of 2 lines; no alarms', 'WATCHDOG=1', 'WATCHDOG=1\nSTATUS=recording 1 of 2 lines; no alarms']);
});

t.test('unhealthy: the status, no ping, logged once; pings again when healthy', async (t) => {
  let ok = true;
  const { w, sent, lines } = rig(async () => (ok ? { ok, status: 'fine' } : { ok, status: 'capture dead' }));
  w.start();
  await w.tick();
  ok = false;
  await w.tick();
  await w.tick();
  ok = true;
  await w.tick();
  t.same(sent, ['WATCHDOG=1\nSTATUS=fine', 'STATUS=capture dead', 'WATCHDOG=1\nSTATUS=fine']);
  t.equal(lines.filter((l) => String(l['msg']).includes('no longer fed')).length, 1, 'the failure is logged once');
  t.equal(lines.filter((l) => String(l['msg']).includes('healthy again')).length, 1);
});

t.test('a check that throws is a failure, its message in the status on one line', async (t) => {
  const { w, sent } = rig(async () => {
    throw new Error('LevelDB\nclosed');
  });
  w.start();
  await w.tick();
  t.same(sent, ['STATUS=health check failed: LevelDB closed']);
});

t.test('a check still running at the next tick has hung: no ping, and no second check stacked on it', async (t) => {
  let calls = 0;
  let release!: (h: Health) => void;
  const { w, sent } = rig(() => {
    calls++;
    return new Promise<Health>((r) => (release = r));
  });
  w.start();
  const first = w.tick();
  await w.tick();
  t.equal(calls, 1, 'not checked again while the first hangs');
  t.same(sent, ['STATUS=health check hung: no answer within the watchdog interval']);
  release({ ok: true, status: 'fine' });
  await first;
  t.same(sent.at(-1), 'WATCHDOG=1\nSTATUS=fine', 'the late answer still counts once it comes');
});

t.test('after stop nothing more is sent, even by a check that was running', async (t) => {
  let release!: (h: Health) => void;
  const { w, sent, ticker } = rig(() => new Promise<Health>((r) => (release = r)));
  w.start();
  t.equal(ticker.intervalMs, 15_000);
  const running = w.tick();
  w.stop();
  release({ ok: true, status: 'fine' });
  await running;
  t.same(sent, []);
  t.ok(ticker.cancelled);
});

t.test('WATCHDOG_USEC and WATCHDOG_PID decide the interval', async (t) => {
  t.equal(watchdogIntervalMs({}, 10), undefined, 'no watchdog asked');
  t.equal(watchdogIntervalMs({ WATCHDOG_USEC: '30000000' }, 10), 15_000, 'half of 30 s');
  t.equal(watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '10' }, 10), 15_000);
  t.equal(watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '11' }, 10), undefined, 'meant for another process');
  t.throws(() => watchdogIntervalMs({ WATCHDOG_USEC: '30s' }, 10), /WATCHDOG_USEC must be a positive whole number of microseconds, got "30s"/);
  t.throws(() => watchdogIntervalMs({ WATCHDOG_USEC: '-5' }, 10), /WATCHDOG_USEC/);
});

t.test('the link: READY then pings, STOPPING; outside systemd nothing at all', async (t) => {
  const sent: string[] = [];
  const ticker = manualTicker();
  const env: NodeJS.ProcessEnv = { NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '4000000', WATCHDOG_PID: '42' };
  const link = serviceManagerLink({
    log: memoryLog().log,
    check: async () => ({ ok: true, status: 'fine' }),
    env,
    pid: 42,
    ticker,
    transport: { send: (m) => sent.push(m), close: async () => {} },
  });
  t.equal(env['NOTIFY_SOCKET'], undefined, 'children do not inherit the socket');
  t.equal(env['WATCHDOG_USEC'], undefined);
  link.ready('starting\nup');
  t.equal(ticker.intervalMs, 2000, 'pinged at half the watchdog time');
  ticker.fire();
  await new Promise((r) => setImmediate(r));
  link.stopping('stopping');
  ticker.fire();
  await link.close();
  t.same(sent, ['READY=1\nSTATUS=starting up', 'WATCHDOG=1\nSTATUS=fine', 'STOPPING=1\nSTATUS=stopping']);

  // No NOTIFY_SOCKET (run by hand): even with WATCHDOG_USEC set, no watchdog runs, nothing is
  // checked, and the environment is left as it was.
  let checks = 0;
  const quietTicker = manualTicker();
  const quietEnv: NodeJS.ProcessEnv = { WATCHDOG_USEC: '4000000' };
  const quiet = serviceManagerLink({ log: memoryLog().log, check: async () => ({ ok: true, status: String(++checks) }), env: quietEnv, ticker: quietTicker });
  quiet.ready('x');
  quietTicker.fire();
  quiet.stopping('x');
  await quiet.close();
  t.equal(quietTicker.intervalMs, undefined, 'no NOTIFY_SOCKET: no watchdog started');
  t.equal(checks, 0, 'and nothing checked');
  t.same(quietEnv, { WATCHDOG_USEC: '4000000' }, 'the environment untouched');
});
