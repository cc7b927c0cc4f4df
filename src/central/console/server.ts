// The staff console (issue 8), served under /console by the indexer's HTTP server: server-rendered
// pages, personal accounts with a second factor, sessions in HttpOnly SameSite cookies, CSRF
// tokens on every form, and the same security headers as the box's status page. One encapsulated
// fastify plugin: its form parsing, cookies and HTML errors do not touch the JSON API beside it.
import { createHash } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyPluginAsync } from 'fastify';
import cookie from '@fastify/cookie';
import csrfProtection from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import { Lockout, Sessions, TotpVerifier } from '../../core/auth/index.js';
import { TalError } from '../../core/errors.js';
import { contentSecurityPolicy, SECURITY_HEADERS } from '../../core/security-headers.js';
import { Auditor } from '../api/auditor.js';
import { ListenGrants } from '../playback/grants.js';
import { ApiError } from '../api/errors.js';
import { safeError } from '../api/log-safe.js';
import { CONSOLE_CSS } from './assets/console-css.js';
import type { ConsoleContext, ConsoleDeps } from './context.js';
import { loadCatalogues } from './i18n/catalogue.js';
import { errorAnswer, personOf } from './page-kit.js';
import { accessRequestsRoutes } from './routes/access-requests.js';
import { auditRoutes } from './routes/audit.js';
import { disclosuresRoutes } from './routes/disclosures.js';
import { deletionRoutes } from './routes/deletion.js';
import { privacyNoticeRoutes } from './routes/privacy-notice.js';
import { rectificationsRoutes } from './routes/rectifications.js';
import { callRoute } from './routes/call.js';
import { fleetRoutes } from './routes/fleet.js';
import { holdRoutes } from './routes/holds.js';
import { listenRoutes } from './routes/listen.js';
import { languageRoute } from './routes/language.js';
import { loginRoutes } from './routes/login.js';
import { projectRoutes } from './routes/projects.js';
import { searchRoute } from './routes/search.js';
import { cookieNames, PendingLogins, resolveSession } from './session.js';

// The stylesheet and an icon (browsers ask for one anyway), from the console itself: the CSP allows no other origin.
const ASSETS: Record<string, { type: string; body: string }> = {
  '/assets/console.css': { type: 'text/css; charset=utf-8', body: CONSOLE_CSS },
  '/assets/icon.svg': { type: 'image/svg+xml', body: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#0b4f8a"/><circle cx="8" cy="8" r="3" fill="#fff"/></svg>' },
};

/** Failed logins of one name within 15 minutes that lock it (R9), as on the boxes. */
export const CONSOLE_LOCKOUT = { max: 5, windowMs: 15 * 60_000 } as const;

const CSP = contentSecurityPolicy(['style-src', 'img-src', 'media-src']);

export type { ConsoleDeps } from './context.js';

/** The console as a plugin for the indexer's fastify app; register it with prefix /console. */
export function consolePlugin(deps: ConsoleDeps): FastifyPluginAsync {
  const catalogues = deps.catalogues ?? loadCatalogues();
  if (!catalogues.languages.has(deps.language)) {
    throw new TalError('TAL_CONFIG_INVALID', `console.language: "${deps.language}" has no message catalogue; the console speaks ${[...catalogues.languages.keys()].join(', ')}`);
  }
  const log = deps.log.child({ component: 'console' });
  const ctx: ConsoleContext = {
    deps: { ...deps, log },
    catalogues,
    sessions: new Sessions(deps.clock, deps.sessionMinutes * 60_000),
    pending: new PendingLogins(deps.clock),
    lockout: new Lockout(deps.clock, CONSOLE_LOCKOUT),
    totp: new TotpVerifier(deps.clock),
    auditor: new Auditor(deps.audit, log),
    cookies: cookieNames(deps.secure ?? false),
    grants: new ListenGrants(deps.clock),
  };

  return async (app: FastifyInstance) => {
    await app.register(cookie);
    await app.register(formbody, { bodyLimit: 4096 });
    await app.register(rateLimit, { global: false });
    await app.register(csrfProtection, {
      cookieKey: `${ctx.cookies.secure ? '__Host-' : ''}tallennin-console-csrf`,
      cookieOpts: { path: ctx.cookies.secure ? '/' : '/console', sameSite: 'strict', httpOnly: true, secure: ctx.cookies.secure },
    });
    app.addHook('onRequest', resolveSession(ctx.sessions, ctx.cookies));
    app.addHook('onSend', async (_request, reply) => {
      reply.headers({ 'content-security-policy': CSP, ...SECURITY_HEADERS });
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    });
    app.setErrorHandler(async (err: FastifyError, request, reply) => {
      const person = await personOf(ctx, request).catch(() => undefined);
      if (err.code === 'FST_CSRF_MISSING_SECRET' || err.code === 'FST_CSRF_INVALID_TOKEN') {
        await ctx.auditor.try({ actor: person?.viewer.name ?? 'unknown', action: 'rejected-input', result: 'refused', detail: { route: request.routeOptions.url ?? 'unknown', reason: 'csrf' } });
        return errorAnswer(ctx, request, reply, 403, 'error.csrf', person?.viewer);
      }
      if (err.statusCode === 429) return errorAnswer(ctx, request, reply, 429, 'login.error.tooMany');
      if (err instanceof ApiError && err.status === 503) return errorAnswer(ctx, request, reply, 503, 'error.audit', person?.viewer);
      if (err.validation || (err.statusCode !== undefined && err.statusCode < 500)) return errorAnswer(ctx, request, reply, 400, 'error.400', person?.viewer);
      log.error({ error: safeError(err), method: request.method, route: request.routeOptions.url }, 'console request failed');
      return errorAnswer(ctx, request, reply, 500, 'error.500', person?.viewer);
    });

    for (const [url, asset] of Object.entries(ASSETS)) {
      const etag = `"${createHash('sha256').update(asset.body).digest('base64url').slice(0, 22)}"`;
      app.get(url, async (request, reply) => {
        reply.header('etag', etag).header('cache-control', 'no-cache');
        if (request.headers['if-none-match'] === etag) return reply.code(304).send();
        return reply.type(asset.type).send(asset.body);
      });
    }
    loginRoutes(app, ctx);
    languageRoute(app, ctx);
    searchRoute(app, ctx);
    callRoute(app, ctx);
    listenRoutes(app, ctx);
    holdRoutes(app, ctx);
    deletionRoutes(app, ctx);
    projectRoutes(app, ctx);
    fleetRoutes(app, ctx);
    auditRoutes(app, ctx);
    app.get('/registers', async (_request, reply) => reply.redirect('/console/registers/access', 303));
    accessRequestsRoutes(app, ctx);
    rectificationsRoutes(app, ctx);
    disclosuresRoutes(app, ctx);
    privacyNoticeRoutes(app, ctx);
    app.get('/none', async (request, reply) => {
      const person = await personOf(ctx, request);
      if (!person) return reply.redirect('/console/login', 303);
      return errorAnswer(ctx, request, reply, 403, 'error.noSection', person.viewer);
    });
  };
}
