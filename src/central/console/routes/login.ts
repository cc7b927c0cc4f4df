// Logging in to the console (R9): name and password, then, for every role in console.totpRoles
// and every account that has a secret, the authenticator's code. One answer for an unknown name
// and a wrong password, in the same time; wrong passwords and wrong or reused codes count alike
// towards the name's lockout. Only after the code is a session made, with a new id (no id from
// before the login survives it). Every step is audited with the account as actor, or `unknown`.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { verifyNothing, verifyPassword, type Account } from '../../../core/auth/index.js';
import type { ConsoleContext } from '../context.js';
import { personOf, send, translatorFor } from '../page-kit.js';
import { loginPage } from '../pages/index.js';
import { homeOf } from '../rights.js';
import { clearPendingCookie, clearSessionCookie, sessionOf, setPendingCookie, setSessionCookie } from '../session.js';

const LOGIN_LIMIT = { max: 20, timeWindow: 60_000 };

const nameField = { type: 'string', maxLength: 64 } as const;
const form = (fields: Record<string, object>) => ({
  type: 'object',
  required: [...Object.keys(fields), '_csrf'],
  additionalProperties: false,
  properties: { ...fields, _csrf: { type: 'string', maxLength: 512 } },
});

export function loginRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const { lockout, sessions, pending, auditor, cookies } = ctx;
  const { clock } = ctx.deps;

  const page = (request: FastifyRequest, reply: FastifyReply, status: number, step: 'password' | 'totp', errorKey?: string, name?: string, params?: Record<string, string>) => {
    const t = translatorFor(ctx, request);
    return send(reply, status, loginPage(t, { csrf: reply.generateCsrf(), step, name, error: errorKey ? t(errorKey, params) : undefined }));
  };
  const lockedUntil = (request: FastifyRequest, until: number) => ({ until: translatorFor(ctx, request).fmt.dateTime(until) });

  /** A failure of the password or the code: counted, audited, and a lock said when it starts. */
  const failed = async (request: FastifyRequest, reply: FastifyReply, name: string, actor: string, reason: string, step: 'password' | 'totp') => {
    const f = lockout.failure(name);
    await auditor.try({ actor, action: 'login-failed', result: 'refused', detail: { reason, remote: request.ip, failures: f.failures, console: true } });
    if (f.locked) {
      await auditor.try({ actor, action: 'lockout', result: 'refused', detail: { remote: request.ip, until: f.until! } });
      return page(request, reply, 423, 'password', 'login.error.locked', name, lockedUntil(request, f.until!));
    }
    return step === 'password' ? page(request, reply, 401, 'password', 'login.error.wrong', name) : page(request, reply, 401, 'totp', 'login.error.code', name);
  };

  const startSession = async (request: FastifyRequest, reply: FastifyReply, account: Account, factors: string) => {
    lockout.success(account.name);
    const old = sessionOf(request);
    if (old) sessions.destroy(old.id);
    const session = sessions.create(account.name, account.role);
    setSessionCookie(reply, cookies, session);
    clearPendingCookie(reply, cookies);
    await auditor.try({ actor: account.name, action: 'login', result: 'ok', detail: { remote: request.ip, role: account.role, factors, console: true } });
    return reply.redirect(homeOf(account.role), 303);
  };

  app.get('/', async (request, reply) => {
    const person = await personOf(ctx, request);
    return reply.redirect(person ? homeOf(person.viewer.role) : '/console/login', 303);
  });

  app.get('/login', async (request, reply) => {
    const person = await personOf(ctx, request);
    if (person) return reply.redirect(homeOf(person.viewer.role), 303);
    return page(request, reply, 200, 'password');
  });

  app.post<{ Body: { name: string; password: string } }>(
    '/login',
    { schema: { body: form({ name: nameField, password: { type: 'string', maxLength: 1024 } }) }, preValidation: app.csrfProtection, config: { rateLimit: LOGIN_LIMIT } },
    async (request, reply) => {
      const name = request.body.name.trim();
      let account: Account | undefined;
      try {
        account = await ctx.deps.accounts.find(name);
      } catch (err) {
        ctx.deps.log.error({ err: (err as Error).message }, 'console: the accounts file could not be read; nobody can log in');
        await auditor.try({ actor: 'unknown', action: 'login-failed', result: 'error', detail: { reason: 'accounts-unreadable', remote: request.ip } });
        return page(request, reply, 503, 'password', 'login.error.unavailable', name);
      }
      const actor = account ? account.name : 'unknown';
      const lock = lockout.locked(name);
      if (lock.locked) {
        await auditor.try({ actor, action: 'login-failed', result: 'refused', detail: { reason: 'locked', remote: request.ip, until: lock.until! } });
        return page(request, reply, 423, 'password', 'login.error.locked', name, lockedUntil(request, lock.until!));
      }
      const verified = account ? await verifyPassword(request.body.password, account.hash) : await verifyNothing(request.body.password);
      if (!verified) return failed(request, reply, name, actor, account ? 'password' : 'unknown-name', 'password');
      const needsCode = account!.totp !== undefined || ctx.deps.totpRoles.includes(account!.role);
      if (!needsCode) return startSession(request, reply, account!, 'password');
      if (account!.totp === undefined) {
        // A role that must use a second factor, with none set up: no way in until an admin issues one.
        await auditor.try({ actor, action: 'login-failed', result: 'refused', detail: { reason: 'no-totp', remote: request.ip } });
        return page(request, reply, 403, 'password', 'login.error.noTotp', name);
      }
      const p = pending.create(account!.name);
      setPendingCookie(reply, cookies, p);
      return page(request, reply, 200, 'totp', undefined, account!.name);
    },
  );

  app.post<{ Body: { code: string } }>(
    '/login/code',
    { schema: { body: form({ code: { type: 'string', maxLength: 16 } }) }, preValidation: app.csrfProtection, config: { rateLimit: LOGIN_LIMIT } },
    async (request, reply) => {
      const p = pending.get(request.cookies[cookies.pending]);
      if (!p) return page(request, reply, 401, 'password', 'login.error.expired');
      const account = await ctx.deps.accounts.find(p.name);
      const lock = lockout.locked(p.name);
      if (!account || account.totp === undefined || lock.locked) {
        pending.destroy(p.id);
        clearPendingCookie(reply, cookies);
        if (lock.locked) return page(request, reply, 423, 'password', 'login.error.locked', p.name, lockedUntil(request, lock.until!));
        return page(request, reply, 401, 'password', 'login.error.expired');
      }
      if (!ctx.totp.verify(account.name, account.totp, request.body.code.trim())) {
        const answer = await failed(request, reply, p.name, account.name, 'code', 'totp');
        if (lockout.locked(p.name).locked) {
          pending.destroy(p.id);
          clearPendingCookie(reply, cookies);
        }
        return answer;
      }
      pending.destroy(p.id);
      return startSession(request, reply, account, 'password+totp');
    },
  );

  app.post('/logout', { schema: { body: form({}) }, preValidation: app.csrfProtection }, async (request, reply) => {
    const s = sessionOf(request);
    if (s) {
      sessions.destroy(s.id);
      // Audio unsealed for this person goes with the session.
      ctx.grants.dropPerson(s.name);
      await auditor.try({ actor: s.name, action: 'logout', result: 'ok', detail: { remote: request.ip, console: true } });
    }
    clearSessionCookie(reply, cookies);
    return reply.redirect('/console/login', 303);
  });
}
