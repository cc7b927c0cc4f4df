// What "the recorder works" means to the service watchdog: audio keeps arriving from the
// capture device and the store still reads and has refused no write. Alarms that restarting
// cannot cure (the disk at its floor, the announcement missing) do not stop the pings; the
// LED and the status page carry those.
import type { Health } from '../core/service/service.js';
import type { Box } from './box.js';

export function boxLiveness(box: Pick<Box, 'capture' | 'store' | 'lines' | 'alarms'>): () => Promise<Health> {
  let periodsSeen = box.capture.stats.periods;
  return async () => {
    const { periods, state } = box.capture.stats;
    const advanced = periods > periodsSeen;
    periodsSeen = periods;
    if (box.store.failure) return { ok: false, status: `storage failed: ${box.store.failure.message}` };
    if (!advanced) return { ok: false, status: `capture dead: no audio from the device since the last check (capture ${state})` };
    await box.store.probe();
    return { ok: true, status: summary(box) };
  };
}

/** One line for `systemctl status`: counts and alarm kinds only. */
export function summary(box: Pick<Box, 'lines' | 'alarms'>): string {
  const recording = box.lines.filter((l) => l.recordingSince !== undefined).length;
  const alarms = [...box.alarms.keys()];
  return `recording ${recording} of ${box.lines.length} line${box.lines.length === 1 ? '' : 's'}; ${alarms.length ? `alarms: ${alarms.join(', ')}` : 'no alarms'}`;
}
