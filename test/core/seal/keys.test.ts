import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { isTalError } from '../../../src/core/errors.js';
import {
  generateControllerKeys,
  keyIdOf,
  parsePrivateKey,
  parsePublicKey,
  rawPublicKey,
  x25519PrivateFromRaw,
  x25519PublicFromRaw,
} from '../../../src/core/seal/keys.js';

const passphrase = 'correct horse battery staple';
const keys = generateControllerKeys(passphrase);

function refused(t: Test, fn: () => unknown, code: 'TAL_KEY_INVALID' | 'TAL_KEY_PASSPHRASE', ...words: (string | RegExp)[]): void {
  try {
    fn();
    t.fail(`expected ${code}`);
  } catch (err) {
    t.ok(isTalError(err, code), `${code}: ${(err as Error).message}`);
    for (const w of words) t.match((err as Error).message, w);
  }
}

t.test('generated keys: encrypted PKCS#8 and SPKI PEM, one key id across both halves', async (t) => {
  t.match(keys.privatePem, /^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
  t.match(keys.publicPem, /^-----BEGIN PUBLIC KEY-----\n/);
  t.match(keys.keyId, /^[0-9a-f]{16}$/);
  const pub = parsePublicKey(keys.publicPem, 'controller.pub');
  const priv = parsePrivateKey(keys.privatePem, passphrase, 'controller.key');
  t.equal(pub.keyId, keys.keyId);
  t.equal(priv.keyId, keys.keyId);
  t.equal(keyIdOf(priv.key), keys.keyId);
  t.equal(rawPublicKey(pub.key).length, 32);
  t.same(rawPublicKey(priv.key), rawPublicKey(pub.key));
});

t.test('the private key file is stretched with scrypt, not PBKDF2', async (t) => {
  const der = Buffer.from(keys.privatePem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const scryptOid = Buffer.from('06092b06010401da47040b', 'hex'); // 1.3.6.1.4.1.11591.4.11
  const pbkdf2Oid = Buffer.from('06092a864886f70d01050c', 'hex'); // 1.2.840.113549.1.5.12
  t.ok(der.includes(scryptOid));
  t.notOk(der.includes(pbkdf2Oid));
});

const openssl = spawnSync('openssl', ['version']);
const noOpenssl = openssl.error !== undefined || openssl.status !== 0;

t.test('openssl reads the private key file with the passphrase alone', { skip: noOpenssl && 'openssl is not installed' }, async (t) => {
  const out = spawnSync('openssl', ['pkey', '-passin', 'stdin', '-pubout'], { input: `${passphrase}\n${keys.privatePem}` });
  t.equal(out.status, 0, out.stderr.toString());
  t.equal(out.stdout.toString(), keys.publicPem);
});

t.test('key id is the first 16 hex of SHA-256 over the raw public key', async (t) => {
  const raw = Buffer.alloc(32, 9); // RFC 7748 base point, a valid public key
  const { createHash } = await import('node:crypto');
  t.equal(keyIdOf(x25519PublicFromRaw(raw)), createHash('sha256').update(raw).digest('hex').slice(0, 16));
  t.same(rawPublicKey(x25519PublicFromRaw(raw)), raw);
  t.throws(() => x25519PublicFromRaw(Buffer.alloc(31)), TypeError);
  t.throws(() => x25519PrivateFromRaw(Buffer.alloc(33)), TypeError);
  t.throws(() => rawPublicKey(generateKeyPairSync('ed25519').publicKey), TypeError);
});

t.test('passphrases that are empty or shorter than 12 characters are refused, saying why', async (t) => {
  refused(t, () => generateControllerKeys(''), 'TAL_KEY_PASSPHRASE', /empty/, /unencrypted/);
  refused(t, () => generateControllerKeys('elevenchars'), 'TAL_KEY_PASSPHRASE', /11 characters/, /fewer than 12/);
  // Counted as characters typed: 11 emoji are 22 UTF-16 units but still too short.
  refused(t, () => generateControllerKeys('🔑'.repeat(11)), 'TAL_KEY_PASSPHRASE', /11 characters/);
  const ok = generateControllerKeys('twelve chars');
  t.equal(parsePrivateKey(ok.privatePem, 'twelve chars', 'k').keyId, ok.keyId);
});

t.test('a non-ASCII passphrase round-trips', async (t) => {
  const p = 'äänitys-öljyä-å 😀';
  const k = generateControllerKeys(p);
  t.equal(parsePrivateKey(k.privatePem, p, 'k').keyId, k.keyId);
  refused(t, () => parsePrivateKey(k.privatePem, p.normalize('NFD'), 'k'), 'TAL_KEY_PASSPHRASE');
});

t.test('parsePublicKey refuses everything but an X25519 public key, naming the source', async (t) => {
  const src = '/etc/tallennin/controller.pub';
  refused(t, () => parsePublicKey(keys.privatePem, src), 'TAL_KEY_INVALID', src, /private key must never be given to the box/);
  const plainPrivate = generateKeyPairSync('x25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  refused(t, () => parsePublicKey(plainPrivate, src), 'TAL_KEY_INVALID', src, /private key must never be given to the box/);
  // A file that holds both halves must be refused too, not read for its public block.
  refused(t, () => parsePublicKey(keys.publicPem + plainPrivate, src), 'TAL_KEY_INVALID', /must never be given to the box/);
  const ed = generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' }).toString();
  refused(t, () => parsePublicKey(ed, src), 'TAL_KEY_INVALID', src, /ed25519/, /X25519/);
  const x448 = generateKeyPairSync('x448').publicKey.export({ format: 'pem', type: 'spki' }).toString();
  refused(t, () => parsePublicKey(x448, src), 'TAL_KEY_INVALID', /x448/);
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
  refused(t, () => parsePublicKey(rsa, src), 'TAL_KEY_INVALID', /rsa/);
  refused(t, () => parsePublicKey('', src), 'TAL_KEY_INVALID', src, /no PEM block/);
  refused(t, () => parsePublicKey('hello, world\n', src), 'TAL_KEY_INVALID', /no PEM block/);
  refused(t, () => parsePublicKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n', src), 'TAL_KEY_INVALID', /does not decode/);
  refused(t, () => parsePublicKey(keys.publicPem + keys.publicPem, src), 'TAL_KEY_INVALID', /expected one "PUBLIC KEY" block/);
  refused(t, () => parsePublicKey(keys.publicPem.replace(/PUBLIC KEY/g, 'CERTIFICATE'), src), 'TAL_KEY_INVALID', /"CERTIFICATE"/);
});

t.test('parsePrivateKey: wrong passphrase, wrong kind, unencrypted', async (t) => {
  const src = 'controller.key';
  refused(t, () => parsePrivateKey(keys.privatePem, 'not the passphrase', src), 'TAL_KEY_PASSPHRASE', src, /passphrase is wrong/);
  refused(t, () => parsePrivateKey(keys.privatePem, '', src), 'TAL_KEY_PASSPHRASE');
  const edEncrypted = generateKeyPairSync('ed25519').privateKey
    .export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase })
    .toString();
  refused(t, () => parsePrivateKey(edEncrypted, passphrase, src), 'TAL_KEY_INVALID', src, /ed25519/);
  const plain = generateKeyPairSync('x25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  refused(t, () => parsePrivateKey(plain, passphrase, src), 'TAL_KEY_INVALID', /unencrypted/);
  refused(t, () => parsePrivateKey(keys.publicPem, passphrase, src), 'TAL_KEY_INVALID', /"PUBLIC KEY"/);
  refused(t, () => parsePrivateKey('garbage', passphrase, src), 'TAL_KEY_INVALID', /no PEM block/);
  const damaged = keys.privatePem.replace(/\n([A-Za-z0-9+/]{10})/, (_m, s: string) => `\n${s.split('').reverse().join('')}`);
  refused(t, () => parsePrivateKey(damaged, passphrase, src), 'TAL_KEY_PASSPHRASE', /damaged/);
});

t.test("Node's own PBKDF2-encrypted PKCS#8 is still read", async (t) => {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase }).toString();
  t.equal(parsePrivateKey(pem, passphrase, 'k').keyId, keyIdOf(publicKey));
});
