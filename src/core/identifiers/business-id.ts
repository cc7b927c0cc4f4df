// Finnish business ID (Y-tunnus; LY-tunnus before 2001): seven digits, a hyphen, a check digit.
// Old IDs below 1000000 are sometimes written with six digits; the leading zero is part of the
// ID (always seven digits, e.g. 0123456-7) and weighs nothing in the check sum, so a six-digit
// spelling is padded rather than refused, and both spellings blind-index alike.

/** Weights of the seven digits, left to right; the sum mod 11 gives the check digit. */
const WEIGHTS = Object.freeze([7, 9, 10, 5, 8, 4, 2]);
const DIGITS = WEIGHTS.length;
/** A sum leaving this remainder has no check digit: no ID is issued with such a number. */
const NO_SUCH_ID = 1;

export type BusinessIdResult = { ok: true; canonical: string } | { ok: false; problem: string };

/** Checks a business ID as staff typed it; `canonical` is NNNNNNN-N. Problems never repeat the input. */
export function parseBusinessId(text: string): BusinessIdResult {
  if (typeof text !== 'string') return refuse('a business ID must be given as text');
  const s = text.trim().replace(/[\u2010-\u2015\u2212]/g, '-');
  if (s === '') return refuse('no business ID was given');
  if (/^FI/i.test(s)) return refuse('this is written as a VAT number (FI…); write the business ID as seven digits, a hyphen and the check digit');
  if (/\s/.test(s)) return refuse('a business ID has no spaces inside it');
  if (/^\d{8}$/.test(s)) return refuse('a business ID has a hyphen before its last digit, the check digit (NNNNNNN-N)');
  const m = /^(\d{6,7})-(\d)$/.exec(s);
  if (!m) {
    if (/[^\d-]/.test(s)) return refuse('a business ID has only digits and one hyphen (NNNNNNN-N)');
    return refuse('a business ID is seven digits, a hyphen and one check digit (NNNNNNN-N)');
  }
  const body = m[1]!.padStart(DIGITS, '0');
  const remainder = WEIGHTS.reduce((sum, w, i) => sum + w * Number(body[i]), 0) % 11;
  if (remainder === NO_SUCH_ID) return refuse('no business ID is issued with these seven digits (their check sum leaves remainder 1)');
  const check = remainder === 0 ? 0 : 11 - remainder;
  if (check !== Number(m[2])) return refuse('the check digit does not match the rest');
  return { ok: true, canonical: `${body}-${check}` };
}

function refuse(problem: string): BusinessIdResult {
  return { ok: false, problem };
}
