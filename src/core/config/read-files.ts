// Files a config names (certificates, keys), read at start: an unreadable one is named by its
// config field, so the operator knows which line to fix.
import { readFile } from 'node:fs/promises';
import { TalError } from '../errors.js';

export async function readConfiguredFile(file: string, field: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new TalError('TAL_CONFIG_UNREADABLE', `${field}: cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}

export interface TlsFiles {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** The `ca`, `cert` and `key` a section names, read; undefined when it names none (plain on loopback). */
export async function readTlsFiles(section: { ca?: string | undefined; cert?: string | undefined; key?: string | undefined }, name: string): Promise<TlsFiles | undefined> {
  const out: TlsFiles = {};
  for (const field of ['ca', 'cert', 'key'] as const) {
    const file = section[field];
    if (file) out[field] = await readConfiguredFile(file, `${name}.${field}`);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
