import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TalError } from '../core/errors.js';
import { generateControllerKeys } from '../core/seal/index.js';
import { parse, required } from './args.js';
import { passphrase } from './passphrase.js';

const usage = 'tallennin keys init --out DIR';

/** `keys init`: the controller's sealing key pair. The private half never goes to a box. */
export async function keys(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== 'init') throw new TalError('TAL_USAGE', `unknown keys command ${sub ?? '(none)'}\nusage: ${usage}`);
  const args = parse(rest, { out: { type: 'string' } }, usage);
  const dir = required(args.out, '--out', usage);
  const pass = await passphrase('passphrase for the new private key: ');
  const { privatePem, publicPem, keyId } = generateControllerKeys(pass);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // 'wx': never overwrite an existing key; losing the private key loses every recording sealed to it.
  try {
    await writeFile(join(dir, 'controller.key'), privatePem, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new TalError('TAL_USAGE', `${join(dir, 'controller.key')} exists already; refusing to overwrite a private key`);
    }
    throw err;
  }
  await writeFile(join(dir, 'controller.pub'), publicPem, { mode: 0o644 });
  process.stdout.write(
    `key id ${keyId}\n` +
      `private key: ${join(dir, 'controller.key')} (encrypted; keep it with the indexer only)\n` +
      `public key:  ${join(dir, 'controller.pub')} (copy this one to each box)\n`,
  );
}
