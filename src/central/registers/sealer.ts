// Personal data in the registers (a requester's name and contact, identifiers typed by staff),
// sealed exactly as a recording's numbers are: a content key per entry wrapped to the
// controller's public key (ECIES), the value AES-256-GCM under it with the entry's id as its
// additional data. Only the indexer, holding the private key, opens them, and only to show them.
// Deleting the wrapped key destroys the value (crypto-shredding). Identifiers that must be found
// again (a phone number, a personal identity code) also get a blind index: a keyed hash.
// After a key rotation new values are sealed to the current key; older ones still open with the
// previous key their wrapped key names, until they expire.
import { createHmac } from 'node:crypto';
import { newContentKey, openMetadata, SealingKeyRing, sealMetadata, unwrapContentKey, wrapContentKey, type PublicSealingKey, type UnsealingKeys } from '../../core/seal/index.js';

export interface SealedValue {
  /** the content key, wrapped to the controller key (base64) */
  wrappedKey: string;
  /** the value, sealed under it (base64) */
  sealed: string;
}

/** The kinds of identifier a blind index is kept for: one keyed hash space each, so equal digits of two kinds never match. */
export type BlindKind = 'phone' | 'hetu' | 'business-id' | 'person';

export class FieldSealer {
  private readonly keys: SealingKeyRing;
  private readonly sealTo: PublicSealingKey;

  constructor(keys: UnsealingKeys, private readonly blindKey: Buffer) {
    this.keys = SealingKeyRing.of(keys);
    this.sealTo = this.keys.sealTo();
  }

  /** `id` binds the sealed value to its entry: moved to another entry, it does not open. */
  seal(id: string, value: unknown): SealedValue {
    const contentKey = newContentKey();
    try {
      return {
        wrappedKey: wrapContentKey(contentKey, id, this.sealTo).toString('base64'),
        sealed: sealMetadata(contentKey, id, value).toString('base64'),
      };
    } finally {
      contentKey.fill(0);
    }
  }

  open(id: string, v: SealedValue): unknown {
    const contentKey = unwrapContentKey(Buffer.from(v.wrappedKey, 'base64'), id, this.keys);
    try {
      return openMetadata(contentKey, id, Buffer.from(v.sealed, 'base64'));
    } finally {
      contentKey.fill(0);
    }
  }

  /** A keyed hash of an identifier already in its one canonical spelling (32 hex digits). */
  blind(kind: BlindKind, canonical: string): string {
    return createHmac('sha256', this.blindKey).update(`register:${kind}:${canonical}`, 'utf8').digest('hex').slice(0, 32);
  }
}
