// What the index itself relies on in an event: the fields that become keys or sort orders. A box
// is not trusted to send them well-formed, and a malformed key part could reach another range.
import { EVENT_KINDS, type EventMessage } from '../../core/protocol/messages.js';
import { KEY_PART } from './keys.js';

const DIRECTIONS = new Set(['incoming', 'outgoing', 'unknown']);
const DELETE_REASONS = new Set(['expired', 'early-deletion']);

/** Throws a TypeError naming the first field the index cannot use. */
export function checkEvent(site: string, box: string, event: EventMessage): void {
  keyPart('site', site);
  keyPart('box', box);
  if (typeof event !== 'object' || event === null) throw new TypeError('event: not an object');
  if (!Number.isSafeInteger(event.seq) || event.seq < 1) throw new TypeError('seq: must be a positive integer');
  if (!EVENT_KINDS.includes(event.kind)) throw new TypeError(`kind: must be one of ${EVENT_KINDS.join(', ')}`);
  const b = event.body as unknown as Record<string, unknown>;
  if (typeof b !== 'object' || b === null) throw new TypeError('body: not an object');
  keyPart('body.id', b.id);
  switch (event.kind) {
    case 'recording':
      keyPart('body.line', b.line);
      time('body.start', b.start);
      time('body.end', b.end);
      time('body.expiresAt', b.expiresAt);
      if (!DIRECTIONS.has(b.direction as string)) throw new TypeError('body.direction: must be incoming, outgoing or unknown');
      if (!Array.isArray(b.holds)) throw new TypeError('body.holds: must be a list');
      if (typeof b.wrappedKey !== 'string') throw new TypeError('body.wrappedKey: must be a string');
      return;
    case 'expiry':
      time('body.expiresAt', b.expiresAt);
      if (!Array.isArray(b.holds)) throw new TypeError('body.holds: must be a list');
      return;
    case 'deleted':
      time('body.expiresAt', b.expiresAt);
      time('body.deletedAt', b.deletedAt);
      if (!DELETE_REASONS.has(b.reason as string)) throw new TypeError('body.reason: must be expired or early-deletion');
      return;
  }
}

function keyPart(field: string, v: unknown): void {
  if (typeof v !== 'string' || !KEY_PART.test(v)) throw new TypeError(`${field}: must be 1 to 128 letters, digits, '.', '_', ':' or '-'`);
}

function time(field: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new TypeError(`${field}: must be a time in ms since the epoch`);
}
