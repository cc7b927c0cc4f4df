// The recording sealing format; docs/sealing.md describes every byte for auditors.
export {
  type PublicSealingKey,
  type PrivateSealingKey,
  MIN_PASSPHRASE_LENGTH,
  keyIdOf,
  rawPublicKey,
  generateControllerKeys,
  parsePublicKey,
  parsePrivateKey,
  blindIndexKey,
} from './keys.js';
export { WRAP_VERSION, WRAPPED_KEY_BYTES, wrapContentKey, unwrapContentKey, wrappedKeyId, keyForWrapped } from './envelope.js';
export { SealingKeyRing, type RingOptions, type UnsealingKeys, blindKeyFingerprint } from './ring.js';
export { CHUNK_VERSION, newContentKey, sealChunk, openChunk, sealMetadata, openMetadata } from './chunk.js';
export { packPackets, unpackPackets } from './packets.js';
