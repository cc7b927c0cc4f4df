// GET /healthz, for a monitoring tool, without login: whether every line is being recorded,
// and the few facts that say why not. No version, path, box or site name, account or line
// name: the tool knows what it polls, and an anonymous caller on the LAN learns nothing that
// helps an attack. 503 while a fault (calls not recorded) is in force.
import type { FastifyInstance } from 'fastify';
import type { WebContext } from '../context.js';
import { healthAnswer } from '../schemas.js';

export function healthRoute(app: FastifyInstance, ctx: WebContext): void {
  app.get('/healthz', { schema: { response: { 200: healthAnswer, 503: healthAnswer } } }, async (_request, reply) => {
    const v = await ctx.views.snapshot();
    const ok = !v.alarms.some((a) => a.severity === 'fault');
    return reply.code(ok ? 200 : 503).send({
      ok,
      recording: v.recording,
      alarms: v.alarms.map((a) => a.kind),
      capture: v.capture.state,
      mqtt: v.sync.state,
      backlog: v.sync.backlog,
    });
  });
}
