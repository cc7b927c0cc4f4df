import type { Scenario, TrueCall } from '../simulate/trunk.js';

/** What the demo plays into the box: about a minute of a two-line trunk, four calls in all. */
export const SCENARIO: Scenario = {
  rate: 8000,
  channels: 2,
  durationMs: 65_000,
  seed: 7,
  // Calls last 9–14 s of talk; on each line the next call starts well after the last one ended
  // (more than 10 s), and the last one ends early enough for VOX to close it before the end.
  calls: [
    { line: 0, atMs: 3_000, talkMs: 12_000 },
    { line: 1, atMs: 9_000, talkMs: 14_000 },
    { line: 0, atMs: 32_000, talkMs: 10_000 },
    { line: 1, atMs: 42_000, talkMs: 9_000 },
  ],
};

export const SECONDS = SCENARIO.durationMs / 1000;

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
