// Forms carry a CSRF token (DESIGN: CSRF protection on forms). @fastify/csrf-protection keeps
// a random secret in an HttpOnly, SameSite=Strict cookie and checks a token derived from it;
// each token is also bound (HMAC, with a key that lives only in this process) to the session it
// was made for, or to "anonymous" on the login form, so a token from one session is worthless
// in another and a tossed cookie cannot mint one. The token travels in the form's `_csrf`
// field, or in an `x-csrf-token` header for a script; nothing else is looked at.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import csrfProtection from '@fastify/csrf-protection';
import { sessionOf, type CookieNames } from './session.js';

const ANONYMOUS = 'anonymous';

const userInfo = (request: FastifyRequest): string => sessionOf(request)?.id ?? ANONYMOUS;

export async function registerCsrf(app: FastifyInstance, names: CookieNames): Promise<void> {
  await app.register(csrfProtection, {
    cookieKey: names.csrf,
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure: names.secure },
    getUserInfo: userInfo,
    getToken: (request) => {
      const body = request.body as Record<string, unknown> | undefined;
      const fromBody = body && typeof body === 'object' ? body._csrf : undefined;
      if (typeof fromBody === 'string') return fromBody;
      const header = request.headers['x-csrf-token'];
      return typeof header === 'string' ? header : undefined;
    },
    csrfOpts: { userInfo: true, hmacKey: randomBytes(32).toString('base64') },
  });
}

/** A token for the forms of the page being rendered (sets the secret cookie on first use). */
export function csrfToken(request: FastifyRequest, reply: FastifyReply): string {
  return reply.generateCsrf({ userInfo: userInfo(request) });
}

/** Errors from the plugin: no secret cookie, or a token that does not match it. */
export function isCsrfError(err: { code?: string }): boolean {
  return err.code === 'FST_CSRF_MISSING_SECRET' || err.code === 'FST_CSRF_INVALID_TOKEN';
}
