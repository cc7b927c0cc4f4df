import { loadAnnouncement } from '../box/notice/announcement-file.js';
import { playAnnouncement } from '../box/notice/player.js';
import { loadConfig, type Config } from '../core/config/index.js';
import { AnnouncementMatcher, DEFAULT_MATCH_THRESHOLD } from '../core/dsp/match/index.js';
import { referenceOf } from '../box/notice/load-announcer.js';
import { TalError } from '../core/errors.js';
import { parse, required } from './args.js';

const playUsage = 'tallennin announce play --config FILE --line ID';
const checkUsage = 'tallennin announce check --config FILE --audio FILE';
const usage = `${playUsage}\n       ${checkUsage}`;

/**
 * `announce`: the technician's checks of the recording announcement (R12).
 * - `play` speaks it onto one line's playback device, as the recorder does when a call is answered;
 * - `check` scores a recording of a call's first seconds (WAV or Ogg Opus, e.g. from `arecord`)
 *   against the configured announcement, as verify mode does.
 */
export async function announce(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === 'play') return play(rest);
  if (sub === 'check') return check(rest);
  throw new TalError('TAL_USAGE', `${sub === undefined ? 'say what to do' : `unknown announce command "${sub}"`}\nusage: ${usage}`);
}

function announcementFile(config: Config, usage: string): string {
  const file = config.announcement.file;
  if (!file) throw new TalError('TAL_USAGE', `the config has no announcement.file to play or check\nusage: ${usage}`);
  return file;
}

async function play(argv: string[]): Promise<void> {
  const a = parse(argv, { config: { type: 'string' }, line: { type: 'string' } }, playUsage);
  const config = await loadConfig(required(a.config, '--config', playUsage));
  const lineId = required(a.line, '--line', playUsage);
  const line = config.lines.find((l) => l.id === lineId);
  if (!line) throw new TalError('TAL_USAGE', `no line "${lineId}" in the config (lines: ${config.lines.map((l) => l.id).join(', ')})\nusage: ${playUsage}`);
  if (!line.playback) throw new TalError('TAL_USAGE', `line ${lineId} has no playback device (lines[].playback) to play the announcement on\nusage: ${playUsage}`);
  const rate = config.capture.rate;
  const pcm = await loadAnnouncement(announcementFile(config, playUsage), rate);
  const result = await playAnnouncement(pcm, rate, line.playback).done;
  if (!result.ok) throw new TalError('TAL_PLAYBACK_DEVICE', `line ${lineId}: the announcement could not be played on ${line.playback.device}: ${result.error}`);
  process.stdout.write(`played the announcement (${(pcm.length / rate).toFixed(1)} s) on line ${lineId}, device ${line.playback.device} channel ${line.playback.channel}\n`);
}

async function check(argv: string[]): Promise<void> {
  const a = parse(argv, { config: { type: 'string' }, audio: { type: 'string' } }, checkUsage);
  const config = await loadConfig(required(a.config, '--config', checkUsage));
  const rate = config.capture.rate;
  const file = announcementFile(config, checkUsage);
  const reference = referenceOf(file, await loadAnnouncement(file, rate), rate);
  const audio = required(a.audio, '--audio', checkUsage);
  const call = await loadAnnouncement(audio, rate).catch((err: TalError) => {
    // The same reader as the announcement's, with its limits: a clip of a call's first seconds.
    throw new TalError(err.code ?? 'TAL_USAGE', `--audio: ${err.message.replace(/^announcement file /, '')} (give a 0.5–30 s recording of a call's first seconds)`, { cause: err });
  });
  const matcher = new AnnouncementMatcher(reference, { sampleRate: rate, maxOffsetMs: config.announcement.maxOffsetMs });
  matcher.push(call);
  const { score, offsetMs } = matcher.result();
  const threshold = config.announcement.threshold ?? DEFAULT_MATCH_THRESHOLD;
  const heard = score >= threshold;
  process.stdout.write(JSON.stringify({ heard, score, threshold, offsetMs, windowMs: matcher.windowMs, audioMs: Math.round((call.length / rate) * 1000) }) + '\n');
}
