// GET /console/fleet: every box the person may see (a supervisor's own sites; all for an admin),
// from the boxes' retained `$state` and `status`.
// POST /console/fleet/:site/:box/commands/:verb (admins): one signed command to one box, and the
// fleet page again with the box's reply: 200 when it did it, 409 when it refused, 504 when it did
// not answer. The form is checked here before anything is sent, against what the box itself
// accepts (command-args); `by` is the person, never the form. Every command is audited with its
// outcome; a refusal in the console (role, form, unknown box) is audited and nothing is sent.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditDetail } from '../../../core/audit/entry.js';
import type { Reply } from '../../../core/protocol/messages.js';
import { SEGMENT, siteField, boxField } from '../../api/schemas.js';
import { safeError } from '../../api/log-safe.js';
import type { BoxView } from '../../fleet/types.js';
import { COMMAND_TIMEOUT_CODE } from '../../ingest/types.js';
import type { ConsoleContext } from '../context.js';
import type { Translator } from '../i18n/catalogue.js';
import { errorAnswer, personOf, send, translatorFor, type Person } from '../page-kit.js';
import { FLEET_COMMANDS, FLEET_VERBS, fleetPage, isFleetVerb, type CommandOutcome, type CommandRefusal, type FleetVerb } from '../pages/fleet.js';
import { consoleMay } from '../rights.js';

interface Params {
  site: string;
  box: string;
  verb: string;
}
type Body = Record<string, unknown>;

const params = {
  type: 'object',
  additionalProperties: false,
  required: ['site', 'box', 'verb'],
  properties: { site: siteField, box: boxField, verb: { type: 'string', enum: FLEET_VERBS } },
};

/** A whole number as a form sends it: digits only (no sign, exponent or fraction). */
const WHOLE = /^[0-9]{1,16}$/;
const ID = new RegExp(SEGMENT);

/** The boxes a person may see: a supervisor's own sites, everyone's for an account with no sites. */
function visible(person: Person, boxes: readonly BoxView[]): BoxView[] {
  const sites = person.sites;
  return sites ? boxes.filter((b) => sites.includes(b.site)) : [...boxes];
}

class FormProblem extends Error {
  constructor(readonly status: 400 | 404, readonly refusal: CommandRefusal, readonly reason: string) {
    super(reason);
  }
}

export function fleetRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const { deps, auditor } = ctx;

  const render = (request: FastifyRequest, reply: FastifyReply, person: Person, status: number, extra: { outcome?: CommandOutcome; refusal?: CommandRefusal } = {}) => {
    const now = deps.clock.now();
    const page = fleetPage(translatorFor(ctx, request), {
      user: person.viewer,
      csrf: reply.generateCsrf(),
      boxes: visible(person, deps.fleet.list(now)),
      now,
      canCommand: consoleMay(person.viewer.role, 'fleet-command'),
      ...extra,
    });
    return send(reply, status, page);
  };

  app.get('/fleet', async (request, reply) => {
    const person = await personOf(ctx, request);
    if (!person) return reply.redirect('/console/login', 303);
    if (!consoleMay(person.viewer.role, 'fleet')) return errorAnswer(ctx, request, reply, 403, 'error.forbidden', person.viewer);
    return render(request, reply, person, 200);
  });

  app.post<{ Params: Params; Body: Body }>(
    '/fleet/:site/:box/commands/:verb',
    // Bad params are answered by the route (attachValidation), so the page can say which. Form values
    // arrive as strings: the verb's one number is read by readCommand, which names what is wrong;
    // other fields are never read (a `by` in the form is not who sent the command).
    { schema: { params }, attachValidation: true, preValidation: app.csrfProtection },
    async (request, reply) => {
      const person = await personOf(ctx, request);
      if (!person) return reply.redirect('/console/login', 303);
      const actor = person.viewer.name;
      const { site, box, verb } = request.params;
      // Only ids of the allowed shape go into the audit entry: a URL segment is not trusted text.
      const where: AuditDetail = { ...(ID.test(site) ? { site } : {}), ...(ID.test(box) ? { box } : {}), ...(isFleetVerb(verb) ? { verb } : {}), console: true };
      const target = ID.test(site) && ID.test(box) ? { target: `${site}/${box}` } : {};

      if (!consoleMay(person.viewer.role, 'fleet-command')) {
        await auditor.try({ actor, action: 'rejected-command', ...target, result: 'refused', detail: { ...where, reason: 'role' } });
        return errorAnswer(ctx, request, reply, 403, 'error.forbidden', person.viewer);
      }

      const t = translatorFor(ctx, request);
      let args: Record<string, number | string>;
      let verbOk: FleetVerb;
      try {
        ({ verb: verbOk, args } = readCommand(t, request, visible(person, deps.fleet.list(deps.clock.now()))));
      } catch (err) {
        if (!(err instanceof FormProblem)) throw err;
        const unknownBox = err.status === 404;
        await auditor.try({
          actor, action: unknownBox ? 'rejected-command' : 'rejected-input', ...target, result: 'refused',
          detail: { ...where, reason: err.reason, ...(err.refusal.field ? { field: err.refusal.field } : {}) },
        });
        return render(request, reply, person, err.status, { refusal: err.refusal });
      }

      if (verbOk === 'set-retention') args = { ...args, by: actor };
      // Set-retention changes the box's configuration; the LED test and a resync are commands, as
      // the JSON API audits them.
      const action = verbOk === 'set-retention' ? 'config-change' : 'command';
      const facts: AuditDetail = { ...where, ...Object.fromEntries(Object.entries(args).filter(([k]) => k !== 'by')) };
      const about = { site, box, verb: verbOk };

      let answer: Reply;
      try {
        answer = await deps.commands.send({ site, box, verb: verbOk, args });
      } catch (err) {
        if ((err as { code?: unknown })?.code === COMMAND_TIMEOUT_CODE) {
          await auditor.must({ actor, action, target: `${site}/${box}`, result: 'error', detail: { ...facts, outcome: 'timeout' } });
          const seen = deps.fleet.list(deps.clock.now()).find((b) => b.site === site && b.box === box)?.lastSeen;
          return render(request, reply, person, 504, { outcome: { ...about, answer: 'timeout', lastSeen: seen } });
        }
        deps.log.error({ error: safeError(err), site, box, verb: verbOk }, 'command could not be sent');
        await auditor.must({ actor, action, target: `${site}/${box}`, result: 'error', detail: { ...facts, outcome: 'send-failed' } });
        return render(request, reply, person, 502, { outcome: { ...about, answer: 'failed' } });
      }
      if (answer.ok) {
        await auditor.must({ actor, action, target: `${site}/${box}`, result: 'ok', detail: { ...facts, outcome: 'done' } });
        return render(request, reply, person, 200, { outcome: { ...about, answer: 'ok', result: answer.result ?? {} } });
      }
      const refused: AuditDetail = { ...facts, outcome: 'box-refused' };
      if (typeof answer.reason === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(answer.reason)) refused['boxReason'] = answer.reason;
      await auditor.must({ actor, action: 'rejected-command', target: `${site}/${box}`, result: 'refused', detail: refused });
      return render(request, reply, person, 409, {
        outcome: { ...about, answer: 'refused', reason: String(answer.reason), detail: typeof answer.detail === 'string' ? answer.detail : '' },
      });
    },
  );
}

/** The verb and its args from a POST, or the FormProblem that says what is wrong (nothing is sent then). */
function readCommand(t: Translator, request: FastifyRequest<{ Params: Params; Body: Body }>, boxes: readonly BoxView[]): { verb: FleetVerb; args: Record<string, number> } {
  const { site, box, verb } = request.params;
  const invalid = request.validationError;
  if (invalid) {
    const param = invalid.validation?.[0]?.instancePath.replace(/^\//, '');
    if (param === 'verb') throw new FormProblem(400, { message: t('fleet.error.verb') }, 'unknown-verb');
    throw new FormProblem(400, { message: t('fleet.error.id') }, 'bad-id');
  }
  if (!isFleetVerb(verb)) throw new FormProblem(400, { message: t('fleet.error.verb') }, 'unknown-verb');
  if (!boxes.some((b) => b.site === site && b.box === box)) {
    // Another site's box answers as one that does not exist: boxes cannot be probed.
    throw new FormProblem(404, { message: t('fleet.error.box', { site, box }) }, 'unknown-box');
  }
  const f = FLEET_COMMANDS[verb];
  const raw = request.body?.[f.name];
  const typed = typeof raw === 'string' ? raw.trim() : undefined;
  const n = typed !== undefined && WHOLE.test(typed) ? Number(typed) : NaN;
  if (!(Number.isSafeInteger(n) && n >= f.min && n <= f.max)) {
    const label = t(`fleet.cmd.${verb}.field`);
    const problem = f.max === Number.MAX_SAFE_INTEGER ? t('fleet.error.atLeast', { field: label, min: f.min }) : t('fleet.error.range', { field: label, min: f.min, max: f.max });
    throw new FormProblem(
      400,
      { message: t('fleet.error.notSent', { site, box, problem }), site, box, verb, field: f.name, ...(typeof raw === 'string' ? { value: raw } : {}) },
      'bad-arg',
    );
  }
  return { verb, args: { [f.name]: n } };
}
