// Bearer-token authentication for every /api route. Failures are audited and counted per
// client address; an address over the limit is refused before its token is even looked at,
// so guessing gains nothing. Audit entries of failures are bounded by that same limit: an
// unauthenticated flood cannot grow the audit chain without end.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Auditor } from './auditor.js';
import { ApiError, sendError } from './errors.js';
import type { FailureLimiter } from './failure-limiter.js';
import { BEARER_TOKEN, type TokenTable } from './tokens.js';
import type { Principal } from './types.js';

const principals = new WeakMap<FastifyRequest, Principal>();

/** Who the request was authenticated as; only on routes behind authenticate(). */
export function principalOf(request: FastifyRequest): Principal {
  const p = principals.get(request);
  if (!p) throw new Error('principalOf() on a route without authentication');
  return p;
}

export function maybePrincipalOf(request: FastifyRequest): Principal | undefined {
  return principals.get(request);
}

type Failure = 'no-token' | 'malformed' | 'unknown-token';

export function authenticate(ctx: { tokens: TokenTable; limiter: FailureLimiter; auditor: Auditor; log: Logger }) {
  return async function onRequest(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const ip = request.ip;
    const wait = ctx.limiter.retryAfterMs(ip);
    if (wait > 0) {
      reply.header('retry-after', String(Math.ceil(wait / 1000)));
      return sendError(reply, new ApiError(429, 'too-many-failures', 'too many failed authentications from this address; try again later'));
    }
    const header = request.headers.authorization;
    const m = typeof header === 'string' ? /^Bearer +(\S+) *$/i.exec(header) : null;
    let failure: Failure | undefined;
    if (header === undefined) failure = 'no-token';
    else if (!m || !BEARER_TOKEN.test(m[1]!)) failure = 'malformed';
    else {
      const p = ctx.tokens.find(m[1]!);
      if (p) {
        principals.set(request, p);
        return undefined;
      }
      failure = 'unknown-token';
    }
    const { blocked } = ctx.limiter.fail(ip);
    if (blocked) ctx.log.warn({ ip }, 'address refused after repeated failed authentications');
    await ctx.auditor.try({
      actor: 'anonymous',
      action: 'login-failed',
      result: 'refused',
      detail: { reason: failure, ip, method: request.method, route: request.routeOptions.url ?? 'unknown', ...(blocked ? { blocked: true } : {}) },
    });
    reply.header('www-authenticate', `Bearer realm="tallennin"${failure === 'no-token' ? '' : ', error="invalid_token"'}`);
    const message = failure === 'no-token' ? 'authentication required: Authorization: Bearer <token>' : 'the bearer token is not valid';
    return sendError(reply, new ApiError(401, 'unauthenticated', message));
  };
}
