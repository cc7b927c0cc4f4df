// GET/POST /login and POST /logout (R9). One answer for an unknown name and a wrong password,
// and the same time spent on both (verifyNothing); every name, known or not, locks after
// repeated failures, so neither the message nor the lock tells which names exist. Every
// login, failure, lockout and logout is audited with the account as actor, or `unknown` for a
// name with no account (a password typed into the name field must not reach the log).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BOX_ROLES, verifyNothing, verifyPassword, type Account } from '../../../../core/auth/index.js';
import type { WebContext } from '../context.js';
import { csrfToken } from '../csrf.js';
import { LOGIN_NOTES, loginPage } from '../pages/login.js';
import { emptyForm, loginForm, loginQuery } from '../schemas.js';
import { clearSessionCookie, mustSession, requireSession, sessionOf, setSessionCookie } from '../session.js';

export const WRONG_CREDENTIALS = 'Wrong name or password.';

export interface LoginLimits {
  /** POST /login per client address per window (on top of the per-name lockout) */
  max: number;
  windowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { max: 20, windowMs: 60_000 };

function page(request: FastifyRequest, reply: FastifyReply, status: number, message?: string, name?: string) {
  return reply.code(status).type('text/html; charset=utf-8').send(loginPage({ csrf: csrfToken(request, reply), message, name }).text);
}

export function loginRoutes(app: FastifyInstance, ctx: WebContext, limits: LoginLimits): void {
  const { audit, lockout, sessions, fmt, clock } = ctx;
  const lockedMessage = (until: number) => `Too many failed logins: this name is locked until ${fmt.time(until, clock.now())}.`;

  app.get<{ Querystring: { m?: string } }>('/login', { schema: { querystring: loginQuery } }, async (request, reply) => {
    if (sessionOf(request)) return reply.redirect('/', 303);
    const m = request.query.m;
    const note = m && Object.hasOwn(LOGIN_NOTES, m) ? LOGIN_NOTES[m as keyof typeof LOGIN_NOTES] : undefined;
    return page(request, reply, 200, note);
  });

  app.post<{ Body: { name: string; password: string } }>(
    '/login',
    {
      schema: { body: loginForm },
      preValidation: app.csrfProtection,
      config: { rateLimit: { max: limits.max, timeWindow: limits.windowMs } },
    },
    async (request, reply) => {
      const name = request.body.name.trim();
      const { password } = request.body;
      const remote = request.ip;
      let accounts: Account[];
      try {
        accounts = await ctx.watch.read();
      } catch (err) {
        ctx.log.error({ err: (err as Error).message }, 'status page: the accounts file could not be read; nobody can log in');
        await audit.append({ actor: 'unknown', action: 'login-failed', result: 'error', detail: { reason: 'accounts-unreadable', remote } });
        return page(request, reply, 503, 'The accounts file cannot be read, so nobody can log in. The service log says why.', name);
      }
      const account = accounts.find((a) => a.name === name);
      const actor = account ? account.name : 'unknown';

      const lock = lockout.locked(name);
      if (lock.locked) {
        await audit.append({ actor, action: 'login-failed', result: 'refused', detail: { reason: 'locked', remote, until: lock.until! } });
        return page(request, reply, 423, lockedMessage(lock.until!), name);
      }

      const verified = account ? await verifyPassword(password, account.hash) : await verifyNothing(password);
      // An account whose role has no place on this page logs in nowhere here, and says so no differently.
      const allowed = verified && (BOX_ROLES as readonly string[]).includes(account!.role);
      if (!allowed) {
        const f = lockout.failure(name);
        const reason = !account ? 'unknown-name' : verified ? 'role' : 'password';
        await audit.append({ actor, action: 'login-failed', result: 'refused', detail: { reason, remote, failures: f.failures } });
        if (f.locked) {
          await audit.append({ actor, action: 'lockout', result: 'refused', detail: { remote, failures: f.failures, until: f.until! } });
          return page(request, reply, 423, `${WRONG_CREDENTIALS} ${lockedMessage(f.until!)}`, name);
        }
        return page(request, reply, 401, WRONG_CREDENTIALS, name);
      }

      lockout.success(name);
      const old = sessionOf(request);
      if (old) sessions.destroy(old.id);
      const session = sessions.create(account!.name, account!.role);
      setSessionCookie(reply, ctx.cookies, session);
      await audit.append({ actor, action: 'login', result: 'ok', detail: { remote, role: session.role } });
      return reply.redirect('/', 303);
    },
  );

  app.post(
    '/logout',
    { schema: { body: emptyForm }, onRequest: requireSession(ctx.cookies), preValidation: app.csrfProtection },
    async (request, reply) => {
      const s = mustSession(request);
      sessions.destroy(s.id);
      ctx.flash.take(s.id);
      clearSessionCookie(reply, ctx.cookies);
      await audit.append({ actor: s.name, action: 'logout', result: 'ok', detail: { remote: request.ip } });
      return reply.redirect('/login?m=out', 303);
    },
  );
}
