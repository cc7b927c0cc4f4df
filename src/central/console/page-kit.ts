// What every console route does around its page: the viewer and their language, and an HTML answer.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CONSOLE_ROLES, type Account, type ConsoleRole } from '../../core/auth/index.js';
import type { Html } from '../../core/html.js';
import type { ConsoleContext } from './context.js';
import { pickLanguage, translator, type Translator } from './i18n/catalogue.js';
import { errorPage } from './pages/index.js';
import type { Viewer } from './pages/types.js';
import { sessionOf } from './session.js';

export function translatorFor(ctx: ConsoleContext, request: FastifyRequest): Translator {
  return translator(ctx.catalogues, pickLanguage(ctx.catalogues, request.cookies[ctx.cookies.lang], ctx.deps.language));
}

export function send(reply: FastifyReply, status: number, page: Html): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(page.toString());
}

/** The logged-in person, read afresh from the accounts file: a removed account, or one whose role is gone, is nobody. */
export interface Person {
  viewer: Viewer;
  account: Account;
  /** absent: every site */
  sites?: readonly string[];
}

export async function personOf(ctx: ConsoleContext, request: FastifyRequest): Promise<Person | undefined> {
  const s = sessionOf(request);
  if (!s) return undefined;
  const account = await ctx.deps.accounts.find(s.name);
  if (!account || account.role !== s.role || !(CONSOLE_ROLES as readonly string[]).includes(account.role)) {
    ctx.sessions.destroy(s.id);
    return undefined;
  }
  return { viewer: { name: account.name, role: account.role as ConsoleRole }, account, ...(account.sites ? { sites: account.sites } : {}) };
}

export function errorAnswer(ctx: ConsoleContext, request: FastifyRequest, reply: FastifyReply, status: number, messageKey: string, viewer?: Viewer): FastifyReply {
  const t = translatorFor(ctx, request);
  return send(reply, status, errorPage(t, { status, message: t(messageKey), ...(viewer ? { user: viewer, csrf: reply.generateCsrf() } : {}) }));
}
