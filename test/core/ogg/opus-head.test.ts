import t from 'tap';
import {
  OPUS_PRESKIP_48K,
  opusHead,
  opusPacketSamples48k,
  opusTags,
} from '../../../src/core/ogg/index.js';
import { oggCrc, singlePacketPage } from '../../../src/core/ogg/ogg-page.js';

t.test('opusHead is the 19-byte RFC 7845 identification header', async (t) => {
  const h = opusHead({ channels: 1, inputSampleRate: 8000, preSkip: OPUS_PRESKIP_48K });
  t.equal(h.length, 19);
  t.same([...h], [
    0x4f, 0x70, 0x75, 0x73, 0x48, 0x65, 0x61, 0x64, // "OpusHead"
    1, // version
    1, // channels
    0x38, 0x01, // pre-skip 312, LE
    0x40, 0x1f, 0, 0, // 8000 Hz, LE
    0, 0, // output gain
    0, // mapping family
  ]);
  const wb = opusHead({ channels: 1, inputSampleRate: 16_000, preSkip: 0 });
  t.equal(new DataView(wb.buffer).getUint32(12, true), 16_000);
  t.equal(new DataView(wb.buffer).getUint16(10, true), 0);
});

t.test('opusHead rejects what it cannot express', async (t) => {
  t.throws(() => opusHead({ channels: 2 as 1, inputSampleRate: 8000, preSkip: 312 }), RangeError);
  t.throws(() => opusHead({ channels: 1, inputSampleRate: 0, preSkip: 312 }), RangeError);
  t.throws(() => opusHead({ channels: 1, inputSampleRate: 8000.5, preSkip: 312 }), RangeError);
  t.throws(() => opusHead({ channels: 1, inputSampleRate: 8000, preSkip: -1 }), RangeError);
  t.throws(() => opusHead({ channels: 1, inputSampleRate: 8000, preSkip: 65_536 }), RangeError);
});

t.test('opusTags: magic, vendor "tallennin", comments', async (t) => {
  const tags = opusTags({ RECORDING: 'r1', NOTE: 'ä=1' });
  const text = Buffer.from(tags);
  t.equal(text.subarray(0, 8).toString('latin1'), 'OpusTags');
  t.equal(text.readUInt32LE(8), 9);
  t.equal(text.subarray(12, 21).toString('utf8'), 'tallennin');
  t.equal(text.readUInt32LE(21), 2);
  t.equal(text.readUInt32LE(25), 'RECORDING=r1'.length);
  t.equal(text.subarray(29, 41).toString('utf8'), 'RECORDING=r1');
  t.equal(text.readUInt32LE(41), Buffer.byteLength('NOTE=ä=1'));
  t.equal(text.subarray(45).toString('utf8'), 'NOTE=ä=1');
  t.same([...opusTags()].slice(8), [9, 0, 0, 0, ...Buffer.from('tallennin'), 0, 0, 0, 0]);
  t.throws(() => opusTags({ 'A=B': 'x' }), RangeError);
  t.throws(() => opusTags({ '': 'x' }), RangeError);
  t.throws(() => opusTags({ 'NIMI~': 'x' }), RangeError);
});

t.test('opusPacketSamples48k reads the TOC', async (t) => {
  t.equal(opusPacketSamples48k(new Uint8Array([0x08])), 960); // SILK NB 20 ms, code 0
  t.equal(opusPacketSamples48k(new Uint8Array([0x48, 1, 2])), 960); // SILK WB 20 ms
  t.equal(opusPacketSamples48k(new Uint8Array([0x00])), 480); // SILK NB 10 ms
  t.equal(opusPacketSamples48k(new Uint8Array([0x09])), 1920); // 2 x 20 ms, code 1
  t.equal(opusPacketSamples48k(new Uint8Array([0x0b, 0x03])), 2880); // code 3, 3 frames
  t.equal(opusPacketSamples48k(new Uint8Array([0x18])), 2880); // SILK NB 60 ms
  t.equal(opusPacketSamples48k(new Uint8Array([0xf8])), 960); // CELT FB 20 ms
  t.equal(opusPacketSamples48k(new Uint8Array([0x80])), 120); // CELT NB 2.5 ms
  t.equal(opusPacketSamples48k(new Uint8Array([0x60])), 480); // Hybrid SWB 10 ms
  t.equal(opusPacketSamples48k(new Uint8Array([])), null);
  t.equal(opusPacketSamples48k(new Uint8Array([0x0b])), null); // code 3 without count byte
  t.equal(opusPacketSamples48k(new Uint8Array([0x0b, 0x00])), null); // code 3 with 0 frames
});

t.test('Ogg CRC and single-packet pages', async (t) => {
  // The stored CRC is the CRC of the page with its CRC field zeroed.
  const page = singlePacketPage(new Uint8Array(300).fill(7), { serial: 0x01020304, sequence: 1, granule: 0n });
  t.equal(page[26], 2, 'two lacing values');
  t.same([...page.subarray(27, 29)], [255, 45]);
  const crc = new DataView(page.buffer).getUint32(22, true);
  const copy = page.slice();
  copy.fill(0, 22, 26);
  t.equal(oggCrc(copy), crc);
  t.equal(oggCrc(new TextEncoder().encode('123456789')), 0x89a1897f, 'check value: CRC-32/POSIX before its final XOR');
  t.throws(() => singlePacketPage(new Uint8Array(65_025), { serial: 1, sequence: 1, granule: 0n }), RangeError);
});
