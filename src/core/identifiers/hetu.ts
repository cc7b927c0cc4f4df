// Finnish personal identity code (henkilötunnus): DDMMYY, century sign, individual number NNN,
// check character. Century signs per the Population Information Act amendment in force since
// 1 January 2023: `+` 1800s; `-` and `Y X W V U` 1900s; `A` and `B C D E F` 2000s.

/** The check character is the 9-digit number DDMMYYNNN mod 31, indexed into this table. */
const CHECK_CHARS = '0123456789ABCDEFHJKLMNPRSTUVWXY';

/** Century of each sign: the year is this plus the two digits YY. */
const CENTURY: Readonly<Record<string, number>> = Object.freeze({
  '+': 1800,
  '-': 1900, Y: 1900, X: 1900, W: 1900, V: 1900, U: 1900,
  A: 2000, B: 2000, C: 2000, D: 2000, E: 2000, F: 2000,
});
const SIGNS = Object.keys(CENTURY).join(' ');

const LENGTH = 11;
/** 900–999 are temporary numbers given by e.g. hospitals; 000 and 001 are never issued. */
const FIRST_TEMPORARY = 900;
const FIRST_IN_USE = 2;
const ZONE = 'Europe/Helsinki';

export type HetuResult =
  | { ok: true; canonical: string; birthDate: string; sex: 'female' | 'male'; temporary: boolean }
  | { ok: false; problem: string };

/**
 * Checks a henkilötunnus as staff typed it. `canonical` is trimmed and upper-case with the
 * century sign as written (two codes that differ only in the sign are different codes).
 * A problem says what is wrong without repeating the code, and never which check character
 * would have been right: the console must not help anyone forge a valid code.
 * `today` (default: now) decides, in Finnish time, whether the birth date is in the future.
 */
export function parseHetu(text: string, o: { today?: Date } = {}): HetuResult {
  if (typeof text !== 'string') return refuse('a henkilötunnus must be given as text');
  const s = text.trim().toUpperCase();
  if (s === '') return refuse('no henkilötunnus was given');
  if (/\s/.test(s)) return refuse('a henkilötunnus has no spaces inside it');
  if (s.length !== LENGTH) return refuse(`a henkilötunnus is ${LENGTH} characters (DDMMYY, century sign, three digits, check character); this has ${s.length}`);
  if (!/^\d{6}$/.test(s.slice(0, 6))) return refuse('the first six characters must be digits: the birth date as DDMMYY');
  const sign = s[6]!;
  const century = CENTURY[sign];
  if (century === undefined) return refuse(`the century sign must be one of ${SIGNS}`);
  if (!/^\d{3}$/.test(s.slice(7, 10))) return refuse('characters 8 to 10 must be digits: the individual number');
  const check = s[10]!;
  if (!CHECK_CHARS.includes(check)) return refuse('the last character must be a digit or one of the letters A–Y used as check characters (not G, I, O, Q or Z)');

  const day = Number(s.slice(0, 2));
  const month = Number(s.slice(2, 4));
  const year = century + Number(s.slice(4, 6));
  const dd = s.slice(0, 2);
  const mm = s.slice(2, 4);
  if (!isDate(year, month, day)) return refuse(`${dd}.${mm}.${year} is not a date`);
  const birthDate = `${year}-${mm}-${dd}`;
  if (birthDate > isoDay(o.today ?? new Date())) return refuse('the birth date is in the future');

  const individual = Number(s.slice(7, 10));
  if (individual < FIRST_IN_USE) return refuse(`the individual number ${s.slice(7, 10)} is not in use`);
  if (CHECK_CHARS[Number(s.slice(0, 6) + s.slice(7, 10)) % CHECK_CHARS.length] !== check) {
    return refuse('the check character does not match the rest');
  }
  return {
    ok: true,
    canonical: s,
    birthDate,
    sex: individual % 2 === 1 ? 'male' : 'female',
    temporary: individual >= FIRST_TEMPORARY,
  };
}

function refuse(problem: string): HetuResult {
  return { ok: false, problem };
}

function isDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  // Day 0 of the next month is the last day of this one; Date.UTC keeps the Gregorian leap rule.
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= last;
}

/** YYYY-MM-DD of an instant in Finnish time: a child born today in Helsinki is not in the future. */
function isoDay(at: Date): string {
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new TypeError('today must be a valid Date');
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}
