import t from 'tap';
import { LineReader } from '../../../src/box/signals/line-reader.js';

function split(chunks: (string | number[])[], max = 16) {
  const r = new LineReader(max);
  const lines: string[] = [];
  const bad: string[] = [];
  const sink = { line: (l: string) => lines.push(l), bad: (why: string, n: number) => bad.push(`${why}:${n}`) };
  for (const c of chunks) r.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : Buffer.from(c), sink);
  return { lines, bad, partial: r.reset() };
}

t.test('CR, LF, CRLF and LFCR; blank lines vanish', async (t) => {
  t.same(split(['a\rb\nc\r\nd\n\re\r\r\r\n']).lines, ['a', 'b', 'c', 'd', 'e']);
  t.same(split(['ab', 'c\r', '\nd', 'e\n']).lines, ['abc', 'de'], 'lines across chunks');
});

t.test('NULs: padding between lines is skipped, inside a line it makes the line binary', async (t) => {
  t.same(split([[0, 0, 0x41, 0x0d, 0x0a, 0, 0x42, 0x0a]]).lines, ['A', 'B']);
  t.same(split([[0x41, 0, 0x42, 0x0a, 0x43, 0x0a]]), { lines: ['C'], bad: ['binary:3'], partial: false });
  t.same(split([[0x41, 0x1b, 0x0a, 0x41, 0x7f, 0x0a, 0x41, 0x09, 0x0a]]).bad, ['binary:2', 'binary:2', 'binary:2']);
  t.same(split([[0x41, 0xe4, 0x0a]]).lines, ['A\u00e4'], 'high bytes pass as latin1; fields judge them');
});

t.test('a line longer than the bound is dropped whole, once', async (t) => {
  const r = split(['0123456789abcdef\n', '0123456789abcdefX', 'YZ'.repeat(100), '\r\nok\n']);
  t.same(r.lines, ['0123456789abcdef', 'ok'], 'exactly the bound is fine');
  t.same(r.bad, ['overlong:16']);
});

t.test('reset reports and drops a partial line', async (t) => {
  t.equal(split(['abc']).partial, true);
  t.equal(split(['abc\n']).partial, false);
  t.equal(split(['x'.repeat(40)]).partial, true, 'mid-skip counts as partial');
});

t.test('the bound is checked', async (t) => {
  t.throws(() => new LineReader(8), TypeError);
  t.throws(() => new LineReader(1.5 as number), TypeError);
  t.doesNotThrow(() => new LineReader(256));
});
