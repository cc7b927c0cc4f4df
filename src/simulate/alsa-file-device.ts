import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AlsaFileDeviceSpec {
  /** PCM name as ALSA clients open it (`-D name`, the capture config's device). */
  name: string;
  /** Capture: samples are read from here (a plain file, read as fast as ALSA asks, or a FIFO, which paces it). */
  infile?: string;
  /** Playback: samples are written here as raw interleaved frames. */
  outfile?: string;
}

/**
 * Real ALSA devices with no sound card: the `file` plugin over `null`, one PCM per spec, all in one asoundrc.
 * alsa-lib reads $XDG_CONFIG_HOME/alsa/asoundrc, so a process started with the returned environment sees the
 * devices by name.
 *
 * Playback over `null` is not paced: aplay writes the whole stream at once, in whole periods (125 ms by default), the
 * last padded with silence, so `outfile` holds the frames played, then zero bytes to the end of their last period
 * (a whole period of them when the frames end exactly on a period boundary).
 * An `outfile` that is a FIFO blocks the writer until someone reads it (useful to hold a playback in progress).
 */
export function alsaDevices(configHome: string, devices: readonly AlsaFileDeviceSpec[]): { env: Record<string, string> } {
  const text = devices.map(pcmDefinition).join('');
  mkdirSync(join(configHome, 'alsa'), { recursive: true });
  writeFileSync(join(configHome, 'alsa', 'asoundrc'), text);
  return { env: { XDG_CONFIG_HOME: configHome } };
}

/** One capture device reading `infile` (see {@link alsaDevices}). */
export function alsaFileDevice(configHome: string, name: string, infile: string): { device: string; env: Record<string, string> } {
  return { device: name, ...alsaDevices(configHome, [{ name, infile }]) };
}

export function makeFifo(path: string): void {
  const r = spawnSync('mkfifo', ['-m', '600', path]);
  if (r.status !== 0) throw new Error(`mkfifo ${path}: ${r.stderr.toString().trim()}`);
}

function pcmDefinition(d: AlsaFileDeviceSpec): string {
  // An id outside this set, or a quote in a path, would silently give a different device or a config
  // alsa-lib refuses with an error far from here.
  if (!/^[A-Za-z0-9_-]+$/.test(d.name)) throw new Error(`ALSA device name ${JSON.stringify(d.name)}: use letters, digits, _ and - only`);
  const lines = ['  type file', '  slave.pcm "null"', `  file "${confPath(d.outfile ?? '/dev/null')}"`];
  if (d.infile !== undefined) lines.push(`  infile "${confPath(d.infile)}"`);
  lines.push('  format "raw"');
  return `pcm.${d.name} {\n${lines.join('\n')}\n}\n`;
}

function confPath(path: string): string {
  if (/["\\\n]/.test(path)) throw new Error(`ALSA file device path ${JSON.stringify(path)}: no quotes, backslashes or newlines`);
  return path;
}
