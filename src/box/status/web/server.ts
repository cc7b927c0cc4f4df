// The box's status page (issue 6): one fastify app, server-rendered, for a technician or site
// staff standing at the box. Only /login, /healthz and /assets answer without a session.
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import type { Logger } from 'pino';
import { Lockout, Sessions, type AccountsFile } from '../../../core/auth/index.js';
import type { Clock } from '../../../core/clock.js';
import type { Config } from '../../../core/config/index.js';
import type { Box } from '../../box.js';
import type { BoxSync } from '../../sync/start-sync.js';
import { AccountsWatch } from './accounts-watch.js';
import { Auditor } from './auditor.js';
import type { WebContext } from './context.js';
import { csrfToken, isCsrfError, registerCsrf } from './csrf.js';
import { WebError } from './errors.js';
import { Flash } from './flash.js';
import { formats } from './format.js';
import { securityHeaders } from './headers.js';
import { wantsJson } from './negotiate.js';
import { messagePage } from './pages/layout.js';
import { loginPage } from './pages/login.js';
import { actionRoutes } from './routes/actions.js';
import { assetRoutes } from './routes/assets.js';
import { healthRoute } from './routes/healthz.js';
import { DEFAULT_LOGIN_LIMITS, loginRoutes, type LoginLimits } from './routes/login.js';
import { statusRoutes } from './routes/status.js';
import { cookieNames, requireSession, resolveSession, sessionOf } from './session.js';
import { statusTls } from './tls.js';
import { StatusViews } from './view.js';

export interface StatusServerOptions {
  box: Box;
  sync?: BoxSync | undefined;
  config: Config;
  accounts: AccountsFile;
  clock: Clock;
  log: Logger;
  /** false: build the app without opening a port (tests use inject) */
  listen?: boolean;
  /** the zone clock times are shown in; default Europe/Helsinki */
  timeZone?: string;
  /** POST /login per client address; default 20 a minute */
  loginLimits?: LoginLimits;
  /** whether the system clock is synchronised; default: ask timedatectl */
  clockSynced?: () => Promise<boolean | undefined>;
  /** told of every route as it is registered: the inventory a test checks for leaks */
  onRoute?: (method: string, url: string) => void;
}

export interface StatusServer {
  app: FastifyInstance;
  /** where it listens, e.g. https://0.0.0.0:8080; '' when not listening */
  url: string;
  close(): Promise<void>;
}

/** Failed logins of one name within 15 minutes that lock it (R9). */
export const LOCKOUT = { max: 5, windowMs: 15 * 60_000 } as const;
/** A form with a few short fields: anything larger is not one of ours. */
const BODY_LIMIT = 4 * 1024;

/** The app, ready for inject() or listen(); reads the TLS files when configured. */
export async function buildStatusApp(o: StatusServerOptions): Promise<FastifyInstance> {
  const tls = await statusTls(o.config.status);
  const log = o.log.child({ component: 'status-page' });
  const sessions = new Sessions(o.clock, o.config.status.sessionMinutes * 60_000);
  const audit = new Auditor(o.box, log);
  const ctx: WebContext = {
    box: o.box,
    clock: o.clock,
    log,
    accounts: o.accounts,
    watch: new AccountsWatch(o.accounts, sessions, audit, log),
    sessions,
    lockout: new Lockout(o.clock, LOCKOUT),
    audit,
    views: new StatusViews({
      box: o.box, sync: o.sync, clock: o.clock, boxId: o.config.box.id, site: o.config.box.site,
      ...(o.timeZone ? { timeZone: o.timeZone } : {}), ...(o.clockSynced ? { clockSynced: o.clockSynced } : {}),
    }),
    flash: new Flash(),
    cookies: cookieNames(tls !== undefined),
    fmt: formats(o.timeZone),
  };
  await ctx.watch.prime();
  if (await o.accounts.insecureMode().catch(() => false)) {
    log.warn({ file: o.accounts.path }, 'the accounts file may be read by other users than the service: chmod 600 it');
  }

  const app = Fastify({
    // Fastify's request log would carry addresses and form fields: off; the page logs its own errors.
    logger: false,
    bodyLimit: BODY_LIMIT,
    exposeHeadRoutes: false,
    ...(tls ? { https: tls } : {}),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
  }) as unknown as FastifyInstance;
  if (o.onRoute) {
    const tell = o.onRoute;
    app.addHook('onRoute', (r) => {
      for (const m of [r.method].flat()) tell(m, r.url);
    });
  }
  app.removeContentTypeParser('text/plain');
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: BODY_LIMIT });
  await app.register(rateLimit, { global: false, errorResponseBuilder: () => tooManyLogins() });
  await registerCsrf(app, ctx.cookies);
  securityHeaders(app);
  app.addHook('onRequest', resolveSession(sessions, ctx.cookies));
  app.setErrorHandler(errorHandler(ctx));
  app.setNotFoundHandler(async (request, reply) => answerError(request, reply, new WebError(404, 'not-found', 'There is no such page.')));

  healthRoute(app, ctx);
  assetRoutes(app);
  loginRoutes(app, ctx, o.loginLimits ?? DEFAULT_LOGIN_LIMITS);
  await app.register(async (authed) => {
    authed.addHook('onRequest', requireSession(ctx.cookies));
    statusRoutes(authed, ctx);
    actionRoutes(authed, ctx);
  });
  return app;
}

/** Builds the app and listens on status.host:status.port (unless `listen: false`). */
export async function startStatusServer(o: StatusServerOptions): Promise<StatusServer> {
  const app = await buildStatusApp(o);
  let url = '';
  if (o.listen !== false) {
    const { host, port } = o.config.status;
    await app.listen({ host, port });
    const proto = o.config.status.cert ? 'https' : 'http';
    const addr = app.server.address();
    url = `${proto}://${host.includes(':') ? `[${host}]` : host}:${typeof addr === 'object' && addr ? addr.port : port}`;
    o.log.info({ url }, 'status page listening');
  }
  return { app, url, close: () => app.close() };
}

function tooManyLogins(): WebError {
  return new WebError(429, 'too-many-attempts', 'Too many login attempts from this address. Wait a minute and try again.');
}

/** Refusals in words; a form without a valid token is audited as rejected input. */
function errorHandler(ctx: WebContext) {
  return async (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const s = sessionOf(request);
    const route = request.routeOptions.url ?? 'unknown';
    let answer: WebError;
    if (err instanceof WebError) answer = err;
    else if (isCsrfError(err)) {
      await ctx.audit.append({
        actor: s?.name ?? 'unknown', action: 'rejected-input', result: 'refused',
        detail: { reason: 'csrf', method: request.method, route, remote: request.ip },
      });
      answer = new WebError(403, 'csrf', 'This form has expired or did not come from this page. Load the page again and retry.');
    } else if (err.validation || (err.statusCode !== undefined && [400, 413, 415].includes(err.statusCode))) {
      if (s || request.method === 'POST') {
        await ctx.audit.append({
          actor: s?.name ?? 'unknown', action: 'rejected-input', result: 'refused',
          detail: { reason: err.validation ? 'invalid-form' : `http-${err.statusCode}`, method: request.method, route, remote: request.ip },
        });
      }
      answer = new WebError(err.statusCode ?? 400, 'invalid-input', 'The form was not as this page sends it.');
    } else {
      ctx.log.error({ err: err.message, method: request.method, route }, 'status page request failed');
      answer = new WebError(500, 'internal', 'Something went wrong in the box; the service log says what.');
    }
    return answerError(request, reply, answer);
  };
}

function answerError(request: FastifyRequest, reply: FastifyReply, e: WebError): FastifyReply {
  reply.code(e.status);
  if (wantsJson(request) || request.url.startsWith('/status.json') || request.url.startsWith('/healthz')) {
    return reply.type('application/json; charset=utf-8').send(JSON.stringify({ error: e.code, message: e.message }));
  }
  reply.type('text/html; charset=utf-8');
  // The login form answers its own refusals with a fresh form, so the next try can succeed.
  if (request.url.split('?')[0] === '/login') return reply.send(loginPage({ csrf: csrfToken(request, reply), message: e.message }).text);
  const back = sessionOf(request) ? { href: '/', label: 'Back to the status page' } : { href: '/login', label: 'To the login page' };
  return reply.send(messagePage(e.status === 403 ? 'Not allowed' : 'Not done', e.message, back).text);
}
