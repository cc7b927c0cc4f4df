// Listens allowed and logged, each holding its recording's unsealed audio in memory for a while,
// so that the <audio> element's range requests (seeking) are answered without asking the box
// again. A grant is bound to the person and the recording; nothing outlives the process.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import type { AudioSource } from './playback.js';

export interface ListenGrant {
  token: string;
  person: string;
  recording: string;
  purpose: string;
  caseRef: string;
  at: number;
  expiresAt: number;
  ogg: Buffer;
  source: AudioSource;
}

export interface GrantLimits {
  /** how long the audio stays playable after the listen was allowed (default 30 min) */
  ttlMs?: number;
  /** unsealed audio held at most, all grants together; the oldest go first (default 256 MiB) */
  maxBytes?: number;
}

export class ListenGrants {
  private readonly grants = new Map<string, ListenGrant>();
  private readonly ttlMs: number;
  private readonly maxBytes: number;

  constructor(private readonly clock: Clock, limits: GrantLimits = {}) {
    this.ttlMs = limits.ttlMs ?? 30 * 60_000;
    this.maxBytes = limits.maxBytes ?? 256 * 1024 * 1024;
  }

  add(g: Omit<ListenGrant, 'token' | 'at' | 'expiresAt'>): ListenGrant {
    this.prune();
    const at = this.clock.now();
    const grant: ListenGrant = { ...g, token: randomBytes(24).toString('base64url'), at, expiresAt: at + this.ttlMs };
    this.grants.set(grant.token, grant);
    let bytes = 0;
    for (const x of this.grants.values()) bytes += x.ogg.length;
    // Map order is insertion order: the oldest first.
    for (const [token, x] of this.grants) {
      if (bytes <= this.maxBytes || token === grant.token) break;
      bytes -= x.ogg.length;
      this.grants.delete(token);
    }
    return grant;
  }

  /** The grant, only for the person it was given to and the recording it names. */
  get(token: string, person: string, recording: string): ListenGrant | undefined {
    this.prune();
    const g = this.grants.get(token);
    return g && g.person === person && g.recording === recording ? g : undefined;
  }

  /** Someone logged out, or their account changed: their audio goes at once. */
  dropPerson(person: string): void {
    for (const [token, g] of this.grants) if (g.person === person) this.grants.delete(token);
  }

  get size(): number {
    return this.grants.size;
  }

  private prune(): void {
    const now = this.clock.now();
    for (const [token, g] of this.grants) if (g.expiresAt <= now) this.grants.delete(token);
  }
}
