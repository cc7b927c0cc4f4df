// Sessions live in the server's memory (Sessions); the browser holds only a random id in an
// HttpOnly, SameSite=Strict cookie that expires when the session does (absolute, not sliding:
// a phone left logged in on a desk stops working after `sessionMinutes`). Secure, and with the
// __Host- prefix, when the page is served over TLS.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Session, Sessions } from '../../../core/auth/index.js';
import { WebError } from './errors.js';
import { wantsJson } from './negotiate.js';

export interface CookieNames {
  session: string;
  csrf: string;
  secure: boolean;
}

export function cookieNames(secure: boolean): CookieNames {
  const prefix = secure ? '__Host-' : '';
  return { session: `${prefix}tallennin-session`, csrf: `${prefix}tallennin-csrf`, secure };
}

const bySession = new WeakMap<FastifyRequest, Session>();
/** requests that came with a session cookie whose session has ended */
const ended = new WeakSet<FastifyRequest>();

/** The request's session, if it came with a live one. */
export function sessionOf(request: FastifyRequest): Session | undefined {
  return bySession.get(request);
}

/** The session of a request behind requireSession. */
export function mustSession(request: FastifyRequest): Session {
  const s = bySession.get(request);
  if (!s) throw new Error('mustSession() on a route without requireSession');
  return s;
}

/** onRequest, everywhere: finds the request's session, if any (it is not required here). */
export function resolveSession(sessions: Sessions, names: CookieNames) {
  return async function onRequest(request: FastifyRequest): Promise<void> {
    const id = request.cookies[names.session];
    if (!id) return;
    const s = sessions.get(id);
    if (s) bySession.set(request, s);
    else ended.add(request);
  };
}

/** onRequest, on every route but /login, /healthz and /assets: no session, no page. */
export function requireSession(names: CookieNames) {
  return async function onRequest(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    if (bySession.has(request)) return undefined;
    const wasEnded = ended.has(request);
    if (wasEnded) clearSessionCookie(reply, names);
    if (wantsJson(request) || request.url.startsWith('/status.json')) {
      throw new WebError(401, wasEnded ? 'session-ended' : 'login-required', wasEnded ? 'your session has ended; log in again' : 'log in first');
    }
    return reply.redirect(wasEnded ? '/login?m=ended' : '/login', 303);
  };
}

export function setSessionCookie(reply: FastifyReply, names: CookieNames, s: Session): void {
  reply.setCookie(names.session, s.id, {
    path: '/', httpOnly: true, sameSite: 'strict', secure: names.secure, expires: new Date(s.expires),
  });
}

export function clearSessionCookie(reply: FastifyReply, names: CookieNames): void {
  reply.clearCookie(names.session, { path: '/', httpOnly: true, sameSite: 'strict', secure: names.secure });
}
