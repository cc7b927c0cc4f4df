// The central command key: Ed25519, its private half encrypted under a passphrase exactly as the
// controller's sealing key is (PBES2, scrypt, AES-256-CBC), kept with the indexer only.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { TalError } from '../errors.js';
import { encryptPkcs8 } from '../seal/pkcs8.js';
import { MIN_PASSPHRASE_LENGTH } from '../seal/keys.js';
import { keyIdOfCommandKey } from './command.js';

export function generateCommandKeyFiles(passphrase: string): { privatePem: string; publicPem: string; keyId: string } {
  if ([...passphrase].length < MIN_PASSPHRASE_LENGTH) {
    throw new TalError('TAL_KEY_PASSPHRASE', `the passphrase must be at least ${MIN_PASSPHRASE_LENGTH} characters: the command key can destroy recordings on every box`);
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: encryptPkcs8(privateKey.export({ format: 'der', type: 'pkcs8' }), passphrase),
    publicPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    keyId: keyIdOfCommandKey(publicKey),
  };
}

export function parseCommandPrivateKey(pem: string, passphrase: string, source: string): { key: KeyObject; keyId: string } {
  if (!pem.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----')) {
    throw new TalError('TAL_KEY_INVALID', `${source} is not an encrypted private key: the command key must be stored encrypted under a passphrase`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem', passphrase });
  } catch (cause) {
    throw new TalError('TAL_KEY_PASSPHRASE', `${source} could not be decrypted: the passphrase is wrong, or the file is damaged`, { cause });
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new TalError('TAL_KEY_INVALID', `${source} holds a ${key.asymmetricKeyType} key; the command key is Ed25519`);
  return { key, keyId: keyIdOfCommandKey(createPublicKey(key)) };
}
