import t from 'tap';
import { FSK_CARRIER_DOWN, FSK_CARRIER_UP } from '../../../src/core/dsp/fsk.js';
import { uartBits } from '../../../src/core/dsp/fsk-gen.js';
import { createUartRx, uartRx, uartRxResetCounters, type UartEvent } from '../../../src/core/dsp/uart.js';

const ones = (n: number) => new Array<number>(n).fill(1);

/** Feeds bits one group at a time (to show state carries over) and collects the events. */
function feed(bits: number[], group: number, idleEventBits = 0): UartEvent[] {
  const u = createUartRx({ idleEventBits });
  const out: UartEvent[] = [];
  for (let i = 0; i < bits.length; i += group) out.push(...uartRx(u, bits.slice(i, i + group)));
  return out;
}

t.test('bytes with the idle bits before each, in any grouping', async (t) => {
  const bits = [...ones(5), ...uartBits([0x80, 0x16]), ...ones(3), ...uartBits([0xc5])];
  for (const group of [1, 3, 7, 100]) {
    const ev = feed(bits, group);
    t.same(
      ev.map((e) => (e.type === 'byte' ? [e.value, e.idleBits, e.framingError] : e.type)),
      [
        [0x80, 5, false],
        [0x16, 0, false],
        [0xc5, 3, false],
      ],
      `groups of ${group}`,
    );
  }
});

t.test('positions: default bit index, or the given sample positions', async (t) => {
  const bits = [1, 1, ...uartBits([0x41])];
  const [a] = uartRx(createUartRx(), bits);
  t.match(a, { type: 'byte', value: 0x41, startSample: 2, atSample: 11 });
  const [b] = uartRx(createUartRx(), bits, bits.map((_, i) => 1000 + 7 * i));
  t.match(b, { startSample: 1014, atSample: 1077 });
});

t.test('a 0 stop bit is a framing error; no start bit until a 1', async (t) => {
  const u = createUartRx();
  // start, 8 data bits (0x00), stop bit 0, then more 0s (a line in break), then a 1 and a byte.
  const ev = uartRx(u, [0, ...new Array(8).fill(0), 0, 0, 0, 0, 1, ...uartBits([0x33])]);
  t.same(
    ev.map((e) => (e.type === 'byte' ? [e.value, e.framingError, e.idleBits] : e.type)),
    [
      [0x00, true, 0],
      [0x33, false, 1],
    ],
  );
  t.same(u.counters, { bytes: 1, framingErrors: 1 });
  uartRxResetCounters(u);
  t.same(u.counters, { bytes: 0, framingErrors: 0 });
});

t.test('carrier markers abandon a character and are passed on', async (t) => {
  const ev = uartRx(createUartRx(), [FSK_CARRIER_UP, 1, 1, 0, 1, 0, FSK_CARRIER_DOWN, FSK_CARRIER_UP, ...uartBits([0x7e])]);
  t.same(
    ev.map((e) => (e.type === 'byte' ? e.value : e.type)),
    ['carrier-up', 'carrier-down', 'carrier-up', 0x7e],
  );
});

t.test('one idle event when the line has idled idleEventBits', async (t) => {
  const ev = feed([...uartBits([0x01]), ...ones(25), ...uartBits([0x02]), ...ones(4)], 4, 21);
  t.same(
    ev.map((e) => (e.type === 'byte' ? e.value : e.type === 'idle' ? `idle ${e.idleBits}` : e.type)),
    [0x01, 'idle 21', 0x02],
  );
  t.throws(() => createUartRx({ idleEventBits: -1 }), TypeError);
  t.throws(() => createUartRx({ bogus: 1 } as never), TypeError);
});
