/**
 * How often to feed systemd's watchdog, from the environment systemd sets (sd_watchdog_enabled(3)):
 * half of WATCHDOG_USEC, as systemd advises, or undefined when no watchdog is asked of this
 * process (unset, or WATCHDOG_PID names another process).
 */
export function watchdogIntervalMs(env: NodeJS.ProcessEnv, pid: number): number | undefined {
  const usec = env['WATCHDOG_USEC'];
  if (usec === undefined || usec === '') return undefined;
  const forPid = env['WATCHDOG_PID'];
  if (forPid !== undefined && forPid !== '' && Number(forPid) !== pid) return undefined;
  const n = Number(usec);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`WATCHDOG_USEC must be a positive whole number of microseconds, got "${usec}"`);
  return Math.max(1, Math.floor(n / 2000));
}
