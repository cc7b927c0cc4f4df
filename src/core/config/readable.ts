// Is a file there and readable? The answer is a reason a technician can act on, or undefined
// when the file is fine. Used for seal.publicKey; parseConfig takes it as an option so that
// tests and tools can replace it.

import { accessSync, constants, lstatSync, readlinkSync, statSync } from 'node:fs';
import { osReason } from './messages.js';

/** Returns why `path` cannot be read as a file, or undefined when it can. */
export type CanRead = (path: string) => string | undefined;

export const canReadFile: CanRead = (path) => {
  try {
    if (statSync(path).isDirectory()) return 'it is a directory, not a file (EISDIR)';
    accessSync(path, constants.R_OK);
    return undefined;
  } catch (err) {
    return danglingLink(path, err) ?? osReason(err);
  }
};

/** A symbolic link whose target is gone says so, rather than a bare "no such file". */
function danglingLink(path: string, err: unknown): string | undefined {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
  try {
    if (!lstatSync(path).isSymbolicLink()) return undefined;
    return `it is a symbolic link to ${readlinkSync(path)}, which does not exist (ENOENT)`;
  } catch {
    return undefined;
  }
}
