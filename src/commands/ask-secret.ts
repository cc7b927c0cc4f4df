import { createInterface } from 'node:readline';
import { TalError } from '../core/errors.js';

/** TAL_USAGE unless a person is at a terminal to be asked; `env` is the way round it for scripts. */
export function requireTerminal(what: string, env: string, credential?: string): void {
  if (process.stdin.isTTY) return;
  const where = credential ? `give the service the systemd credential ${credential} (LoadCredential=), set ${env},` : `set ${env}`;
  throw new TalError('TAL_USAGE', `no ${what}: ${where} or run on a terminal to be asked`);
}

/** One line typed on the terminal without echo. Ctrl-C or Ctrl-D cancels (TAL_USAGE). */
export async function askSecret(prompt: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  // readline echoes through _writeToOutput: let the prompt through, nothing typed after it.
  const out = rl as unknown as { _writeToOutput: (s: string) => void };
  let asked = false;
  out._writeToOutput = (s: string) => {
    if (!asked) {
      asked = true;
      process.stderr.write(s);
    }
  };
  try {
    return await new Promise<string>((resolve, reject) => {
      const cancel = () => reject(new TalError('TAL_USAGE', 'cancelled; nothing was changed'));
      rl.on('SIGINT', cancel);
      rl.on('close', cancel);
      rl.question(prompt, resolve);
    });
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}
