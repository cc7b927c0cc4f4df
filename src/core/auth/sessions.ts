// Server-side sessions of the status page. The cookie holds only the id; everything else
// stays here, so logging out or removing an account ends a session at once.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.js';

export interface Session {
  readonly id: string;
  readonly name: string;
  readonly role: string;
  readonly created: number;
  readonly expires: number;
}

/** Ids are 32 random bytes base64url; expiry is absolute (ttlMs after login, not sliding); the oldest are dropped past `max`. */
export class Sessions {
  // Insertion order is creation order: past `max`, the oldest go first.
  private readonly byId = new Map<string, Session>();

  constructor(private readonly clock: Clock, private readonly ttlMs: number, private readonly max = 1000) {
    if (!Number.isSafeInteger(ttlMs) || ttlMs < 1) throw new TypeError(`Sessions: ttlMs must be a positive whole number, got ${ttlMs}`);
    if (!Number.isSafeInteger(max) || max < 1) throw new TypeError(`Sessions: max must be a positive whole number, got ${max}`);
  }

  create(name: string, role: string): Session {
    const created = this.clock.now();
    const session = Object.freeze({ id: randomBytes(32).toString('base64url'), name, role, created, expires: created + this.ttlMs });
    this.byId.set(session.id, session);
    this.prune();
    for (const id of this.byId.keys()) {
      if (this.byId.size <= this.max) break;
      this.byId.delete(id);
    }
    return session;
  }

  /** The live session of an id; an expired one is removed and gives undefined. */
  get(id: string | undefined): Session | undefined {
    if (typeof id !== 'string') return undefined;
    const session = this.byId.get(id);
    if (!session) return undefined;
    if (this.clock.now() >= session.expires) {
      this.byId.delete(id);
      return undefined;
    }
    return session;
  }

  destroy(id: string): void {
    this.byId.delete(id);
  }

  /** Ends every session of an account (removed, or its password or role changed); how many ended. */
  destroyFor(name: string): number {
    let ended = 0;
    for (const [id, s] of this.byId) {
      if (s.name === name) {
        this.byId.delete(id);
        ended += 1;
      }
    }
    return ended;
  }

  /** Live sessions. */
  get size(): number {
    this.prune();
    return this.byId.size;
  }

  private prune(): void {
    const now = this.clock.now();
    for (const [id, s] of this.byId) if (now >= s.expires) this.byId.delete(id);
  }
}
