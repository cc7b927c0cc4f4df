// The business ID (Y-tunnus): check digits computed here from the rule, the remainder that has
// no check digit, the old six-digit spelling, and problems that do not repeat the input.
import t from 'tap';
import { parseBusinessId } from '../../../src/core/identifiers/index.js';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2];
const remainder = (body: string): number => [...body].reduce((sum, d, i) => sum + Number(d) * WEIGHTS[i]!, 0) % 11;
/** The check digit by the published rule; undefined where the remainder is 1. */
const checkDigit = (body: string): number | undefined => {
  const r = remainder(body);
  return r === 1 ? undefined : r === 0 ? 0 : 11 - r;
};
/** The first seven-digit bodies from `from` up whose remainder is `r`. */
function bodiesWithRemainder(r: number, from: number, count: number): string[] {
  const out: string[] = [];
  for (let n = from; out.length < count; n++) {
    if (n > 9_999_999) throw new Error('ran out of seven-digit bodies');
    const body = String(n).padStart(7, '0');
    if (remainder(body) === r) out.push(body);
  }
  return out;
}

t.test('published and computed IDs are valid', async (t) => {
  for (const id of ['2296962-1', '0737546-2', '1572860-0', '2077474-0', '1234567-1', '0000000-0', '0000001-9']) {
    t.same(parseBusinessId(id), { ok: true, canonical: id }, id);
  }
  for (let r = 0; r <= 10; r++) {
    if (r === 1) continue;
    for (const body of bodiesWithRemainder(r, 1_000_000 + 800_000 * r, 3)) {
      const id = `${body}-${checkDigit(body)}`;
      t.same(parseBusinessId(id), { ok: true, canonical: id }, `${id} (remainder ${r})`);
      const wrong = `${body}-${(checkDigit(body)! + 3) % 10}`;
      t.same(parseBusinessId(wrong), { ok: false, problem: 'the check digit does not match the rest' }, wrong);
    }
  }
});

t.test('remainder 1: no business ID is issued with those digits, whatever the check digit', async (t) => {
  for (const body of bodiesWithRemainder(1, 2_000_000, 4)) {
    for (const d of ['0', '1', '9']) {
      const r = parseBusinessId(`${body}-${d}`);
      t.match(r, { ok: false, problem: /no business ID is issued with these seven digits/ }, `${body}-${d}`);
    }
  }
});

t.test('the old six-digit spelling is the same ID with its leading zero', async (t) => {
  t.same(parseBusinessId('737546-2'), { ok: true, canonical: '0737546-2' });
  t.same(parseBusinessId(' 737546-2 '), { ok: true, canonical: '0737546-2' });
  t.same(parseBusinessId('737546-1'), { ok: false, problem: 'the check digit does not match the rest' });
  t.same(parseBusinessId('0737546\u20132'), { ok: true, canonical: '0737546-2' }, 'an en dash pasted from a document');
});

t.test('malformed input: each problem says what is wrong and does not repeat the input', async (t) => {
  const refusals: ReadonlyArray<readonly [string, RegExp]> = [
    ['', /^no business ID was given$/],
    ['  ', /^no business ID was given$/],
    ['22969621', /hyphen before its last digit/],
    ['FI22969621', /VAT number/],
    ['fi 2296962-1', /VAT number/],
    ['2296962 -1', /no spaces inside/],
    ['2296962-', /seven digits, a hyphen and one check digit/],
    ['2296962-11', /seven digits, a hyphen and one check digit/],
    ['12296962-1', /seven digits, a hyphen and one check digit/],
    ['29696-1', /seven digits, a hyphen and one check digit/],
    ['2296962', /seven digits, a hyphen and one check digit/],
    ['229-6962-1', /seven digits, a hyphen and one check digit/],
    ['2296962/1', /only digits and one hyphen/],
    ['229696A-1', /only digits and one hyphen/],
  ];
  for (const [input, problem] of refusals) {
    const r = parseBusinessId(input);
    t.match(r, { ok: false, problem }, JSON.stringify(input));
    if (!r.ok && input.trim().length > 3) t.notOk(r.problem.includes(input.trim()), `the problem does not repeat ${JSON.stringify(input)}`);
  }
  t.match(parseBusinessId(undefined as unknown as string), { ok: false, problem: 'a business ID must be given as text' });
});
