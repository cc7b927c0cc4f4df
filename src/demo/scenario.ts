import type { Scenario, TrueCall } from '../simulate/trunk.js';

/** What the demo plays into the box: about a minute of a two-line trunk, four calls in all. */
export const SCENARIO: Scenario = {
  rate: 8000,
  channels: 2,
  durationMs: 65_000,
  seed: 7,
  // No serial signalling: the box learns everything from the audio. Caller ID comes as DTMF
  // before the first ring (as Finnish exchanges send it); one call is dialled out; one caller
  // asks for the recording to stop and staff key *0#; one caller hangs up and the exchange
  // plays the busy tone. On each line the next call starts well after the last one ended.
  calls: [
    { line: 0, atMs: 3_000, talkMs: 10_000, direction: 'incoming', number: '0401234567', clip: 'dtmf', rings: 1 },
    { line: 1, atMs: 9_000, talkMs: 10_000, direction: 'outgoing', number: '0295020000' },
    { line: 0, atMs: 30_000, talkMs: 9_000, direction: 'incoming', number: 'withheld', clip: 'dtmf', rings: 1, stopCodeAtMs: 4_000 },
    { line: 1, atMs: 37_000, talkMs: 7_000, direction: 'incoming', number: '0501112222', clip: 'dtmf', rings: 1, farEnd: 'busy' },
  ],
};

export const SECONDS = SCENARIO.durationMs / 1000;

/**
 * The scenario, with the exchange playing the recording announcement on each incoming call (R12).
 * The talk is shorter by as much, so every call still ends where the scenario's timeline has it.
 */
export function withAnnouncement(announcement: Int16Array | undefined): Scenario {
  if (!announcement) return SCENARIO;
  const ms = (announcement.length / SCENARIO.rate) * 1000;
  return {
    ...SCENARIO,
    calls: SCENARIO.calls.map((c) => (c.direction === 'incoming' ? { ...c, announcement, talkMs: Math.max(3000, c.talkMs - ms) } : c)),
  };
}

/** The box.yaml line id of a trunk channel. */
export const lineId = (channel: number): string => `line-${channel + 1}`;

/** One row of `recordings --json`. */
export interface Listed {
  id: string;
  line: string;
  start: string;
  end: string;
  durationMs: number;
  truncated: boolean;
  open: boolean;
  direction: 'incoming' | 'outgoing' | 'unknown';
  clip: 'ok' | 'withheld' | 'unavailable' | 'none';
  stoppedBy?: string;
  notice?: { status: string; score?: number };
}

export interface Match {
  recording?: Listed;
  /** the scenario's call, in wall-clock ms (anchor + offset) */
  truth?: { line: string; startMs: number; endMs: number };
}

/**
 * Pairs each recording with the scenario call it overlaps most on the same line. The capture's
 * anchor is the wall-clock time of sample 0, so a call's true time is anchor + its offset.
 */
export function matchCalls(recordings: Listed[], truth: TrueCall[], anchorMs: number): Match[] {
  const calls = truth.map((t) => ({ line: lineId(t.line), startMs: anchorMs + t.startMs, endMs: anchorMs + t.endMs }));
  const used = new Set<number>();
  const out: Match[] = [];
  for (const r of recordings) {
    const rs = Date.parse(r.start);
    const re = Date.parse(r.end);
    let best = -1;
    let bestOverlap = 0;
    calls.forEach((c, i) => {
      const overlap = Math.min(re, c.endMs) - Math.max(rs, c.startMs);
      if (c.line === r.line && !used.has(i) && overlap > bestOverlap) [best, bestOverlap] = [i, overlap];
    });
    if (best >= 0) used.add(best);
    out.push(best >= 0 ? { recording: r, truth: calls[best]! } : { recording: r });
  }
  calls.forEach((c, i) => {
    if (!used.has(i)) out.push({ truth: c });
  });
  const at = (m: Match) => (m.recording ? Date.parse(m.recording.start) : m.truth!.startMs);
  return out.sort((a, b) => at(a) - at(b));
}
