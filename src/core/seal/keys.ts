// The controller's X25519 key pair: the box is given only the public half; the private half
// stays with the indexer, encrypted under a passphrase.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, hkdfSync, type KeyObject } from 'node:crypto';
import { TalError } from '../errors.js';
import { encryptPkcs8 } from './pkcs8.js';

export interface PublicSealingKey {
  keyId: string;
  key: KeyObject;
}

export interface PrivateSealingKey {
  keyId: string;
  key: KeyObject;
}

export const MIN_PASSPHRASE_LENGTH = 12;

// DER prefixes of an X25519 SubjectPublicKeyInfo and PrivateKeyInfo (RFC 8410); the raw 32
// bytes follow. Node has no raw import for X25519, and JWK would need the public half too.
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

/** The raw 32-byte X25519 public key of a public key, or of the public half of a private key. */
export function rawPublicKey(k: KeyObject): Buffer {
  requireX25519(k);
  const pub = k.type === 'private' ? createPublicKey(k) : k;
  const der = pub.export({ format: 'der', type: 'spki' });
  return Buffer.from(der.subarray(SPKI_PREFIX.length));
}

/**
 * 16 hex characters of SHA-256 over the raw public key: short enough to read aloud and print on
 * a label, long enough (64 bits) that two controller keys of one organisation never collide.
 */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(rawPublicKey(publicKey)).digest('hex').slice(0, 16);
}

export function x25519PublicFromRaw(raw: Buffer): KeyObject {
  if (raw.length !== 32) throw new TypeError(`an X25519 public key is 32 bytes, got ${raw.length}`);
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** For test vectors: the box and the indexer never hold a raw private key. */
export function x25519PrivateFromRaw(raw: Buffer): KeyObject {
  if (raw.length !== 32) throw new TypeError(`an X25519 private key is 32 bytes, got ${raw.length}`);
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' });
}

export function generateControllerKeys(passphrase: string): { privatePem: string; publicPem: string; keyId: string } {
  checkPassphrase(passphrase);
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  return {
    privatePem: encryptPkcs8(pkcs8, passphrase),
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

function checkPassphrase(passphrase: string): void {
  // Counted in characters a person types, not UTF-16 units.
  const length = [...passphrase].length;
  if (length === 0) {
    throw new TalError('TAL_KEY_PASSPHRASE', 'the passphrase is empty: the private key opens every recording and must never be stored unencrypted');
  }
  if (length < MIN_PASSPHRASE_LENGTH) {
    throw new TalError(
      'TAL_KEY_PASSPHRASE',
      `the passphrase has ${length} characters, fewer than ${MIN_PASSPHRASE_LENGTH}: a stolen key file could be opened by guessing it`,
    );
  }
}

const PEM_LABEL = /-----BEGIN ([A-Z0-9 ]+)-----/g;

function pemLabels(pem: string): string[] {
  return [...pem.matchAll(PEM_LABEL)].map((m) => m[1]!);
}

export function parsePublicKey(pem: string, source: string): PublicSealingKey {
  const labels = pemLabels(pem);
  // Checked before anything else: Node would happily derive a public key from a private one,
  // and the box would then run with the key that opens every recording on its disk.
  if (labels.some((l) => l.includes('PRIVATE KEY'))) {
    throw new TalError(
      'TAL_KEY_INVALID',
      `${source} holds a private key; a private key must never be given to the box, which needs only the controller's public key`,
    );
  }
  if (labels.length !== 1 || labels[0] !== 'PUBLIC KEY') {
    const found = labels.length === 0 ? 'no PEM block' : `PEM blocks ${labels.map((l) => `"${l}"`).join(', ')}`;
    throw new TalError('TAL_KEY_INVALID', `${source} is not a PEM public key: expected one "PUBLIC KEY" block, found ${found}`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch (cause) {
    throw new TalError('TAL_KEY_INVALID', `${source} holds a "PUBLIC KEY" block that does not decode as a public key`, { cause });
  }
  checkKind(key, source);
  return { keyId: keyIdOf(key), key };
}

export function parsePrivateKey(pem: string, passphrase: string, source: string): PrivateSealingKey {
  const labels = pemLabels(pem);
  if (labels.length === 1 && labels[0] === 'PRIVATE KEY') {
    throw new TalError('TAL_KEY_INVALID', `${source} holds an unencrypted private key; it must be stored encrypted under a passphrase`);
  }
  if (labels.length !== 1 || labels[0] !== 'ENCRYPTED PRIVATE KEY') {
    const found = labels.length === 0 ? 'no PEM block' : `PEM blocks ${labels.map((l) => `"${l}"`).join(', ')}`;
    throw new TalError('TAL_KEY_INVALID', `${source} is not an encrypted private key: expected one "ENCRYPTED PRIVATE KEY" block, found ${found}`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem', passphrase });
  } catch (cause) {
    // A wrong passphrase usually fails the CBC padding check, but about one time in 256 it
    // decrypts to garbage that fails as DER instead; both mean the same to the operator.
    throw new TalError('TAL_KEY_PASSPHRASE', `${source} could not be decrypted: the passphrase is wrong, or the file is damaged`, { cause });
  }
  checkKind(key, source);
  return { keyId: keyIdOf(key), key };
}

function checkKind(key: KeyObject, source: string): void {
  if (key.asymmetricKeyType !== 'x25519') {
    throw new TalError('TAL_KEY_INVALID', `${source} holds a key of type ${key.asymmetricKeyType ?? 'unknown'}; a sealing key must be X25519`);
  }
}

function requireX25519(k: KeyObject): void {
  if (k.asymmetricKeyType !== 'x25519') throw new TypeError(`expected an X25519 key, got ${k.asymmetricKeyType ?? k.type}`);
}

/**
 * The key of the indexer's blind number index, derived from the controller's private key
 * (HKDF-SHA-256, its own label): one secret fewer to keep, and the index is as unreadable as
 * the recordings to anyone without that key. After a rotation it stays derived from the key the
 * index was first built with (SealingKeyRing's blindIndexFrom), so earlier calls remain findable.
 */
export function blindIndexKey(k: PrivateSealingKey): Buffer {
  const der = k.key.export({ format: 'der', type: 'pkcs8' });
  const raw = der.subarray(der.length - 32);
  return Buffer.from(hkdfSync('sha256', raw, Buffer.alloc(0), Buffer.from('tallennin blind number index v1'), 32));
}
