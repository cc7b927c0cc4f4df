// ECIES wrap of a recording's content key to the controller's public key. The box can wrap but
// never unwrap: once a recording is closed and its content key dropped from memory, only the
// holder of the private key can read it again, and deleting the wrapped key destroys it.
import { createCipheriv, createDecipheriv, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import { TalError } from '../errors.js';
import { keyIdOf, rawPublicKey, x25519PublicFromRaw, type PrivateSealingKey, type PublicSealingKey } from './keys.js';
import { SealingKeyRing, type UnsealingKeys } from './ring.js';

export const WRAP_VERSION = 0x01;
const KEY_ID_BYTES = 8;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const CONTENT_KEY_BYTES = 32;
/** version ‖ key id ‖ ephemeral public key ‖ nonce ‖ encrypted content key ‖ tag */
export const WRAPPED_KEY_BYTES = 1 + KEY_ID_BYTES + 32 + NONCE_BYTES + CONTENT_KEY_BYTES + TAG_BYTES;

const INFO_LABEL = Buffer.from('tallennin/v1/content-key', 'ascii');
const AAD_LABEL = Buffer.from('tallennin/v1/wrap', 'ascii');

/** HKDF input `info`: binds the derived key to one recording, so a wrapped key cannot be moved to another. */
export function wrapInfo(recordingId: string): Buffer {
  return Buffer.concat([INFO_LABEL, Buffer.from([0x00]), Buffer.from(recordingId, 'utf8')]);
}

/** AES-GCM additional data; key id and label have fixed lengths, so the recording id is simply the rest. */
export function wrapAad(keyId: string, recordingId: string): Buffer {
  return Buffer.concat([AAD_LABEL, Buffer.from(keyId, 'ascii'), Buffer.from(recordingId, 'utf8')]);
}

/** Salt = both public keys, so the key encryption key is tied to this exact pair (as in RFC 9180's KEM context). */
export function deriveKek(shared: Buffer, ephemeralPublic: Buffer, controllerPublic: Buffer, recordingId: string): Buffer {
  const salt = Buffer.concat([ephemeralPublic, controllerPublic]);
  return Buffer.from(hkdfSync('sha256', shared, salt, wrapInfo(recordingId), 32));
}

export function wrapContentKey(
  contentKey: Buffer,
  recordingId: string,
  to: PublicSealingKey,
  fixed?: { ephemeralPrivate?: KeyObject; nonce?: Buffer },
): Buffer {
  if (contentKey.length !== CONTENT_KEY_BYTES) throw new TypeError(`a content key is ${CONTENT_KEY_BYTES} bytes, got ${contentKey.length}`);
  checkRecordingId(recordingId);
  // The key id travels in the clear and in the AAD; recompute it so a mislabelled key cannot
  // produce a wrapped key that names the wrong controller key.
  const keyId = keyIdOf(to.key);
  if (keyId !== to.keyId) throw new TypeError(`public key is labelled ${to.keyId} but its key id is ${keyId}`);
  // `fixed` exists only so docs/sealing.md can carry a reproducible test vector.
  const ephemeral = fixed?.ephemeralPrivate ?? generateKeyPairSync('x25519').privateKey;
  const nonce = fixed?.nonce ?? randomBytes(NONCE_BYTES);
  if (nonce.length !== NONCE_BYTES) throw new TypeError(`the wrap nonce is ${NONCE_BYTES} bytes, got ${nonce.length}`);

  const ephemeralPublic = rawPublicKey(ephemeral);
  // OpenSSL refuses an all-zero shared secret (a low-order controller key) by throwing here.
  const shared = diffieHellman({ privateKey: ephemeral, publicKey: to.key });
  const kek = deriveKek(shared, ephemeralPublic, rawPublicKey(to.key), recordingId);

  const cipher = createCipheriv('aes-256-gcm', kek, nonce);
  cipher.setAAD(wrapAad(keyId, recordingId));
  const ciphertext = Buffer.concat([cipher.update(contentKey), cipher.final()]);
  return Buffer.concat([
    Buffer.from([WRAP_VERSION]),
    Buffer.from(keyId, 'hex'),
    ephemeralPublic,
    nonce,
    ciphertext,
    cipher.getAuthTag(),
  ]);
}

/** The key id a wrapped content key names: the controller key it was wrapped to. */
export function wrappedKeyId(wrapped: Buffer): string {
  if (wrapped.length === 0) throw new TalError('TAL_SEAL_FORMAT', 'the wrapped content key is empty');
  if (wrapped[0] !== WRAP_VERSION) {
    throw new TalError('TAL_SEAL_FORMAT', `the wrapped content key has format version ${wrapped[0]}; this build reads version ${WRAP_VERSION}`);
  }
  if (wrapped.length !== WRAPPED_KEY_BYTES) {
    throw new TalError('TAL_SEAL_FORMAT', `a version ${WRAP_VERSION} wrapped content key is ${WRAPPED_KEY_BYTES} bytes, this one is ${wrapped.length}`);
  }
  return wrapped.subarray(1, 1 + KEY_ID_BYTES).toString('hex');
}

/**
 * The one private key that can open `wrapped`: a ring's key with its key id, or the lone key
 * given (whose mismatch unwrapContentKey reports). For callers that hand a single key on.
 */
export function keyForWrapped(keys: UnsealingKeys, wrapped: Buffer): PrivateSealingKey {
  return keys instanceof SealingKeyRing ? keys.forKeyId(wrappedKeyId(wrapped)) : keys;
}

export function unwrapContentKey(wrapped: Buffer, recordingId: string, keys: UnsealingKeys): Buffer {
  checkRecordingId(recordingId);
  const keyId = wrappedKeyId(wrapped);
  const key = keys instanceof SealingKeyRing ? keys.forKeyId(keyId) : keys;
  let at = 1 + KEY_ID_BYTES;
  const take = (n: number): Buffer => wrapped.subarray(at, (at += n));
  const ephemeralPublic = take(32);
  const nonce = take(NONCE_BYTES);
  const ciphertext = take(CONTENT_KEY_BYTES);
  const tag = take(TAG_BYTES);

  if (keyId !== key.keyId) {
    throw new TalError('TAL_SEAL_WRONG_KEY', `the content key was wrapped to controller key ${keyId}, but the private key given is ${key.keyId}`);
  }
  let shared: Buffer;
  try {
    shared = diffieHellman({ privateKey: key.key, publicKey: x25519PublicFromRaw(ephemeralPublic) });
  } catch (cause) {
    // Only a low-order ephemeral key gets here, and only by tampering: the box never makes one.
    throw new TalError('TAL_SEAL_WRONG_KEY', `the wrapped content key of ${recordingId} carries an invalid ephemeral key: it was altered`, { cause });
  }
  const kek = deriveKek(shared, ephemeralPublic, rawPublicKey(key.key), recordingId);
  const decipher = createDecipheriv('aes-256-gcm', kek, nonce);
  decipher.setAAD(wrapAad(keyId, recordingId));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch (cause) {
    throw new TalError(
      'TAL_SEAL_WRONG_KEY',
      `the content key of ${recordingId} failed authentication under controller key ${key.keyId}: the private key does not match, the wrapped key belongs to another recording, or it was altered`,
      { cause },
    );
  }
}

function checkRecordingId(recordingId: string): void {
  if (recordingId.length === 0) throw new TypeError('the recording id is empty');
}
