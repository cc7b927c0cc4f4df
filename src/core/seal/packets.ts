// The plaintext of one chunk: the Opus packets of about a second of audio, each kept whole so a
// reader can hand them to a decoder one by one without knowing Opus framing.
import { TalError } from '../errors.js';

const MAX_U16 = 0xffff;

/** u16 BE packet count ‖ for each packet: u16 BE length ‖ bytes. */
export function packPackets(packets: Uint8Array[]): Buffer {
  if (packets.length > MAX_U16) throw new RangeError(`a chunk holds at most ${MAX_U16} packets, got ${packets.length}`);
  const parts: Buffer[] = [u16(packets.length)];
  packets.forEach((p, i) => {
    if (p.length > MAX_U16) throw new RangeError(`packet ${i} is ${p.length} bytes; at most ${MAX_U16} fit`);
    parts.push(u16(p.length), Buffer.from(p.buffer, p.byteOffset, p.byteLength));
  });
  return Buffer.concat(parts);
}

/** The packets are views into `buf`, not copies. */
export function unpackPackets(buf: Buffer): Buffer[] {
  if (buf.length < 2) throw new TalError('TAL_SEAL_FORMAT', `a chunk's packet list is ${buf.length} bytes, too short for its 2-byte packet count`);
  const count = buf.readUInt16BE(0);
  const packets: Buffer[] = [];
  let at = 2;
  for (let i = 0; i < count; i++) {
    if (at === buf.length) throw new TalError('TAL_SEAL_FORMAT', `the packet list declares ${count} packets but holds only ${i}`);
    if (at + 2 > buf.length) throw new TalError('TAL_SEAL_FORMAT', `the packet list ends inside the 2-byte length of packet ${i} of ${count}`);
    const length = buf.readUInt16BE(at);
    at += 2;
    if (at + length > buf.length) {
      throw new TalError('TAL_SEAL_FORMAT', `packet ${i} of ${count} declares ${length} bytes but only ${buf.length - at} remain`);
    }
    packets.push(buf.subarray(at, at + length));
    at += length;
  }
  if (at !== buf.length) {
    throw new TalError('TAL_SEAL_FORMAT', `${buf.length - at} bytes follow the last of ${count} packets in the packet list`);
  }
  return packets;
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}
