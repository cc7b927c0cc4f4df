// GET /api/calls/:id: one call. Its numbers are unsealed only for a stated purpose and case
// reference (R2, R7), and the audit entry holds both.
//
// A call at a site the caller may not see answers exactly as a call that does not exist (404,
// same body): otherwise a supervisor could learn which ids exist at other sites. The audit log,
// which only the privacy officer reads, keeps the difference.
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../auth.js';
import type { RouteContext } from '../context.js';
import { ApiError } from '../errors.js';
import { requireRight } from '../guard.js';
import { safeError } from '../log-safe.js';
import { seesSite } from '../rights.js';
import { caseRefField, idField, purposeField, type ViewPurpose } from '../schemas.js';
import type { OpenedNumbers } from '../types.js';
import { summaryOf } from '../views.js';

type Omitted = { reason: 'no-purpose' | 'destroyed' | 'none' | 'unseal-failed'; message: string };

const OMITTED: Record<Omitted['reason'], string> = {
  'no-purpose': 'numbers are shown only with a purpose and a case reference (query parameters purpose and caseRef)',
  destroyed: 'the recording was destroyed; its numbers went with it',
  none: 'no numbers were signalled on this call',
  'unseal-failed': 'the numbers could not be unsealed; the failure is in the indexer log',
};

const params = { type: 'object', additionalProperties: false, required: ['id'], properties: { id: idField } };
const querystring = { type: 'object', additionalProperties: false, properties: { purpose: purposeField, caseRef: caseRefField } };

export function callDetailRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/api/calls/:id', { schema: { params, querystring }, preValidation: requireRight(ctx, 'view-call') }, async (request) => {
    const p = principalOf(request);
    const { id } = request.params as { id: string };
    const { purpose, caseRef } = request.query as { purpose?: ViewPurpose; caseRef?: string };
    if (purpose !== undefined && caseRef === undefined) throw new ApiError(400, 'missing-field', 'query parameter "caseRef" is required with purpose', 'caseRef');
    if (caseRef !== undefined && purpose === undefined) throw new ApiError(400, 'missing-field', 'query parameter "purpose" is required with caseRef', 'purpose');
    const why = { ...(purpose ? { purpose } : {}), ...(caseRef ? { caseRef } : {}) };

    const call = await ctx.deps.index.get(id);
    if (!call || !seesSite(p, call.site)) {
      await ctx.auditor.try({ actor: p.name, action: 'view-call', target: id, ...why, result: call ? 'refused' : 'error', detail: { reason: call ? 'other-site' : 'not-found' } });
      throw new ApiError(404, 'not-found', `no call ${id} among the calls you may see`);
    }

    let numbers: OpenedNumbers | undefined;
    let omitted: Omitted['reason'] | undefined;
    if (!purpose) omitted = 'no-purpose';
    else if (call.deleted) omitted = 'destroyed';
    else {
      try {
        const opened = await ctx.deps.openNumbers(call);
        if (opened && Object.values(opened).some((v) => v !== undefined && v !== '')) numbers = opened;
        else omitted = 'none';
      } catch (err) {
        ctx.deps.log.error({ error: safeError(err), id }, 'numbers of a call could not be unsealed');
        omitted = 'unseal-failed';
      }
    }
    // Written before the numbers leave: no entry, no numbers.
    await ctx.auditor.must({
      actor: p.name, action: 'view-call', target: id, ...why,
      result: omitted === 'unseal-failed' ? 'error' : 'ok',
      detail: { site: call.site, box: call.box, numbers: numbers !== undefined, ...(omitted ? { omitted } : {}) },
    });
    return {
      call: summaryOf(call),
      ...(numbers ? { numbers: pickNumbers(numbers) } : {}),
      ...(omitted ? { numbersOmitted: { reason: omitted, message: OMITTED[omitted] } } : {}),
    };
  });
}

/** Only the fields the API promises, whatever else the unsealer returned. */
function pickNumbers(n: OpenedNumbers): OpenedNumbers {
  const out: OpenedNumbers = {};
  if (typeof n.calling === 'string') out.calling = n.calling;
  if (typeof n.called === 'string') out.called = n.called;
  if (typeof n.name === 'string') out.name = n.name;
  return out;
}
