import { askSecret, requireTerminal } from './ask-secret.js';

const ENV = 'TALLENNIN_KEY_PASSPHRASE';

/** The private key's passphrase: from TALLENNIN_KEY_PASSPHRASE, or asked on the terminal without echo. */
export async function passphrase(prompt: string): Promise<string> {
  const fromEnv = process.env[ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  requireTerminal('passphrase', ENV);
  return askSecret(prompt);
}
