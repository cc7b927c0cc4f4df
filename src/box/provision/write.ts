// All or nothing: the new config folder is written and checked as a temporary folder next to
// the old one (same file system, so rename works), then swapped in by rename. A failure before
// the swap leaves the old folder exactly as it was; nothing half-written is ever at DIR. Every
// file and folder is fsynced first: a box loses power without warning, and an SD card that
// reorders writes must not come back with an empty box.key under a new name.

import { randomBytes } from 'node:crypto';
import { chmod, chown, lstat, mkdir, mkdtemp, open, readdir, readFile, readlink, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { osReason } from '../../core/config/messages.js';
import { TalError } from '../../core/errors.js';
import { DIR_MODE, FILE_MODE } from './layout.js';

export interface Target {
  readonly dir: string;
  readonly parent: string;
  readonly exists: boolean;
}

const usage = (message: string) => new TalError('TAL_USAGE', message);

/** --etc DIR: a folder (or nothing yet) that rename can replace. */
export async function checkTarget(input: string): Promise<Target> {
  const dir = resolve(input);
  const parent = dirname(dir);
  if (dir === parent) throw usage(`--etc ${input}: cannot replace the root folder`);
  const parentStat = await stat(parent).catch((err: unknown) => {
    throw usage(`--etc ${input}: its parent folder ${parent} cannot be used: ${osReason(err)}`);
  });
  if (!parentStat.isDirectory()) throw usage(`--etc ${input}: ${parent} is not a folder`);
  const own = await lstat(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw usage(`--etc ${input}: ${osReason(err)}`);
  });
  if (!own) return { dir, parent, exists: false };
  if (own.isSymbolicLink()) {
    throw usage(`--etc ${input} is a symbolic link to ${await readlink(dir)}; give the folder itself (rename would replace the link, not the folder)`);
  }
  if (!own.isDirectory()) throw usage(`--etc ${input} is not a folder`);
  if (own.dev !== parentStat.dev || (await isMountPoint(dir))) {
    // /etc/tallennin on a box is a bind mount of /srv/tallennin/etc (image/LAYOUT.md).
    throw usage(`--etc ${input} is a mount point (a bind mount?), which rename cannot replace; give the folder it is mounted from (on a box, /srv/tallennin/etc)`);
  }
  return { dir, parent, exists: true };
}

/** Writes one file of the new folder (its own folders made as needed), synced to disk. */
export async function putFile(root: string, rel: string, content: string | Buffer): Promise<void> {
  const path = join(root, rel);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const fh = await open(path, 'wx', 0o600);
  try {
    await fh.writeFile(content);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Makes the new folder with `fill` (which writes with putFile and may throw to refuse it), sets
 * modes and owners, and swaps it in for `target.dir`. `gid`: chown everything root:gid;
 * undefined leaves owners as they are.
 */
export async function replaceFolder(target: Target, fill: (tmp: string) => Promise<void>, o: { gid?: number } = {}): Promise<void> {
  const base = basename(target.dir);
  const exists = await recoverLeftovers(target, base);
  const tmp = await mkdtemp(join(target.parent, `.${base}.new-`));
  try {
    await fill(tmp);
    await settle(tmp, o.gid);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  if (!exists) {
    await rename(tmp, target.dir);
  } else {
    const old = join(target.parent, `.${base}.old-${randomBytes(6).toString('hex')}`);
    await rename(target.dir, old);
    try {
      await rename(tmp, target.dir);
    } catch (err) {
      await rename(old, target.dir);
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
    await syncDir(target.parent);
    // The old folder holds the previous private key: gone now, or at the next run if this fails.
    await rm(old, { recursive: true, force: true }).catch(() => undefined);
  }
  await syncDir(target.parent);
}

/** Modes, owners and fsync, deepest first so that each folder is synced after its entries. */
async function settle(path: string, gid: number | undefined): Promise<void> {
  const s = await lstat(path);
  if (s.isDirectory()) {
    for (const name of await readdir(path)) await settle(join(path, name), gid);
  }
  await chmod(path, s.isDirectory() ? DIR_MODE : FILE_MODE);
  if (gid !== undefined) await chown(path, 0, gid);
  await syncPath(path);
}

/** A run cut off by a power loss may have left a temporary folder (removed: it may hold a key),
 *  or, between the two renames, only the old folder (put back, so a refused file loses nothing).
 *  Returns whether the folder is there now. */
async function recoverLeftovers(target: Target, base: string): Promise<boolean> {
  const names = await readdir(target.parent);
  const olds = names.filter((n) => n.startsWith(`.${base}.old-`));
  let exists = target.exists;
  for (const name of names) {
    const path = join(target.parent, name);
    if (name.startsWith(`.${base}.new-`)) await rm(path, { recursive: true, force: true });
    else if (olds.includes(name) && !exists) {
      await rename(path, target.dir);
      exists = true;
    } else if (olds.includes(name)) await rm(path, { recursive: true, force: true });
  }
  return exists;
}

/** A bind mount from the same file system keeps st_dev: the kernel's mount table tells. */
async function isMountPoint(dir: string): Promise<boolean> {
  const info = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  const real = await realpath(dir);
  // Field 5 is the mount point, with space, tab, newline and backslash written in octal.
  const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return info.split('\n').some((line) => line.split(' ')[4] !== undefined && unescape(line.split(' ')[4]!) === real);
}

async function syncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

const syncDir = syncPath;
