import type { Listed, Match } from './scenario.js';

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Local wall-clock time as HH:MM:SS. */
export function hhmmss(ms: number): string {
  const d = new Date(ms);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/**
 * The recordings next to the calls the scenario really placed on the trunk. "before / after":
 * how long the recording runs before the first word and after the last (negative: words cut).
 */
export function callTable(matches: Match[], numbers: Map<string, { calling?: string; called?: string }>): string {
  const rows = [['line', 'recorded at', 'length', 'the call', 'announcement', 'speech on the trunk (the truth)', 'before / after']];
  for (const { recording: r, truth: t } of matches) {
    const rec = r ? [hhmmss(Date.parse(r.start)), seconds(r.durationMs) + (r.truncated ? ' (truncated)' : ''), describe(r, numbers.get(r.id) ?? {}), noticeWords(r)] : ['—', 'missed', '', ''];
    const truth = t ? `${hhmmss(t.startMs)} – ${hhmmss(t.endMs)}  (${seconds(t.endMs - t.startMs)})` : 'none: a false start';
    const after = r?.stoppedBy ? 'stopped' : r && t ? seconds(Date.parse(r.end) - t.endMs) : '';
    const margins = r && t ? `${seconds(t.startMs - Date.parse(r.start))} / ${after}` : '';
    rows.push([r?.line ?? t!.line, ...rec, truth, margins]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  return rows.map((row) => '  ' + row.map((cell, c) => cell.padEnd(widths[c]!)).join('   ').trimEnd()).join('\n');
}

/** The evidence that the caller was told the call is recorded: "heard (0.81)", "not applicable". */
function noticeWords(r: Listed): string {
  if (!r.notice) return '';
  const score = r.notice.score !== undefined ? ` (${r.notice.score.toFixed(2)})` : '';
  return r.notice.status.replace('-', ' ') + score;
}

/** Direction, number and how it ended, as a person would say it. */
function describe(r: Listed, n: { calling?: string; called?: string }): string {
  const who =
    r.direction === 'outgoing'
      ? `out to ${n.called ?? '?'}`
      : r.direction === 'incoming'
        ? r.clip === 'withheld'
          ? 'in, number withheld'
          : `in from ${n.calling ?? '?'}`
        : 'direction unknown';
  return r.stoppedBy ? `${who}; stopped on request (${r.stoppedBy === 'dtmf' ? '*0#' : r.stoppedBy})` : who;
}

/** Indents a block of text, for a child's stderr inside our own message. */
export function indent(text: string, by = '    '): string {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => by + l)
    .join('\n');
}
