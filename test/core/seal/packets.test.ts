import t from 'tap';
import { packPackets, unpackPackets } from '../../../src/core/seal/packets.js';

t.test('round trips', async (t) => {
  const packets = [Buffer.from('f8fffe', 'hex'), Buffer.alloc(0), Buffer.alloc(0xffff, 7), Buffer.from([1, 2, 3])];
  const packed = packPackets(packets);
  t.equal(packed.length, 2 + packets.reduce((n, p) => n + 2 + p.length, 0));
  t.same(unpackPackets(packed), packets);
  t.same(unpackPackets(packPackets([])), []);
  t.equal(packPackets([]).toString('hex'), '0000');
});

t.test('layout: u16 count, then u16 length and bytes per packet', async (t) => {
  t.equal(packPackets([Buffer.from('f8fffe', 'hex'), Buffer.from('f80102030405', 'hex')]).toString('hex'), '00020003f8fffe0006f80102030405');
});

t.test('takes any Uint8Array, honouring views', async (t) => {
  const backing = new Uint8Array([9, 9, 1, 2, 3, 9]);
  const view = backing.subarray(2, 5);
  t.equal(packPackets([view]).toString('hex'), '00010003010203');
});

t.test('packets too long or too many are refused when packing', async (t) => {
  t.throws(() => packPackets([Buffer.alloc(0x10000)]), RangeError);
  t.throws(() => packPackets(Array.from({ length: 0x10000 }, () => Buffer.alloc(0))), RangeError);
});

t.test('malformed packet lists say what is wrong', async (t) => {
  const bad = (hex: string, message: RegExp) => t.throws(() => unpackPackets(Buffer.from(hex, 'hex')), { code: 'TAL_SEAL_FORMAT', message }, hex);
  bad('', /0 bytes, too short for its 2-byte packet count/);
  bad('00', /1 bytes, too short/);
  bad('0001', /declares 1 packets but holds only 0/);
  bad('000200020102', /declares 2 packets but holds only 1/);
  bad('0002000201020a', /ends inside the 2-byte length of packet 1 of 2/);
  bad('00010005010203', /packet 0 of 1 declares 5 bytes but only 3 remain/);
  bad('0001000201020304', /2 bytes follow the last of 1 packets/);
  bad('0000ff', /1 bytes follow the last of 0 packets/);
});
