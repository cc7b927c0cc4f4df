// The indexer's controller keys after a rotation: the current key, which everything new is
// sealed to, and previous keys, which still open what boxes sealed before they switched. The
// key is picked by the key id the wrapped key carries, never by trying each in turn: a miss then
// names the key id that is missing instead of looking like an altered recording.
import { createHash, createPublicKey } from 'node:crypto';
import { TalError } from '../errors.js';
import { blindIndexKey, keyIdOf, type PrivateSealingKey, type PublicSealingKey } from './keys.js';

export interface RingOptions {
  /**
   * The key id of the key the blind index key is derived from (default: the current key's).
   * It must not change while the index holds anything: every number already indexed would
   * stop being found. After a rotation it is therefore usually a previous key's.
   */
  blindIndexFrom?: string;
}

export class SealingKeyRing {
  readonly previous: readonly PrivateSealingKey[];
  readonly blindIndexFrom: string;
  private readonly byId = new Map<string, PrivateSealingKey>();

  constructor(readonly current: PrivateSealingKey, previous: readonly PrivateSealingKey[] = [], o: RingOptions = {}) {
    this.previous = [...previous];
    for (const k of [current, ...previous]) {
      // The same key twice is a config mistake (a copied file); refusing it keeps `keyIds` honest.
      if (this.byId.has(k.keyId)) throw new TalError('TAL_KEY_INVALID', `controller key ${k.keyId} is given twice`);
      this.byId.set(k.keyId, k);
    }
    this.blindIndexFrom = o.blindIndexFrom ?? current.keyId;
    if (!this.byId.has(this.blindIndexFrom)) {
      throw new TalError('TAL_KEY_INVALID', `the blind index key is to be derived from controller key ${this.blindIndexFrom}, which is not among the keys held (${this.describe()})`);
    }
  }

  /** A lone key as a ring of one: what callers that accept either work with. */
  static of(keys: PrivateSealingKey | SealingKeyRing): SealingKeyRing {
    return keys instanceof SealingKeyRing ? keys : new SealingKeyRing(keys);
  }

  /** Every key id held, the current one first. Key ids are not secret: they go to logs and the audit log. */
  get keyIds(): string[] {
    return [...this.byId.keys()];
  }

  /** The private key with this key id, or TAL_SEAL_WRONG_KEY naming it and the ones held. */
  forKeyId(keyId: string): PrivateSealingKey {
    const key = this.byId.get(keyId);
    if (key) return key;
    throw new TalError(
      'TAL_SEAL_WRONG_KEY',
      `the content key was wrapped to controller key ${keyId}, which is not among the keys held (${this.describe()}): if it is an earlier controller key, list its file under keys.previous`,
    );
  }

  /** The public half of the current key: what new things are sealed to. */
  sealTo(): PublicSealingKey {
    const key = createPublicKey(this.current.key);
    return { key, keyId: keyIdOf(key) };
  }

  /** The key of the blind indexes (call numbers, register identifiers): the same across rotations. */
  blindIndexKey(): Buffer {
    return blindIndexKey(this.byId.get(this.blindIndexFrom)!);
  }

  private describe(): string {
    const previous = this.previous.map((k) => k.keyId);
    return `current ${this.current.keyId}; ${previous.length > 0 ? `previous ${previous.join(', ')}` : 'no previous keys'}`;
  }
}

/** One key or a ring: what opening a wrapped key takes. */
export type UnsealingKeys = PrivateSealingKey | SealingKeyRing;

/**
 * What an index may store to recognise its blind index key again: a hash under its own label,
 * from which the key cannot be recovered (it is 32 bytes of HKDF output, not a guessable word).
 */
export function blindKeyFingerprint(blindKey: Buffer): string {
  return createHash('sha256').update('tallennin blind index key fingerprint v1\0').update(blindKey).digest('hex').slice(0, 32);
}
