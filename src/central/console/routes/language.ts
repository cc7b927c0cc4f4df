// POST /console/language: the person's interface language, kept in a cookie for a year; back to
// the console page they were on (only a console path is followed: no open redirect).
import type { FastifyInstance } from 'fastify';
import type { ConsoleContext } from '../context.js';
import { setLangCookie } from '../session.js';

const body = {
  type: 'object',
  required: ['lang', '_csrf'],
  additionalProperties: false,
  properties: { lang: { type: 'string', pattern: '^[a-z]{2}$' }, back: { type: 'string', maxLength: 2048 }, _csrf: { type: 'string', maxLength: 512 } },
};

export function languageRoute(app: FastifyInstance, ctx: ConsoleContext): void {
  app.post<{ Body: { lang: string; back?: string } }>('/language', { schema: { body }, preValidation: app.csrfProtection }, async (request, reply) => {
    if (ctx.catalogues.languages.has(request.body.lang)) setLangCookie(reply, ctx.cookies, request.body.lang);
    const back = request.body.back ?? '';
    return reply.redirect(/^\/console(\/[^/\\][^\\]*)?$/.test(back) && !back.includes('//') ? back : '/console', 303);
  });
}
