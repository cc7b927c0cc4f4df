// The transmit side of a Whozz Calling? unit: lines as it prints them (docs/signals-serial.md), for
// the trunk simulator and the tests.

export interface CallLine {
  line: number;
  io: 'I' | 'O';
  se: 'S' | 'E';
  duration?: number;
  checksum?: 'G' | 'B';
  rings?: string; // e.g. 'A3'
  date?: string; // 'MM/DD'
  time?: string; // 'hh:mm AM'
  number?: string; // as printed, e.g. '800-555-1212'
  name?: string;
  dollar?: boolean;
}

export function callLine(c: CallLine): string {
  const body = [
    String(c.line).padStart(2, '0'),
    c.io,
    c.se,
    String(c.duration ?? 0).padStart(4, '0'),
    c.checksum ?? 'G',
    c.rings ?? 'A0',
    c.date ?? '09/26',
    c.time ?? '11:28 AM',
    (c.number ?? '').padEnd(14, ' '),
    (c.name ?? '').padEnd(15, ' '),
  ].join(' ');
  return (c.dollar ? '$' : '') + body;
}

export function detailLine(line: number, code: 'R' | 'F' | 'N' | 'H', date = '11/07', time = '07:43:52', dollar = false): string {
  return `${dollar ? '$' : ''}${String(line).padStart(2, '0')} ${code}${' '.repeat(13)}${date} ${time}`;
}

/** One inbound call as a unit with toggles "cXdA" prints it: ring, start, off-hook, on-hook, end. */
export function inboundCall(line: number, number: string, name: string, seconds: number): string[] {
  return [
    detailLine(line, 'R', '03/21', '14:05:10'),
    callLine({ line, io: 'I', se: 'S', date: '03/21', time: '02:05 PM', number, name, dollar: true }),
    detailLine(line, 'F', '03/21', '14:05:20'),
    detailLine(line, 'N', '03/21', '14:07:03'),
    callLine({ line, io: 'I', se: 'E', duration: seconds, rings: 'A2', date: '03/21', time: '02:05 PM', number, name, dollar: true }),
  ];
}
