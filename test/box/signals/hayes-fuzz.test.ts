import t from 'tap';
import { isDeepStrictEqual } from 'node:util';
import { HayesParser, type CallerIdRecord, type HayesRecord } from '../../../src/box/signals/hayes-parser.js';
import { mutate, prng, type MutationKind } from './line-reader-fuzz.js';

// A caller-ID block (RING, DATE, TIME, NMBR, NAME, RING, in varied spellings) with one line
// mutated: byte flips and substitutions, truncation, deletion, insertion, line splits, overlong
// repeats, binary junk. Claims checked for every caller-id record:
//  1. it is well formed;
//  2. its number and status equal the valid block's, or
//  3. the mutated bytes form exactly one line, a well-formed NMBR line saying that number and
//     status (read by the reference below). Modem output has no checksum: a digit replaced or
//     cut from an NMBR line leaves a valid NMBR line, and no parser can tell. Counted and reported.
// Any other record with a different number or status fails.

const N = 120_000;
const rnd = prng(0xc0ffee);
const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!;
const int = (n: number) => Math.floor(rnd() * n);
const d2 = (n: number) => String(n).padStart(2, '0');
const digits = (n: number) => Array.from({ length: n }, () => String(int(10))).join('');

function validBlock(): { lines: string[]; nmbrIndex: number } {
  const eq = pick([' = ', '=', ' =', '= ']);
  const nmbr = pick([`0${digits(9)}`, `+358${digits(9)}`, digits(3 + int(10)), 'P', 'O', 'PRIVATE', 'OUT OF AREA']);
  const lines = ['RING', `DATE${eq}${d2(1 + int(12))}${d2(1 + int(31))}`, `TIME${eq}${d2(int(24))}${d2(int(60))}`];
  const nmbrIndex = lines.length;
  lines.push(`${rnd() < 0.2 ? 'DDN_NMBR' : 'NMBR'}${eq}${nmbr}`);
  if (rnd() < 0.8) lines.push(`NAME${eq}${pick(['VIRTANEN MATTI', 'A N OTHER', 'O', 'P', 'KORHONEN', 'ÄIJÄLÄ'])}`);
  if (rnd() < 0.2) lines.splice(1, 0, 'MESG = 110101');
  lines.push('RING');
  return { lines, nmbrIndex: lines.findIndex((l) => /NMBR/.test(l)) };
}

/** The reference reading of one NMBR line, from IS-101 and the Rockwell manual. */
function refNmbr(line: string): { number?: string; status: string } | undefined {
  const m = /^(?:DDN_)?NMBR ?= ?(.*)$/.exec(line.trim());
  if (!m) return undefined;
  const v = m[1]!.trim();
  if (['P', 'PRIVATE', 'ANONYMOUS', 'WITHHELD'].includes(v.toUpperCase())) return { status: 'withheld' };
  if (['O', 'OUT OF AREA', 'OUT-OF-AREA', 'UNAVAILABLE', 'UNKNOWN'].includes(v.toUpperCase())) return { status: 'unavailable' };
  return /^\+?\d{3,20}$/.test(v) && v.replace('+', '').length >= 3 && v.replace('+', '').length <= 20 ? { number: v, status: 'ok' } : undefined;
}

function wellFormed(r: CallerIdRecord): boolean {
  if (!['ok', 'withheld', 'unavailable'].includes(r.status)) return false;
  if ((r.number !== undefined) !== (r.status === 'ok')) return false;
  if (r.number !== undefined && !/^\+?\d{3,20}$/.test(r.number)) return false;
  if (r.date !== undefined && !(/^\d{4}$/.test(r.date) && +r.date.slice(0, 2) >= 1 && +r.date.slice(0, 2) <= 12 && +r.date.slice(2) >= 1 && +r.date.slice(2) <= 31)) return false;
  if (r.time !== undefined && !(/^\d{4}$/.test(r.time) && +r.time.slice(0, 2) <= 23 && +r.time.slice(2) <= 59)) return false;
  if (r.name !== undefined && !(/^[\x20-\x7e\xa0-\xff]{1,50}$/.test(r.name) && r.name === r.name.trim())) return false;
  return Object.keys(r).every((k) => ['kind', 'status', 'date', 'time', 'number', 'name'].includes(k));
}

t.test(`${N} fuzzed voice-modem caller-ID blocks`, async (t) => {
  const parser = new HayesParser();
  let outputs: HayesRecord[] = [];
  parser.on('data', (r: HayesRecord) => outputs.push(r));
  const counts = { blocks: 0, dropped: 0, same: 0, fieldsDiffer: 0, undetectable: 0, malformedRecord: 0, unexplained: 0, nmbrLineMutated: 0 };
  const byKind: Partial<Record<MutationKind, number>> = {};
  const failures: string[] = [];
  const started = Date.now();
  for (let i = 0; i < N; i++) {
    const { lines, nmbrIndex } = validBlock();
    // the expected record, from the unmutated block
    outputs = [];
    parser.write(Buffer.from(lines.join('\r\n') + '\r\n', 'latin1'));
    parser.endCallerId();
    const expected = outputs.filter((r): r is CallerIdRecord => r.kind === 'caller-id');
    if (expected.length !== 1) throw new Error(`generator block did not parse: ${JSON.stringify(lines)}`);
    const e = expected[0]!;
    // the same block with one line mutated (the NMBR line half of the time)
    const target = rnd() < 0.5 ? nmbrIndex : int(lines.length);
    if (target === nmbrIndex) counts.nmbrLineMutated++;
    const m = mutate(Buffer.from(lines[target]!, 'latin1'), rnd);
    const bytes = lines.map((l, j) => (j === target ? m.bytes : Buffer.from(l, 'latin1')));
    outputs = [];
    parser.write(Buffer.concat(bytes.flatMap((b) => [b, Buffer.from('\r\n')])));
    parser.endCallerId();
    counts.blocks++;
    const got = outputs.filter((r): r is CallerIdRecord => r.kind === 'caller-id');
    if (got.length === 0) counts.dropped++;
    for (const r of got) {
      if (!wellFormed(r)) {
        counts.malformedRecord++;
        failures.push(`malformed ${JSON.stringify(r)}`);
        continue;
      }
      if (isDeepStrictEqual(r, e)) {
        counts.same++;
        continue;
      }
      if (r.number === e.number && r.status === e.status) {
        counts.fieldsDiffer++; // a date, time or name lost or replaced
        continue;
      }
      const sub = m.bytes.toString('latin1').split(/\r\n|\r|\n/).filter((s) => s.replace(/^\0+/, '') !== '');
      const ref = sub.length === 1 ? refNmbr(sub[0]!.replace(/^\0+/, '')) : undefined;
      if (target === nmbrIndex && ref && ref.number === r.number && ref.status === r.status) {
        counts.undetectable++;
        byKind[m.kind] = (byKind[m.kind] ?? 0) + 1;
      } else {
        counts.unexplained++;
        failures.push(`${m.kind}: ${JSON.stringify(lines[target])} -> ${JSON.stringify(m.bytes.toString('latin1'))} gave ${JSON.stringify(r)} not ${JSON.stringify(e)}`);
      }
    }
  }
  parser.end();
  const ms = Date.now() - started;
  t.comment(`hayes fuzz: ${JSON.stringify(counts)} undetectable by mutation: ${JSON.stringify(byKind)} in ${ms} ms`);
  t.comment(`parser stats: ${JSON.stringify(parser.stats)}`);
  t.equal(counts.blocks, N);
  t.same(failures.slice(0, 10), [], 'no malformed or unexplained record');
  t.equal(counts.malformedRecord, 0);
  t.equal(counts.unexplained, 0);
});
