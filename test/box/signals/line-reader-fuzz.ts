// Seeded mutations of valid lines, for the parser fuzz tests.
import { mulberry32 } from '../../../src/core/dsp/generate.js';

/** Seeded, so a failing mutation can be replayed. */
export const prng = mulberry32;

export type MutationKind = 'flip' | 'byte' | 'truncate' | 'insert' | 'delete' | 'overlong' | 'binary' | 'split' | 'multi';

export interface Mutation {
  kind: MutationKind;
  bytes: Buffer;
  /** true when the line keeps its length and only bytes at `positions` changed */
  inPlace: boolean;
  positions: number[];
}

const KINDS: MutationKind[] = ['flip', 'byte', 'truncate', 'insert', 'delete', 'overlong', 'binary', 'split', 'multi'];
const INTERESTING = [0x00, 0x0d, 0x0a, 0x20, 0x24, 0x2d, 0x30, 0x31, 0x39, 0x3d, 0x41, 0x7f, 0x80, 0xff, 0x1b, 0x09];

export function mutate(line: Buffer, rnd: () => number): Mutation {
  const kind = KINDS[Math.floor(rnd() * KINDS.length)]!;
  const at = (n: number) => Math.floor(rnd() * n);
  const anyByte = () => (rnd() < 0.5 ? INTERESTING[at(INTERESTING.length)]! : at(256));
  const b = Buffer.from(line);
  switch (kind) {
    case 'flip': {
      const i = at(b.length);
      b[i] = b[i]! ^ (1 << at(8));
      return { kind, bytes: b, inPlace: true, positions: [i] };
    }
    case 'byte': {
      const i = at(b.length);
      b[i] = anyByte();
      return { kind, bytes: b, inPlace: true, positions: [i] };
    }
    case 'multi': {
      const positions: number[] = [];
      for (let n = 1 + at(4); n > 0; n--) {
        const i = at(b.length);
        b[i] = rnd() < 0.5 ? b[i]! ^ (1 << at(8)) : anyByte();
        positions.push(i);
      }
      return { kind, bytes: b, inPlace: true, positions };
    }
    case 'truncate':
      return { kind, bytes: b.subarray(0, at(b.length)), inPlace: false, positions: [] };
    case 'delete': {
      const i = at(b.length);
      const n = 1 + at(3);
      return { kind, bytes: Buffer.concat([b.subarray(0, i), b.subarray(i + n)]), inPlace: false, positions: [] };
    }
    case 'insert': {
      const i = at(b.length + 1);
      const ins = Buffer.from(Array.from({ length: 1 + at(3) }, anyByte));
      return { kind, bytes: Buffer.concat([b.subarray(0, i), ins, b.subarray(i)]), inPlace: false, positions: [] };
    }
    case 'split': {
      const i = 1 + at(b.length - 1);
      const sep = [Buffer.from('\r'), Buffer.from('\n'), Buffer.from('\r\n')][at(3)]!;
      return { kind, bytes: Buffer.concat([b.subarray(0, i), sep, b.subarray(i)]), inPlace: false, positions: [] };
    }
    case 'overlong': {
      const reps = Math.ceil(300 / Math.max(1, b.length)) + at(3);
      return { kind, bytes: Buffer.concat(Array.from({ length: reps }, () => b)), inPlace: false, positions: [] };
    }
    case 'binary': {
      const junk = Buffer.from(Array.from({ length: 1 + at(40) }, () => at(256)));
      const i = at(b.length + 1);
      return { kind, bytes: Buffer.concat([b.subarray(0, i), junk, b.subarray(i)]), inPlace: false, positions: [] };
    }
  }
}
