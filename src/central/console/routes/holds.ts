// Holds from the call page (issue 8, R4). POST /console/calls/:id/holds asks the call's box to
// keep the recording until a chosen day (never past the call start + 12 months: the box clamps
// too), and on the box's yes keeps a sealed copy centrally, so the evidence survives the box.
// POST …/holds/release lifts the hold of one case. Both are the box's own answers, audited.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HOLD_REASONS, type HoldInfo, type HoldReason, type Reply } from '../../../core/protocol/messages.js';
import { addCalendarMonths } from '../../../core/retention/index.js';
import { safeError } from '../../api/log-safe.js';
import type { ApiAuditEntry } from '../../api/types.js';
import type { IndexedCall } from '../../index/types.js';
import { COMMAND_TIMEOUT_CODE } from '../../ingest/types.js';
import { reachCall } from '../call-access.js';
import { callAnswer } from '../call-answer.js';
import type { ConsoleContext } from '../context.js';
import { CASE_REF_MAX, plainText } from '../form-text.js';
import { errorAnswer, personOf, translatorFor } from '../page-kit.js';
import { localDateValue, parseLocalInput } from '../pages/form-values.js';
import { consoleMay } from '../rights.js';
import { registerOfHold } from '../../registers/register-holds.js';
import { CALL_ID } from './call.js';

const params = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: CALL_ID } };
const text = { type: 'string', maxLength: 256 };
const holdBody = { type: 'object', additionalProperties: false, properties: { _csrf: { type: 'string' }, reason: text, caseRef: text, until: text } };
const releaseBody = { type: 'object', additionalProperties: false, properties: { _csrf: { type: 'string' }, caseRef: text } };

/** The last instant of a Helsinki day (`2027-03-01`), or undefined for no real date. */
function endOfDay(date: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const start = parseLocalInput(date);
  if (start === undefined) return undefined;
  // The next day's midnight, found from noon so a 23- or 25-hour day cannot skip or repeat one.
  const next = parseLocalInput(localDateValue(start + 36 * 3_600_000));
  return next === undefined ? undefined : next - 1;
}

type Extras = { error?: string; notice?: string };

/** Which register, if any, placed these holds (of one case reference) and releases them itself. */
async function registerOwning(ctx: ConsoleContext, id: string, holds: readonly HoldInfo[]): Promise<'training-project' | 'access-request' | 'disclosure' | undefined> {
  for (const h of holds) {
    if (h.reason === 'quality-project' && (await ctx.deps.projects.containing(id)).some((p) => p.caseRef === h.caseRef)) return 'training-project';
    const register = registerOfHold(h);
    if (register) return register;
  }
  return undefined;
}

export function holdRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  /**
   * What both routes start with: the person, and the call if they may hold it. A refusal is
   * audited and answered here (403 for the role, 404 as if the call did not exist).
   */
  async function begin(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, action: 'hold' | 'release') {
    const person = await personOf(ctx, request);
    if (!person) return reply.redirect('/console/login', 303);
    const { id } = request.params;
    const reach = await reachCall(ctx, person, id);
    if (!reach.ok || reach.via !== 'site' || !consoleMay(person.viewer.role, 'hold')) {
      await ctx.auditor.try({ actor: person.viewer.name, action, target: id, result: 'refused', detail: { reason: reach.ok ? 'role' : reach.reason, console: true } });
      const status = reach.ok || reach.reason === 'role' ? 403 : 404;
      return errorAnswer(ctx, request, reply, status, status === 403 ? 'error.forbidden' : 'error.notFound', person.viewer);
    }
    const { call } = reach;
    const t = translatorFor(ctx, request);
    const answer = (status: number, extras: Extras, shown: IndexedCall = call) => callAnswer(ctx, request, reply, { person, call: shown, via: 'site', status, extras });
    return { actor: person.viewer.name, id, call, t, answer };
  }

  /**
   * Sends the command and, unless the box did it, audits and answers why not: its silence (504),
   * a failure to send (502) or its refusal (409). The reply's result when it did.
   */
  async function exchange(
    step: Exclude<Awaited<ReturnType<typeof begin>>, FastifyReply>,
    verb: 'hold' | 'release',
    args: Record<string, string | number>,
    facts: Omit<ApiAuditEntry, 'result'>,
  ): Promise<{ result: Record<string, unknown> } | FastifyReply> {
    const { call, t, answer } = step;
    let r: Reply;
    try {
      r = await ctx.deps.commands.send({ site: call.site, box: call.box, verb, args });
    } catch (err) {
      const timedOut = (err as { code?: unknown }).code === COMMAND_TIMEOUT_CODE;
      if (!timedOut) ctx.deps.log.error({ error: safeError(err), verb }, 'console: a command could not be sent');
      await ctx.auditor.try({ ...facts, result: 'error', detail: { outcome: timedOut ? 'timeout' : 'failed', console: true } });
      return answer(timedOut ? 504 : 502, { error: t('hold.error.timeout', { box: call.box }) });
    }
    if (!r.ok) {
      await ctx.auditor.try({ ...facts, result: 'refused', detail: { outcome: 'box-refused', boxReason: r.reason, console: true } });
      return answer(409, { error: t('hold.error.refused', { reason: r.reason }) });
    }
    return { result: r.result };
  }

  app.post<{ Params: { id: string }; Body: { reason?: string; caseRef?: string; until?: string } }>(
    '/calls/:id/holds',
    { schema: { params, body: holdBody }, preValidation: app.csrfProtection },
    async (request, reply) => {
      const step = await begin(request, reply, 'hold');
      if (!('call' in step)) return step;
      const { actor, id, call, t, answer } = step;
      const cap = addCalendarMonths(call.start, 12);
      const refuse = async (key: string, field: string, params?: Record<string, string>) => {
        await ctx.auditor.try({ actor, action: 'hold', target: id, result: 'refused', detail: { reason: `bad-${field}`, console: true } });
        return answer(400, { error: t(key, params) });
      };

      const reason = request.body.reason as HoldReason | undefined;
      if (!reason || !HOLD_REASONS.includes(reason)) return refuse('hold.error.reason', 'reason');
      const caseRef = plainText(request.body.caseRef, CASE_REF_MAX);
      if (!caseRef) return refuse('hold.error.caseRef', 'case-ref');
      const day = endOfDay(request.body.until ?? '');
      const now = ctx.deps.clock.now();
      // The last day offered is the cap's own: its end is past the cap, so it is kept to the cap.
      if (day === undefined || day < now || day - 86_400_000 >= cap) return refuse('hold.error.until', 'until', { date: t.fmt.date(cap) });
      const until = Math.min(day, cap);
      if (call.deleted) return answer(409, { error: t('listen.destroyed') });

      const facts = { actor, action: 'hold', target: id, purpose: reason, caseRef };
      const done = await exchange(step, 'hold', { id, reason, caseRef, until, by: actor }, facts);
      if (!('result' in done)) return done;
      const expiresAt = typeof done.result['expiresAt'] === 'number' ? done.result['expiresAt'] : until;
      const heldUntil = typeof done.result['until'] === 'number' ? done.result['until'] : until;
      await ctx.auditor.must({ ...facts, result: 'ok', detail: { until: heldUntil, console: true } });
      let notice = t('hold.placed', { date: t.fmt.dateTime(heldUntil) });
      try {
        await ctx.deps.copies.ensure(call, expiresAt);
      } catch (err) {
        ctx.deps.log.warn({ recording: id, error: (err as Error).message }, 'console: the central copy of a held recording could not be made now');
        notice += ` ${t('hold.copyFailed')}`;
      }
      // The box's event reaches the index a moment later; the page shows the hold now.
      const hold: HoldInfo = { reason, caseRef, by: actor, until: heldUntil, at: now };
      const holds = [...call.holds.filter((h) => h.caseRef !== caseRef || h.reason !== reason), hold];
      return answer(200, { notice }, { ...call, holds, expiresAt: Math.max(call.expiresAt, expiresAt) });
    },
  );

  app.post<{ Params: { id: string }; Body: { caseRef?: string } }>(
    '/calls/:id/holds/release',
    { schema: { params, body: releaseBody }, preValidation: app.csrfProtection },
    async (request, reply) => {
      const step = await begin(request, reply, 'release');
      if (!('call' in step)) return step;
      const { actor, id, call, t, answer } = step;
      const caseRef = plainText(request.body.caseRef, CASE_REF_MAX);
      if (!caseRef || !call.holds.some((h) => h.caseRef === caseRef)) {
        await ctx.auditor.try({ actor, action: 'release', target: id, result: 'refused', detail: { reason: 'bad-case-ref', console: true } });
        return answer(400, { error: t('hold.error.caseRef') });
      }
      // A project's or a register's hold goes with the recording's place there, released on its page:
      // lifted here, the project or the request would still count on a hold that is gone.
      const owner = await registerOwning(ctx, id, call.holds.filter((h) => h.caseRef === caseRef));
      if (owner) {
        await ctx.auditor.try({ actor, action: 'release', target: id, caseRef, result: 'refused', detail: { reason: owner, console: true } });
        return answer(409, { error: t(owner === 'training-project' ? 'hold.error.project' : 'hold.error.register') });
      }
      const facts = { actor, action: 'release', target: id, caseRef };
      const done = await exchange(step, 'release', { id, caseRef, by: actor }, facts);
      if (!('result' in done)) return done;
      await ctx.auditor.must({ ...facts, result: 'ok', detail: { console: true } });
      const expiresAt = typeof done.result['expiresAt'] === 'number' ? done.result['expiresAt'] : call.expiresAt;
      return answer(200, { notice: t('holds.released') }, { ...call, holds: call.holds.filter((h) => h.caseRef !== caseRef), expiresAt });
    },
  );
}
