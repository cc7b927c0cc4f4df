// The written folder, loaded the way the recorder loads it at start (loadConfig, the sealing
// key, the command keys, the TLS files), before it replaces the old one: what provisioning
// accepts, the recorder starts with. A mistake in `config` is reported in loadConfig's own
// words, under the key the operator wrote it at (`config.capture.rate`).

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadCommandKeys } from '../sync/start-sync.js';
import { ConfigError, loadConfig, parseConfig, type Config } from '../../core/config/index.js';
import { readTlsFiles } from '../../core/config/read-files.js';
import { parsePublicKey } from '../../core/seal/index.js';
import { boxSettings, TUNING } from './box-yaml.js';
import { FILES } from './layout.js';
import { ProvisionError, type Problem } from './problems.js';

/** `source` names the provisioning file in messages. Throws ProvisionError. */
export async function loadWritten(dir: string, source: string): Promise<Config> {
  let config: Config;
  try {
    config = await loadConfig(join(dir, FILES.boxYaml));
  } catch (err) {
    if (err instanceof ConfigError) throw new ProvisionError(source, err.problems.map((p) => ({ path: fromConfigPath(p.path), reason: p.reason })));
    throw new ProvisionError(source, [{ path: 'config', reason: (err as Error).message }]);
  }
  const files: [string, () => Promise<unknown>][] = [
    ['sealingKey', async () => parsePublicKey(await readFile(config.seal.publicKey, 'utf8'), FILES.sealingKey)],
    ['commandKeys', async () => config.mqtt && (await loadCommandKeys(config.mqtt.commandKeys))],
    ['broker', async () => config.mqtt && (await readTlsFiles(config.mqtt, 'mqtt'))],
  ];
  const problems: Problem[] = [...statusPortProblems(config)];
  for (const [path, load] of files) {
    // Checked already from the provisioning file's text; this catches a writer that got it wrong.
    await load().catch((err: Error) => problems.push({ path, reason: `as written to the config folder: ${err.message.replaceAll(dir, '<config folder>')}` }));
  }
  if (problems.length > 0) throw new ProvisionError(source, problems);
  return config;
}

/**
 * `config` (and broker's mqtt settings) checked ahead, in memory, with stand-ins for what comes
 * from the file's other keys, so that its problems are reported with the file's own in one go:
 * each round costs the operator a trip with the SD card. loadWritten remains the real check.
 */
export function configProblems(data: unknown): Problem[] {
  const config = field(data, 'config');
  // Not a section: the schema says so, and "capture is missing" would only add noise.
  if (config !== undefined && config !== null && (typeof config !== 'object' || Array.isArray(config))) return [];
  const broker = field(data, 'broker');
  const tuning = Object.fromEntries(TUNING.map((k) => [k, field(broker, k)]));
  const settings = boxSettings({ box: { id: 'stand-in', site: 'stand-in' }, url: 'mqtts://localhost', commandKeys: 1, tuning, config });
  try {
    return statusPortProblems(parseConfig(stringify(settings), 'box.yaml', '/', { canRead: () => undefined }));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems.map((p) => ({ path: fromConfigPath(p.path), reason: p.reason }));
  }
}

function statusPortProblems(config: Config): Problem[] {
  if (config.status.port !== 0) return [];
  return [{ path: 'config.status.port', reason: '0 (any free port) cannot be opened in the firewall; give the port the status page listens on' }];
}

const field = (v: unknown, key: string): unknown => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined);

/** box.yaml's field → the provisioning file's key it came from. */
export function fromConfigPath(path: string): string {
  if (path === '') return 'config';
  if (path.startsWith('[')) return `config${path}`;
  const [, section, rest = ''] = /^([A-Za-z_][A-Za-z0-9_-]*)(.*)$/s.exec(path) ?? [];
  switch (section) {
    case 'box':
      return path;
    case 'seal':
      return 'sealingKey';
    case 'mqtt':
      if (rest.startsWith('.commandKeys')) return `commandKeys${rest.slice('.commandKeys'.length)}`;
      return `broker${rest}`;
    default:
      return `config.${path}`;
  }
}
