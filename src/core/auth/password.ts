// Password policy and hashing for personal accounts (R9). scrypt from node's own crypto.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { formatHash, memoryOf, parseHash, SCRYPT, type ScryptHash } from './hash-format.js';
import { weakness } from './weak.js';

export const MIN_PASSWORD_LENGTH = 12;

// A password typed on two keyboards may arrive composed or decomposed ("é" or "e" + "◌́"):
// policy and hash see one form, so the same typing always verifies.
const normal = (password: string) => password.normalize('NFC');

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Why a password is refused, or undefined: shorter than 12 characters (counted as a person
 * types them), the account name in it, one character repeated, or a well-known weak one.
 * The reason never quotes the password.
 */
export function passwordProblem(password: string, name?: string): string | undefined {
  if (typeof password !== 'string') return 'it is missing';
  const chars = [...graphemes.segment(normal(password))].map((s) => s.segment);
  if (chars.length < MIN_PASSWORD_LENGTH) {
    return `it is shorter than ${MIN_PASSWORD_LENGTH} characters (it has ${chars.length})`;
  }
  return weakness(chars, name);
}

/** `scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>` with a fresh 16-byte salt. */
export async function hashPassword(password: string): Promise<string> {
  if (typeof password !== 'string') throw new TypeError('hashPassword: the password must be a string');
  const salt = randomBytes(SCRYPT.saltBytes);
  const hash = await derive(password, { ...SCRYPT, salt, hash: Buffer.alloc(SCRYPT.hashBytes) });
  return formatHash({ ...SCRYPT, salt, hash });
}

/** Constant-time compare; a malformed or unknown-format stored hash gives false, never throws. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed || typeof password !== 'string') return verifyNothing(typeof password === 'string' ? password : '');
  try {
    return timingSafeEqual(await derive(password, parsed), parsed.hash);
  } catch {
    return false;
  }
}

// One salt per process: verifyNothing must cost what a verification costs, not reveal a fixed answer.
const NOTHING: ScryptHash = { ...SCRYPT, salt: randomBytes(SCRYPT.saltBytes), hash: Buffer.alloc(SCRYPT.hashBytes) };

/** Spends what a real verification spends, for a name with no account: timing does not tell which names exist. */
export async function verifyNothing(password: string): Promise<false> {
  try {
    const key = await derive(typeof password === 'string' ? password : '', NOTHING);
    timingSafeEqual(key, NOTHING.hash);
  } catch {
    // nothing to tell: the answer is false either way
  }
  return false;
}

function derive(password: string, h: ScryptHash): Promise<Buffer> {
  const { N, r, p } = h;
  return new Promise((resolve, reject) => {
    scrypt(normal(password), h.salt, h.hash.length, { N, r, p, maxmem: memoryOf(N, r, p) + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}
