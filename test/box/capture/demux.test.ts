import t from 'tap';
import { Demux } from '../../../src/box/capture/demux.js';

function interleave(channels: Int16Array[]): Buffer {
  const n = channels[0]!.length;
  const b = Buffer.alloc(n * channels.length * 2);
  for (let i = 0; i < n; i++) channels.forEach((c, k) => b.writeInt16LE(c[i]!, (i * channels.length + k) * 2));
  return b;
}

t.test('splits interleaved periods of any size into per-channel 20 ms frames, in order', async (t) => {
  const n = 160 * 7 + 33;
  const chans = [0, 1, 2].map((c) => Int16Array.from({ length: n }, (_, i) => (i * 3 + c * 10_000) % 32_000));
  const all = interleave(chans);
  const d = new Demux(3, 160);
  const got: Int16Array[][] = [];
  // periods of odd sizes, one not a multiple of the frame
  for (let off = 0, size = 6 * 57; off < all.length; off += size) d.push(all.subarray(off, off + size), (f) => got.push(f));
  t.equal(got.length, 7);
  t.equal(d.held, 33);
  for (let k = 0; k < 3; k++) {
    const joined = Int16Array.from(got.flatMap((f) => [...f[k]!]));
    t.same([...joined], [...chans[k]!.subarray(0, 160 * 7)], `channel ${k} intact`);
  }
});

t.test('a period that is not a whole number of frames is refused, and an odd byte offset is handled', async (t) => {
  const d = new Demux(2, 4);
  t.throws(() => d.push(Buffer.alloc(6), () => {}), /not a whole number of 2-channel frames/);
  const backing = Buffer.alloc(17);
  const odd = backing.subarray(1);
  odd.writeInt16LE(7, 0);
  odd.writeInt16LE(-7, 2);
  const got: Int16Array[][] = [];
  d.push(odd, (f) => got.push(f));
  t.equal(got.length, 1);
  t.same([...got[0]![0]!], [7, 0, 0, 0]);
  t.same([...got[0]![1]!], [-7, 0, 0, 0]);
});
