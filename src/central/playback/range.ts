// Byte ranges of an in-memory file (RFC 9110 §14): what lets an <audio> element seek in an Ogg
// stream and read its duration from the last page without downloading everything first.
export type RangeAnswer =
  | { status: 200; start: 0; end: number }
  | { status: 206; start: number; end: number }
  | { status: 416 };

/** One range of a `size`-byte file; several ranges, or a malformed header, get the whole file (as the RFC allows). */
export function rangeOf(header: string | undefined, size: number): RangeAnswer {
  const whole = { status: 200 as const, start: 0 as const, end: size - 1 };
  if (header === undefined) return whole;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return whole;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return { status: 416 };
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    if (start >= size) return { status: 416 };
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (end < start) return whole;
  }
  return { status: 206, start, end };
}
