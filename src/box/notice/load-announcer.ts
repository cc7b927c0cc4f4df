import type { Clock } from '../../core/clock.js';
import type { Config } from '../../core/config/index.js';
import { AnnouncementReference, DEFAULT_MATCH_THRESHOLD } from '../../core/dsp/match/index.js';
import { TalError } from '../../core/errors.js';
import { announcerOff, playingAnnouncer, verifyingAnnouncer, type Announcer } from './announcer.js';
import { loadAnnouncement } from './announcement-file.js';
import { checkAplay, type PlaybackTarget, type PlayerOptions } from './player.js';

/**
 * The announcer the config asks for. A file that cannot be read or is no usable announcement,
 * or playback with no aplay to play it, stops the recorder at start: a box that silently skips
 * the announcement breaks R12 on every call.
 */
export async function loadAnnouncer(config: Config, deps: { clock: Clock; player?: PlayerOptions }): Promise<Announcer> {
  const { mode, file, maxOffsetMs, threshold } = config.announcement;
  if (mode === 'off') return announcerOff;
  const rate = config.capture.rate;
  const pcm = await loadAnnouncement(file!, rate);
  if (mode === 'verify') {
    return verifyingAnnouncer(referenceOf(file!, pcm, rate), { sampleRate: rate, maxOffsetMs, threshold: threshold ?? DEFAULT_MATCH_THRESHOLD });
  }
  const problem = await checkAplay(deps.player);
  if (problem) throw new TalError('TAL_CONFIG_INVALID', `announcement.mode play: ${problem}`);
  const targets = new Map<string, PlaybackTarget>(config.lines.map((l) => [l.id, l.playback!]));
  return playingAnnouncer(pcm, rate, targets, deps);
}

/** The matcher's reference, or TAL_ANNOUNCEMENT_INVALID naming the file (too short, silent, too long). */
export function referenceOf(file: string, pcm: Int16Array, rate: number): AnnouncementReference {
  try {
    return AnnouncementReference.fromPcm(pcm, rate);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    throw new TalError('TAL_ANNOUNCEMENT_INVALID', `announcement.file ${file}: ${err.message}`, { cause: err });
  }
}
