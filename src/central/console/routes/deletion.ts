// Early deletion (issue 9, R4, R9): a privacy officer destroys one recording before its expiry,
// with a reason and a confirmation, from the call page. POST /console/calls/:id/delete sends the
// box its signed `delete` command; the box crypto-shreds the recording (holds or not), leaves a
// tombstone and writes its own audit entry with the reason. The indexer audits `delete` with the
// box's outcome; the reason is free text and goes to the box alone, never into the indexer's
// audit log or its log. The index, the central copy and the training projects follow when the
// box's `deleted` event arrives. Any other role is refused (403), and the refusal audited.
import type { FastifyInstance } from 'fastify';
import type { Reply } from '../../../core/protocol/messages.js';
import { safeError } from '../../api/log-safe.js';
import type { ApiAuditEntry } from '../../api/types.js';
import { COMMAND_TIMEOUT_CODE } from '../../ingest/types.js';
import { reachCall } from '../call-access.js';
import { callAnswer } from '../call-answer.js';
import type { ConsoleContext } from '../context.js';
import { plainText } from '../form-text.js';
import { errorAnswer, personOf, translatorFor } from '../page-kit.js';
import { DELETE_REASON_MAX } from '../pages/call.js';
import { consoleMay } from '../rights.js';
import { CALL_ID } from './call.js';

const params = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: CALL_ID } };
const body = {
  type: 'object',
  additionalProperties: false,
  properties: { _csrf: { type: 'string', maxLength: 512 }, reason: { type: 'string', maxLength: 4000 }, confirm: { type: 'string', maxLength: 16 } },
};

export function deletionRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  app.post<{ Params: { id: string }; Body: { reason?: string; confirm?: string } }>(
    '/calls/:id/delete',
    { schema: { params, body }, preValidation: app.csrfProtection },
    async (request, reply) => {
      const person = await personOf(ctx, request);
      if (!person) return reply.redirect('/console/login', 303);
      const actor = person.viewer.name;
      const { id } = request.params;
      if (!consoleMay(person.viewer.role, 'registers')) {
        await ctx.auditor.try({ actor, action: 'delete', target: id, result: 'refused', detail: { reason: 'role', console: true } });
        return errorAnswer(ctx, request, reply, 403, 'error.forbidden', person.viewer);
      }
      const reach = await reachCall(ctx, person, id);
      if (!reach.ok || reach.via !== 'site') {
        await ctx.auditor.try({ actor, action: 'delete', target: id, result: 'refused', detail: { reason: reach.ok ? 'role' : reach.reason, console: true } });
        return errorAnswer(ctx, request, reply, 404, 'error.notFound', person.viewer);
      }
      const { call } = reach;
      const t = translatorFor(ctx, request);
      const answer = (status: number, extras: { error?: string; notice?: string }, shown = call) => callAnswer(ctx, request, reply, { person, call: shown, via: 'site', status, extras });
      const refuse = async (status: number, key: string, why: string, p?: Record<string, string | number>) => {
        await ctx.auditor.try({ actor, action: 'delete', target: id, result: 'refused', detail: { reason: why, console: true } });
        return answer(status, { error: t(key, p) });
      };

      const reason = plainText(request.body.reason, DELETE_REASON_MAX);
      if (!reason) return refuse(400, 'delete.error.reason', 'bad-reason', { max: DELETE_REASON_MAX });
      if (request.body.confirm !== 'yes') return refuse(400, 'delete.error.confirm', 'not-confirmed');
      if (call.deleted) return refuse(409, 'listen.destroyed', 'destroyed');

      const facts: Omit<ApiAuditEntry, 'result'> = { actor, action: 'delete', target: id };
      const where = { site: call.site, box: call.box, holds: call.holds.length, console: true };
      let r: Reply;
      try {
        r = await ctx.deps.commands.send({ site: call.site, box: call.box, verb: 'delete', args: { id, by: actor, reason } });
      } catch (err) {
        const timedOut = (err as { code?: unknown }).code === COMMAND_TIMEOUT_CODE;
        if (!timedOut) ctx.deps.log.error({ error: safeError(err), verb: 'delete' }, 'console: a command could not be sent');
        await ctx.auditor.try({ ...facts, result: 'error', detail: { ...where, outcome: timedOut ? 'timeout' : 'failed' } });
        return answer(timedOut ? 504 : 502, { error: t(timedOut ? 'delete.error.timeout' : 'delete.error.failed', { box: call.box }) });
      }
      if (!r.ok) {
        await ctx.auditor.try({ ...facts, result: 'refused', detail: { ...where, outcome: 'box-refused', boxReason: r.reason } });
        return answer(409, { error: t('delete.error.refused', { reason: r.reason }) });
      }
      const deletedAt = typeof r.result['deletedAt'] === 'number' ? r.result['deletedAt'] : ctx.deps.clock.now();
      await ctx.auditor.must({ ...facts, result: 'ok', detail: { ...where, outcome: 'destroyed', deletedAt } });
      // The box's `deleted` event reaches the index a moment later; the page shows the deletion now.
      const { sealed: _sealed, ...rest } = call;
      return answer(200, { notice: t('delete.done', { date: t.fmt.dateTime(deletedAt) }) }, { ...rest, holds: [], deleted: { at: deletedAt, reason: 'early-deletion' } });
    },
  );
}
