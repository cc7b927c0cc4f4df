// The role check of a route, before its input is even validated: a role that may not use a
// route learns nothing from it, not even which of its inputs would be wrong. Refusals are audited.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { principalOf } from './auth.js';
import type { RouteContext } from './context.js';
import { ApiError, sendError } from './errors.js';
import { may, refusalOf, type Right } from './rights.js';

export function requireRight(ctx: RouteContext, right: Right) {
  return async function preValidation(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const p = principalOf(request);
    if (may(p, right)) return undefined;
    await ctx.auditor.try({ actor: p.name, action: right, result: 'refused', detail: { reason: 'role', role: p.role } });
    return sendError(reply, new ApiError(403, 'forbidden', refusalOf(p, right)));
  };
}
