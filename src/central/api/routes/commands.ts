// POST /api/boxes/:site/:box/commands/:verb: a signed command to one box, answered with the
// box's own reply. `by` is the token's holder, never what the body says.
// The box checks each verb's arguments itself and refuses with a reason (a 409 here): the API
// checks only their shape, so the two never disagree about what a verb takes.
import type { FastifyInstance } from 'fastify';
import type { Reply } from '../../../core/protocol/messages.js';
import { principalOf } from '../auth.js';
import type { RouteContext } from '../context.js';
import { ApiError } from '../errors.js';
import { safeError } from '../log-safe.js';
import { API_VERBS, commandRefusalOf, mayCommand, seesSite, siteRefusalOf, type ApiVerb } from '../rights.js';
import { boxField, idField, siteField, VIEW_PURPOSES } from '../schemas.js';
import type { ApiAuditEntry } from '../types.js';

import { COMMAND_TIMEOUT_CODE } from '../../ingest/types.js';

export { COMMAND_TIMEOUT_CODE };

type Args = Record<string, string | number | boolean>;

const params = {
  type: 'object',
  additionalProperties: false,
  required: ['site', 'box', 'verb'],
  properties: { site: siteField, box: boxField, verb: { type: 'string', enum: API_VERBS } },
};

const body = {
  type: 'object',
  additionalProperties: false,
  properties: {
    args: {
      type: 'object',
      maxProperties: 16,
      propertyNames: { pattern: '^[a-zA-Z][a-zA-Z0-9]{0,31}$' },
      additionalProperties: {
        type: ['string', 'number', 'boolean'],
        maxLength: 512,
        description: 'a string of at most 512 characters, a number or a boolean',
      },
      description: 'an object of at most 16 named string, number or boolean values',
    },
  },
};

/** The verbs whose args carry who asked (the box refuses an argument a verb does not take). */
const TAKES_BY: ReadonlySet<ApiVerb> = new Set(['hold', 'release', 'delete', 'stop-recording', 'set-retention']);

const PURPOSES: readonly string[] = VIEW_PURPOSES;
const ID = new RegExp(idField.pattern);

/**
 * What of the args the audit entry keeps: ids, numbers of months, a hold's purpose and case.
 * Free text (a deletion's reason) stays out: the box keeps it with the recording.
 */
function auditFacts(args: Args): Pick<ApiAuditEntry, 'purpose' | 'caseRef'> & { detail: Args } {
  const detail: Args = {};
  if (typeof args['id'] === 'string' && ID.test(args['id'])) detail['id'] = args['id'];
  if (typeof args['line'] === 'string' && /^[A-Za-z0-9._:-]{1,64}$/.test(args['line'])) detail['line'] = args['line'];
  if (typeof args['months'] === 'number' && Number.isSafeInteger(args['months'])) detail['months'] = args['months'];
  return {
    ...(typeof args['reason'] === 'string' && PURPOSES.includes(args['reason']) ? { purpose: args['reason'] } : {}),
    ...(typeof args['caseRef'] === 'string' && args['caseRef'] ? { caseRef: args['caseRef'] } : {}),
    detail,
  };
}

export function commandRoute(app: FastifyInstance, ctx: RouteContext): void {
  app.post(
    '/api/boxes/:site/:box/commands/:verb',
    {
      schema: { params, body },
      // A command without arguments (led-test) may come without a body.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const { site, box, verb } = request.params as { site: string; box: string; verb: ApiVerb };
      const args: Args = (request.body as { args?: Args }).args ?? {};
      const facts = auditFacts(args);
      const entry = (result: ApiAuditEntry['result'], more: Args): ApiAuditEntry => ({
        actor: p.name, action: 'command', target: `${site}/${box}`,
        ...(facts.purpose ? { purpose: facts.purpose } : {}), ...(facts.caseRef ? { caseRef: facts.caseRef } : {}),
        result, detail: { verb, site, box, ...facts.detail, ...more },
      });

      const refusal = !mayCommand(p, verb) ? commandRefusalOf(p, verb) : !seesSite(p, site) ? siteRefusalOf(p, site) : undefined;
      if (refusal) {
        await ctx.auditor.try(entry('refused', { reason: mayCommand(p, verb) ? 'other-site' : 'role' }));
        throw new ApiError(403, 'forbidden', refusal);
      }
      if ('by' in args) throw new ApiError(400, 'invalid-field', 'body field "args.by" is not accepted: who sent a command is set from the token', 'args.by');
      const now = ctx.deps.clock.now();
      if (!ctx.deps.fleet.list(now).some((b) => b.site === site && b.box === box)) {
        await ctx.auditor.try(entry('error', { outcome: 'unknown-box' }));
        throw new ApiError(404, 'unknown-box', `no box ${box} at site ${site} has reported to this indexer`);
      }

      let answer: Reply;
      try {
        answer = await ctx.deps.commands.send({
          site, box, verb, args: TAKES_BY.has(verb) ? { ...args, by: p.name } : args,
          ...(ctx.deps.commandTimeoutMs !== undefined ? { timeoutMs: ctx.deps.commandTimeoutMs } : {}),
        });
      } catch (err) {
        if ((err as { code?: unknown })?.code === COMMAND_TIMEOUT_CODE) {
          await ctx.auditor.try(entry('error', { outcome: 'timeout' }));
          throw new ApiError(504, 'box-timeout', `box ${box} at site ${site} did not answer ${verb} in time; it may still carry it out`);
        }
        ctx.deps.log.error({ error: safeError(err), site, box, verb }, 'command could not be sent');
        await ctx.auditor.try(entry('error', { outcome: 'send-failed' }));
        throw new ApiError(502, 'command-failed', `the command could not be sent to box ${box} at site ${site}; the failure is in the indexer log`);
      }
      if (answer.ok) {
        await ctx.auditor.try(entry('ok', { outcome: 'done' }));
        return answer;
      }
      await ctx.auditor.try(entry('refused', { outcome: 'box-refused', boxReason: answer.reason }));
      // The error says what went wrong; `reply` is the box's own answer, as a 200 would carry it.
      const message = `box ${box} refused ${verb}: ${answer.reason}: ${answer.detail}`;
      return reply.code(409).send({ error: { code: 'box-refused', message }, reply: answer });
    },
  );
}
