// Every keyspace of the box's LevelDB is declared here, once. Sublevel prefixes keep each
// range apart; within a range, fixed-width hex makes byte order equal numeric order.

export const keyspaces = {
  /** recording id → RecordingRecord (plaintext: only what retention and sync need) */
  recordings: 'rec',
  /** recording id ! chunk index (8 hex digits) → sealed chunk bytes */
  chunks: 'chunk',
  /** seq (16 hex digits) → event waiting for the indexer's ack (src/box/sync/outbox.ts) */
  outbox: 'outbox',
  /** the outbox's boot counter and last acknowledged seq */
  outboxMeta: 'outbox-meta',
  /** reserved for the retention issue: seq (16 hex digits) → hash-chained entry */
  audit: 'audit',
  /** recording id → tombstone without personal data */
  tombstones: 'tomb',
  /** expiry (16 hex digits of ms) ! recording id → '': the sweeper's worklist, in expiry order */
  expiry: 'expiry',
  /** box-wide state that must survive a restart (the sweeper's last run, the disk-rate history) */
  state: 'state',
} as const;

export function expiryKey(expiresAt: number, id: string): string {
  return `${Math.max(0, Math.floor(expiresAt)).toString(16).padStart(16, '0')}!${id}`;
}

/** Every expiry index key due at or before `nowMs`. */
export function expiredRange(nowMs: number): { lt: string } {
  return { lt: `${(Math.floor(nowMs) + 1).toString(16).padStart(16, '0')}` };
}

export function idOfExpiryKey(key: string): string {
  return key.slice(key.indexOf('!') + 1);
}

const INDEX_WIDTH = 8;

export function chunkKey(recordingId: string, index: number): string {
  if (!Number.isInteger(index) || index < 0 || index > 0xffffffff) {
    throw new TypeError(`chunk index must be an integer from 0 to 2^32-1, got ${index}`);
  }
  return `${recordingId}!${index.toString(16).padStart(INDEX_WIDTH, '0')}`;
}

/** The index a chunk key was stored under (what the key says, which a tamperer may have changed). */
export function chunkIndexOf(key: string): number {
  return parseInt(key.slice(key.lastIndexOf('!') + 1), 16);
}

/** Range options covering every chunk of one recording, in index order. */
export function chunkRange(recordingId: string): { gt: string; lt: string } {
  // '!' < '0'…'f' < '"': every chunk key of this id sorts strictly inside.
  return { gt: `${recordingId}!`, lt: `${recordingId}"` };
}
