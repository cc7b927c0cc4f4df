// Phone numbers for the blind index: one spelling per number, so that `040 123 4567`,
// `+358 40 123 4567` and `00358401234567` find the same calls; then a keyed hash of it, so the
// index finds calls by number without holding the number (DESIGN, "People and rights").
import { createHmac } from 'node:crypto';

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
  const s = raw.trim().replace(TRUNK_AFTER_CC, '$1$2').replace(SEPARATORS, '');
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

function international(digits: string): string | undefined {
  if (digits.startsWith('0') || digits.length < MIN_SIGNIFICANT + 1 || digits.length > E164_MAX) return undefined;
  return `+${digits}`;
}

/** Hex digits of the HMAC kept: 128 bits, far past any collision a fleet's calls could meet. */
export const BLIND_HEX = 32;
const MIN_KEY_BYTES = 16;

/**
 * The blind index of a normalised number: HMAC-SHA-256 under the indexer's own key, hex, first
 * 128 bits. Without the key a list of every possible number cannot be hashed to reverse it.
 */
export function blindIndex(key: Buffer, number: string): string {
  if (!Buffer.isBuffer(key) || key.length < MIN_KEY_BYTES) throw new TypeError(`blind index key must be at least ${MIN_KEY_BYTES} bytes`);
  // A raw spelling would hash to a different value and silently find nothing.
  if (normaliseNumber(number) !== number) throw new TypeError('blindIndex takes a number already normalised by normaliseNumber');
  return createHmac('sha256', key).update(number, 'utf8').digest('hex').slice(0, BLIND_HEX);
}
