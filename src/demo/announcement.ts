// The demo's recording announcement (R12), spoken by espeak-ng in Finnish from the words in
// the box's config defaults, as an office would have a voice artist record it.
import { spawnSync } from 'node:child_process';
import { DEFAULTS } from '../core/config/index.js';

export const ANNOUNCEMENT_TEXT = DEFAULTS.announcement.text;

/** Writes the announcement as a WAV file; false when espeak-ng is not installed. */
export function speakAnnouncement(file: string): boolean {
  const r = spawnSync('espeak-ng', ['-v', 'fi', '-s', '150', '-w', file, ANNOUNCEMENT_TEXT], { encoding: 'utf8' });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') return false;
  if (r.status !== 0) throw new Error(`espeak-ng could not speak the announcement: ${r.stderr || r.error?.message}`);
  return true;
}

/** The announcement as the exchange's line carries it: quieter than the file, like speech on a line. */
export function onTheLine(pcm: Int16Array, gain = 0.35): Int16Array {
  return pcm.map((s) => Math.round(s * gain));
}
