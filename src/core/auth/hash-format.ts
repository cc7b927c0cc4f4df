// The stored form of a password hash: `scrypt$<N>$<r>$<p>$<salt>$<hash>` (standard base64).
// The cost travels with each hash, so raising it later leaves older hashes verifiable.

/** What this build writes: 2^15 × 8 costs 32 MiB and about 70 ms per verification on a box. */
export const SCRYPT = Object.freeze({ N: 2 ** 15, r: 8, p: 1, saltBytes: 16, hashBytes: 32 });

export interface ScryptHash {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

const FORMAT = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

// A stored hash is read from a file: bounds keep an edited one from making a login allocate
// gigabytes or spend minutes, and refuse costs far below what this build writes.
const MIN_N = 2 ** 14;
const MAX_N = 2 ** 20;
const MAX_MEMORY = 256 * 1024 * 1024;

/** The parts of a stored hash, or undefined when it is not one this build can check. */
export function parseHash(stored: unknown): ScryptHash | undefined {
  if (typeof stored !== 'string') return undefined;
  const m = FORMAT.exec(stored);
  if (!m) return undefined;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (N < MIN_N || N > MAX_N || (N & (N - 1)) !== 0) return undefined;
  if (r < 1 || p < 1 || p > 16 || memoryOf(N, r, p) > MAX_MEMORY) return undefined;
  const salt = canonicalBase64(m[4]!);
  const hash = canonicalBase64(m[5]!);
  if (!salt || salt.length < 16 || salt.length > 64 || !hash || hash.length !== SCRYPT.hashBytes) return undefined;
  return { N, r, p, salt, hash };
}

export function formatHash(h: ScryptHash): string {
  return `scrypt$${h.N}$${h.r}$${h.p}$${h.salt.toString('base64')}$${h.hash.toString('base64')}`;
}

/** OpenSSL's own account of scrypt's memory (its maxmem check); node's default limit is below 2^15 × 8. */
export function memoryOf(N: number, r: number, p: number): number {
  return 128 * r * (N + p + 2);
}

// Buffer.from(…, 'base64') skips what it cannot read: accept only text it would write back unchanged.
function canonicalBase64(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}
