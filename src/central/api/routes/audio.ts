// GET /api/calls/:id/audio?purpose=&caseRef=: a recording as Ogg Opus, for a stated purpose and
// case reference (R2, R9), as the console's listen gives it: the same purposes per role, written
// to the audit log before the recording is opened, fetched sealed from the box (or the central
// copy) and unsealed in memory. Supervisors within their sites, privacy officers anywhere,
// trainers only recordings of a training project they belong to; admins never.
import type { FastifyInstance } from 'fastify';
import { LISTEN_PURPOSES, purposesOf, type ListenPurpose } from '../../listen-purposes.js';
import { COMMAND_TIMEOUT_CODE } from '../../ingest/types.js';
import { principalOf } from '../auth.js';
import type { RouteContext } from '../context.js';
import { ApiError } from '../errors.js';
import { safeError } from '../log-safe.js';
import { seesSite } from '../rights.js';
import { caseRefField, idField } from '../schemas.js';

const params = { type: 'object', additionalProperties: false, required: ['id'], properties: { id: idField } };
const querystring = {
  type: 'object',
  additionalProperties: false,
  required: ['purpose', 'caseRef'],
  properties: { purpose: { type: 'string', enum: LISTEN_PURPOSES }, caseRef: caseRefField },
};

export function audioRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/api/calls/:id/audio', { schema: { params, querystring } }, async (request, reply) => {
    const p = principalOf(request);
    const { id } = request.params as { id: string };
    const { purpose, caseRef } = request.query as { purpose: ListenPurpose; caseRef: string };
    const refuse = async (status: number, code: string, reason: string, message: string) => {
      await ctx.auditor.try({ actor: p.name, action: 'listen', target: id, purpose, caseRef, result: 'refused', detail: { reason, api: true } });
      throw new ApiError(status, code, message);
    };
    const allowed = purposesOf(p.role);
    if (allowed.length === 0) return refuse(403, 'forbidden', 'role', `a token of role ${p.role} may not listen to recordings`);
    if (!allowed.includes(purpose)) return refuse(403, 'forbidden', 'purpose', `role ${p.role} may listen for: ${allowed.join(', ')}`);
    const { playback, projects } = ctx.deps;
    if (!playback || !projects) throw new ApiError(503, 'unavailable', 'listening is not available on this server');

    const call = await ctx.deps.index.get(id);
    const marked = call ? (await projects.containing(id)).filter((pr) => p.role !== 'trainer' || pr.members.includes(p.name)) : [];
    const reachable = call && (p.role === 'trainer' ? marked.length > 0 : seesSite(p, call.site));
    if (!call || !reachable) return refuse(404, 'not-found', call ? (p.role === 'trainer' ? 'not-in-project' : 'other-site') : 'not-found', `no call ${id} among the calls you may hear`);
    if (purpose === 'training' && marked.length === 0) return refuse(403, 'forbidden', 'not-in-project', 'for training, only recordings marked for a training project may be heard');
    if (call.deleted) return refuse(409, 'destroyed', 'destroyed', 'the recording was destroyed');

    // No entry, no audio.
    await ctx.auditor.must({ actor: p.name, action: 'listen', target: id, purpose, caseRef, result: 'ok', detail: { site: call.site, box: call.box, api: true } });
    let ogg: Buffer;
    try {
      ({ ogg } = await playback.open(call));
    } catch (err) {
      const timedOut = (err as { code?: unknown }).code === COMMAND_TIMEOUT_CODE;
      await ctx.auditor.try({ actor: p.name, action: 'listen', target: id, purpose, caseRef, result: 'error', detail: { outcome: timedOut ? 'timeout' : 'failed', api: true } });
      if (timedOut) throw new ApiError(504, 'box-timeout', `box ${call.box} at site ${call.site} did not answer in time, and the centre holds no copy of this recording`);
      ctx.deps.log.error({ error: safeError(err), id }, 'a recording could not be opened');
      throw new ApiError(502, 'open-failed', 'the recording could not be opened; the failure is in the indexer log');
    }
    return reply.type('audio/ogg').header('content-disposition', `inline; filename="${id}.opus"`).send(ogg);
  });
}
