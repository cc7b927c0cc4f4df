import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { askSecret, requireTerminal } from './ask-secret.js';

const ENV = 'TALLENNIN_KEY_PASSPHRASE';

/**
 * A secret systemd handed the service (LoadCredential=NAME:FILE or LoadCredentialEncrypted=):
 * a file in $CREDENTIALS_DIRECTORY that only this service's processes can read, unlike the
 * environment, which `systemctl show` and /proc reveal. A trailing newline is not part of it.
 */
export function credential(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = env['CREDENTIALS_DIRECTORY'];
  if (!dir) return undefined;
  try {
    return readFileSync(join(dir, name), 'utf8').replace(/\r?\n$/, '');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * The private key's passphrase: from the systemd credential `key-passphrase`, from
 * TALLENNIN_KEY_PASSPHRASE, or asked on the terminal without echo.
 */
export async function passphrase(prompt: string): Promise<string> {
  const fromCredential = credential('key-passphrase');
  if (fromCredential) return fromCredential;
  const fromEnv = process.env[ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  requireTerminal('passphrase', ENV, 'key-passphrase');
  return askSecret(prompt);
}
