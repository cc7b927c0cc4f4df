// Listening (issue 8, R2, R9). POST /console/calls/:id/listen takes a purpose the person's role
// may state and a case reference; it is audited before any audio exists, then the recording is
// opened (the central copy, or fetched sealed from its box and unsealed in memory) and the page
// plays it from GET /console/calls/:id/audio, with byte ranges so the <audio> element can seek.
// Training needs a recording marked for a training project; a trainer must belong to it.
import type { FastifyInstance } from 'fastify';
import { COMMAND_TIMEOUT_CODE } from '../../ingest/types.js';
import { rangeOf } from '../../playback/range.js';
import { safeError } from '../../api/log-safe.js';
import { reachCall } from '../call-access.js';
import { boxOnline, callAnswer } from '../call-answer.js';
import type { ConsoleContext } from '../context.js';
import { CASE_REF_MAX, plainText } from '../form-text.js';
import { errorAnswer, personOf, translatorFor } from '../page-kit.js';
import { PATHS } from '../pages/paths.js';
import { LISTEN_PURPOSES, type ListenPurpose } from '../pages/types.js';
import { consoleMay, purposesOf } from '../rights.js';
import { CALL_ID } from './call.js';

const params = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: CALL_ID } };
const body = {
  type: 'object',
  additionalProperties: false,
  properties: { _csrf: { type: 'string' }, purpose: { type: 'string', maxLength: 32 }, caseRef: { type: 'string', maxLength: 256 } },
};
const audioQuery = { type: 'object', required: ['grant'], additionalProperties: false, properties: { grant: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,64}$' } } };

export function listenRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  app.post<{ Params: { id: string }; Body: { purpose?: string; caseRef?: string } }>(
    '/calls/:id/listen',
    { schema: { params, body }, preValidation: app.csrfProtection },
    async (request, reply) => {
      const person = await personOf(ctx, request);
      if (!person) return reply.redirect('/console/login', 303);
      const actor = person.viewer.name;
      const { id } = request.params;
      const reach = await reachCall(ctx, person, id);
      if (!reach.ok || !consoleMay(person.viewer.role, 'listen')) {
        await ctx.auditor.try({ actor, action: 'listen', target: id, result: 'refused', detail: { reason: reach.ok ? 'role' : reach.reason } });
        if (reach.ok || reach.reason === 'role') return errorAnswer(ctx, request, reply, 403, 'error.forbidden', person.viewer);
        return errorAnswer(ctx, request, reply, 404, 'error.notFound', person.viewer);
      }
      const { call, via } = reach;
      const t = translatorFor(ctx, request);
      const refuse = async (status: number, key: string, reason: string, params?: Record<string, string>) => {
        await ctx.auditor.try({ actor, action: 'listen', target: id, result: 'refused', detail: { reason } });
        return callAnswer(ctx, request, reply, { person, call, via, status, extras: { error: t(key, params) } });
      };
      const purpose = request.body.purpose as ListenPurpose | undefined;
      if (!purpose || !LISTEN_PURPOSES.includes(purpose) || !purposesOf(person.viewer.role).includes(purpose)) return refuse(400, 'listen.error.purpose', 'purpose');
      const caseRef = plainText(request.body.caseRef, CASE_REF_MAX);
      if (!caseRef) return refuse(400, 'listen.error.caseRef', 'case-ref');
      if (purpose === 'training' && reach.projects.length === 0) return refuse(403, 'listen.error.training', 'not-in-project');
      if (call.deleted) return refuse(409, 'listen.destroyed', 'destroyed');

      // Logged before a byte is fetched: a listen that cannot be logged does not happen.
      await ctx.auditor.must({ actor, action: 'listen', target: id, purpose, caseRef, result: 'ok', detail: { site: call.site, box: call.box, console: true } });
      let opened;
      try {
        opened = await ctx.deps.playback.open(call);
      } catch (err) {
        const timedOut = (err as { code?: unknown }).code === COMMAND_TIMEOUT_CODE;
        await ctx.auditor.try({ actor, action: 'listen', target: id, purpose, caseRef, result: 'error', detail: { outcome: timedOut ? 'timeout' : 'failed' } });
        if (!timedOut) ctx.deps.log.error({ error: safeError(err), recording: id }, 'console: a recording could not be opened');
        const online = boxOnline(ctx, call.site, call.box);
        return callAnswer(ctx, request, reply, {
          person, call, via, status: timedOut ? 504 : 502,
          extras: { error: timedOut ? t('listen.error.timeout', { box: call.box }) + (online.lastSeen ? ` ${t('box.lastSeen', { time: t.fmt.dateTime(online.lastSeen) })}` : '') : t('listen.error.failed') },
        });
      }
      const grant = ctx.grants.add({ person: actor, recording: id, purpose, caseRef, ogg: opened.ogg, source: opened.source });
      return reply.redirect(`${PATHS.call(id)}?grant=${encodeURIComponent(grant.token)}#listen-heading`, 303);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { grant: string } }>('/calls/:id/audio', { schema: { params, querystring: audioQuery } }, async (request, reply) => {
    const person = await personOf(ctx, request);
    if (!person) return reply.code(401).type('text/plain; charset=utf-8').send('log in first');
    const grant = ctx.grants.get(request.query.grant, person.viewer.name, request.params.id);
    if (!grant) return reply.code(404).type('text/plain; charset=utf-8').send('no such listen: state a purpose on the call page first');
    const size = grant.ogg.length;
    const range = rangeOf(typeof request.headers.range === 'string' ? request.headers.range : undefined, size);
    reply.header('accept-ranges', 'bytes').header('cache-control', 'no-store').type('audio/ogg');
    if (range.status === 416) return reply.code(416).header('content-range', `bytes */${size}`).send();
    if (range.status === 206) reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`);
    return reply.send(grant.ogg.subarray(range.start, range.end + 1));
  });
}
