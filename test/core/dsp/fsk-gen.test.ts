import t from 'tap';
import { FSK_SPECS } from '../../../src/core/dsp/fsk.js';
import { uartBits, fskModulate, clipBurstBits, clipFskBurst, CLIP_BURST_DEFAULTS } from '../../../src/core/dsp/fsk-gen.js';
import { frameDbfs } from '../../../src/core/dsp/level.js';

t.test('uartBits: 8-N-1, least significant bit first', async (t) => {
  t.same([...uartBits([0x80])], [0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
  t.same([...uartBits([0x01, 0xff])], [0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  t.same([...uartBits([0x55])], [0, 1, 0, 1, 0, 1, 0, 1, 0, 1], '0x55 is the alternating seizure pattern');
  t.same([...uartBits([0x00, 0x00], 3)], [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 'gap bits between bytes only');
  t.equal(uartBits([]).length, 0);
  t.throws(() => uartBits([256]), TypeError);
  t.throws(() => uartBits([1.5]), TypeError);
  t.throws(() => uartBits([1], -1), TypeError);
});

t.test('clipBurstBits: seizure, mark, message, tail', async (t) => {
  const bits = clipBurstBits([0x80]);
  const { seizureBits, markBits, tailBits } = CLIP_BURST_DEFAULTS;
  t.equal(bits.length, seizureBits + markBits + 10 + tailBits);
  t.same([...bits.subarray(0, 6)], [0, 1, 0, 1, 0, 1], 'the seizure alternates from 0');
  t.ok(bits.subarray(seizureBits, seizureBits + markBits).every((b) => b === 1), 'the mark is all 1s');
  t.same([...bits.subarray(seizureBits + markBits, seizureBits + markBits + 10)], [...uartBits([0x80])]);
  t.same([...clipBurstBits([0x80], { seizureBits: 0, markBits: 80, tailBits: 0 })], [...new Array(80).fill(1), ...uartBits([0x80])], 'off-hook shape');
  t.throws(() => clipBurstBits([1], { markBits: -1 }), TypeError);
});

for (const rate of [8000, 16000]) {
  t.test(`fskModulate at ${rate} Hz: length, level, continuous phase`, async (t) => {
    const spec = FSK_SPECS.v23;
    const bits = Array.from({ length: 1200 }, (_, i) => (i * 7) % 3 === 0 ? 0 : 1);
    const a = fskModulate(spec, bits, { sampleRate: rate, dbfs: -20 });
    t.equal(a.length, rate, '1200 bits at 1200 bit/s are one second');
    t.ok(Math.abs(frameDbfs(a) - -20) < 0.1, `RMS level -20 dBFS (got ${frameDbfs(a).toFixed(2)})`);
    // Continuous phase: no sample-to-sample step larger than the steepest a sine at the space
    // frequency makes (a phase jump would make one up to twice the amplitude).
    const peak = 3276.8 * Math.SQRT2; // -20 dBFS RMS
    const maxStep = peak * 2 * Math.sin((Math.PI * spec.spaceHz) / rate) + 2;
    let worst = 0;
    for (let i = 1; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - a[i - 1]!));
    t.ok(worst <= maxStep, `largest step ${worst} ≤ ${maxStep.toFixed(0)}`);
    t.throws(() => fskModulate(spec, bits, { sampleRate: 0, dbfs: -20 }), TypeError);
  });
}

t.test('clipFskBurst is the modulated burst bits', async (t) => {
  const opts = { sampleRate: 8000, dbfs: -15, seizureBits: 0, markBits: 10, tailBits: 0 };
  t.same(clipFskBurst(FSK_SPECS.bell202, [0x04], opts), fskModulate(FSK_SPECS.bell202, clipBurstBits([0x04], opts), opts));
});
