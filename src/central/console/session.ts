// The console's sessions live in the indexer's memory (core/auth Sessions); the browser holds a
// random id in an HttpOnly, SameSite=Strict cookie scoped to /console that expires with the
// session (absolute, not sliding). Between the password and the one-time code a login is
// "pending": a second random id, good for one code and five minutes, that is no session yet.
// Every login makes new ids, so an id planted before the login (session fixation) is worthless.
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Session, Sessions } from '../../core/auth/index.js';
import type { Clock } from '../../core/clock.js';

const CONSOLE_PATH = '/console';
const COOKIES = { session: 'tallennin-console', pending: 'tallennin-console-login', lang: 'tallennin-lang' } as const;
const PENDING_MS = 5 * 60_000;

export interface CookieNames {
  session: string;
  pending: string;
  lang: string;
  secure: boolean;
}

/** Behind TLS the cookies are Secure and take the __Host- prefix (which requires path /). */
export function cookieNames(secure: boolean): CookieNames {
  const prefix = secure ? '__Host-' : '';
  return { session: prefix + COOKIES.session, pending: prefix + COOKIES.pending, lang: prefix + COOKIES.lang, secure };
}

function cookieOptions(names: CookieNames, expires?: number) {
  return { path: names.secure ? '/' : CONSOLE_PATH, httpOnly: true, sameSite: 'strict' as const, secure: names.secure, ...(expires ? { expires: new Date(expires) } : {}) };
}

export function setSessionCookie(reply: FastifyReply, names: CookieNames, s: Session): void {
  reply.setCookie(names.session, s.id, cookieOptions(names, s.expires));
}

export function clearSessionCookie(reply: FastifyReply, names: CookieNames): void {
  reply.clearCookie(names.session, cookieOptions(names));
}

export function setPendingCookie(reply: FastifyReply, names: CookieNames, p: PendingLogin): void {
  reply.setCookie(names.pending, p.id, cookieOptions(names, p.expires));
}

export function clearPendingCookie(reply: FastifyReply, names: CookieNames): void {
  reply.clearCookie(names.pending, cookieOptions(names));
}

export function setLangCookie(reply: FastifyReply, names: CookieNames, lang: string): void {
  reply.setCookie(names.lang, lang, { ...cookieOptions(names), maxAge: 365 * 24 * 3600 });
}

/** A password accepted, its one-time code still to come. */
export interface PendingLogin {
  readonly id: string;
  readonly name: string;
  readonly expires: number;
}

export class PendingLogins {
  private readonly byId = new Map<string, PendingLogin>();

  constructor(private readonly clock: Clock, private readonly max = 1000) {}

  create(name: string): PendingLogin {
    const p = Object.freeze({ id: randomBytes(32).toString('base64url'), name, expires: this.clock.now() + PENDING_MS });
    this.byId.set(p.id, p);
    for (const [id, q] of this.byId) if (this.byId.size > this.max || this.clock.now() >= q.expires) this.byId.delete(id);
    return p;
  }

  get(id: string | undefined): PendingLogin | undefined {
    const p = typeof id === 'string' ? this.byId.get(id) : undefined;
    if (p && this.clock.now() >= p.expires) {
      this.byId.delete(p.id);
      return undefined;
    }
    return p;
  }

  destroy(id: string): void {
    this.byId.delete(id);
  }
}

const bySession = new WeakMap<FastifyRequest, Session>();

/** onRequest: finds the request's live session, if it has one. */
export function resolveSession(sessions: Sessions, names: CookieNames) {
  return async function onRequest(request: FastifyRequest): Promise<void> {
    const s = sessions.get(request.cookies[names.session]);
    if (s) bySession.set(request, s);
  };
}

export function sessionOf(request: FastifyRequest): Session | undefined {
  return bySession.get(request);
}
