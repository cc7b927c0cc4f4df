// Just enough of the Ogg page layer (RFC 3533 §6) to patch pages produced by mediabunny: the page CRC,
// building a single-packet page, and re-stamping a page's serial number.

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x8000_0000 ? (r << 1) ^ 0x04c1_1db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

/** Ogg's CRC-32 (polynomial 0x04C11DB7, initial value 0, no reflection, no final XOR), over the whole page. */
export function oggCrc(bytes: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < bytes.length; i++) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ bytes[i]!) & 0xff]!) >>> 0;
  return crc;
}

/** Recomputes and stores the CRC of a complete page in place. */
export function sealPage(page: Uint8Array): Uint8Array {
  const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
  view.setUint32(22, 0, true);
  view.setUint32(22, oggCrc(page), true);
  return page;
}

export function pageSerial(page: Uint8Array): number {
  return new DataView(page.buffer, page.byteOffset, page.byteLength).getUint32(14, true);
}

export function pageSequence(page: Uint8Array): number {
  return new DataView(page.buffer, page.byteOffset, page.byteLength).getUint32(18, true);
}

/** Sets the serial number of a page (in place) and re-seals it. */
export function setPageSerial(page: Uint8Array, serial: number): Uint8Array {
  new DataView(page.buffer, page.byteOffset, page.byteLength).setUint32(14, serial, true);
  return sealPage(page);
}

/** Largest packet that fits on one page: 255 lacing values, the last of which must be < 255. */
export const MAX_SINGLE_PAGE_PACKET = 254 * 255 + 254;

/** A page holding exactly one complete packet, with no continuation and no BOS/EOS flags. */
export function singlePacketPage(
  packet: Uint8Array,
  opts: { serial: number; sequence: number; granule: bigint },
): Uint8Array {
  if (packet.length > MAX_SINGLE_PAGE_PACKET) {
    throw new RangeError(`Ogg: a ${packet.length}-byte header packet does not fit on one page`);
  }
  const segments = Math.floor(packet.length / 255) + 1;
  const page = new Uint8Array(27 + segments + packet.length);
  const view = new DataView(page.buffer);
  page.set([0x4f, 0x67, 0x67, 0x53], 0); // "OggS"
  view.setUint8(4, 0); // version
  view.setUint8(5, 0); // header type: fresh packet, not BOS, not EOS
  view.setBigInt64(6, opts.granule, true);
  view.setUint32(14, opts.serial, true);
  view.setUint32(18, opts.sequence, true);
  view.setUint8(26, segments);
  page.fill(255, 27, 27 + segments - 1);
  page[27 + segments - 1] = packet.length % 255;
  page.set(packet, 27 + segments);
  return sealPage(page);
}
