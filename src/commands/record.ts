import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Box } from '../box/box.js';
import { loadCommandKeys, startSync } from '../box/sync/start-sync.js';
import { systemClock } from '../core/clock.js';
import { loadConfig } from '../core/config/index.js';
import { TalError } from '../core/errors.js';
import { createLogger } from '../core/log.js';
import { parsePublicKey } from '../core/seal/index.js';
import { parse, required } from './args.js';

const usage = 'tallennin record --config FILE [--duration SECONDS]';
/** sysexits.h: a temporary failure, try again later */
const EX_TEMPFAIL = 75;

/**
 * `record`: the box's service. Runs until SIGTERM/SIGINT, or, with --duration, until that much
 * audio was captured (audio time, which on a real device is wall time); then ends the calls in
 * progress, writes them and exits 0.
 */
export async function record(argv: string[]): Promise<void> {
  const args = parse(argv, { config: { type: 'string' }, duration: { type: 'string' } }, usage);
  const config = await loadConfig(required(args.config, '--config', usage));
  let stopAfterSamples: number | undefined;
  if (args.duration !== undefined) {
    const seconds = Number(args.duration);
    if (!Number.isFinite(seconds) || seconds <= 0) throw new TalError('TAL_USAGE', `--duration must be a positive number of seconds, got "${args.duration}"\nusage: ${usage}`);
    stopAfterSamples = Math.round(seconds * config.capture.rate);
  }
  const sealTo = parsePublicKey(await readFile(config.seal.publicKey, 'utf8'), `seal.publicKey (${config.seal.publicKey})`);
  const log = createLogger(config.log.level);
  log.info({ box: config.box.id, site: config.box.site, lines: config.lines.length, keyId: sealTo.keyId }, 'recorder starting');

  const configFile = required(args.config, '--config', usage);
  const configSource = { file: configFile, sha256: createHash('sha256').update(await readFile(configFile)).digest('hex') };
  // Command keys and TLS files are read before anything starts: a bad one stops the recorder at once.
  const commandKeys = config.mqtt ? await loadCommandKeys(config.mqtt.commandKeys) : undefined;
  const box = await Box.start({ config, sealTo, log, stopAfterSamples, configSource });
  const sync = config.mqtt && commandKeys ? await startSync(box, config.mqtt, { site: config.box.site, box: config.box.id, clock: systemClock, log, keys: commandKeys }) : undefined;
  if (!config.mqtt) log.warn('no mqtt section: recording on its own, reporting to no indexer');
  // Alarms raised while the box started (a full disk, say) are already in force.
  for (const alarm of box.alarms.values()) log.error({ alarm }, 'alarm raised');
  box.on('alarm', (alarm) => log.error({ alarm }, 'alarm raised'));
  box.on('alarm-cleared', (alarm) => log.info({ alarm }, 'alarm cleared'));
  let fatal: Error | undefined;
  await new Promise<void>((resolve) => {
    box.once('done', resolve);
    box.once('fatal', (err: Error) => {
      fatal = err;
      resolve();
    });
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await sync?.stop();
  await box.stop();
  log.info({ capture: box.capture.stats, refusedCalls: box.refusedCalls }, 'recorder stopped');
  if (fatal) {
    // The service manager starts the recorder again; the store opens once there is space.
    log.fatal({ err: fatal.message }, 'recorder stopped on a storage failure; it must be restarted');
    process.exitCode = EX_TEMPFAIL;
  }
}
