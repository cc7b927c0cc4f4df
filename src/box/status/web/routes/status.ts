// GET / (the page) and GET /status.json (what its script polls), for a logged-in technician or
// site staff. Both come from the same snapshot, so the page reads the same with scripts off.
import type { FastifyInstance } from 'fastify';
import type { WebContext } from '../context.js';
import { csrfToken } from '../csrf.js';
import { statusPage } from '../pages/status.js';
import { statusAnswer } from '../schemas.js';
import { mustSession } from '../session.js';

export function statusRoutes(app: FastifyInstance, ctx: WebContext): void {
  app.get('/', async (request, reply) => {
    const s = mustSession(request);
    const view = await ctx.views.snapshot();
    const page = statusPage({ view, csrf: csrfToken(request, reply), user: { name: s.name, role: s.role }, flash: ctx.flash.take(s.id) });
    return reply.type('text/html; charset=utf-8').send(page.text);
  });

  app.get('/status.json', { schema: { response: { 200: statusAnswer } } }, async () => ctx.views.snapshot());
}
