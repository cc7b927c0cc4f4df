// Phone numbers for the blind index: one spelling per number, so that `040 123 4567`,
// `+358 40 123 4567` and `00358401234567` find the same calls (DESIGN, "People and rights").
// `normaliseNumber` is the one normalisation: the call index hashes what it returns, so a number
// staff type must pass through the same function to find anything. It lives here, in core,
// and `src/central/index/numbers.ts` re-exports it beside the keyed hash.

// Separators people and exchanges write; none of them changes the number.
const SEPARATORS = /[\s\-\u2010-\u2015\u2212().\/]/g;
// `+358 (0)40 …`: the national trunk prefix written after the country code is not dialled.
const TRUNK_AFTER_CC = /^(\+|00)(\d{1,3})\s*\(0\)/;
const COUNTRY_CODE = /^[1-9]\d{0,2}$/;
// E.164 allows 15 digits after the country code's `+`.
const E164_MAX = 15;
// Shorter than this after `+` or national `0` is a typing slip, not a number anyone can call.
const MIN_SIGNIFICANT = 5;

/**
 * A number in one canonical spelling: international `+<digits>`, or a short service number or
 * extension as bare digits. Undefined for anything that is not a phone number (empty, letters,
 * a stray `+`, too long), so the caller can refuse it rather than index garbage.
 */
export function normaliseNumber(raw: string, countryCode = '358'): string | undefined {
  if (typeof raw !== 'string') return undefined;
  if (!COUNTRY_CODE.test(countryCode)) throw new TypeError(`countryCode must be 1 to 3 digits not starting with 0, got "${countryCode}"`);
  const s = clean(raw);
  if (!/^\+?\d+$/.test(s)) return undefined;
  if (s.startsWith('+')) return international(s.slice(1));
  if (s.startsWith('00')) return international(s.slice(2));
  if (s.startsWith('0')) {
    const significant = s.slice(1);
    if (significant.startsWith('0') || significant.length < MIN_SIGNIFICANT) return undefined;
    return international(countryCode + significant);
  }
  // No prefix: a service number (112, 116117) or an extension, meaningful only as dialled.
  return s.length <= E164_MAX ? s : undefined;
}

function clean(raw: string): string {
  return raw.trim().replace(TRUNK_AFTER_CC, '$1$2').replace(SEPARATORS, '');
}

function international(digits: string): string | undefined {
  if (digits.startsWith('0') || digits.length < MIN_SIGNIFICANT + 1 || digits.length > E164_MAX) return undefined;
  return `+${digits}`;
}

export type PhoneResult =
  | { ok: true; canonical: string; /** false for a service number or extension kept as dialled (112, 116117, 2345) */ international: boolean }
  | { ok: false; problem: string };

/**
 * A phone number as staff typed it, normalised by `normaliseNumber` (so its blind index finds
 * the calls the index holds), or a problem saying what is wrong without repeating the number.
 */
export function parsePhone(text: string, countryCode = '358'): PhoneResult {
  const canonical = normaliseNumber(text, countryCode);
  if (canonical !== undefined) return { ok: true, canonical, international: canonical.startsWith('+') };
  return { ok: false, problem: diagnose(text) };
}

/** Why `normaliseNumber` refused: it returns only undefined, so the reasons are retraced here. */
function diagnose(text: string): string {
  if (typeof text !== 'string') return 'a phone number must be given as text';
  const s = clean(text);
  if (s === '') return 'no phone number was given';
  if (/\p{L}/u.test(s)) return 'a phone number cannot contain letters';
  if (/[^\d+]/.test(s)) return 'a phone number has only digits, a leading + and spaces, dashes, dots, slashes or brackets between them';
  if (s.lastIndexOf('+') > 0) return 'a + may stand only at the very start of a number';
  const intl = s.startsWith('+') ? s.slice(1) : s.startsWith('00') ? s.slice(2) : undefined;
  if (intl !== undefined) {
    if (intl === '') return 'there are no digits after the international prefix';
    if (intl.startsWith('0')) return 'a country code cannot start with 0 (after + or 00 comes the country code, e.g. 358)';
    if (intl.length < MIN_SIGNIFICANT + 1) return `a phone number is too short: at least ${MIN_SIGNIFICANT + 1} digits after + or 00`;
    return `a phone number is too long: at most ${E164_MAX} digits after + or 00`;
  }
  if (s.startsWith('0')) {
    if (s.length - 1 < MIN_SIGNIFICANT) return `a phone number is too short: at least ${MIN_SIGNIFICANT} digits after the leading 0`;
    return `a phone number is too long: at most ${E164_MAX} digits with the country code`;
  }
  return `a phone number is too long: at most ${E164_MAX} digits`;
}
