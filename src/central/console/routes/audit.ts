// GET /console/audit: the indexer's audit log for the privacy officer, filtered and paged by seq,
// with the boxes' published chain heads; POST /console/audit/verify: the chain verified from its
// first entry. Every look at the log is itself an audit entry (`search`, detail `audit: true`);
// a case reference searched for goes in the entry's caseRef field, never in its detail.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isAuditError } from '../../../core/audit/index.js';
import { safeError } from '../../api/log-safe.js';
import { ACTOR_PATTERN, auditVerifyEntry, auditViewEntry, readAuditPage, TARGET_PATTERN, type AuditFilter } from '../../api/routes/audit.js';
import { boxHeadsOf } from '../../ingest/audit-heads.js';
import type { ConsoleContext } from '../context.js';
import { errorAnswer, personOf, send, translatorFor, type Person } from '../page-kit.js';
import { AUDIT_FILTER_ACTIONS, AUDIT_FORM_FIELDS, auditPage, type AuditForm, type AuditFormField, type AuditPageData } from '../pages/audit.js';
import { parseLocalInput } from '../pages/form-values.js';
import { consoleMay } from '../rights.js';

const PAGE = 50;

const querystring = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(AUDIT_FORM_FIELDS.map((f) => [f, { type: 'string', maxLength: f === 'cursor' ? 20 : 300 }])),
};
const verifyBody = { type: 'object', additionalProperties: false, properties: { _csrf: { type: 'string', maxLength: 512 } } };

/** The field that is wrong, as a message key of the catalogue. */
export class AuditFormError extends Error {
  constructor(readonly field: AuditFormField, readonly key: string) {
    super(`${field}: ${key}`);
  }
}

const ACTOR = new RegExp(ACTOR_PATTERN);
const TARGET = new RegExp(TARGET_PATTERN);
// eslint-disable-next-line no-control-regex
const CASE_REF = /^[^\x00-\x1f\x7f]{1,64}$/;
const given = (v: string | undefined): v is string => typeof v === 'string' && v.trim() !== '';

/** The form as typed into a filter and a cursor, or the field that is wrong. */
export function parseAuditForm(f: AuditForm): { filter: AuditFilter; before?: number } {
  const filter: AuditFilter = {};
  const text = (field: 'actor' | 'target' | 'caseRef', pattern: RegExp) => {
    const v = f[field];
    if (!given(v)) return;
    const value = v.trim();
    if (!pattern.test(value)) throw new AuditFormError(field, `audit.error.${field}`);
    filter[field] = value;
  };
  text('actor', ACTOR);
  text('target', TARGET);
  text('caseRef', CASE_REF);
  if (given(f.action)) {
    if (!AUDIT_FILTER_ACTIONS.includes(f.action)) throw new AuditFormError('action', 'audit.error.choice');
    filter.action = f.action;
  }
  for (const field of ['from', 'to'] as const) {
    if (!given(f[field])) continue;
    const ms = parseLocalInput(f[field].trim());
    if (ms === undefined) throw new AuditFormError(field, 'audit.error.time');
    filter[field] = ms;
  }
  if (filter.from !== undefined && filter.to !== undefined && filter.from >= filter.to) throw new AuditFormError('to', 'audit.error.window');
  if (!given(f.cursor)) return { filter };
  const before = /^[0-9]{1,15}$/.test(f.cursor) ? Number(f.cursor) : NaN;
  if (!Number.isSafeInteger(before) || before < 1) throw new AuditFormError('cursor', 'audit.error.cursor');
  return { filter, before };
}

export function auditRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  /** The person, when they may read the log; otherwise undefined, the answer sent. (No reply is returned from here: a reply is thenable.) */
  const officer = async (request: FastifyRequest, reply: FastifyReply, action: string): Promise<Person | undefined> => {
    const person = await personOf(ctx, request);
    if (!person) {
      void reply.redirect('/console/login', 303);
      return undefined;
    }
    if (consoleMay(person.viewer.role, 'audit')) return person;
    await ctx.auditor.try({ actor: person.viewer.name, action, result: 'refused', detail: { audit: true, reason: 'role', console: true } });
    void errorAnswer(ctx, request, reply, 403, 'error.forbidden', person.viewer);
    return undefined;
  };
  const pageBase = (person: Person, csrf: string, query: AuditForm): AuditPageData => ({
    user: person.viewer, csrf, query, now: ctx.deps.clock.now(), heads: boxHeadsOf(ctx.deps.auditHeads()),
  });

  app.get<{ Querystring: AuditForm }>('/audit', { schema: { querystring } }, async (request, reply) => {
    const person = await officer(request, reply, 'search');
    if (!person) return reply;
    const t = translatorFor(ctx, request);
    const base = pageBase(person, reply.generateCsrf(), request.query);

    let parsed;
    try {
      parsed = parseAuditForm(request.query);
    } catch (err) {
      if (!(err instanceof AuditFormError)) throw err;
      await ctx.auditor.try({ actor: person.viewer.name, action: 'rejected-input', result: 'refused', detail: { route: '/console/audit', field: err.field } });
      return send(reply, 400, auditPage(t, { ...base, error: { field: err.field, message: t(err.key) } }));
    }
    let page;
    try {
      page = await readAuditPage(ctx.deps.audit, parsed.filter, { before: parsed.before, limit: PAGE });
    } catch (err) {
      if (!isAuditError(err, 'TAL_AUDIT_BROKEN')) throw err;
      ctx.deps.log.error({ error: safeError(err) }, 'the audit log could not be read');
      await ctx.auditor.try({ actor: person.viewer.name, action: 'search', result: 'error', detail: { audit: true, reason: 'unreadable', console: true } });
      return send(reply, 500, auditPage(t, { ...base, error: { message: t('audit.error.unreadable') } }));
    }
    // Written before the entries are shown: no entry, no page.
    await ctx.auditor.must(auditViewEntry(person.viewer.name, parsed.filter, page, { cursor: parsed.before !== undefined, console: true }));
    return send(reply, 200, auditPage(t, { ...base, entries: page.entries, next: page.next, scan: page }));
  });

  app.post('/audit/verify', { schema: { body: verifyBody }, preValidation: app.csrfProtection }, async (request, reply) => {
    const person = await officer(request, reply, 'verify');
    if (!person) return reply;
    const verify = await ctx.deps.audit.verify();
    await ctx.auditor.must(auditVerifyEntry(person.viewer.name, verify, { console: true }));
    return send(reply, 200, auditPage(translatorFor(ctx, request), { ...pageBase(person, reply.generateCsrf(), {}), verify }));
  });
}
