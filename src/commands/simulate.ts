import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FifoFeeder } from '../simulate/fifo-feeder.js';
import { loadScenario } from '../simulate/scenario-file.js';
import { playSerial } from '../simulate/serial-player.js';
import { makeTrunk } from '../simulate/trunk.js';
import { TalError } from '../core/errors.js';
import { parse, required } from './args.js';

const usage = 'tallennin simulate --scenario FILE --out DIR [--fifo PATH] [--serial TTY] [--serial-format line-unit|isdn]';

/**
 * `simulate`: test equipment, not part of a box. Makes a multi-line trunk from a scenario:
 * DIR/trunk.raw (interleaved S16_LE, what an ALSA capture device delivers), DIR/truth.json (each
 * call's true times, direction and number), DIR/line-unit.txt and DIR/dchannel.txt (what a line
 * unit would print, and an ISDN BRI's D-channel trace, each line with its time). With --fifo it
 * then plays the trunk into that FIFO in real time (an ALSA file-plugin device reading it is a
 * simulated sound card), and with --serial the line unit's lines (or, with --serial-format isdn,
 * the D-channel trace) into that tty (one end of a socat pty pair) in step with the audio.
 */
export async function simulate(argv: string[]): Promise<void> {
  const args = parse(
    argv,
    { scenario: { type: 'string' }, out: { type: 'string' }, fifo: { type: 'string' }, serial: { type: 'string' }, 'serial-format': { type: 'string' } },
    usage,
  );
  const format = args['serial-format'] ?? 'line-unit';
  if (format !== 'line-unit' && format !== 'isdn') throw new TalError('TAL_USAGE', `--serial-format must be line-unit or isdn, got "${format}"\nusage: ${usage}`);
  const scenario = await loadScenario(required(args.scenario, '--scenario', usage));
  const out = required(args.out, '--out', usage);
  const trunk = makeTrunk(scenario);
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'trunk.raw'), trunk.audio);
  await writeFile(join(out, 'truth.json'), `${JSON.stringify({ speech: trunk.speech, calls: trunk.truth }, null, 2)}\n`);
  const timed = (lines: typeof trunk.lineUnit) => lines.map((l) => `${l.atMs.toFixed(0)}\t${l.text}`).join('\n') + '\n';
  await writeFile(join(out, 'line-unit.txt'), timed(trunk.lineUnit));
  await writeFile(join(out, 'dchannel.txt'), timed(trunk.dchannel));
  process.stderr.write(`simulate: ${trunk.truth.length} calls on ${scenario.channels} lines, ${(scenario.durationMs / 1000).toFixed(0)} s (${trunk.speech} speech) → ${out}\n`);
  if (!args.fifo) return;
  const aheadMs = 500;
  const feeder = new FifoFeeder(args.fifo, trunk.audio, { rate: scenario.rate, channels: scenario.channels, leadMs: aheadMs, padWithSilence: false });
  const t0 = await feeder.started;
  if (args.serial) await playSerial(args.serial, format === 'isdn' ? trunk.dchannel : trunk.lineUnit, t0, { aheadMs });
  await feeder.done;
}
