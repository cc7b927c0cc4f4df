// The indexer's authenticated HTTP JSON API: search, call detail, fleet, alarms and commands,
// by bearer token and role. The console builds on it. Routes live in ./routes, one concern each.
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { Auditor } from './auditor.js';
import { authenticate, maybePrincipalOf } from './auth.js';
import type { RouteContext } from './context.js';
import { ApiError, parseError, sendError, validationError } from './errors.js';
import { FailureLimiter } from './failure-limiter.js';
import { safeError } from './log-safe.js';
import { audioRoute } from './routes/audio.js';
import { auditRoutes } from './routes/audit.js';
import { callDetailRoute } from './routes/call-detail.js';
import { commandRoute } from './routes/commands.js';
import { fleetRoutes } from './routes/fleet.js';
import { healthRoute } from './routes/health.js';
import { searchRoute } from './routes/search.js';
import { TokenTable } from './tokens.js';
import { consolePlugin } from '../console/server.js';
import type { ApiDeps } from './types.js';

export { COMMAND_TIMEOUT_CODE } from './routes/commands.js';
export { newApiToken } from './tokens.js';
export type { Alarm, ApiAuditEntry, ApiDeps, ApiToken, OpenedNumbers, Role } from './types.js';

/** A command body is a handful of short arguments. */
export const BODY_LIMIT = 16 * 1024;
export const DEFAULT_AUTH_FAILURES = { max: 20, windowMs: 15 * 60_000 } as const;

/** Throws TAL_CONFIG_INVALID (naming the token) when a configured token is not valid. */
export function buildApi(deps: ApiDeps): FastifyInstance {
  const tokens = new TokenTable(deps.tokens);
  const limiter = new FailureLimiter(deps.clock, deps.authFailures ?? DEFAULT_AUTH_FAILURES);
  const log = deps.log.child({ component: 'api' });
  const auditor = new Auditor(deps.audit, log);
  const ctx: RouteContext = { deps: { ...deps, log }, auditor };

  const app = Fastify({
    // Fastify's own request logs carry the URL with its query, which may hold a phone number:
    // off. The API logs its errors itself, scrubbed.
    logger: false,
    bodyLimit: BODY_LIMIT,
    ...(deps.https ? { https: deps.https } : {}),
    ...(deps.trustProxy !== undefined ? { trustProxy: deps.trustProxy } : {}),
    ajv: {
      // Unknown fields are refused, not silently dropped; nothing is coerced (query values are
      // checked as strings and parsed by the route, so the error can name what is wrong).
      customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false, verbose: true, allowUnionTypes: true },
    },
  });

  // JSON only: a text/plain body is refused (415) rather than parsed into a string.
  app.removeContentTypeParser('text/plain');

  app.setErrorHandler(async (err: FastifyError, request, reply) => {
    let answer: ApiError | undefined;
    if (err instanceof ApiError) answer = err;
    else if (err.validation) answer = validationError(err);
    else answer = parseError(err);
    if (!answer) {
      log.error({ error: safeError(err), method: request.method, route: request.routeOptions.url }, 'api request failed');
      answer = new ApiError(500, 'internal', 'internal error; the failure is in the indexer log');
    }
    const p = maybePrincipalOf(request);
    if (p && [400, 413, 415].includes(answer.status)) {
      await auditor.try({
        actor: p.name, action: 'rejected-input', result: 'refused',
        detail: { method: request.method, route: request.routeOptions.url ?? 'unknown', code: answer.code, ...(answer.field ? { field: answer.field } : {}) },
      });
    }
    return sendError(reply, answer);
  });

  app.setNotFoundHandler(async (request, reply) =>
    sendError(reply, new ApiError(404, 'no-route', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );

  healthRoute(app, ctx);
  void app.register(async (api) => {
    api.addHook('onRequest', authenticate({ tokens, limiter, auditor, log }));
    // Answers may hold numbers: no cache, shared or private, keeps a copy.
    api.addHook('onSend', async (_request, reply) => {
      reply.header('cache-control', 'no-store').header('x-content-type-options', 'nosniff');
    });
    searchRoute(api, ctx);
    callDetailRoute(api, ctx);
    audioRoute(api, ctx);
    fleetRoutes(api, ctx);
    commandRoute(api, ctx);
    auditRoutes(api, ctx);
  });
  if (deps.console) void app.register(consolePlugin(deps.console), { prefix: '/console' });
  return app;
}
