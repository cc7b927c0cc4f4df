import t from 'tap';
import { isDeepStrictEqual } from 'node:util';
import { parseWhozzLine, type WhozzRecord } from '../../../src/box/signals/whozz-format.js';
import { WhozzParser } from '../../../src/box/signals/whozz-parser.js';
import { mutate, prng, type MutationKind } from './line-reader-fuzz.js';
import { callLine, detailLine } from '../../../src/simulate/whozz-lines.js';

// Mutations of valid lines: byte flips and substitutions, truncation, deletion, insertion,
// line splits, overlong repeats, binary junk. Claims checked for every output record:
//  1. it is well formed;
//  2. it equals the valid line's record, or
//  3. the mutation kept the line's length and every changed byte lies inside a field whose
//     value changed, and the record says exactly what the mutated bytes say (read by the
//     column reference below). The serial format has no checksum: such a line *is* a valid
//     line with other content, and no parser can tell. They are counted and reported.
// A record that differs from the valid line's in line number or number for any other reason fails.

const N = 150_000;
const rnd = prng(0x7a11e);
const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!;
const int = (n: number) => Math.floor(rnd() * n);
const d2 = (n: number) => String(n).padStart(2, '0');

function validLine(): string {
  const line = 1 + int(16);
  const dollar = rnd() < 0.5;
  const date = rnd() < 0.05 ? '00/00' : `${d2(1 + int(12))}/${d2(1 + int(31))}`;
  if (rnd() < 0.4) {
    const time = date === '00/00' ? `00:00:${d2(int(60))}` : `${d2(int(24))}:${d2(int(60))}:${d2(int(60))}`;
    return detailLine(line, pick(['R', 'F', 'N', 'H'] as const), date, time, dollar);
  }
  const io = pick(['I', 'O'] as const);
  const se = pick(['S', 'E'] as const);
  const digits = (n: number) => Array.from({ length: n }, () => String(int(10))).join('');
  const number =
    io === 'O'
      ? pick([digits(10), `*31#${digits(9)}`, digits(3), ''])
      : pick([digits(10), `${digits(3)}-${digits(3)}-${digits(4)}`, `0${digits(9)}`, 'Private', 'Out-of-Area', '', digits(7)]);
  const name = io === 'O' ? pick(['', digits(4)]) : pick(['', 'VIRTANEN MATTI', 'AT&T INFORMATIO', 'Private', 'KORHONEN']);
  const time = date === '00/00' ? '00:00 AM' : `${d2(1 + int(12))}:${d2(int(60))} ${pick(['AM', 'PM'])}`;
  return callLine({
    line, io, se, dollar, date, time, number, name,
    duration: se === 'E' ? int(10000) : 0,
    checksum: rnd() < 0.1 ? 'B' : 'G',
    rings: `${pick(['A', 'B', 'C', 'D'])}${int(10)}`,
  });
}

function wellFormed(r: WhozzRecord): boolean {
  const dateOk = (d?: string) => d === undefined || (/^\d{4}$/.test(d) && +d.slice(0, 2) >= 1 && +d.slice(0, 2) <= 12 && +d.slice(2) >= 1 && +d.slice(2) <= 31);
  const timeOk = (s: string | undefined, len: number) =>
    s === undefined || (s.length === len && /^\d+$/.test(s) && +s.slice(0, 2) <= 23 && +s.slice(2, 4) <= 59 && (len === 4 || +s.slice(4) <= 59));
  if (!Number.isInteger(r.unitLine) || r.unitLine < 1 || r.unitLine > 99) return false;
  if (!dateOk(r.date) || (r.date === undefined) !== (r.time === undefined)) return false;
  if (r.kind !== 'call') return ['ring', 'off-hook', 'on-hook', 'flash'].includes(r.kind) && timeOk(r.time, 6) && Object.keys(r).every((k) => ['kind', 'unitLine', 'date', 'time'].includes(k));
  if (!timeOk(r.time, 4) || !['in', 'out'].includes(r.direction) || !['start', 'end'].includes(r.phase) || !['good', 'bad'].includes(r.cidChecksum)) return false;
  if ((r.phase === 'end') !== (r.durationS !== undefined) || (r.durationS !== undefined && !(Number.isInteger(r.durationS) && r.durationS >= 0 && r.durationS <= 9999))) return false;
  if ((r.phase === 'end') !== (r.rings !== undefined) || (r.rings !== undefined && !(r.rings >= 0 && r.rings <= 9))) return false;
  if (r.number !== undefined && !(r.direction === 'in' ? /^\d+$/ : /^[\d*#]+$/).test(r.number)) return false;
  if ((r.number !== undefined) !== (r.numberStatus === 'ok')) return false;
  if (r.cidChecksum === 'bad' && (r.number !== undefined || r.name !== undefined)) return false;
  if (r.name !== undefined && (r.direction === 'out' || !/^[\x20-\x7e\xa0-\xff]{1,15}$/.test(r.name) || r.name !== r.name.trim())) return false;
  return true;
}

/** The reference reading of a line by columns (the published layout), independent of the parser. */
function spans(line: string): Record<string, [number, number]> {
  const o = line.startsWith('$') ? 1 : 0;
  const at = (a: number, b: number): [number, number] => [a + o, b + o];
  const common = { dollar: [0, o] as [number, number], line: at(0, 2), code: at(3, 4) };
  if (line.length - o === 31) return { ...common, date: at(17, 22), time: at(23, 31) };
  return {
    ...common, se: at(5, 6), duration: at(7, 11), checksum: at(12, 13), rings: at(14, 16), date: at(17, 22),
    time: at(23, 28), ampm: at(29, 31), number: at(32, 46), name: at(47, 62),
  };
}
const field = (line: string, f: string) => line.slice(...spans(line)[f]!);
const refNumber = (line: string) => field(line, 'number').trim().replaceAll('-', '');

t.test(`${N} fuzzed Whozz Calling? lines`, async (t) => {
  const parser = new WhozzParser();
  let outputs: WhozzRecord[] = [];
  parser.on('data', (r: WhozzRecord) => outputs.push(r));
  const counts = { lines: 0, silent: 0, same: 0, otherFieldInPlace: 0, otherFieldSplit: 0, undetectable: 0, malformedRecord: 0, unexplained: 0, records: 0 };
  const byKind: Partial<Record<MutationKind, number>> = {};
  const byField: Record<string, number> = {};
  const failures: string[] = [];
  const started = Date.now();
  for (let i = 0; i < N; i++) {
    const valid = validLine();
    const expected = parseWhozzLine(valid);
    if (!expected.ok) throw new Error(`generator made an invalid line: ${JSON.stringify(valid)}`);
    const m = mutate(Buffer.from(valid, 'latin1'), rnd);
    outputs = [];
    parser.write(Buffer.concat([m.bytes, Buffer.from('\r\n')]));
    counts.lines++;
    if (outputs.length === 0) counts.silent++;
    for (const r of outputs) {
      counts.records++;
      if (!wellFormed(r)) {
        counts.malformedRecord++;
        failures.push(`malformed record ${JSON.stringify(r)}`);
        continue;
      }
      if (isDeepStrictEqual(r, expected.record)) {
        counts.same++;
        continue;
      }
      const mutated = m.bytes.toString('latin1');
      const e = expected.record;
      const identity = (x: WhozzRecord) => [x.kind, x.unitLine, x.kind === 'call' ? [x.direction, x.phase, x.number, x.numberStatus] : null];
      if (isDeepStrictEqual(identity(r), identity(e))) {
        // a date, time, duration, ring count or name replaced by another valid one: in place, or
        // (name only, it is the last field) a split whose inserted bytes pad the line back to width
        if (m.inPlace) counts.otherFieldInPlace++;
        else counts.otherFieldSplit++;
        continue;
      }
      if (!m.inPlace) {
        counts.unexplained++;
        failures.push(`${m.kind}: ${JSON.stringify(valid)} -> ${JSON.stringify(mutated)} gave ${JSON.stringify(r)}`);
        continue;
      }
      // the identity changed: every changed byte must sit in a field whose content changed,
      // and the record must say what those columns now say
      const s = spans(valid);
      const changed = Object.keys(s).filter((f) => field(valid, f) !== field(mutated, f));
      const inside = m.positions.every((p) => valid[p] === mutated[p] || changed.some((f) => p >= s[f]![0] && p < s[f]![1]));
      const says = r.unitLine === Number(field(mutated, 'line')) && (r.kind !== 'call' || r.number === undefined || r.number === refNumber(mutated));
      if (inside && says) {
        counts.undetectable++;
        byKind[m.kind] = (byKind[m.kind] ?? 0) + 1;
        for (const k of ['unitLine', 'kind', 'direction', 'phase', 'number', 'numberStatus'] as const) {
          if ((r as unknown as Record<string, unknown>)[k] !== (e as unknown as Record<string, unknown>)[k]) byField[k] = (byField[k] ?? 0) + 1;
        }
      } else {
        counts.unexplained++;
        failures.push(`${m.kind}: ${JSON.stringify(valid)} -> ${JSON.stringify(mutated)} gave ${JSON.stringify(r)}`);
      }
    }
  }
  parser.end();
  const ms = Date.now() - started;
  t.comment(`whozz fuzz: ${JSON.stringify(counts)} undetectable by mutation: ${JSON.stringify(byKind)}, by field changed: ${JSON.stringify(byField)} in ${ms} ms`);
  t.comment(`parser stats: ${JSON.stringify(parser.stats)}`);
  t.equal(counts.lines, N);
  t.same(failures.slice(0, 10), [], 'no malformed or unexplained record');
  t.equal(counts.malformedRecord, 0);
  t.equal(counts.unexplained, 0);
  t.ok(parser.stats.bad > 0 && parser.stats.bad <= parser.stats.lines);
});
