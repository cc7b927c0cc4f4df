// FSK transmitter for tests and the trunk simulator: bits or bytes → continuous-phase FSK audio
// as Int16 PCM, and a whole caller-ID burst (channel seizure, mark signal, message).
// Pure functions from parameters to samples, like generate.ts.
//
// Levels are RMS in dBFS on the scale of level.ts (a full-scale sine is -3.01 dBFS). The phase
// runs on across bit changes (no clicks); bit n covers samples [n·rate/baud, (n+1)·rate/baud),
// rounded to whole samples as spandsp's fsk_tx does, so 1200 bit/s at 8 kHz alternates bits of
// 7, 7 and 6 samples and the bit rate is exact on average.
//
// A burst, as ETSI EN 300 659-1 and Bellcore GR-30 lay out the on-hook transmission:
//   channel seizure: `seizureBits` (300) alternating bits, starting with 0: the same line
//                    signal as 30 bytes of 0x55 in 8-N-1;
//   mark signal:     `markBits` (180, 150 ms at 1200 bit/s) of 1s;
//   message:         each byte 8-N-1 (start 0, 8 data bits LSB first, stop 1), back to back
//                    or `gapBits` of mark apart;
//   tail:            `tailBits` (2) of 1s after the last stop bit, then the carrier stops.
// Off-hook (call waiting) bursts have no seizure and 80 mark bits: set the counts.

import { dbfsToRms } from './level.js';
import type { FskSpec } from './fsk.js';

export interface FskTxOptions {
  sampleRate: number;
  /** RMS level, dBFS (a sine's peak is 3.01 dB higher). */
  dbfs: number;
  /** Starting phase of the carrier, radians (default 0). */
  phase?: number;
}

export interface ClipBurstOptions extends FskTxOptions {
  /** Alternating 0/1 bits of channel seizure (default 300; 0 for none). */
  seizureBits?: number;
  /** Mark bits between the seizure and the message (default 180). */
  markBits?: number;
  /** Mark bits after the message's last stop bit (default 2). */
  tailBits?: number;
  /** Extra mark bits between characters of the message (default 0; ETSI allows 10, Bellcore 20). */
  gapBits?: number;
}

export const CLIP_BURST_DEFAULTS = Object.freeze({ seizureBits: 300, markBits: 180, tailBits: 2, gapBits: 0 });

function count(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 0) throw new TypeError(`fsk-gen: ${name} must be a whole number at or above 0, got ${v}`);
  return v;
}

/**
 * Async 8-N-1 line bits of `bytes`: per byte a 0 start bit, 8 data bits LSB first, a 1 stop bit,
 * and `gapBits` more 1s between one byte and the next.
 */
export function uartBits(bytes: ArrayLike<number>, gapBits = 0): Uint8Array {
  count('gapBits', gapBits);
  const per = 10 + gapBits;
  const out = new Uint8Array(Math.max(0, bytes.length * per - gapBits)).fill(1);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (!Number.isInteger(b) || b < 0 || b > 255) throw new TypeError(`fsk-gen: byte ${i} must be 0..255, got ${b}`);
    const o = i * per;
    out[o] = 0;
    for (let k = 0; k < 8; k++) out[o + 1 + k] = (b >> k) & 1;
    out[o + 9] = 1;
  }
  return out;
}

/** Continuous-phase FSK of `bits` (1 = mark, 0 = space) at `dbfs`. */
export function fskModulate(spec: FskSpec, bits: ArrayLike<number>, opts: FskTxOptions): Int16Array {
  const rate = opts.sampleRate;
  if (!(rate > 0) || !Number.isFinite(rate)) throw new TypeError(`fsk-gen: sampleRate must be positive, got ${rate}`);
  if (!(spec.baud > 0) || !(spec.markHz > 0) || !(spec.spaceHz > 0)) throw new TypeError('fsk-gen: spec needs positive markHz, spaceHz and baud');
  const amp = dbfsToRms(opts.dbfs) * Math.SQRT2;
  const wMark = (2 * Math.PI * spec.markHz) / rate;
  const wSpace = (2 * Math.PI * spec.spaceHz) / rate;
  const total = Math.round((bits.length * rate) / spec.baud);
  const out = new Int16Array(total);
  let phase = opts.phase ?? 0;
  for (let i = 0; i < total; i++) {
    const bit = bits[Math.min(bits.length - 1, Math.floor((i * spec.baud) / rate))]!;
    const v = Math.round(amp * Math.sin(phase));
    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
    phase += bit ? wMark : wSpace;
    if (phase > 2 * Math.PI) phase -= 2 * Math.PI;
  }
  return out;
}

/** The line bits of a caller-ID burst carrying `message` (type, length, body, checksum). */
export function clipBurstBits(message: ArrayLike<number>, opts: Omit<ClipBurstOptions, 'sampleRate' | 'dbfs' | 'phase'> = {}): Uint8Array {
  const seizure = count('seizureBits', opts.seizureBits ?? CLIP_BURST_DEFAULTS.seizureBits);
  const mark = count('markBits', opts.markBits ?? CLIP_BURST_DEFAULTS.markBits);
  const tail = count('tailBits', opts.tailBits ?? CLIP_BURST_DEFAULTS.tailBits);
  const data = uartBits(message, opts.gapBits ?? CLIP_BURST_DEFAULTS.gapBits);
  const out = new Uint8Array(seizure + mark + data.length + tail).fill(1);
  for (let i = 0; i < seizure; i++) out[i] = i & 1;
  out.set(data, seizure + mark);
  return out;
}

/** A caller-ID burst as audio: seizure, mark signal, the message in 8-N-1, a short mark tail. */
export function clipFskBurst(spec: FskSpec, message: ArrayLike<number>, opts: ClipBurstOptions): Int16Array {
  return fskModulate(spec, clipBurstBits(message, opts), opts);
}
