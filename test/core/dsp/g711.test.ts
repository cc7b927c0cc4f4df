import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alawDecode, alawEncode, ulawDecode, ulawEncode } from '../../../src/core/dsp/g711.js';

/** Every 16-bit value, -32768 … 32767. */
const ALL = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);
const CODES = Uint8Array.from({ length: 256 }, (_, i) => i);

/** G.711 Table 1a: A-law decoder output for code c, on the 16-bit scale (13-bit value × 8). */
function alawTable(c: number): number {
  const u = c ^ 0x55;
  const seg = (u >> 4) & 7;
  const q = u & 15;
  const mag = seg === 0 ? 2 * q + 1 : (2 * q + 33) << (seg - 1);
  return (u & 0x80 ? 1 : -1) * mag * 8;
}

/** G.711 Table 2a: µ-law decoder output for code c, on the 16-bit scale (14-bit value × 4). */
function ulawTable(c: number): number {
  const u = ~c & 0xff;
  const seg = (u >> 4) & 7;
  const q = u & 15;
  const mag = ((2 * q + 33) << seg) - 33;
  return (c & 0x80 ? 1 : -1) * mag * 4;
}

/** Quantisation step of the segment code c is in, on the 16-bit scale. */
function alawStep(c: number): number {
  const seg = ((c ^ 0x55) >> 4) & 7;
  return seg <= 1 ? 16 : 16 << (seg - 1);
}
function ulawStep(c: number): number {
  const seg = ((~c & 0xff) >> 4) & 7;
  return 8 << seg;
}

t.test('all 256 A-law codes decode to the G.711 values', async (t) => {
  const dec = alawDecode(CODES);
  for (let c = 0; c < 256; c++) if (dec[c] !== alawTable(c)) t.fail(`code ${c.toString(16)}: ${dec[c]} ≠ ${alawTable(c)}`);
  t.equal(dec[0xd5], 8, '0xD5: +8, the smallest positive level');
  t.equal(dec[0x55], -8, '0x55: -8');
  t.equal(dec[0xaa], 32256, '0xAA: +32256, the largest');
  t.equal(dec[0x2a], -32256, '0x2A: -32256');
  t.equal(new Set(dec).size, 256, '256 distinct levels');
});

t.test('all 256 µ-law codes decode to the G.711 values', async (t) => {
  const dec = ulawDecode(CODES);
  for (let c = 0; c < 256; c++) if (dec[c] !== ulawTable(c)) t.fail(`code ${c.toString(16)}: ${dec[c]} ≠ ${ulawTable(c)}`);
  t.equal(dec[0xff], 0, '0xFF: +0');
  t.equal(dec[0x7f], 0, '0x7F: -0');
  t.equal(dec[0x80], 32124, '0x80: +32124');
  t.equal(dec[0x00], -32124, '0x00: -32124');
});

t.test('A-law encode: even bits inverted, signs, ends', async (t) => {
  const e = alawEncode(Int16Array.from([0, -1, 7, -8, 8, 32767, -32768, 15, 16]));
  t.same(Array.from(e), [0xd5, 0x55, 0xd5, 0x55, 0xd5, 0xaa, 0x2a, 0xd5, 0xd4]);
  t.equal(alawEncode(new Int16Array(0)).length, 0);
  t.equal(alawDecode(new Uint8Array(0)).length, 0);
});

t.test('every code survives decode → encode (µ-law: -0 becomes +0)', async (t) => {
  t.same(Array.from(alawEncode(alawDecode(CODES))), Array.from(CODES), 'A-law');
  const u = ulawEncode(ulawDecode(CODES));
  for (let c = 0; c < 256; c++) if (u[c] !== (c === 0x7f ? 0xff : c)) t.fail(`µ-law code ${c.toString(16)} → ${u[c]!.toString(16)}`);
});

t.test('round trip over all 65536 inputs: monotone, error at most half a step per segment', async (t) => {
  for (const [name, enc, dec, step, top] of [
    ['A-law', alawEncode, alawDecode, alawStep, 32256],
    ['µ-law', ulawEncode, ulawDecode, ulawStep, 32124],
  ] as const) {
    const codes = enc(ALL);
    const back = dec(codes);
    const worst = new Map<number, number>();
    let last = -Infinity;
    let monotone = true;
    let bad = 0;
    for (let i = 0; i < ALL.length; i++) {
      const x = ALL[i]!;
      const y = back[i]!;
      if (y < last) monotone = false;
      last = y;
      const c = codes[i]!;
      const s = step(c);
      const err = Math.abs(y - x);
      // Beyond the top level µ-law clips: the error there is the distance to ±top.
      const allowed = Math.abs(x) > top ? Math.max(s / 2, Math.abs(x) - top) : s / 2;
      if (err > allowed) bad++;
      worst.set(s, Math.max(worst.get(s) ?? 0, Math.abs(x) > top + s / 2 ? 0 : err));
    }
    t.ok(monotone, `${name}: decode(encode(x)) never decreases as x grows`);
    t.equal(bad, 0, `${name}: |decode(encode(x)) − x| ≤ step/2 for every x`);
    t.comment(`${name} worst error by step size: ${[...worst].map(([s, e]) => `${s}:${e}`).join(' ')}`);
  }
});

function have(cmd: string): boolean {
  return spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** sox's 16 → 13 bit rounding (SOX_SAMPLE_TO_SIGNED(13, …)), back on the 16-bit scale. */
const soxRound13 = (x: number) => Math.min(4095, (x + 4) >> 3) << 3;
/** sox's 16 → 14 bit rounding. */
const soxRound14 = (x: number) => Math.min(8191, (x + 2) >> 2) << 2;

/** Sun's linear2ulaw as sox has it (sox_14linear2ulaw): −x, not ~x, for negatives. */
function sunUlaw14(v: number): number {
  let mask = 0xff;
  if (v < 0) {
    v = -v;
    mask = 0x7f;
  }
  if (v > 8159) v = 8159;
  v += 33;
  const ends = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff];
  let seg = 0;
  while (seg < 8 && v > ends[seg]!) seg++;
  if (seg >= 8) return 0x7f ^ mask;
  return ((seg << 4) | ((v >> (seg + 1)) & 0xf)) ^ mask;
}

const SKIP_SOX = have('sox') ? false : 'sox not installed';

t.test('against sox: decode identical; encode identical up to sox’s own rounding', { skip: SKIP_SOX }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'g711-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const pcm = join(dir, 'all.raw');
  writeFileSync(pcm, new Uint8Array(ALL.buffer));
  const sox = (args: string[]) => {
    const r = spawnSync('sox', args, { encoding: 'utf8' });
    t.equal(r.status, 0, `sox ${args.join(' ')} ${r.stderr}`);
  };
  const bytes = (path: string) => new Uint8Array(readFileSync(path));

  for (const [name, soxName, enc, dec, bits, step, top] of [
    ['A-law', 'a-law', alawEncode, alawDecode, 13, alawStep, 32256],
    ['µ-law', 'u-law', ulawEncode, ulawDecode, 14, ulawStep, 32124],
  ] as const) {
    // Decode: all 256 codes.
    const codesPath = join(dir, `codes.${soxName}`);
    writeFileSync(codesPath, CODES);
    const decPath = join(dir, `dec-${soxName}.raw`);
    sox(['-t', 'raw', '-r', '8000', '-e', soxName, '-b', '8', '-c', '1', codesPath, '-t', 'raw', '-e', 'signed', '-b', '16', decPath]);
    const b = readFileSync(decPath);
    t.same(Array.from(new Int16Array(b.buffer, b.byteOffset, 256)), Array.from(dec(CODES)), `${name}: sox decodes all 256 codes to the same values`);

    // Encode: all 65536 inputs, without dither (-D; sox dithers by default when it drops bits).
    const outPath = join(dir, `out.${soxName}`);
    sox(['-D', '-t', 'raw', '-r', '8000', '-e', 'signed', '-b', '16', '-c', '1', pcm, '-t', 'raw', '-e', soxName, outPath]);
    const theirs = bytes(outPath);
    t.equal(theirs.length, 65536);
    const mine = enc(ALL);
    const shift = 16 - bits;
    let aligned = 0;
    let alignedDiff = 0;
    let diff = 0;
    let negBoundary = 0;
    for (let i = 0; i < 65536; i++) {
      if (mine[i] !== theirs[i]) diff++;
      if ((ALL[i]! & ((1 << shift) - 1)) === 0) {
        aligned++;
        if (mine[i] !== theirs[i]) {
          alignedDiff++;
          if (ALL[i]! < 0) negBoundary++;
        }
      }
    }
    // The whole difference is sox's rounding (and, for µ-law, Sun's −x).
    const explained = Uint8Array.from(ALL, (x) =>
      bits === 13 ? enc(Int16Array.of(soxRound13(x)))[0]! : sunUlaw14(soxRound14(x) >> 2),
    );
    t.same(Array.from(theirs), Array.from(explained), `${name}: sox = G.711 of its rounded input${bits === 14 ? ' with −x for negatives' : ''}, on all 65536`);
    if (bits === 13) {
      t.equal(alignedDiff, 0, `A-law: all ${aligned} 13-bit inputs (x = 8k) code exactly as sox codes them`);
    } else {
      t.equal(alignedDiff, negBoundary, 'µ-law: on 14-bit inputs the only differences are negative decision values');
    }
    // Worst round-trip error by step size, here and in sox (inputs beyond the top level, where
    // µ-law clips, left out).
    const worst = (codes: Uint8Array) => {
      const back = dec(codes);
      const w = new Map<number, number>();
      for (let i = 0; i < 65536; i++) {
        const x = ALL[i]!;
        if (Math.abs(x) > top) continue;
        const s = step(codes[i]!);
        w.set(s, Math.max(w.get(s) ?? 0, Math.abs(back[i]! - x)));
      }
      return w;
    };
    const wMine = worst(mine);
    const wSox = worst(theirs);
    for (const [s, e] of wMine) t.ok(e <= (wSox.get(s) ?? Infinity), `${name} step ${s}: worst error ${e} here, ${wSox.get(s)} in sox`);
    t.comment(
      `${name}: ${diff} of 65536 codes differ from sox -D (${alignedDiff} of the ${aligned} ${bits}-bit inputs); ` +
        `worst error by step, here / sox: ${[...wMine].map(([s, e]) => `${s}: ${e}/${wSox.get(s)}`).join(', ')}`,
    );
  }

  // The command line without -D: sox dithers, so codes near the thresholds scatter.
  const dithered = join(dir, 'dith.al');
  sox(['-t', 'raw', '-r', '8000', '-e', 'signed', '-b', '16', '-c', '1', pcm, '-t', 'raw', '-e', 'a-law', dithered]);
  const d = bytes(dithered);
  const mine = alawEncode(ALL);
  let n = 0;
  for (let i = 0; i < 65536; i++) if (d[i] !== mine[i]) n++;
  t.comment(`A-law against sox with its default dither: ${n} of 65536 codes differ`);
});

t.test('speed', async (t) => {
  const x = new Int16Array(8000 * 600); // ten minutes at 8 kHz
  for (let i = 0; i < x.length; i++) x[i] = Math.round(12000 * Math.sin(i * 0.05) + ((i * 7919) % 2001) - 1000);
  alawDecode(alawEncode(x.subarray(0, 80000))); // warm up
  let t0 = process.hrtime.bigint();
  const a = alawEncode(x);
  const encNs = Number(process.hrtime.bigint() - t0) / x.length;
  t0 = process.hrtime.bigint();
  const y = alawDecode(a);
  const decNs = Number(process.hrtime.bigint() - t0) / x.length;
  t.equal(y.length, x.length);
  t.comment(`A-law: encode ${encNs.toFixed(2)} ns/sample, decode ${decNs.toFixed(2)} ns/sample (${((encNs + decNs) * 8).toFixed(1)} µs per second of 8 kHz audio both ways)`);
  t.ok(encNs < 100 && decNs < 100, 'under 100 ns a sample');
});
