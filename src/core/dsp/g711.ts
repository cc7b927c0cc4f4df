// ITU-T G.711 companding: A-law (ISDN B-channel audio in Europe) and µ-law (North America,
// Japan), between 8-bit codes and 16-bit linear PCM.
//
// Exactly the ITU-T reference coder (G.191 Software Tools Library, g711.c):
//   A-law encodes the top 13 bits of the sample (x >> 3), µ-law the top 14 (x >> 2). A negative
//   sample is coded by its ones' complement (~x), so the quantiser is symmetric about −½ LSB
//   and −1 codes like 0 with the sign bit clear. A-law inverts the even bits of every code
//   (XOR 0x55); µ-law inverts all bits. Decoding gives the middle of the quantisation interval,
//   scaled to 16 bits: A-law ±8 … ±32256, µ-law 0 … ±32124.
// sox (libsox, Sun's g711.c) decodes identically. Its encoders differ from G.191 in two ways:
// sox first ROUNDS a 16-bit sample to 13 (A-law) or 14 (µ-law) bits where G.191 truncates,
// which moves every decision threshold down by 4 (A-law) or 2 (µ-law) LSB, so its error reaches
// half a step plus that (¾ of a step in A-law's two smallest segments) instead of half a step;
// and its µ-law takes −x, not ~x, for a negative sample, so a negative input on a decision value
// lands one step away. On inputs that are already 13-bit (A-law) the two agree on every value;
// test/core/dsp/g711.test.ts counts the differences and shows both are the whole story.
//
// Both directions are table lookups: decode is one of 256 entries, encode one of 8192 (A-law,
// indexed by x >> 3) or 16 384 (µ-law, x >> 2). The tables are built once when the module loads.

/** Decoded value of each A-law code (after the 0x55 inversion is undone). */
function alawExpand(code: number): number {
  const ix = (code ^ 0x55) & 0x7f;
  const exp = ix >> 4;
  let mant = ix & 0x0f;
  if (exp > 0) mant += 16; // the implicit leading 1 of segments 1–7
  mant = (mant << 4) + 0x08; // middle of the interval, in 16-bit units
  if (exp > 1) mant <<= exp - 1;
  return code & 0x80 ? mant : -mant;
}

/** A-law code of a 16-bit sample (G.191 alaw_compress). */
function alawCompress(x: number): number {
  let ix = (x < 0 ? ~x : x) >> 4; // 12-bit magnitude, ones' complement for negatives
  if (ix > 15) {
    let exp = 1;
    while (ix > 16 + 15) {
      ix >>= 1;
      exp++;
    }
    ix -= 16;
    ix += exp << 4;
  }
  if (x >= 0) ix |= 0x80;
  return ix ^ 0x55;
}

/** Decoded value of each µ-law code. */
function ulawExpand(code: number): number {
  const sign = code < 0x80 ? -1 : 1;
  const inv = ~code & 0xff;
  const exp = (inv >> 4) & 0x07;
  const mant = inv & 0x0f;
  const step = 4 << (exp + 1);
  return sign * ((0x80 << exp) + step * mant + step / 2 - 4 * 33);
}

/** µ-law code of a 16-bit sample (G.191 ulaw_compress). */
function ulawCompress(x: number): number {
  let abs = (x < 0 ? ~x : x) >> 2; // 13-bit magnitude, ones' complement for negatives
  abs += 33; // the µ-law bias
  if (abs > 0x1fff) abs = 0x1fff;
  let seg = 1;
  for (let i = abs >> 6; i !== 0; i >>= 1) seg++;
  const high = 8 - seg;
  const low = 0x0f - ((abs >> seg) & 0x0f);
  let code = (high << 4) | low;
  if (x >= 0) code |= 0x80;
  return code;
}

/** A-law code → linear, for all 256 codes. (Not exported: a typed array cannot be frozen.) */
const ALAW_DECODE = (() => {
  const t = new Int16Array(256);
  for (let c = 0; c < 256; c++) t[c] = alawExpand(c);
  return t;
})();

/** µ-law code → linear, for all 256 codes. */
const ULAW_DECODE = (() => {
  const t = new Int16Array(256);
  for (let c = 0; c < 256; c++) t[c] = ulawExpand(c);
  return t;
})();

/** A-law code of every 13-bit value, indexed by (x >> 3) & 0x1fff. */
const ALAW_ENCODE = (() => {
  const t = new Uint8Array(8192);
  for (let i = 0; i < 8192; i++) t[i] = alawCompress(((i << 19) >> 16) | 0); // sign-extend i, << 3
  return t;
})();

/** µ-law code of every 14-bit value, indexed by (x >> 2) & 0x3fff. */
const ULAW_ENCODE = (() => {
  const t = new Uint8Array(16384);
  for (let i = 0; i < 16384; i++) t[i] = ulawCompress(((i << 18) >> 16) | 0); // sign-extend i, << 2
  return t;
})();

/** 16-bit linear PCM → A-law codes, one byte a sample. */
export function alawEncode(pcm: Int16Array): Uint8Array {
  const n = pcm.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = ALAW_ENCODE[(pcm[i]! >> 3) & 0x1fff]!;
  return out;
}

/** A-law codes → 16-bit linear PCM. */
export function alawDecode(bytes: Uint8Array): Int16Array {
  const n = bytes.length;
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = ALAW_DECODE[bytes[i]!]!;
  return out;
}

/** 16-bit linear PCM → µ-law codes (G.191 rounding of negatives; see the header). */
export function ulawEncode(pcm: Int16Array): Uint8Array {
  const n = pcm.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = ULAW_ENCODE[(pcm[i]! >> 2) & 0x3fff]!;
  return out;
}

/** µ-law codes → 16-bit linear PCM. */
export function ulawDecode(bytes: Uint8Array): Int16Array {
  const n = bytes.length;
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = ULAW_DECODE[bytes[i]!]!;
  return out;
}
