import { statfs } from 'node:fs/promises';

/** How full the filesystem holding a path is, as the recorder (a non-root service) sees it. */
export interface DiskUsage {
  /**
   * The capacity the recorder can fill: space in use plus space it may still write. Blocks the
   * filesystem reserves for root (5 % on a fresh ext4) are left out, so that `usedFraction`
   * reads the same as the `Use%` column of `df`.
   */
  totalBytes: number;
  /** space the recorder may still write (`statfs` bavail), not counting root's reserve */
  freeBytes: number;
  /** (totalBytes − freeBytes) / totalBytes; 1 on a filesystem with no capacity at all */
  usedFraction: number;
}

/** Reads how full the filesystem holding `path` is (`statfs`). Rejects if the path is unreachable. */
export async function diskUsage(path: string): Promise<DiskUsage> {
  const s = await statfs(path);
  const usedBlocks = s.blocks - s.bfree;
  const totalBytes = (usedBlocks + s.bavail) * s.bsize;
  const freeBytes = s.bavail * s.bsize;
  return { totalBytes, freeBytes, usedFraction: totalBytes > 0 ? (totalBytes - freeBytes) / totalBytes : 1 };
}
