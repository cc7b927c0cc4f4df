// GET /console/calls/:id: one call's metadata, evidence, holds and listening, for a person who
// may reach it (call-access.ts). A call they may not reach answers as one that does not exist,
// so ids cannot be probed (R7). Audited as `view-call`. With `?grant=`, the page plays a listen
// this person was granted (routes/listen.ts).
import type { FastifyInstance } from 'fastify';
import { reachCall } from '../call-access.js';
import { callAnswer } from '../call-answer.js';
import type { ConsoleContext } from '../context.js';
import { errorAnswer, personOf } from '../page-kit.js';
import { PATHS } from '../pages/paths.js';
import type { ListenPurpose } from '../pages/types.js';

export const CALL_ID = { type: 'string', pattern: '^[0-9a-zA-Z-]{1,64}$' } as const;
const params = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: CALL_ID } };
const querystring = { type: 'object', additionalProperties: false, properties: { grant: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,64}$' } } };

export function callRoute(app: FastifyInstance, ctx: ConsoleContext): void {
  app.get<{ Params: { id: string }; Querystring: { grant?: string } }>('/calls/:id', { schema: { params, querystring } }, async (request, reply) => {
    const person = await personOf(ctx, request);
    if (!person) return reply.redirect('/console/login', 303);
    const { id } = request.params;
    const reach = await reachCall(ctx, person, id);
    if (!reach.ok) {
      if (reach.reason === 'role') return errorAnswer(ctx, request, reply, 403, 'error.forbidden', person.viewer);
      await ctx.auditor.try({ actor: person.viewer.name, action: 'view-call', target: id, result: 'refused', detail: { reason: reach.reason, console: true } });
      return errorAnswer(ctx, request, reply, 404, 'error.notFound', person.viewer);
    }
    await ctx.auditor.must({ actor: person.viewer.name, action: 'view-call', target: id, result: 'ok', detail: { site: reach.call.site, console: true } });
    const grant = request.query.grant ? ctx.grants.get(request.query.grant, person.viewer.name, id) : undefined;
    return callAnswer(ctx, request, reply, {
      person,
      call: reach.call,
      via: reach.via,
      ...(grant
        ? { extras: { listen: { purpose: grant.purpose as ListenPurpose, caseRef: grant.caseRef, audioUrl: PATHS.audio(id, grant.token), fromCopy: grant.source === 'central-copy' } } }
        : {}),
    });
  });
}
