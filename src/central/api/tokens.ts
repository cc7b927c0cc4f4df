// API bearer tokens. A token is 32 random bytes, so an unsalted SHA-256 is all the hashing it
// needs (there is no dictionary to guess from); the config holds only that hash.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { TalError } from '../../core/errors.js';
import { ROLES, type ApiToken, type Principal } from './types.js';

const HEX64 = /^[0-9a-f]{64}$/;
const SITE = /^[a-z0-9][a-z0-9-]{0,62}$/;
// The name travels as a command's `by`, which the box takes only in this shape (a staff user id).
const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
/** RFC 6750 b64token, bounded: anything else is not one of ours and is not hashed */
export const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]{1,256}=*$/;

/** A new token for `tallennin indexer token`: hand out `token`, put `sha256` in the config. */
export function newApiToken(): { token: string; sha256: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, sha256: sha256Hex(token) };
}

export function sha256Hex(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function invalid(message: string): never {
  throw new TalError('TAL_CONFIG_INVALID', message);
}

function checkToken(t: ApiToken, i: number): Principal & { hash: Buffer } {
  const where = `api token ${i + 1}${typeof t?.name === 'string' && t.name ? ` ("${t.name}")` : ''}`;
  if (typeof t.name !== 'string' || !NAME.test(t.name)) invalid(`${where}: name must be 1–64 of A-Z a-z 0-9 . _ @ -, starting with a letter or digit`);
  if (!ROLES.includes(t.role)) invalid(`${where}: role must be one of ${ROLES.join(', ')}`);
  if (typeof t.sha256 !== 'string' || !HEX64.test(t.sha256)) invalid(`${where}: sha256 must be 64 lower-case hex digits (the SHA-256 of the token, never the token)`);
  if (t.sites !== undefined) {
    if (t.role !== 'supervisor') invalid(`${where}: sites applies only to supervisors (a ${t.role} works across all sites)`);
    if (!Array.isArray(t.sites) || t.sites.length === 0) invalid(`${where}: sites must list at least one site; leave it out for all sites`);
    for (const s of t.sites) if (typeof s !== 'string' || !SITE.test(s)) invalid(`${where}: site "${String(s)}" is not a site id`);
  }
  return { name: t.name, role: t.role, ...(t.sites ? { sites: [...t.sites] } : {}), hash: Buffer.from(t.sha256, 'hex') };
}

/** The configured tokens, checked once, matched in constant time. */
export class TokenTable {
  private readonly entries: (Principal & { hash: Buffer })[];

  constructor(tokens: readonly ApiToken[]) {
    this.entries = tokens.map(checkToken);
    const seen = new Set<string>();
    for (const e of this.entries) {
      const key = e.hash.toString('hex');
      if (seen.has(key)) invalid(`api token "${e.name}": the same token hash is configured twice`);
      seen.add(key);
    }
  }

  /** The holder of a presented token, or undefined. Compares against every entry, found or not,
   *  so the time taken says nothing about which (or whether one) matched. */
  find(presented: string): Principal | undefined {
    const hash = createHash('sha256').update(presented, 'utf8').digest();
    let found: Principal | undefined;
    for (const e of this.entries) {
      if (timingSafeEqual(hash, e.hash) && !found) found = e;
    }
    if (!found) return undefined;
    return { name: found.name, role: found.role, ...(found.sites ? { sites: found.sites } : {}) };
  }
}
