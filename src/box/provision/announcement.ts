// The recording announcement's audio travels with the provisioning file: a relative
// `config.announcement.file` names a file beside it on the boot partition, which is copied into
// the config folder (replaced whole with it, as the rest of the box's settings are). Without
// this the operator would have to copy it over SSH after first boot, and until then the recorder
// would refuse to start (an announcement that cannot be loaded stops it: R12).

import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import type { Config } from '../../core/config/index.js';
import { loadAnnouncement } from '../notice/announcement-file.js';
import { referenceOf } from '../notice/load-announcer.js';
import type { Problem } from './problems.js';
import type { ProvisionData } from './schema.js';

const PATH = 'config.announcement.file';

export interface BundledAnnouncement {
  /** where it goes in the config folder, and what box.yaml names */
  readonly rel: string;
  readonly bytes: Buffer;
}

type Dict = Record<string, unknown>;
const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The file a relative announcement.file names, read from beside `provisionFile`; undefined when none is relative. */
export async function bundledAnnouncement(p: ProvisionData, provisionFile: string): Promise<BundledAnnouncement | Problem> {
  const file = announcementFile(p);
  if (file === undefined || isAbsolute(file)) return { rel: '', bytes: Buffer.alloc(0) };
  const from = resolve(dirname(provisionFile), file);
  try {
    return { rel: `announcement/${basename(file)}`, bytes: await readFile(from) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'there is no such file' : code === 'EISDIR' ? 'it is a folder' : (err as Error).message;
    return { path: PATH, reason: `"${file}" is read from beside the provisioning file (${dirname(provisionFile)}), but ${why}: put the announcement's audio there, or give an absolute path on the box` };
  }
}

/** The provisioning data with announcement.file pointing into the config folder. */
export function withBundled(p: ProvisionData, bundled: BundledAnnouncement): ProvisionData {
  if (!bundled.rel || !isDict(p.config) || !isDict(p.config['announcement'])) return p;
  return { ...p, config: { ...p.config, announcement: { ...p.config['announcement'], file: bundled.rel } } };
}

/** The announcement decoded as the recorder will at start, so that a bad file fails provisioning, not every start. */
export async function announcementProblems(config: Config): Promise<Problem[]> {
  const { mode, file } = config.announcement;
  if (mode === 'off' || file === undefined) return [];
  try {
    referenceOf(file, await loadAnnouncement(file, config.capture.rate), config.capture.rate);
    return [];
  } catch (err) {
    return [{ path: PATH, reason: (err as Error).message.replace(file, basename(file)) }];
  }
}

function announcementFile(p: ProvisionData): string | undefined {
  const a = isDict(p.config) ? p.config['announcement'] : undefined;
  return isDict(a) && typeof a['file'] === 'string' ? a['file'] : undefined;
}
