import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A real ALSA capture device with no sound card: the `file` plugin over `null` reads its
 * samples from `infile` (a plain file, read as fast as ALSA asks, or a FIFO, which paces it).
 * alsa-lib reads $XDG_CONFIG_HOME/alsa/asoundrc, so a process started with the returned
 * environment sees the device by name.
 */
export function alsaFileDevice(configHome: string, name: string, infile: string): { device: string; env: Record<string, string> } {
  mkdirSync(join(configHome, 'alsa'), { recursive: true });
  writeFileSync(
    join(configHome, 'alsa', 'asoundrc'),
    `pcm.${name} {\n  type file\n  slave.pcm "null"\n  file "/dev/null"\n  infile "${infile}"\n  format "raw"\n}\n`,
  );
  return { device: name, env: { XDG_CONFIG_HOME: configHome } };
}

export function makeFifo(path: string): void {
  const r = spawnSync('mkfifo', ['-m', '600', path]);
  if (r.status !== 0) throw new Error(`mkfifo ${path}: ${r.stderr.toString().trim()}`);
}
