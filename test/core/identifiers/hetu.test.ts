// The henkilötunnus as staff type it: every century sign, check characters computed here from
// the rule (not by the code under test), leap days, temporary numbers, and problems that say
// what is wrong without repeating the code or telling which check character would be right.
import t, { type Test } from 'tap';
import { parseHetu } from '../../../src/core/identifiers/index.js';

const TODAY = new Date('2026-06-15T09:00:00Z');
const ALPHABET = '0123456789ABCDEFHJKLMNPRSTUVWXY';

/** The check character by the published rule, worked digit by digit (Horner) rather than as one number. */
function check(ddmmyy: string, nnn: string): string {
  let r = 0;
  for (const d of ddmmyy + nnn) r = (r * 10 + Number(d)) % 31;
  return ALPHABET[r]!;
}
const hetu = (ddmmyy: string, sign: string, nnn: string): string => ddmmyy + sign + nnn + check(ddmmyy, nnn);
/** A check character that is not the right one. */
const wrongCheck = (code: string): string => code.slice(0, 10) + ALPHABET[(ALPHABET.indexOf(code[10]!) + 7) % 31];

const SIGNS: ReadonlyArray<readonly [string, number]> = [
  ['+', 1800],
  ['-', 1900], ['Y', 1900], ['X', 1900], ['W', 1900], ['V', 1900], ['U', 1900],
  ['A', 2000], ['B', 2000], ['C', 2000], ['D', 2000], ['E', 2000], ['F', 2000],
];

function refusal(t: Test, input: string, problem: RegExp | string, o: { today?: Date } = { today: TODAY }): void {
  const r = parseHetu(input, o);
  if (r.ok) {
    t.fail(`refused: ${JSON.stringify(input)}`);
    return;
  }
  if (typeof problem === 'string') t.equal(r.problem, problem, JSON.stringify(input));
  else t.match(r.problem, problem, JSON.stringify(input));
  const trimmed = input.trim();
  if (trimmed.length >= 6) {
    t.notOk(r.problem.toUpperCase().includes(trimmed.toUpperCase()), `the problem does not repeat ${JSON.stringify(input)}`);
    t.notOk(r.problem.includes(trimmed.slice(0, 6)), 'nor its birth-date digits');
  }
}

t.test('published examples are valid', async (t) => {
  for (const [code, birthDate, sex] of [
    ['131052-308T', '1952-10-13', 'female'], // the DVV's "Maija Mäkinotkelma"
    ['010677-530E', '1977-06-01', 'female'],
    ['311298+1261', '1898-12-31', 'female'],
    ['010594Y9032', '1994-05-01', 'male'], // examples given with the 2023 signs: temporary numbers
    ['020594X903P', '1994-05-02', 'male'],
  ] as const) {
    t.match(parseHetu(code, { today: TODAY }), { ok: true, canonical: code, birthDate, sex }, code);
  }
});

t.test('every century sign, valid and with a wrong check character', async (t) => {
  for (const [sign, century] of SIGNS) {
    for (const [ddmmyy, nnn, sex] of [['150621', '002', 'female'], ['311220', '531', 'male'], ['010101', '899', 'male'], ['280226', '468', 'female']] as const) {
      const code = hetu(ddmmyy, sign, nnn);
      const year = century + Number(ddmmyy.slice(4));
      const birthDate = `${year}-${ddmmyy.slice(2, 4)}-${ddmmyy.slice(0, 2)}`;
      t.same(parseHetu(code, { today: TODAY }), { ok: true, canonical: code, birthDate, sex, temporary: false }, code);
      refusal(t, wrongCheck(code), 'the check character does not match the rest');
    }
  }
});

t.test('the century sign is part of the code: the same digits under signs of one century are different codes', async (t) => {
  const dash = parseHetu(hetu('150690', '-', '123'), { today: TODAY });
  const y = parseHetu(hetu('150690', 'Y', '123'), { today: TODAY });
  t.match(dash, { ok: true, canonical: '150690-123' + check('150690', '123'), birthDate: '1990-06-15' });
  t.match(y, { ok: true, canonical: '150690Y123' + check('150690', '123'), birthDate: '1990-06-15' });
});

t.test('dates: leap days by the Gregorian rule, impossible days and months', async (t) => {
  t.match(parseHetu(hetu('290200', 'A', '002'), { today: TODAY }), { ok: true, birthDate: '2000-02-29' }, '2000 was a leap year');
  t.match(parseHetu(hetu('290296', '-', '002'), { today: TODAY }), { ok: true, birthDate: '1996-02-29' });
  t.match(parseHetu(hetu('290296', 'U', '002'), { today: TODAY }), { ok: true, birthDate: '1996-02-29' });
  t.match(parseHetu(hetu('290224', 'F', '002'), { today: TODAY }), { ok: true, birthDate: '2024-02-29' });
  refusal(t, hetu('290201', 'A', '002'), '29.02.2001 is not a date');
  refusal(t, hetu('290200', '-', '002'), '29.02.1900 is not a date');
  refusal(t, hetu('290200', 'Y', '002'), '29.02.1900 is not a date');
  refusal(t, hetu('290200', '+', '002'), '29.02.1800 is not a date');
  refusal(t, hetu('310290', '-', '002'), '31.02.1990 is not a date');
  refusal(t, hetu('310490', 'V', '002'), '31.04.1990 is not a date');
  refusal(t, hetu('001090', '-', '002'), '00.10.1990 is not a date');
  refusal(t, hetu('101390', '-', '002'), '10.13.1990 is not a date');
  refusal(t, hetu('100090', 'B', '002'), '10.00.2090 is not a date');
});

t.test('a birth date in the future is refused, judged in Finnish time', async (t) => {
  refusal(t, hetu('010130', 'A', '002'), 'the birth date is in the future');
  refusal(t, hetu('160626', 'A', '002'), 'the birth date is in the future');
  t.match(parseHetu(hetu('150626', 'A', '002'), { today: TODAY }), { ok: true, birthDate: '2026-06-15' }, 'born today');
  // 22:30 UTC on 14 June is already 15 June in Helsinki.
  t.match(parseHetu(hetu('150626', 'A', '002'), { today: new Date('2026-06-14T22:30:00Z') }), { ok: true });
  refusal(t, hetu('150626', 'A', '002'), 'the birth date is in the future', { today: new Date('2026-06-14T20:30:00Z') });
  t.match(parseHetu(hetu('131052', '-', '308')), { ok: true }, 'today defaults to now');
  t.throws(() => parseHetu('131052-308T', { today: new Date(Number.NaN) }), TypeError);
});

t.test('individual numbers: 002–899 regular, 900–999 temporary, 000 and 001 not in use; odd male, even female', async (t) => {
  for (const [nnn, temporary, sex] of [['002', false, 'female'], ['003', false, 'male'], ['898', false, 'female'], ['899', false, 'male'], ['900', true, 'female'], ['901', true, 'male'], ['999', true, 'male']] as const) {
    t.match(parseHetu(hetu('150690', '-', nnn), { today: TODAY }), { ok: true, temporary, sex }, nnn);
    t.match(parseHetu(hetu('150621', 'A', nnn), { today: TODAY }), { ok: true, temporary, sex }, `${nnn} in the 2000s`);
  }
  refusal(t, hetu('150690', '-', '000'), 'the individual number 000 is not in use');
  refusal(t, hetu('150690', '-', '001'), 'the individual number 001 is not in use');
  refusal(t, hetu('150621', 'E', '001'), 'the individual number 001 is not in use');
});

t.test('lower case and surrounding spaces are accepted; the canonical form is upper case', async (t) => {
  t.match(parseHetu(' 131052-308t ', { today: TODAY }), { ok: true, canonical: '131052-308T' });
  t.match(parseHetu('\t010594y9032\n', { today: TODAY }), { ok: true, canonical: '010594Y9032' });
  const lower = hetu('150621', 'd', '124').toLowerCase();
  t.match(parseHetu(lower, { today: TODAY }), { ok: true, canonical: lower.toUpperCase(), birthDate: '2021-06-15' });
});

t.test('malformed input: each problem says what is wrong', async (t) => {
  const refusals: ReadonlyArray<readonly [string, RegExp | string]> = [
    ['', 'no henkilötunnus was given'],
    ['   ', 'no henkilötunnus was given'],
    ['131052 -308T', 'a henkilötunnus has no spaces inside it'],
    ['131052-308 T', 'a henkilötunnus has no spaces inside it'],
    ['131052-308', /is 11 characters .*this has 10$/],
    ['131052-308TT', /is 11 characters .*this has 12$/],
    ['1310520308T', /century sign must be one of \+ - Y X W V U A B C D E F$/],
    ['13105-2308T', /first six characters must be digits/],
    ['13I052-308T', /first six characters must be digits/],
    ['131052G308T', 'the century sign must be one of + - Y X W V U A B C D E F'],
    ['131052Z308T', 'the century sign must be one of + - Y X W V U A B C D E F'],
    ['131052*308T', 'the century sign must be one of + - Y X W V U A B C D E F'],
    ['131052–308T', 'the century sign must be one of + - Y X W V U A B C D E F'], // an en dash
    ['131052-3O8T', /characters 8 to 10 must be digits/],
    ...['G', 'I', 'O', 'Q', 'Z', '-', 'Ä'].map((c) => ['131052-308' + c, /last character must be a digit or one of the letters A–Y .*not G, I, O, Q or Z/] as const),
  ];
  for (const [input, problem] of refusals) refusal(t, input, problem);
  t.match(parseHetu(42 as unknown as string), { ok: false, problem: 'a henkilötunnus must be given as text' });
});

t.test('no problem ever names the right check character or repeats the code', async (t) => {
  // Every wrong check character for one code: the same words each time, whatever was typed.
  const right = hetu('150690', '-', '123');
  for (const c of ALPHABET) {
    const code = right.slice(0, 10) + c;
    if (code === right) continue;
    const r = parseHetu(code, { today: TODAY });
    t.same(r, { ok: false, problem: 'the check character does not match the rest' }, code);
  }
});
