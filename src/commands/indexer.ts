import { readFile } from 'node:fs/promises';
import { systemClock } from '../core/clock.js';
import { isTalError, TalError } from '../core/errors.js';
import { createLogger } from '../core/log.js';
import { parseCommandPrivateKey } from '../core/protocol/command-keys.js';
import { parsePrivateKey, SealingKeyRing, type PrivateSealingKey } from '../core/seal/index.js';
import { newApiToken } from '../central/api/tokens.js';
import { API_ROLES, loadIndexerConfig, type IndexerConfig } from '../central/config.js';
import { Indexer } from '../central/indexer.js';
import { indexerLiveness, summary } from '../central/liveness.js';
import { serviceManagerLink } from '../core/service/service.js';
import { parse, required } from './args.js';
import { credential, passphrase } from './passphrase.js';

const usage = `tallennin indexer --config FILE
       tallennin indexer token --name NAME --role ${API_ROLES.join('|')} [--sites SITE,SITE]`;

async function readKey(file: string, field: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new TalError('TAL_KEY_INVALID', `${field} (${file}): ${(err as Error).message}`, { cause: err });
  }
}

/**
 * The controller key and, after rotations, the previous ones (docs/indexer.md), all under the
 * one passphrase: `keys init` reads the same credential, so a new key gets it unless told
 * otherwise. The same key under two file names is refused here, by key id.
 */
export async function loadSealingKeys(keys: Pick<IndexerConfig['keys'], 'controller' | 'previous' | 'blindIndexFrom'>, pass: string): Promise<SealingKeyRing> {
  const fieldOf = new Map<string, string>();
  const load = async (file: string, field: string): Promise<PrivateSealingKey> => {
    let k: PrivateSealingKey;
    try {
      k = parsePrivateKey(await readKey(file, field), pass, `${field} (${file})`);
    } catch (err) {
      if (!isTalError(err, 'TAL_KEY_PASSPHRASE') || field === 'keys.controller') throw err;
      throw new TalError('TAL_KEY_PASSPHRASE', `${err.message} (an earlier key is opened with the passphrase of keys.controller)`, { cause: err });
    }
    const twin = fieldOf.get(k.keyId);
    if (twin) throw new TalError('TAL_KEY_INVALID', `${field} (${file}) holds controller key ${k.keyId}, the same key as ${twin}: list each earlier key once`);
    fieldOf.set(k.keyId, field);
    return k;
  };
  const current = await load(keys.controller, 'keys.controller');
  const previous: PrivateSealingKey[] = [];
  for (const [i, file] of keys.previous.entries()) previous.push(await load(file, `keys.previous[${i}]`));
  const blindFile = keys.blindIndexFrom ?? keys.controller;
  const blindIndexFrom = blindFile === keys.controller ? current.keyId : previous[keys.previous.indexOf(blindFile)]?.keyId;
  // The config has checked this already; a caller building `keys` by hand is told too.
  if (blindIndexFrom === undefined) throw new TalError('TAL_CONFIG_INVALID', `keys.blindIndexFrom (${blindFile}) is neither keys.controller nor one of keys.previous`);
  return new SealingKeyRing(current, previous, { blindIndexFrom });
}

/** `indexer`: the central service; `indexer token`: a new API token, printed once, and the line for the config. */
export async function indexer(argv: string[]): Promise<void> {
  if (argv[0] === 'token') return token(argv.slice(1));
  const args = parse(argv, { config: { type: 'string' } }, usage);
  const config = await loadIndexerConfig(required(args.config, '--config', usage));
  const log = createLogger(config.log.level);
  const pass = await passphrase('passphrase of the controller key: ');
  const sealingKey = await loadSealingKeys(config.keys, pass);
  // The command key may have a passphrase of its own.
  const commandPass = credential('command-key-passphrase') || process.env['TALLENNIN_COMMAND_KEY_PASSPHRASE'] || pass;
  const { key: commandKey, keyId } = parseCommandPrivateKey(await readKey(config.keys.command, 'keys.command'), commandPass, `keys.command (${config.keys.command})`);
  // Key ids are not secret: which keys were loaded is the first thing to check after a rotation.
  const previousKeyIds = sealingKey.previous.map((k) => k.keyId);
  log.info({ indexer: config.indexer.id, sealingKeyId: sealingKey.current.keyId, previousKeyIds, blindIndexFrom: sealingKey.blindIndexFrom, commandKeyId: keyId }, 'indexer starting');
  const running = await Indexer.start({ config, sealingKey, commandKey, clock: systemClock, log });
  const service = serviceManagerLink({ log, check: indexerLiveness(running) });
  service.ready(summary(running));
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  service.stopping('stopping: closing the API and the broker link');
  await running.stop();
  await service.close();
  log.info(running.ingest.stats, 'indexer stopped');
}

function token(argv: string[]): void {
  const args = parse(argv, { name: { type: 'string' }, role: { type: 'string' }, sites: { type: 'string' } }, usage);
  const name = required(args.name, '--name', usage);
  const role = required(args.role, '--role', usage);
  if (!(API_ROLES as readonly string[]).includes(role)) throw new TalError('TAL_USAGE', `--role must be one of ${API_ROLES.join(', ')}, not "${role}"\nusage: ${usage}`);
  const sites = args.sites?.split(',').map((s) => s.trim()).filter(Boolean);
  const { token: secret, sha256 } = newApiToken();
  process.stdout.write(
    `token (shown once; give it to ${name} only): ${secret}\n` +
      `add to api.tokens in the indexer config:\n` +
      `  - { name: ${name}, role: ${role}${sites ? `, sites: [${sites.join(', ')}]` : ''}, sha256: ${sha256} }\n`,
  );
}
