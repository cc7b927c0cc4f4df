// The recorder CLI on a real-time trunk: a FIFO-paced ALSA file device fed the trunk's audio,
// and a line unit's (or D-channel's) serial lines written into a pty in step with it.
import type { SerialLine } from '../../src/simulate/trunk.js';
import { FifoFeeder } from '../../src/simulate/fifo-feeder.js';
import { playSerial } from '../../src/simulate/serial-player.js';
import { spawnCli, type BoxFixture } from './box-fixture.js';

export interface LiveRun {
  /** the recorder's exit code */
  code: number | null;
  /** its stdout and stderr */
  log: string;
  /** performance.now() of trunk time 0 */
  t0: number;
}

/**
 * Runs `record --duration durationS` on `box` while `audio` is fed into `fifo` (leadMs ahead of
 * real time) and `serial.lines` are written into `serial.path`.
 */
export async function recordLive(
  box: BoxFixture,
  o: { fifo: string; audio: Buffer; rate: number; channels: number; leadMs: number; durationS: number; serial: { path: string; lines: readonly SerialLine[] } },
): Promise<LiveRun> {
  const child = spawnCli(box, ['record', '--config', box.config, '--duration', String(o.durationS)]);
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const feeder = new FifoFeeder(o.fifo, o.audio, { rate: o.rate, channels: o.channels, leadMs: o.leadMs });
  const t0 = await feeder.started;
  await playSerial(o.serial.path, o.serial.lines, t0, { aheadMs: o.leadMs });
  const code = await exited;
  await feeder.stop();
  return { code, log, t0 };
}
