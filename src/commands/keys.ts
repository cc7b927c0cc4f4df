import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TalError } from '../core/errors.js';
import { generateControllerKeys } from '../core/seal/index.js';
import { generateCommandKeyFiles } from '../core/protocol/command-keys.js';
import { parse, required } from './args.js';
import { passphrase } from './passphrase.js';

const usage = 'tallennin keys init --out DIR | tallennin keys command --out DIR';

/** `keys init`: the controller's sealing key pair. The private half never goes to a box. */
export async function keys(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const make = sub === 'init' ? { name: 'controller', generate: generateControllerKeys } : sub === 'command' ? { name: 'command', generate: generateCommandKeyFiles } : undefined;
  if (!make) throw new TalError('TAL_USAGE', `unknown keys command ${sub ?? '(none)'}\nusage: ${usage}`);
  const args = parse(rest, { out: { type: 'string' } }, usage);
  const dir = required(args.out, '--out', usage);
  const pass = await passphrase('passphrase for the new private key: ');
  const { privatePem, publicPem, keyId } = make.generate(pass);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const keyFile = join(dir, `${make.name}.key`);
  const pubFile = join(dir, `${make.name}.pub`);
  // 'wx': never overwrite an existing key; losing the controller key loses every recording sealed to it.
  try {
    await writeFile(keyFile, privatePem, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new TalError('TAL_USAGE', `${keyFile} exists already; refusing to overwrite a private key`);
    }
    throw err;
  }
  await writeFile(pubFile, publicPem, { mode: 0o644 });
  const role = make.name === 'controller' ? 'opens recordings' : 'signs fleet commands';
  process.stdout.write(
    `key id ${keyId}\n` +
      `private key: ${keyFile} (encrypted; ${role}; keep it with the indexer only)\n` +
      `public key:  ${pubFile} (copy this one to each box)\n`,
  );
}
