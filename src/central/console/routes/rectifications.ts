// The rectification register (R11, issue 9), for privacy officers only (`registers`); anyone else
// gets 403. GET /console/registers/rectification lists the requests (no personal data) with the
// form to record one; POST records a written, signed request, its personal fields sealed to the
// controller key. GET …/:id shows one request opened, with the decision forms; POST …/:id/decision
// decides it once: corrected (what was corrected) or refused (the reasons, required), by the
// person logged in, now. GET …/:id/certificate is a refusal's certificate, a letter printed by
// the browser. Every look and every change is audited before it is shown or stored, with the
// entry's id only: no name, henkilötunnus or typed text reaches the audit log or the log.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseHetu } from '../../../core/identifiers/index.js';
import type { ApiAuditEntry } from '../../api/types.js';
import { registerText, registerTextProblem, RectificationStore } from '../../registers/rectification-store.js';
import { RECTIFICATION_LIMITS, type RectificationOutcome } from '../../registers/rectification-types.js';
import type { ConsoleContext } from '../context.js';
import { errorAnswer, personOf, send, translatorFor, type Person } from '../page-kit.js';
import { localDateValue, parseLocalInput } from '../pages/form-values.js';
import { PATHS } from '../pages/paths.js';
import {
  certificatePage, DECISION_FIELDS, RECTIFICATION_NOTICES, RECTIFICATION_PATHS, rectificationPage, rectificationsPage, REQUEST_FIELDS,
  type DecisionForm, type FieldProblem, type RectificationNotice, type RequestForm,
} from '../pages/rectification.js';
import { consoleMay } from '../rights.js';

const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', pattern: '^[0-9a-zA-Z-]{1,64}$' } } };
const doneQuery = { type: 'object', additionalProperties: false, properties: { done: { type: 'string', enum: [...RECTIFICATION_NOTICES] } } };
/** Bounded here only against abuse: the handlers check the real limits and say which field is wrong. */
const form = (...fields: string[]) => ({
  type: 'object',
  additionalProperties: false,
  properties: { ...Object.fromEntries(fields.map((f) => [f, { type: 'string', maxLength: 20_000 }])), _csrf: { type: 'string', maxLength: 512 } },
});
/** A request's texts in Finnish, each character up to 6 bytes once form-encoded: more than the console's 4 KiB default. */
const BODY_LIMIT = 64 * 1024;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** Requests are recorded from paper letters: none arrived before this system. */
const EARLIEST = '2000-01-01';

type Id = { Params: { id: string } };
type Action = 'rectification-list' | 'rectification-request' | 'rectification-view' | 'rectification-decision' | 'rectification-certificate';

export function rectificationsRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const { clock } = ctx.deps;
  const store = new RectificationStore(ctx.deps.db, ctx.deps.sealer, clock);

  const entry = (person: Person, action: Action, result: ApiAuditEntry['result'], target?: string, detail: Record<string, string | number | boolean> = {}): ApiAuditEntry => ({
    actor: person.viewer.name, action, ...(target !== undefined ? { target } : {}), purpose: 'rectification', result, detail: { register: 'rectification', ...detail, console: true },
  });

  /** The privacy officer asking, or the answer already sent (to the login, or 403, audited). */
  const who = async (request: FastifyRequest, reply: FastifyReply, action: Action, target?: string): Promise<Person | FastifyReply> => {
    const person = await personOf(ctx, request);
    if (!person) return reply.redirect(PATHS.login, 303);
    if (!consoleMay(person.viewer.role, 'registers')) {
      await ctx.auditor.try(entry(person, action, 'refused', target, { reason: 'role' }));
      return errorAnswer(ctx, request, reply, 403, 'error.forbidden', person.viewer);
    }
    return person;
  };

  const notFound = async (request: FastifyRequest, reply: FastifyReply, person: Person, action: Action, id: string) => {
    await ctx.auditor.try(entry(person, action, 'refused', id, { reason: 'not-found' }));
    return errorAnswer(ctx, request, reply, 404, 'rectification.error.notFound', person.viewer);
  };

  // ---- the register ----

  const listPage = async (request: FastifyRequest, reply: FastifyReply, person: Person, status: number, extra: { form?: RequestForm; problems?: FieldProblem[] } = {}) => {
    const entries = await store.list();
    if (status === 200) await ctx.auditor.must(entry(person, 'rectification-list', 'ok', undefined, { entries: entries.length }));
    return send(reply, status, rectificationsPage(translatorFor(ctx, request), { user: person.viewer, csrf: reply.generateCsrf(), now: clock.now(), entries, ...extra }));
  };

  app.get('/registers/rectification', async (request, reply) => {
    const person = await who(request, reply, 'rectification-list');
    if (!('viewer' in person)) return person;
    return listPage(request, reply, person, 200);
  });

  app.post<{ Body: RequestForm }>(
    '/registers/rectification',
    { schema: { body: form(...REQUEST_FIELDS) }, bodyLimit: BODY_LIMIT, preValidation: app.csrfProtection },
    async (request, reply) => {
      const person = await who(request, reply, 'rectification-request');
      if (!('viewer' in person)) return person;
      const b = request.body;
      const problems: FieldProblem[] = [];
      const now = clock.now();

      const receivedOn = (b.receivedOn ?? '').trim();
      if (receivedOn === '') problems.push({ field: 'receivedOn', problem: 'empty' });
      else if (!DAY.test(receivedOn) || parseLocalInput(receivedOn) === undefined || receivedOn < EARLIEST) problems.push({ field: 'receivedOn', problem: 'date' });
      else if (receivedOn > localDateValue(now)) problems.push({ field: 'receivedOn', problem: 'future' });
      if (b.signed !== 'yes') problems.push({ field: 'signed', problem: 'unsigned' });
      for (const [field, lines] of [['name', false], ['contact', true]] as const) {
        const p = registerTextProblem(b[field], RECTIFICATION_LIMITS[field], lines);
        if (p) problems.push({ field, problem: p });
      }
      let hetu: string | undefined;
      const typedHetu = (b.hetu ?? '').trim();
      if (typedHetu !== '') {
        const parsed = parseHetu(typedHetu, { today: new Date(now) });
        if (parsed.ok) hetu = parsed.canonical;
        else problems.push({ field: 'hetu', problem: 'hetu' });
      }
      for (const field of ['what', 'where'] as const) {
        const p = registerTextProblem(b[field], RECTIFICATION_LIMITS[field], true);
        if (p) problems.push({ field, problem: p });
      }
      if (problems.length > 0) {
        // Which fields, never what was in them.
        await ctx.auditor.try(entry(person, 'rectification-request', 'refused', undefined, { reason: 'bad-input', fields: problems.map((p) => p.field).join(',') }));
        return listPage(request, reply, person, 400, { form: b, problems });
      }
      const id = randomUUID();
      // Audited first: if the log cannot be written, nothing is recorded.
      await ctx.auditor.must(entry(person, 'rectification-request', 'ok', id, { hetu: hetu !== undefined }));
      await store.create({
        id, receivedOn, recordedBy: person.viewer.name,
        request: { name: registerText(b.name, false)!, contact: registerText(b.contact, true)!, what: registerText(b.what, true)!, where: registerText(b.where, true)!, ...(hetu ? { hetu } : {}) },
      });
      return reply.redirect(`${RECTIFICATION_PATHS.entry(id)}?done=recorded`, 303);
    },
  );

  // ---- one request ----

  const entryPage = async (request: FastifyRequest, reply: FastifyReply, person: Person, id: string, status: number, extra: { form?: DecisionForm; problems?: FieldProblem[]; notice?: RectificationNotice; conflict?: boolean } = {}) => {
    const e = await store.get(id);
    if (!e) return notFound(request, reply, person, 'rectification-view', id);
    return send(reply, status, rectificationPage(translatorFor(ctx, request), { user: person.viewer, csrf: reply.generateCsrf(), entry: e, ...extra }));
  };

  app.get<Id & { Querystring: { done?: RectificationNotice } }>('/registers/rectification/:id', { schema: { params: idParams, querystring: doneQuery } }, async (request, reply) => {
    const { id } = request.params;
    const person = await who(request, reply, 'rectification-view', id);
    if (!('viewer' in person)) return person;
    const s = await store.summary(id);
    if (!s) return notFound(request, reply, person, 'rectification-view', id);
    // Opening a request shows the person's name and what they wrote: audited before it is shown.
    await ctx.auditor.must(entry(person, 'rectification-view', 'ok', id, { status: s.status }));
    return entryPage(request, reply, person, id, 200, request.query.done ? { notice: request.query.done } : {});
  });

  app.post<Id & { Body: DecisionForm & { outcome?: string } }>(
    '/registers/rectification/:id/decision',
    { schema: { params: idParams, body: form('outcome', ...DECISION_FIELDS) }, bodyLimit: BODY_LIMIT, preValidation: app.csrfProtection },
    async (request, reply) => {
      const { id } = request.params;
      const person = await who(request, reply, 'rectification-decision', id);
      if (!('viewer' in person)) return person;
      const s = await store.summary(id);
      if (!s) return notFound(request, reply, person, 'rectification-decision', id);
      const outcome = request.body.outcome;
      if (outcome !== 'corrected' && outcome !== 'refused') {
        await ctx.auditor.try(entry(person, 'rectification-decision', 'refused', id, { reason: 'bad-input', fields: 'outcome' }));
        return errorAnswer(ctx, request, reply, 400, 'rectification.error.outcome', person.viewer);
      }
      if (s.status !== 'open') {
        await ctx.auditor.try(entry(person, 'rectification-decision', 'refused', id, { reason: 'decided', outcome }));
        return entryPage(request, reply, person, id, 409, { conflict: true });
      }
      const field = outcome === 'refused' ? 'reasons' : 'correction';
      const typed = request.body[field];
      const problem = registerTextProblem(typed, RECTIFICATION_LIMITS[field], true);
      if (problem) {
        await ctx.auditor.try(entry(person, 'rectification-decision', 'refused', id, { reason: 'bad-input', fields: field, outcome }));
        return entryPage(request, reply, person, id, 400, { form: { [field]: typed }, problems: [{ field, problem }] });
      }
      // Audited first: a decision that cannot be logged is not taken.
      await ctx.auditor.must(entry(person, 'rectification-decision', 'ok', id, { outcome }));
      const done = await store.decide(id, { outcome: outcome as RectificationOutcome, by: person.viewer.name, text: typed! });
      if (done === undefined) return notFound(request, reply, person, 'rectification-decision', id);
      if (done === 'decided') {
        // Someone else decided it between the check and the write: theirs stands, and the log says this one did not.
        await ctx.auditor.try(entry(person, 'rectification-decision', 'refused', id, { reason: 'decided-meanwhile', outcome }));
        return entryPage(request, reply, person, id, 409, { conflict: true });
      }
      return reply.redirect(`${RECTIFICATION_PATHS.entry(id)}?done=${outcome}`, 303);
    },
  );

  // ---- a refusal's certificate ----

  app.get<Id>('/registers/rectification/:id/certificate', { schema: { params: idParams } }, async (request, reply) => {
    const { id } = request.params;
    const person = await who(request, reply, 'rectification-certificate', id);
    if (!('viewer' in person)) return person;
    const s = await store.summary(id);
    if (!s) return notFound(request, reply, person, 'rectification-certificate', id);
    if (s.status !== 'refused') {
      await ctx.auditor.try(entry(person, 'rectification-certificate', 'refused', id, { reason: 'not-refused', status: s.status }));
      return errorAnswer(ctx, request, reply, 409, 'rectification.error.notRefused', person.viewer);
    }
    const controller = ctx.deps.controller;
    if (controller) await ctx.auditor.must(entry(person, 'rectification-certificate', 'ok', id));
    else await ctx.auditor.try(entry(person, 'rectification-certificate', 'refused', id, { reason: 'no-controller' }));
    const e = await store.get(id);
    if (!e) return notFound(request, reply, person, 'rectification-certificate', id);
    // Without the controller's details there is no certificate: the page says which config is
    // missing (503, as the privacy notice answers without it).
    return send(reply, controller ? 200 : 503, certificatePage(translatorFor(ctx, request), { user: person.viewer, csrf: reply.generateCsrf(), entry: e, ...(controller ? { controller } : {}) }));
  });
}
