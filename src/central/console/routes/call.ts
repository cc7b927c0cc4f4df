// GET /console/calls/:id: one call's metadata, evidence and holds, within the person's sites. A
// call of another site answers as one that does not exist, so ids cannot be probed (R7).
// Audited as `view-call`. Listening and holds come with their own routes.
import type { FastifyInstance } from 'fastify';
import { addCalendarMonths } from '../../../core/retention/index.js';
import type { ConsoleContext } from '../context.js';
import { errorAnswer, personOf, send, translatorFor } from '../page-kit.js';
import { callPage } from '../pages/index.js';
import { consoleMay } from '../rights.js';

const params = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', pattern: '^[0-9a-zA-Z-]{1,64}$' } } };

export function callRoute(app: FastifyInstance, ctx: ConsoleContext): void {
  app.get<{ Params: { id: string } }>('/calls/:id', { schema: { params } }, async (request, reply) => {
    const person = await personOf(ctx, request);
    if (!person) return reply.redirect('/console/login', 303);
    if (!consoleMay(person.viewer.role, 'view-call')) return errorAnswer(ctx, request, reply, 403, 'error.forbidden', person.viewer);
    const { id } = request.params;
    const call = await ctx.deps.index.get(id);
    if (!call || (person.sites && !person.sites.includes(call.site))) {
      await ctx.auditor.try({ actor: person.viewer.name, action: 'view-call', target: id, result: 'refused', detail: { reason: call ? 'other-site' : 'not-found', console: true } });
      return errorAnswer(ctx, request, reply, 404, 'error.notFound', person.viewer);
    }
    await ctx.auditor.must({ actor: person.viewer.name, action: 'view-call', target: id, result: 'ok', detail: { site: call.site, console: true } });
    const box = ctx.deps.fleet.list(ctx.deps.clock.now()).find((b) => b.site === call.site && b.box === call.box);
    const { sealed: _sealed, seq: _seq, ...view } = call;
    return send(
      reply,
      200,
      callPage(translatorFor(ctx, request), {
        user: person.viewer,
        csrf: reply.generateCsrf(),
        call: view,
        holds: call.holds,
        expiry: call.expiresAt,
        maxHoldUntil: addCalendarMonths(call.start, 12),
        canListen: false,
        canHold: false,
        boxOnline: { online: box !== undefined && box.state !== 'lost', ...(box ? { lastSeen: box.lastSeen } : {}) },
      }),
    );
  });
}
