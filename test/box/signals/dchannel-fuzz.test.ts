// 100,000 trace lines in every accepted form, a fifth of the frames damaged character by
// character (replaced, deleted, inserted, cut short), fed in random chunks: the reader never
// throws, every line is counted in exactly one bucket, and every undamaged frame that follows
// an undamaged one comes out exactly as written (octets, direction, timestamp).
import t from 'tap';
import { DChannel, type DChannelFrame } from '../../../src/box/signals/dchannel.js';
import { mulberry32 } from '../../../src/core/dsp/generate.js';

function prng(seed: number) {
  const next = mulberry32(seed);
  const int = (n: number) => Math.floor(next() * n);
  return { int, chance: (p: number) => next() < p, pick: <T>(xs: readonly T[]): T => xs[int(xs.length)]! };
}
type Rng = ReturnType<typeof prng>;

const h2 = (b: number) => b.toString(16).padStart(2, '0');

interface Rec {
  lines: string[];
  /** the frame this record writes (undefined for junk lines) */
  bytes?: Uint8Array;
  direction?: 'to-network' | 'from-network';
  at?: string;
  damaged: boolean;
}

/** An I or UI frame on SAPI 0 (so unmarked forms can take the direction from C/R). */
function frame(r: Rng): { bytes: Uint8Array; direction: 'to-network' | 'from-network' } {
  const fromNet = r.chance(0.5);
  const ui = r.chance(0.3);
  const head = ui ? [fromNet ? 0x02 : 0x00, 0xff, 0x03] : [fromNet ? 0x02 : 0x00, (r.int(127) << 1) | 1, r.int(128) << 1, r.int(128) << 1];
  const info = [0x08, 0x01, r.int(128), r.int(128), ...Array.from({ length: r.int(40) }, () => r.int(256))];
  return { bytes: Uint8Array.from([...head, ...info]), direction: fromNet ? 'from-network' : 'to-network' };
}

function stampText(r: Rng, i: number): string {
  const s = String(i % 60).padStart(2, '0');
  return r.pick([`12:00:${s}.${String(i % 1000).padStart(3, '0')}`, `2024-05-01T12:00:${s}.123Z`, `01.05.2024 12:00:${s}.000001`, `[12:00:${s}]`]);
}

function record(r: Rng, i: number): Rec {
  const form = r.int(10);
  if (form === 0) return { lines: [r.pick(['', '# comment', 'mISDN kernel version 2.00.0 found', 'Contr1: 12:00:00.000000 Net>User Cmd TEI=64', '  '])], damaged: false };
  const f = frame(r);
  const hex = Array.from(f.bytes, h2);
  const mark = f.direction === 'to-network' ? '>' : '<';
  if (form <= 4) {
    // A: marked, optional stamp before or text_wireshark stamp after, spaced or contiguous
    const stamped = r.int(3);
    const at = stampText(r, i);
    const body = r.chance(0.5) ? hex.join(' ') : hex.join('');
    if (stamped === 0) return { lines: [`${at} ${mark} ${body}`], bytes: f.bytes, direction: f.direction, at: at.replace(/^\[|\]$/g, ''), damaged: false };
    if (stamped === 1) return { lines: [`${mark} ${body.replace(/ /g, '')}     05.06. 13:23:33`], bytes: f.bytes, direction: f.direction, at: '05.06. 13:23:33', damaged: false };
    return { lines: [`${mark} ${body}`], bytes: f.bytes, direction: f.direction, damaged: false };
  }
  if (form === 5) return { lines: [hex.join(r.chance(0.5) ? ' ' : '')], bytes: f.bytes, direction: f.direction, damaged: false }; // B
  if (form <= 7) {
    // C: misdn_log, TE role: IND from the network, REQ to it
    const at = `01.05.2024 12:00:${String(i % 60).padStart(2, '0')}.000001`;
    const rows: string[] = [];
    for (let k = 0; k < hex.length; k += 16) rows.push(hex.slice(k, k + 16).map((x) => ` ${x}`).join(''));
    const prim = f.direction === 'from-network' ? '2002' : '2001';
    const lines = [`${at} received ${String(f.bytes.length + 8).padStart(3)} bytes prim = ${prim} id=00000140${rows[0]}`, ...rows.slice(1).map((x) => ' '.repeat(33) + x)];
    return { lines, bytes: f.bytes, direction: f.direction, at, damaged: false };
  }
  // D: hexdump with offsets, ASCII column, blank line after
  const at = `2024-05-01T12:00:${String(i % 60).padStart(2, '0')}.5Z`;
  const lines = [`${f.direction === 'to-network' ? 'O' : 'I'} ${at}`];
  for (let k = 0; k < hex.length; k += 16) {
    const row = hex.slice(k, k + 16);
    const ascii = Array.from(f.bytes.subarray(k, k + 16), (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${h2(k >> 8)}${h2(k & 0xff)}  ${row.slice(0, 8).join(' ')}  ${row.slice(8).join(' ')}`.padEnd(56) + `   ${ascii}`);
  }
  lines.push('');
  return { lines, bytes: f.bytes, direction: f.direction, at, damaged: false };
}

const NOISE = [...'0123456789abcdefABCDEF   <>:.#-[]Zxyz\t\r'];

function damage(r: Rng, rec: Rec): void {
  const k = r.int(rec.lines.length);
  let s = rec.lines[k]!;
  const at = r.int(s.length + 1);
  switch (r.int(4)) {
    case 0:
      s = s.slice(0, at) + r.pick(NOISE) + s.slice(at + 1);
      break;
    case 1:
      s = s.slice(0, at) + s.slice(at + 1);
      break;
    case 2:
      s = s.slice(0, at) + r.pick(NOISE) + s.slice(at);
      break;
    default:
      s = s.slice(0, at);
  }
  if (s !== rec.lines[k]) {
    rec.lines[k] = s;
    rec.damaged = true;
  }
}

t.test('100,000 lines, a fifth of the frames damaged, random chunks', async (t) => {
  const r = prng(0xd0c4);
  const recs: Rec[] = [];
  let total = 0;
  for (let i = 0; total < 100_000; i++) {
    const rec = record(r, i);
    if (rec.bytes && r.chance(0.2)) damage(r, rec);
    recs.push(rec);
    total += rec.lines.length;
  }
  // Where each record starts (1-based line numbers), and the text, LF or CRLF.
  const startLine = new Map<number, Rec>();
  let line = 1;
  for (const rec of recs) {
    startLine.set(line, rec);
    line += rec.lines.length;
  }
  const text = recs.map((rec) => rec.lines.join('\n')).join('\n') + '\n';

  const reader = new DChannel();
  const frames: DChannelFrame[] = [];
  let error: unknown;
  reader.on('data', (f: DChannelFrame) => frames.push(f));
  reader.on('error', (e) => (error = e));
  const done = new Promise((res) => reader.on('end', res));
  for (let i = 0; i < text.length; ) {
    const n = 1 + r.int(4096);
    reader.write(r.chance(0.5) ? text.slice(i, i + n) : Buffer.from(text.slice(i, i + n), 'latin1'));
    i += n;
  }
  reader.end();
  await done;
  t.equal(error, undefined, 'no error');

  const s = reader.stats();
  t.equal(s.lines, total, 'every line read');
  t.equal(s.frameLines + s.ignoredLines + s.unrecognisedLines + s.badLines, s.lines, 'every line in exactly one bucket');
  t.equal(s.emitted, frames.length);

  // Undamaged frames after an undamaged record come out exactly as written, once.
  const seen = new Map<Rec, DChannelFrame[]>();
  for (const f of frames) {
    const rec = startLine.get(f.line);
    if (rec) seen.set(rec, [...(seen.get(rec) ?? []), f]);
  }
  let checked = 0;
  const wrong: string[] = [];
  recs.forEach((rec, i) => {
    if (!rec.bytes || rec.damaged || (i > 0 && recs[i - 1]!.damaged)) return;
    checked++;
    const got = seen.get(rec) ?? [];
    const want = { bytes: Buffer.from(rec.bytes).toString('hex'), direction: rec.direction, at: rec.at };
    const norm = got.map((f) => ({ bytes: Buffer.from(f.bytes).toString('hex'), direction: f.direction, at: f.at }));
    if (norm.length !== 1 || JSON.stringify(norm[0]) !== JSON.stringify(want)) wrong.push(`${rec.lines.join(' / ')} -> ${JSON.stringify(norm)}`);
  });
  t.same(wrong.slice(0, 5), [], `undamaged frames exact (${wrong.length} wrong of ${checked})`);
  t.ok(checked > 20_000, `${checked} undamaged frames checked`);

  // A damaged record may still yield a frame (a changed hex digit is still hex); it must never
  // hold more octets than its text has hex pairs.
  let overlong = 0;
  for (const [rec, got] of seen) {
    if (!rec.damaged) continue;
    const pairs = rec.lines.join(' ').match(/[0-9A-Fa-f]{2}/g)?.length ?? 0;
    for (const f of got) if (f.bytes.length > pairs) overlong++;
  }
  t.equal(overlong, 0, 'no damaged record yields more octets than it holds');
  t.comment(`records ${recs.length}, damaged ${recs.filter((x) => x.damaged).length}; ${JSON.stringify(s)}`);
});
