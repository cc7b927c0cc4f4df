// Phone numbers for the blind index: one spelling per number, so that `040 123 4567`,
// `+358 40 123 4567` and `00358401234567` find the same calls; then a keyed hash of it, so the
// index finds calls by number without holding the number (DESIGN, "People and rights").
import { createHmac } from 'node:crypto';
import { normaliseNumber } from '../../core/identifiers/phone.js';

// The one normalisation lives in core, where the console's identifier checks use it too.
export { normaliseNumber };

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
