import t from 'tap';
import { PcmRing } from '../../../src/core/dsp/ring.js';
import { mulberry32 } from '../../../src/core/dsp/generate.js';

const ramp = (from: number, n: number) => new Int16Array(n).map((_, i) => from + i);

t.test('an empty ring', async (t) => {
  const r = new PcmRing(10);
  t.equal(r.oldestSample, 0);
  t.equal(r.newestSample, -1);
  t.equal(r.endSample, 0);
  t.equal(r.length, 0);
  t.same(r.readFrom(0), new Int16Array(0));
  r.push(new Int16Array(0));
  t.equal(r.endSample, 0);
});

t.test('positions before and after the ring fills', async (t) => {
  const r = new PcmRing(10);
  r.push(ramp(0, 4));
  t.equal(r.oldestSample, 0);
  t.equal(r.newestSample, 3);
  t.equal(r.endSample, 4);
  t.same(r.readFrom(1), ramp(1, 3));
  r.push(ramp(4, 9));
  t.equal(r.oldestSample, 3);
  t.equal(r.newestSample, 12);
  t.equal(r.length, 10);
  t.same(r.readFrom(3), ramp(3, 10));
  t.same(r.readFrom(8), ramp(8, 5));
});

t.test('readFrom clamps to what is held', async (t) => {
  const r = new PcmRing(10);
  r.push(ramp(0, 25));
  t.same(r.readFrom(0), ramp(15, 10), 'before the oldest: from the oldest');
  t.same(r.readFrom(-5), ramp(15, 10));
  t.same(r.readFrom(25), new Int16Array(0), 'at the end: empty');
  t.same(r.readFrom(99), new Int16Array(0), 'past the end: empty');
  t.same(r.readFrom(17, 20), ramp(17, 3), 'a range');
  t.same(r.readFrom(17, 99), ramp(17, 8), 'a range past the end');
  t.same(r.readFrom(20, 17), new Int16Array(0), 'an inverted range');
  t.throws(() => r.readFrom(Number.NaN), TypeError);
});

t.test('a frame longer than the ring keeps its newest samples', async (t) => {
  const r = new PcmRing(10);
  r.push(ramp(0, 3));
  r.push(ramp(3, 23));
  t.equal(r.endSample, 26);
  t.equal(r.oldestSample, 16);
  t.same(r.readFrom(0), ramp(16, 10));
});

t.test('readFrom returns a copy', async (t) => {
  const r = new PcmRing(10);
  r.push(ramp(0, 5));
  const a = r.readFrom(0);
  a[0] = 999;
  t.equal(r.readFrom(0)[0], 0);
});

t.test('agrees with a plain array for random frame sizes and reads', async (t) => {
  const rnd = mulberry32(7);
  for (const cap of [1, 7, 160, 1000]) {
    const r = new PcmRing(cap);
    const all: number[] = [];
    let bad = 0;
    for (let step = 0; step < 300; step++) {
      const n = Math.floor(rnd() * cap * 1.5);
      const frame = new Int16Array(n).map(() => Math.floor(rnd() * 65536) - 32768);
      r.push(frame);
      all.push(...frame);
      const oldest = Math.max(0, all.length - cap);
      if (r.oldestSample !== oldest || r.endSample !== all.length) bad++;
      const from = Math.floor(rnd() * (all.length + 10)) - 5;
      const want = Int16Array.from(all.slice(Math.min(Math.max(from, oldest), all.length)));
      const got = r.readFrom(from);
      if (got.length !== want.length || got.some((x, i) => x !== want[i])) bad++;
    }
    t.equal(bad, 0, `capacity ${cap}`);
  }
});

t.test('the capacity must be a positive integer', async (t) => {
  for (const c of [0, -1, 1.5, Number.NaN, Infinity]) t.throws(() => new PcmRing(c), TypeError, String(c));
});
