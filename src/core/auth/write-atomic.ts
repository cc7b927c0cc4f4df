// Replaces a file all at once: readers see the old content or the new, never half, and a
// crash mid-write leaves the old file in place.
import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export async function writeFileAtomic(path: string, data: string, mode: number): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const owner = await ownerToKeep(path);
  const fh = await open(tmp, 'wx', mode);
  try {
    // Before any byte is written: the umask may not be what `mode` assumes.
    await fh.chmod(mode);
    if (owner) await fh.chown(owner.uid, owner.gid);
    await fh.writeFile(data, 'utf8');
    await fh.sync();
    await fh.close();
    await rename(tmp, path);
  } catch (err) {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw err;
  }
  await syncDir(dir);
}

// `sudo tallennin user add` must not leave a root-owned 0600 file that the service, running
// as its own user, can no longer read: the replacement keeps the owner of the file it
// replaces, and a new file takes the owner of its folder.
async function ownerToKeep(path: string): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  for (const p of [path, dirname(path)]) {
    try {
      const s = await stat(p);
      return { uid: s.uid, gid: s.gid };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return undefined;
}

// The rename is durable only once the folder's entry is on disk.
async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r').catch(() => undefined);
  if (!fh) return;
  try {
    await fh.sync();
  } catch {
    // some file systems cannot sync a folder; the rename itself has happened
  } finally {
    await fh.close();
  }
}
