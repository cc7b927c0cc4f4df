import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Box } from '../box/box.js';
import { loadCommandKeys, startSync } from '../box/sync/start-sync.js';
import { systemClock } from '../core/clock.js';
import { statusLed } from '../box/status/led/box-led.js';
import { boxLiveness, summary } from '../box/liveness.js';
import { serviceManagerLink } from '../core/service/service.js';
import { SysfsLed } from '../box/status/led/sysfs-led.js';
import { startStatusServer, type StatusServer } from '../box/status/web/index.js';
import type { BoxSync } from '../box/sync/start-sync.js';
import type { Config } from '../core/config/index.js';
import type { Logger } from 'pino';
import { AccountsFile, BOX_ROLES } from '../core/auth/index.js';
import { loadConfig } from '../core/config/index.js';
import { TalError } from '../core/errors.js';
import { createLogger } from '../core/log.js';
import { parsePublicKey, type PublicSealingKey } from '../core/seal/index.js';
import { parse, required } from './args.js';

const usage = 'tallennin record --config FILE [--duration SECONDS]';
/** sysexits.h: a temporary failure, try again later */
const EX_TEMPFAIL = 75;
/** On stop, how long to wait for the indexer to acknowledge what is waiting; the rest goes at the next start. */
const DRAIN_MS = 5000;

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
  const log = createLogger(config.log.level);
  let sealTo: PublicSealingKey;
  try {
    sealTo = parsePublicKey(await readFile(config.seal.publicKey, 'utf8'), `seal.publicKey (${config.seal.publicKey})`);
  } catch (err) {
    // Nothing can be recorded without the sealing key: the LED says fault (and keeps saying it
    // after we exit: the kernel holds the trigger), so the technician sees it from the door.
    await new SysfsLed({ root: config.led.sysfs, names: config.led.names, log }).apply('fast-blink');
    throw err;
  }
  log.info({ box: config.box.id, site: config.box.site, lines: config.lines.length, keyId: sealTo.keyId }, 'recorder starting');

  const configFile = required(args.config, '--config', usage);
  const configSource = { file: configFile, sha256: createHash('sha256').update(await readFile(configFile)).digest('hex') };
  // Command keys and TLS files are read before anything starts: a bad one stops the recorder at once.
  const commandKeys = config.mqtt ? await loadCommandKeys(config.mqtt.commandKeys) : undefined;
  const box = await Box.start({ config, sealTo, log, stopAfterSamples, configSource });
  // Listen at once: with a file-backed device the audio can run out (`done`) before the page is up.
  for (const alarm of box.alarms.values()) log.error({ alarm }, 'alarm raised');
  box.on('alarm', (alarm) => log.error({ alarm }, 'alarm raised'));
  box.on('alarm-cleared', (alarm) => log.info({ alarm }, 'alarm cleared'));
  let fatal: Error | undefined;
  const ended = new Promise<void>((resolve) => {
    box.once('done', resolve);
    box.once('fatal', (err: Error) => {
      fatal = err;
      resolve();
    });
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  const sync = config.mqtt && commandKeys ? await startSync(box, config.mqtt, { site: config.box.site, box: config.box.id, clock: systemClock, log, keys: commandKeys }) : undefined;
  if (!config.mqtt) log.warn('no mqtt section: recording on its own, reporting to no indexer');
  if (config.announcement.mode === 'off') log.warn('announcement.mode is off: the box neither plays nor checks the recording announcement (R12); every recording says not-applicable');
  const page = await startPage(box, sync, config, log);
  const led = statusLed({ config: config.led, source: box, ...(sync ? { link: sync.link } : {}), backlog: () => box.store.outbox.backlog(), log });
  led.start();
  const service = serviceManagerLink({ log, check: boxLiveness(box) });
  service.ready(summary(box));
  await ended;
  service.stopping('stopping: writing the calls in progress');
  await page?.close();
  // The calls in progress are written and handed to the indexer before the link closes.
  await box.endCalls();
  await sync?.stop({ drainMs: DRAIN_MS });
  await box.stop();
  // Last: a recorder that is not running must not leave the LED saying all is well.
  await led.stop();
  await service.close();
  log.info({ capture: box.capture.stats, refusedCalls: box.refusedCalls }, 'recorder stopped');
  if (fatal) {
    // The service manager starts the recorder again; the store opens once there is space.
    log.fatal({ err: fatal.message }, 'recorder stopped on a storage failure; it must be restarted');
    process.exitCode = EX_TEMPFAIL;
  }
}

/**
 * The technician's status page. Recording matters more than the page (R1): a page that cannot
 * start (its port taken, its certificate unreadable) is logged as an error, and recording goes on.
 */
async function startPage(box: Box, sync: BoxSync | undefined, config: Config, log: Logger): Promise<StatusServer | undefined> {
  const accounts = new AccountsFile(config.status.users, { roles: BOX_ROLES, clock: systemClock });
  try {
    if (await accounts.insecureMode()) log.warn({ file: config.status.users }, 'the accounts file is readable by others: chmod 600 it');
    if ((await accounts.list()).length === 0) log.warn('no accounts yet: nobody can log in to the status page until `tallennin user add` makes one');
    const page = await startStatusServer({ box, ...(sync ? { sync } : {}), config, accounts, clock: systemClock, log });
    return page;
  } catch (err) {
    log.error({ err: (err as Error).message }, 'the status page could not start; recording goes on without it');
    return undefined;
  }
}
