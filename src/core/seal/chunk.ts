// Authenticated encryption of a recording's audio chunks and its identifying metadata under the
// recording's content key. Nonces are counters, not random: one content key per recording, and
// (domain, counter) never repeats within it, so GCM's nonce-reuse failure cannot occur.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { TalError } from '../errors.js';

export const CHUNK_VERSION = 0x01;
const TAG_BYTES = 16;
const CONTENT_KEY_BYTES = 32;

/** The first 4 nonce bytes keep audio and metadata counters apart under one content key. */
export const DOMAIN_AUDIO = 0x00000001;
export const DOMAIN_METADATA = 0x00000002;

const CHUNK_LABEL = Buffer.from('tallennin/v1/chunk', 'ascii');
const META_LABEL = Buffer.from('tallennin/v1/meta', 'ascii');

export function newContentKey(): Buffer {
  return randomBytes(CONTENT_KEY_BYTES);
}

/** 12-byte GCM nonce: uint32 BE domain ‖ uint64 BE counter. */
export function nonceFor(domain: number, counter: number): Buffer {
  checkCounter(counter, 'counter');
  const nonce = Buffer.alloc(12);
  nonce.writeUInt32BE(domain, 0);
  nonce.writeBigUInt64BE(BigInt(counter), 4);
  return nonce;
}

/**
 * The nonce already fixes the index, but GCM would still accept a chunk under a nonce chosen by
 * whoever asks; putting recording id, index and final flag in the AAD makes a chunk moved to
 * another recording or place, or a non-final chunk passed off as the last one, fail to open.
 * The recording id is length-prefixed because fields follow it.
 */
export function chunkAad(recordingId: string, index: number, final: boolean): Buffer {
  checkCounter(index, 'chunk index');
  const id = recordingIdBytes(recordingId);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(id.length);
  const idx = Buffer.alloc(8);
  idx.writeBigUInt64BE(BigInt(index));
  return Buffer.concat([CHUNK_LABEL, len, id, idx, Buffer.from([final ? 0x01 : 0x00])]);
}

/** The recording id is the tail of the metadata AAD, so it needs no length prefix. */
export function metadataAad(recordingId: string): Buffer {
  return Buffer.concat([META_LABEL, recordingIdBytes(recordingId)]);
}

export function sealChunk(contentKey: Buffer, recordingId: string, index: number, final: boolean, plaintext: Buffer): Buffer {
  return seal(contentKey, nonceFor(DOMAIN_AUDIO, index), chunkAad(recordingId, index, final), plaintext);
}

/**
 * Returns undefined when the chunk does not authenticate as chunk `index` (final or not) of this
 * recording: the caller tries neighbouring indexes and the other final flag to tell a missing,
 * reordered, altered or truncated recording apart, which one failed open cannot.
 */
export function openChunk(contentKey: Buffer, recordingId: string, index: number, final: boolean, sealed: Buffer): Buffer | undefined {
  return open(contentKey, nonceFor(DOMAIN_AUDIO, index), chunkAad(recordingId, index, final), sealed, 'chunk');
}

/**
 * Metadata is sealed once per recording at counter 0. Whoever re-seals it under the same content
 * key (a rectification at the indexer) must pass a higher `version` each time and store it
 * beside the blob: the same counter twice would reuse a GCM nonce and expose both plaintexts.
 */
export function sealMetadata(contentKey: Buffer, recordingId: string, value: unknown, version = 0): Buffer {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('metadata must be JSON-serialisable');
  return seal(contentKey, nonceFor(DOMAIN_METADATA, version), metadataAad(recordingId), Buffer.from(json, 'utf8'));
}

export function openMetadata(contentKey: Buffer, recordingId: string, sealed: Buffer, version = 0): unknown {
  const plaintext = open(contentKey, nonceFor(DOMAIN_METADATA, version), metadataAad(recordingId), sealed, 'metadata');
  if (plaintext === undefined) {
    throw new TalError(
      'TAL_SEAL_AUTH_FAILED',
      `the metadata of ${recordingId} (version ${version}) failed authentication: it was altered, belongs to another recording or version, or the content key is wrong`,
    );
  }
  try {
    return JSON.parse(plaintext.toString('utf8'));
  } catch (cause) {
    // Authentic but not JSON: written by something other than sealMetadata.
    throw new TalError('TAL_SEAL_FORMAT', `the metadata of ${recordingId} is authentic but not JSON`, { cause });
  }
}

function seal(contentKey: Buffer, nonce: Buffer, aad: Buffer, plaintext: Buffer): Buffer {
  checkContentKey(contentKey);
  const cipher = createCipheriv('aes-256-gcm', contentKey, nonce);
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([CHUNK_VERSION]), ciphertext, cipher.getAuthTag()]);
}

function open(contentKey: Buffer, nonce: Buffer, aad: Buffer, sealed: Buffer, what: string): Buffer | undefined {
  checkContentKey(contentKey);
  if (sealed.length < 1 + TAG_BYTES) {
    throw new TalError('TAL_SEAL_FORMAT', `a sealed ${what} is at least ${1 + TAG_BYTES} bytes, this one is ${sealed.length}`);
  }
  if (sealed[0] !== CHUNK_VERSION) {
    throw new TalError('TAL_SEAL_FORMAT', `the sealed ${what} has format version ${sealed[0]}; this build reads version ${CHUNK_VERSION}`);
  }
  const decipher = createDecipheriv('aes-256-gcm', contentKey, nonce);
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(1, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return undefined;
  }
}

function checkCounter(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new TypeError(`the ${what} must be a non-negative safe integer, got ${n}`);
}

function checkContentKey(contentKey: Buffer): void {
  if (contentKey.length !== CONTENT_KEY_BYTES) throw new TypeError(`a content key is ${CONTENT_KEY_BYTES} bytes, got ${contentKey.length}`);
}

function recordingIdBytes(recordingId: string): Buffer {
  const id = Buffer.from(recordingId, 'utf8');
  if (id.length === 0 || id.length > 0xffff) throw new TypeError(`the recording id must be 1 to 65535 bytes, got ${id.length}`);
  return id;
}
