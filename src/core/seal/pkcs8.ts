// Writes an encrypted PKCS#8 private key whose passphrase is stretched with scrypt.
//
// Why not Node's own privateKeyEncoding { cipher, passphrase }: it always produces PBES2 with
// PBKDF2-HMAC-SHA256 at 2048 iterations (OpenSSL's default), which a GPU tests at millions of
// guesses a second, and Node offers no way to raise it. This private key opens every recording
// of an organisation, so its file gets a memory-hard KDF. The result is the same standard
// container (RFC 5958 EncryptedPrivateKeyInfo, PBES2 from RFC 8018, scrypt from RFC 7914):
// Node's createPrivateKey and `openssl pkey` read it without any code of ours.
import { createCipheriv, randomBytes, scryptSync } from 'node:crypto';

// OpenSSL refuses to decrypt PKCS#8 whose scrypt needs more than 32 MiB (128·N·r bytes), so
// N = 2^14, r = 8 (16 MiB) is the ceiling; p = 5 buys the cost back in time instead of memory,
// which is one of the scrypt settings OWASP's password storage guidance lists.
export const SCRYPT_PARAMS = { N: 16384, r: 8, p: 5 } as const;

const OID_PBES2 = '1.2.840.113549.1.5.13';
const OID_SCRYPT = '1.3.6.1.4.1.11591.4.11';
const OID_AES256_CBC = '2.16.840.1.101.3.4.1.42';

/** `pkcs8Der` is an unencrypted PKCS#8 PrivateKeyInfo; returns an ENCRYPTED PRIVATE KEY PEM. */
export function encryptPkcs8(pkcs8Der: Buffer, passphrase: string): string {
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const { N, r, p } = SCRYPT_PARAMS;
  // OpenSSL feeds the passphrase bytes to the KDF as they are; Node encodes a string as UTF-8.
  const key = scryptSync(Buffer.from(passphrase, 'utf8'), salt, 32, { N, r, p, maxmem: 64 * 1024 * 1024 });
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const encrypted = Buffer.concat([cipher.update(pkcs8Der), cipher.final()]);

  const der = seq(
    seq(
      oid(OID_PBES2),
      seq(
        seq(oid(OID_SCRYPT), seq(octets(salt), uint(N), uint(r), uint(p))),
        seq(oid(OID_AES256_CBC), octets(iv)),
      ),
    ),
    octets(encrypted),
  );
  const b64 = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${b64}-----END ENCRYPTED PRIVATE KEY-----\n`;
}

// The few DER encoders the structure above needs (X.690 definite-length encoding).
function tlv(tag: number, body: Buffer): Buffer {
  let len: Buffer;
  if (body.length < 0x80) len = Buffer.from([body.length]);
  else {
    const bytes: number[] = [];
    for (let n = body.length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
    len = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), len, body]);
}

function seq(...items: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(items));
}

function octets(b: Buffer): Buffer {
  return tlv(0x04, b);
}

function uint(n: number): Buffer {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  // A leading 1 bit would make the INTEGER negative.
  if (bytes.length === 0 || bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const body: number[] = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const base128: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) base128.unshift((v & 0x7f) | 0x80);
    body.push(...base128);
  }
  return tlv(0x06, Buffer.from(body));
}
