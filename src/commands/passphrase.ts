import { createInterface } from 'node:readline';
import { TalError } from '../core/errors.js';

/** The private key's passphrase: from TALLENNIN_KEY_PASSPHRASE, or asked on the terminal without echo. */
export async function passphrase(prompt: string): Promise<string> {
  const fromEnv = process.env['TALLENNIN_KEY_PASSPHRASE'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!process.stdin.isTTY) {
    throw new TalError('TAL_USAGE', 'no passphrase: set TALLENNIN_KEY_PASSPHRASE or run on a terminal to be asked');
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const out = rl as unknown as { _writeToOutput: (s: string) => void };
  let asked = false;
  out._writeToOutput = (s: string) => {
    if (!asked) {
      asked = true;
      process.stderr.write(s);
    }
  };
  try {
    return await new Promise<string>((resolve) => rl.question(prompt, resolve));
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}
