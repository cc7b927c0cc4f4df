// GET /api/fleet and GET /api/alarms: the boxes' health, no personal data. Successful reads are
// not audited (a console polls them every few seconds and they hold no personal data); refusals are.
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../auth.js';
import type { RouteContext } from '../context.js';
import { requireRight } from '../guard.js';
import { seesSite } from '../rights.js';

const noQuery = { type: 'object', additionalProperties: false, properties: {} };

export function fleetRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/api/fleet', { schema: { querystring: noQuery }, preValidation: requireRight(ctx, 'view-fleet') }, async (request) => {
    const p = principalOf(request);
    return { boxes: ctx.deps.fleet.list(ctx.deps.clock.now()).filter((b) => seesSite(p, b.site)) };
  });

  app.get('/api/alarms', { schema: { querystring: noQuery }, preValidation: requireRight(ctx, 'view-alarms') }, async (request) => {
    const p = principalOf(request);
    return { alarms: ctx.deps.alarms().filter((a) => seesSite(p, a.site)) };
  });
}
