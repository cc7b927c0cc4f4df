// Phone numbers as staff type them: the same normalisation the call index hashes, and a problem
// saying what is wrong in place of `undefined`.
import t from 'tap';
import { normaliseNumber, parsePhone } from '../../../src/core/identifiers/index.js';
import { normaliseNumber as indexed } from '../../../src/central/index/numbers.js';

t.test('the call index normalises with this very function', async (t) => {
  t.equal(indexed, normaliseNumber);
});

t.test('national, +358 and 00358 spellings with spaces and dashes all come out the same', async (t) => {
  for (const raw of [
    '040 123 4567', '040-123 4567', '040-1234567', '(040) 123 4567', '040.123.4567', '040/123 4567', ' 0401234567 ',
    '+358 40 123 4567', '+358-40-123-4567', '+358401234567', '+358 (0)40 123 4567', '+358(0)401234567',
    '00358 40 123 4567', '00358-40-1234567', '00358401234567', '040\u00a0123\u20134567',
  ]) {
    t.same(parsePhone(raw), { ok: true, canonical: '+358401234567', international: true }, raw);
  }
  t.same(parsePhone('09 310 1691'), { ok: true, canonical: '+35893101691', international: true }, 'a landline');
  t.same(parsePhone('(09) 310 1691'), { ok: true, canonical: '+35893101691', international: true });
  t.same(parsePhone('+46 8 123 456 78'), { ok: true, canonical: '+46812345678', international: true }, 'a foreign number');
  t.same(parsePhone('08 123 456 78', '46'), { ok: true, canonical: '+46812345678', international: true }, 'another home country');
  t.same(parsePhone('112'), { ok: true, canonical: '112', international: false }, 'a service number stays as dialled');
  t.same(parsePhone('2345'), { ok: true, canonical: '2345', international: false }, 'an extension stays as dialled');
});

t.test('refusals say what is wrong and never repeat the number', async (t) => {
  const refusals: ReadonlyArray<readonly [string, RegExp]> = [
    ['', /^no phone number was given$/],
    [' - ', /^no phone number was given$/],
    ['040 ABC 4567', /cannot contain letters/],
    ['puh. 040 123 4567', /cannot contain letters/],
    ['040 123 4567 ext', /cannot contain letters/],
    ['040_123_4567', /only digits, a leading \+ and spaces, dashes/],
    ['040 123 4567#', /only digits, a leading \+ and spaces, dashes/],
    ['040 + 123 4567', /a \+ may stand only at the very start/],
    ['++358401234567', /a \+ may stand only at the very start/],
    ['+358 40 123 4567+', /a \+ may stand only at the very start/],
    ['+', /no digits after the international prefix/],
    ['00', /no digits after the international prefix/],
    ['+0358 40 123 4567', /country code cannot start with 0/],
    ['000358401234567', /country code cannot start with 0/],
    ['+358 40', /too short: at least 6 digits after \+ or 00/],
    ['00358 4', /too short/],
    ['040 12', /too short: at least 5 digits after the leading 0/],
    ['0', /too short/],
    ['+358 40 123 4567 8901 2', /too long: at most 15 digits after \+ or 00/],
    ['040 1234 5678 9012 3', /too long: at most 15 digits with the country code/],
    ['1234567890123456', /too long: at most 15 digits/],
  ];
  for (const [input, problem] of refusals) {
    const r = parsePhone(input);
    t.match(r, { ok: false, problem }, JSON.stringify(input));
    t.equal(normaliseNumber(input), undefined, `normaliseNumber refuses ${JSON.stringify(input)} too`);
    const digits = input.replace(/\D/g, '');
    if (!r.ok && digits.length >= 5) t.notOk(r.problem.replace(/\D/g, '').includes(digits), `the problem does not repeat the digits of ${JSON.stringify(input)}`);
  }
  t.match(parsePhone(null as unknown as string), { ok: false, problem: 'a phone number must be given as text' });
  t.throws(() => parsePhone('040 123 4567', '+358'), TypeError, 'a bad country code is the caller\'s mistake');
});
