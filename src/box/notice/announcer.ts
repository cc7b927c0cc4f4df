// The recording announcement on each call (R12): the evidence of whether the caller was told
// that the call is recorded, gathered while the call runs and kept with its recording.
import type { Clock } from '../../core/clock.js';
import { AnnouncementMatcher, type AnnouncementReference } from '../../core/dsp/match/index.js';
import type { Notice } from '../../core/protocol/messages.js';
import type { CallInfo } from '../line/call-fsm.js';
import { playAnnouncement, type PlaybackTarget, type PlayerOptions } from './player.js';

/** One recording's part in the announcement. */
export interface NoticeSession {
  /** The call's audio, from the recording's first sample. */
  feed(frame: Int16Array): void;
  /** The recording ends (the call, or a stop on the caller's request): the final evidence. */
  end(call: CallInfo): Notice;
}

export interface Announcer {
  /**
   * A recording of a call begins. `settled` hears the evidence as soon as it is final while the
   * call still runs (the verify window is full, the playback is over), so a crash keeps it.
   */
  begin(lineId: string, call: CallInfo, settled: (notice: Notice) => void): NoticeSession;
}

const fixed = (notice: Notice): NoticeSession => ({ feed: () => {}, end: () => notice });

/** An outgoing call is not announced; a settled incoming one keeps what it got. */
const unlessOutgoing = (call: CallInfo, notice: Notice): Notice =>
  call.direction === 'outgoing' ? { status: 'not-applicable', reason: 'outgoing' } : notice;

/** Mode off: nothing is played or checked, and each recording says so. */
export const announcerOff: Announcer = { begin: () => fixed({ status: 'not-applicable', reason: 'mode-off' }) };

/**
 * Mode verify: the exchange plays the announcement; the start of every call that is not known
 * to be outgoing is compared with the reference, once the window is full or the call ends.
 */
export function verifyingAnnouncer(reference: AnnouncementReference, opts: { sampleRate: number; maxOffsetMs: number; threshold: number }): Announcer {
  return {
    begin(_line, call, settled) {
      if (call.direction === 'outgoing') return fixed({ status: 'not-applicable', reason: 'outgoing' });
      const matcher = new AnnouncementMatcher(reference, opts);
      let decided: Notice | undefined;
      const decide = (): Notice => {
        const { score, offsetMs } = matcher.result();
        return { status: score >= opts.threshold ? 'heard' : 'not-heard', score, threshold: opts.threshold, offsetMs };
      };
      return {
        feed(frame) {
          if (decided) return;
          matcher.push(frame);
          if (matcher.complete) settled((decided = decide()));
        },
        end: (final) => unlessOutgoing(final, decided ?? decide()),
      };
    },
  };
}

/**
 * Mode play: the box speaks the announcement onto an incoming call's line as it is answered.
 * Calls of unknown direction are not spoken to: a voice over an outgoing call would be wrong,
 * and the recording says why it was not played.
 */
export function playingAnnouncer(
  pcm: Int16Array,
  sampleRate: number,
  targets: ReadonlyMap<string, PlaybackTarget>,
  deps: { clock: Clock; player?: PlayerOptions },
): Announcer {
  const fullMs = Math.round((pcm.length / sampleRate) * 1000);
  return {
    begin(lineId, call, settled) {
      if (call.direction !== 'incoming') {
        return fixed({ status: 'not-applicable', reason: call.direction === 'outgoing' ? 'outgoing' : 'direction-unknown' });
      }
      const target = targets.get(lineId);
      if (!target) return fixed({ status: 'not-played', error: `no playback device for line ${lineId}` });
      const at = deps.clock.now();
      const playback = playAnnouncement(pcm, sampleRate, target, deps.player);
      let outcome: Notice | undefined;
      void playback.done.then((r) => {
        if (outcome) return; // the call ended first: end() settled it
        outcome = r.ok ? { status: 'played', at, durationMs: fullMs } : { status: 'not-played', error: r.error };
        settled(outcome);
      });
      return {
        feed: () => {},
        end: () => {
          if (!outcome) {
            // The call ended while the announcement was still playing: it was played this far.
            playback.stop();
            outcome = { status: 'played', at, durationMs: Math.min(fullMs, Math.max(0, deps.clock.now() - at)) };
          }
          return outcome;
        },
      };
    },
  };
}
