// A small dedicated filesystem for disk-full tests: a size-limited tmpfs (needs root or
// CAP_SYS_ADMIN; tests skip, saying why, where mounting is not permitted).
import type { Test } from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

function mount(dir: string, size: string): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
}
function umount(dir: string): void {
  execFileSync('umount', [dir], { stdio: 'pipe' });
}

/** Why a tmpfs cannot be mounted here, or false if it can. */
export function cannotMount(): string | false {
  if (process.platform !== 'linux') return 'a size-limited tmpfs needs Linux';
  const probe = mkdtempSync(join(tmpdir(), 'tallennin-mount-probe-'));
  try {
    mount(probe, '1m');
    umount(probe);
    return false;
  } catch (err) {
    const why = String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim().split('\n')[0];
    return `cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): ${why}`;
  } finally {
    rmdirSync(probe);
  }
}

/** A tmpfs of `size` inside the test's directory, unmounted when the test ends. */
export function smallDisk(t: Test, size: string): string {
  // tap removes the test directory in a teardown of its own, which wraps the teardowns registered
  // before the directory is made: registered first, the unmount runs before that removal.
  const dir = join(resolve(t.testdirName), 'disk');
  let mounted = false;
  t.teardown(() => {
    if (mounted) umount(dir);
  });
  t.testdir({});
  mkdirSync(dir);
  mount(dir, size);
  mounted = true;
  return dir;
}
