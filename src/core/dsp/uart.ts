// Async 8-N-1 receiver: the bits of fsk.ts → bytes. The middle layer of FSK caller ID.
//
// Shape (spandsp's async_rx): `createUartRx(opts)` returns a plain state record;
// `uartRx(state, bits, at)` takes any number of bits (with the FSK receiver's carrier markers)
// and returns events. The bits are already sampled one per bit by the FSK receiver's bit clock,
// which resynchronises on every transition, so framing here is bit counting:
//
//   idle:   1s (mark) are counted as idle bits; a 0 is a start bit.
//   data:   the next 8 bits, least significant first.
//   stop:   the next bit must be 1. Then the byte is reported, with the number of idle bits that
//           came before its start bit (what the caller-ID framer needs to find the mark signal).
//           If it is 0 the byte is reported as a framing error, and no start bit is taken until
//           a 1 has been seen (the line was in break, or the receiver lost the character
//           boundaries).
//
// Idle bits count from the last stop bit or from carrier up. When `idleEventBits` idle bits have
// gone by, one 'idle' event says so (the caller-ID framer uses it to end a message that stopped).
// A carrier marker ends any character under way silently, and is passed on as an event.

import { FSK_CARRIER_DOWN, FSK_CARRIER_UP } from './fsk.js';

export interface UartRxOptions {
  /** Report an 'idle' event once this many idle bits have followed a stop bit (default 0: never). */
  idleEventBits?: number;
}

export type UartEvent =
  | {
      readonly type: 'byte';
      readonly value: number;
      /** Idle (mark) bits since the previous stop bit or carrier up, before this start bit. */
      readonly idleBits: number;
      /** Sample position of the start bit's and the stop bit's decisions. */
      readonly startSample: number;
      readonly atSample: number;
      /** The stop bit was 0: the value is suspect. */
      readonly framingError: boolean;
    }
  | { readonly type: 'idle'; readonly idleBits: number; readonly atSample: number }
  | { readonly type: 'carrier-up'; readonly atSample: number }
  | { readonly type: 'carrier-down'; readonly atSample: number };

export interface UartRxCounters {
  /** Bytes with a good stop bit. */
  bytes: number;
  /** Bytes whose stop bit was 0. */
  framingErrors: number;
}

export interface UartRxState {
  readonly idleEventBits: number;
  /** -1 idle, 0..7 collecting data bit n, 8 expecting the stop bit. */
  bit: number;
  value: number;
  idleBits: number;
  /** No start bit is taken until a 1 has been seen (after a framing error). */
  needMark: boolean;
  startSample: number;
  /** Bits fed so far (the default position of a bit when none is given). */
  fed: number;
  readonly counters: UartRxCounters;
}

export function createUartRx(opts: UartRxOptions = {}): UartRxState {
  if (typeof opts !== 'object' || opts === null) throw new TypeError('uart: options must be an object');
  for (const k of Object.keys(opts)) if (k !== 'idleEventBits') throw new TypeError(`uart: unknown option ${k}`);
  const idleEventBits = opts.idleEventBits ?? 0;
  if (!Number.isSafeInteger(idleEventBits) || idleEventBits < 0) {
    throw new TypeError(`uart: idleEventBits must be a whole number at or above 0, got ${idleEventBits}`);
  }
  return { idleEventBits, bit: -1, value: 0, idleBits: 0, needMark: false, startSample: 0, fed: 0, counters: { bytes: 0, framingErrors: 0 } };
}

/**
 * Feeds bits (0, 1, FSK_CARRIER_UP, FSK_CARRIER_DOWN) with their sample positions (`at`; by
 * default the index of each bit among all bits fed). Returns the events they complete, in order.
 */
export function uartRx(s: UartRxState, bits: ArrayLike<number>, at?: ArrayLike<number>): UartEvent[] {
  const events: UartEvent[] = [];
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i]!;
    const pos = at ? at[i]! : s.fed;
    s.fed++;
    if (b === FSK_CARRIER_UP || b === FSK_CARRIER_DOWN) {
      s.bit = -1;
      s.idleBits = 0;
      s.needMark = false;
      events.push({ type: b === FSK_CARRIER_UP ? 'carrier-up' : 'carrier-down', atSample: pos });
      continue;
    }
    if (s.bit < 0) {
      if (b) {
        s.needMark = false;
        if (++s.idleBits === s.idleEventBits) events.push({ type: 'idle', idleBits: s.idleBits, atSample: pos });
      } else if (!s.needMark) {
        s.bit = 0;
        s.value = 0;
        s.startSample = pos;
      }
    } else if (s.bit < 8) {
      if (b) s.value |= 1 << s.bit;
      s.bit++;
    } else {
      const framingError = !b;
      if (framingError) s.counters.framingErrors++;
      else s.counters.bytes++;
      events.push({ type: 'byte', value: s.value, idleBits: s.idleBits, startSample: s.startSample, atSample: pos, framingError });
      s.bit = -1;
      s.idleBits = 0;
      s.needMark = framingError;
    }
  }
  return events;
}

/** Zeroes the counters; the receiver's state is untouched. */
export function uartRxResetCounters(s: UartRxState): void {
  s.counters.bytes = 0;
  s.counters.framingErrors = 0;
}
