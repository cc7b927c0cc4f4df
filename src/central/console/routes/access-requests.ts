// The access-request register (issue 9, R10), for privacy officers: the list with deadlines and
// fee flags; a new request with the identity check the privacy notice asks for; one request's
// page, where its window and numbers search the calls of every site, the recordings found are
// marked as the requester's (an `access-request` hold on their box, case reference = the
// request's id, and a sealed copy centrally), a listening is booked, copies are downloaded as Ogg
// Opus files with a cover sheet, and closing the request releases the holds. Every step is an
// audit entry with ids and counts only: names, numbers, document digits and the matter are
// sealed in the register and never reach the audit log or the logs.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Reply } from '../../../core/protocol/messages.js';
import { maxExpiryOf } from '../../../core/retention/index.js';
import { safeError } from '../../api/log-safe.js';
import type { ApiAuditEntry } from '../../api/types.js';
import type { CallSummary, IndexedCall } from '../../index/types.js';
import { COMMAND_TIMEOUT_CODE } from '../../ingest/types.js';
import { answerDeadline, dayOf, feeMatches, isOverdue, statusOf } from '../../registers/access-rules.js';
import { ACCESS_ID, AccessRequestStore } from '../../registers/access-store.js';
import { ACCESS_OUTCOMES, type AccessMark, type AccessOutcome, type AccessPersonal, type StoredAccessRequest } from '../../registers/access-types.js';
import type { ConsoleContext } from '../context.js';
import { errorAnswer, personOf, send, translatorFor, type Person } from '../page-kit.js';
import { accessCoverPage, type AccessCoverFile } from '../pages/access-cover.js';
import { ACCESS_PATHS, copyFileName, MARGIN_MS, SEARCH_MARGINS, type SearchMargin } from '../pages/access-paths.js';
import {
  ACCESS_NOTICES, accessRequestPage,
  type AccessError, type AccessErrorCode, type AccessNotice, type AccessRequestPageData, type AccessResultRow,
} from '../pages/access-request.js';
import { ACCESS_FIELDS, accessListPage, accessNewPage, type AccessForm } from '../pages/access-requests.js';
import { parseLocalInput } from '../pages/form-values.js';
import { PATHS } from '../pages/paths.js';
import { consoleMay } from '../rights.js';
import { parseAccessForm } from './access-form.js';

/** Index pages read per number (500 calls each) before the search says it was cut short. */
const MAX_PAGES = 4;
/** Calls shown at most: a window that finds more should be narrowed. */
const MAX_RESULTS = 500;
const RECORDING_ID = '^[0-9a-zA-Z-]{1,64}$';
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;
/** Box answers that mean the hold is not there any more: released all the same. */
const GONE_ON_BOX = new Set(['TAL_RECORDING_NOT_FOUND', 'TAL_RECORDING_DESTROYED', 'TAL_HOLD_INVALID']);

const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', pattern: ACCESS_ID.source } } };
const copyParams = {
  type: 'object', required: ['id', 'file'], additionalProperties: false,
  properties: { id: { type: 'string', pattern: ACCESS_ID.source }, file: { type: 'string', pattern: '^[0-9a-zA-Z-]{1,64}\\.opus$' } },
};
const pageQuery = { type: 'object', additionalProperties: false, properties: { margin: { type: 'string', enum: [...SEARCH_MARGINS] }, done: { type: 'string', enum: [...ACCESS_NOTICES] } } };
/** Fields are bounded here only against abuse; the handlers check their real limits and say which field is wrong. */
const form = (fields: readonly string[], max = 1000) => ({
  type: 'object',
  additionalProperties: false,
  properties: { ...Object.fromEntries(fields.map((f) => [f, { type: 'string', maxLength: max }])), _csrf: { type: 'string', maxLength: 512 } },
});
const markBody = {
  type: 'object', additionalProperties: false,
  properties: { recording: { type: 'string', pattern: RECORDING_ID }, margin: { type: 'string', enum: [...SEARCH_MARGINS] }, _csrf: { type: 'string', maxLength: 512 } },
};

type Id = { Params: { id: string } };
type Args = Record<string, string | number | boolean>;

/** A refusal the handler answers with the request's page. */
class Refusal {
  constructor(readonly status: number, readonly error: AccessError) {}
}
const refuse = (status: number, code: AccessErrorCode, more: Omit<AccessError, 'code'> = {}) => new Refusal(status, { code, ...more });

export function accessRequestsRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const { index, commands, clock, log } = ctx.deps;
  const store = new AccessRequestStore(ctx.deps.db, ctx.deps.sealer, clock);
  const offices = () => ctx.deps.controller?.offices ?? [];

  /** The person with the registers' right, or the answer already sent (to the login, or 403). */
  const who = async (request: FastifyRequest, reply: FastifyReply): Promise<Person | FastifyReply> => {
    const person = await personOf(ctx, request);
    if (!person) return reply.redirect(PATHS.login, 303);
    if (!consoleMay(person.viewer.role, 'registers')) {
      await ctx.auditor.try({ actor: person.viewer.name, action: 'rejected-input', result: 'refused', detail: { route: request.routeOptions.url ?? 'unknown', reason: 'role', console: true } });
      return errorAnswer(ctx, request, reply, 403, 'error.forbidden', person.viewer);
    }
    return person;
  };

  /** The request and its person, or the 404 already answered (audited: ids cannot be probed unseen). */
  const begin = async (request: FastifyRequest<Id>, reply: FastifyReply, action: string): Promise<{ person: Person; r: StoredAccessRequest } | FastifyReply> => {
    const person = await who(request, reply);
    if (!('viewer' in person)) return person;
    const r = await store.get(request.params.id);
    if (!r) {
      await ctx.auditor.try({ actor: person.viewer.name, action, target: request.params.id, result: 'refused', detail: { reason: 'not-found', console: true } });
      return errorAnswer(ctx, request, reply, 404, 'access.error.notFound', person.viewer);
    }
    return { person, r };
  };

  const changed = (person: Person, r: Pick<StoredAccessRequest, 'id'>, change: string, more: Args = {}): ApiAuditEntry => ({
    actor: person.viewer.name, action: 'access-request', target: r.id, purpose: 'access-request', caseRef: r.id, result: 'ok', detail: { change, ...more, console: true },
  });

  // ---- the search: each number through the blind index, in the window ± the margin ----

  async function search(r: StoredAccessRequest, personal: AccessPersonal, margin: SearchMargin) {
    const from = r.window.from - MARGIN_MS[margin];
    const to = r.window.to + MARGIN_MS[margin];
    const found = new Map<string, CallSummary>();
    let truncated = false;
    for (const number of personal.numbers) {
      let cursor: string | undefined;
      for (let pages = 0; pages < MAX_PAGES; pages++) {
        const page = await index.search({ number, from, to, limit: 500, ...(cursor !== undefined ? { cursor } : {}) });
        for (const c of page.calls) found.set(c.id, c);
        cursor = page.next;
        if (cursor === undefined) break;
      }
      if (cursor !== undefined) truncated = true;
    }
    const all = [...found.values()].sort((a, b) => b.start - a.start || (a.id < b.id ? 1 : -1));
    const results: AccessResultRow[] = all.slice(0, MAX_RESULTS).map((c) => ({
      id: c.id, site: c.site, box: c.box, line: c.line, start: c.start, durationMs: c.durationMs, direction: c.direction, ...(c.deleted ? { deleted: true } : {}),
    }));
    return { from, to, results, truncated: truncated || all.length > MAX_RESULTS };
  }

  // ---- pages ----

  app.get('/registers/access', async (request, reply) => {
    const person = await who(request, reply);
    if (!('viewer' in person)) return person;
    const all = await store.list();
    const today = dayOf(clock.now());
    const rows = all.map((r) => ({
      id: r.id, receivedOn: r.receivedOn, deadline: answerDeadline(r.receivedOn), status: statusOf(r), outcome: r.outcome?.kind,
      overdue: isOverdue(r, today), name: store.open(r).name, fee: feeMatches(r, all).length > 0, marks: r.marks.length,
    }));
    // The list shows the requesters' names: read, and so audited, before it is shown.
    await ctx.auditor.must({ actor: person.viewer.name, action: 'view-register', result: 'ok', detail: { register: 'access', entries: rows.length, overdue: rows.filter((x) => x.overdue).length, console: true } });
    return send(reply, 200, accessListPage(translatorFor(ctx, request), { user: person.viewer, csrf: reply.generateCsrf(), rows }));
  });

  app.get('/registers/access/new', async (request, reply) => {
    const person = await who(request, reply);
    if (!('viewer' in person)) return person;
    return send(reply, 200, accessNewPage(translatorFor(ctx, request), { user: person.viewer, csrf: reply.generateCsrf(), today: dayOf(clock.now()) }));
  });

  app.post<{ Body: AccessForm }>(
    '/registers/access',
    // The matter may be long and written in Finnish (two bytes a letter, six once form-encoded).
    { schema: { body: form(ACCESS_FIELDS, 4000) }, preValidation: app.csrfProtection, bodyLimit: 65_536 },
    async (request, reply) => {
      const person = await who(request, reply);
      if (!('viewer' in person)) return person;
      const now = clock.now();
      const parsed = parseAccessForm(request.body, now, ctx.deps.countryCode);
      if (!parsed.ok) {
        // The codes only: the values are personal data.
        await ctx.auditor.try({
          actor: person.viewer.name, action: 'rejected-input', result: 'refused',
          detail: { route: ACCESS_PATHS.list, problems: [...new Set(parsed.problems.map((p) => p.code))].join(' '), console: true },
        });
        return send(reply, 400, accessNewPage(translatorFor(ctx, request), { user: person.viewer, csrf: reply.generateCsrf(), today: dayOf(now), form: request.body, problems: parsed.problems }));
      }
      const q = parsed.request;
      // Audited first: if the log cannot be written, no request is recorded.
      const r = await store.create(q, person.viewer.name, (id) =>
        ctx.auditor.must(changed(person, { id }, 'created', { document: q.document, identity: 'verified', numbers: q.personal.numbers.length, hetu: q.personal.hetu !== undefined })),
      );
      return reply.redirect(`${ACCESS_PATHS.request(r.id)}?done=created`, 303);
    },
  );

  /** The request's page: opened (audited as a view), its search run when a margin is given. */
  async function requestView(
    request: FastifyRequest,
    reply: FastifyReply,
    person: Person,
    r: StoredAccessRequest,
    o: { status?: number; margin?: SearchMargin | undefined; error?: AccessError; notice?: AccessNotice | undefined; form?: AccessRequestPageData['form'] } = {},
  ): Promise<FastifyReply> {
    const all = await store.list();
    const personal = store.open(r);
    const status = o.status ?? 200;
    await ctx.auditor.must({ actor: person.viewer.name, action: 'view-access-request', target: r.id, purpose: 'access-request', caseRef: r.id, result: 'ok', detail: { status, console: true } });
    let found: AccessRequestPageData['search'];
    if (o.margin !== undefined) {
      found = await search(r, personal, o.margin);
      await ctx.auditor.must({
        actor: person.viewer.name, action: 'search', purpose: 'access-request', caseRef: r.id, result: 'ok',
        detail: { request: r.id, numbers: personal.numbers.length, number: true, from: found.from, to: found.to, results: found.results.length, console: true },
      });
    }
    const marks = await Promise.all(r.marks.map(async (m) => ((await index.get(m.id))?.deleted ? { ...m, deleted: true } : m)));
    const today = dayOf(clock.now());
    return send(
      reply,
      status,
      accessRequestPage(translatorFor(ctx, request), {
        user: person.viewer,
        csrf: reply.generateCsrf(),
        request: {
          id: r.id, receivedOn: r.receivedOn, deadline: answerDeadline(r.receivedOn), status: statusOf(r), outcome: r.outcome, overdue: isOverdue(r, today),
          window: r.window, recordedBy: r.recordedBy, recordedAt: r.recordedAt,
          identity: { ...r.identity, last4: personal.documentLast4, ...(personal.documentIssued ? { issued: personal.documentIssued } : {}) },
          booking: r.booking,
        },
        personal: { name: personal.name, contact: personal.contact, matter: personal.matter, numbers: personal.numbers, hetu: personal.hetu },
        fee: feeMatches(r, all),
        marks,
        offices: offices(),
        margin: o.margin ?? '0',
        search: found,
        form: o.form,
        error: o.error,
        notice: o.notice,
      }),
    );
  }

  app.get<Id & { Querystring: { margin?: SearchMargin; done?: AccessNotice } }>(
    '/registers/access/:id',
    { schema: { params: idParams, querystring: pageQuery } },
    async (request, reply) => {
      const b = await begin(request, reply, 'view-access-request');
      if (!('r' in b)) return b;
      return requestView(request, reply, b.person, b.r, { margin: request.query.margin, notice: request.query.done });
    },
  );

  // ---- commands to the boxes ----

  /** A command to a recording's box: the box's answer, or the refusal to show when there was none. */
  async function ask(m: Pick<AccessMark, 'site' | 'box'>, verb: 'hold' | 'release', args: Args, audit: (result: ApiAuditEntry['result'], more: Args) => Promise<void>): Promise<Reply | Refusal> {
    try {
      return await commands.send({ site: m.site, box: m.box, verb, args });
    } catch (err) {
      if ((err as { code?: unknown })?.code === COMMAND_TIMEOUT_CODE) {
        await audit('error', { outcome: 'timeout' });
        return refuse(504, verb === 'hold' ? 'hold-timeout' : 'release-timeout', { box: m.box });
      }
      log.error({ error: safeError(err), site: m.site, box: m.box, verb }, 'console: a command could not be sent');
      await audit('error', { outcome: 'send-failed' });
      return refuse(502, 'command-failed', { box: m.box });
    }
  }

  /** Releases one mark's hold on its box: done (or already gone there), or why not. */
  async function release(person: Person, r: StoredAccessRequest, m: AccessMark, why: 'unmarked' | 'closed'): Promise<'done' | Refusal> {
    const entry = (result: ApiAuditEntry['result'], more: Args): ApiAuditEntry => ({
      actor: person.viewer.name, action: 'release', target: m.id, purpose: 'access-request', caseRef: r.id, result,
      detail: { request: r.id, site: m.site, box: m.box, why, ...more, console: true },
    });
    const answer = await ask(m, 'release', { id: m.id, by: person.viewer.name, caseRef: r.id }, (result, more) => ctx.auditor.try(entry(result, more)));
    if (answer instanceof Refusal) return answer;
    if (!answer.ok && !GONE_ON_BOX.has(answer.reason)) {
      await ctx.auditor.try(entry('refused', { outcome: 'box-refused', boxReason: answer.reason }));
      return refuse(409, 'release-refused', { reason: answer.reason });
    }
    await ctx.auditor.must(entry('ok', answer.ok ? { outcome: 'done' } : { outcome: 'gone-on-box', boxReason: answer.reason }));
    return 'done';
  }

  const back = (id: string, margin: SearchMargin | undefined, done: AccessNotice) =>
    margin !== undefined ? `${ACCESS_PATHS.request(id)}?margin=${margin}&done=${done}#results-heading` : `${ACCESS_PATHS.request(id)}?done=${done}`;

  // ---- marking the requester's recordings ----

  app.post<Id & { Body: { recording?: string; margin?: SearchMargin } }>(
    '/registers/access/:id/marks',
    { schema: { params: idParams, body: markBody }, preValidation: app.csrfProtection },
    async (request, reply) => {
      const b = await begin(request, reply, 'hold');
      if (!('r' in b)) return b;
      const { person, r } = b;
      const margin = request.body.margin ?? '0';
      const recording = request.body.recording ?? '';
      const entry = (result: ApiAuditEntry['result'], more: Args): ApiAuditEntry => ({
        actor: person.viewer.name, action: 'hold', target: recording, purpose: 'access-request', caseRef: r.id, result, detail: { request: r.id, ...more, console: true },
      });
      const answer = async (x: Refusal) => {
        if (x.status < 500) await ctx.auditor.try(entry('refused', { outcome: x.error.code }));
        return requestView(request, reply, person, r, { status: x.status, margin, error: x.error });
      };
      if (r.outcome) return answer(refuse(409, 'request-closed'));
      // Only a call this request's own search finds can be marked: not any id a form could carry.
      const found = await search(r, store.open(r), margin);
      if (!found.results.some((c) => c.id === recording)) return answer(refuse(400, 'not-in-results'));
      const call = await index.get(recording);
      if (!call || call.deleted) return answer(refuse(409, 'recording-destroyed'));
      const until = maxExpiryOf(call.start);
      const where = { site: call.site, box: call.box };
      const box = await ask(call, 'hold', { id: call.id, reason: 'access-request', caseRef: r.id, by: person.viewer.name, until }, (result, more) => ctx.auditor.try(entry(result, { ...where, ...more })));
      if (box instanceof Refusal) return requestView(request, reply, person, r, { status: box.status, margin, error: box.error });
      if (!box.ok) {
        await ctx.auditor.try(entry('refused', { ...where, outcome: 'box-refused', boxReason: box.reason }));
        return requestView(request, reply, person, r, { status: 409, margin, error: { code: 'hold-refused', reason: box.reason } });
      }
      const heldUntil = typeof box.result['until'] === 'number' ? box.result['until'] : until;
      await store.mark(r.id, { id: call.id, site: call.site, box: call.box, start: call.start, durationMs: call.durationMs, by: person.viewer.name, at: clock.now(), until: heldUntil });
      await ctx.auditor.must(entry('ok', { ...where, until: heldUntil, outcome: 'done' }));
      // A held recording is kept as a sealed copy centrally too, as any hold is: it survives its box.
      const expiresAt = typeof box.result['expiresAt'] === 'number' ? box.result['expiresAt'] : Math.max(call.expiresAt, heldUntil);
      try {
        await ctx.deps.copies.ensure(call, expiresAt);
      } catch (err) {
        log.warn({ recording: call.id, error: safeError(err) }, 'console: the central copy of a recording held for an access request could not be made now');
      }
      return reply.redirect(back(r.id, margin, 'marked'), 303);
    },
  );

  app.post<Id & { Body: { recording?: string; margin?: SearchMargin } }>(
    '/registers/access/:id/marks/remove',
    { schema: { params: idParams, body: markBody }, preValidation: app.csrfProtection },
    async (request, reply) => {
      const b = await begin(request, reply, 'release');
      if (!('r' in b)) return b;
      const { person, r } = b;
      const margin = request.body.margin;
      if (r.outcome) return requestView(request, reply, person, r, { status: 409, margin, error: { code: 'request-closed' } });
      const m = r.marks.find((x) => x.id === request.body.recording && x.released === undefined);
      if (!m) return reply.redirect(back(r.id, margin, 'unmarked'), 303); // not (or no longer) marked: nothing to release
      const done = await release(person, r, m, 'unmarked');
      if (done instanceof Refusal) return requestView(request, reply, person, r, { status: done.status, margin, error: done.error });
      await store.unmark(r.id, m.id);
      return reply.redirect(back(r.id, margin, 'unmarked'), 303);
    },
  );

  // ---- the listening appointment ----

  app.post<Id & { Body: { office?: string; at?: string } }>(
    '/registers/access/:id/booking',
    { schema: { params: idParams, body: form(['office', 'at']) }, preValidation: app.csrfProtection },
    async (request, reply) => {
      const b = await begin(request, reply, 'access-request');
      if (!('r' in b)) return b;
      const { person, r } = b;
      const typed = { office: request.body.office, at: request.body.at };
      const answer = async (status: number, code: AccessErrorCode) => {
        await ctx.auditor.try({ actor: person.viewer.name, action: 'rejected-input', target: r.id, caseRef: r.id, result: 'refused', detail: { route: '/console/registers/access/:id/booking', problem: code, console: true } });
        return requestView(request, reply, person, r, { status, error: { code }, form: typed });
      };
      if (r.outcome) return answer(409, 'request-closed');
      if (offices().length === 0) return answer(409, 'booking-no-offices');
      const office = request.body.office ?? '';
      if (!offices().includes(office)) return answer(400, 'booking-office');
      const text = (request.body.at ?? '').trim();
      const at = DATETIME.test(text) ? parseLocalInput(text) : undefined;
      const receivedStart = parseLocalInput(r.receivedOn);
      if (at === undefined || receivedStart === undefined || at < receivedStart) return answer(400, 'booking-at');
      await ctx.auditor.must(changed(person, r, 'booked', { at }));
      await store.book(r.id, { office, at, by: person.viewer.name, bookedAt: clock.now() });
      return reply.redirect(`${ACCESS_PATHS.request(r.id)}?done=booked`, 303);
    },
  );

  // ---- the outcome ----

  /** Every hold of a closed request still in place, released; how many could not be. */
  async function releaseAll(person: Person, r: StoredAccessRequest): Promise<{ released: number; failed: number }> {
    let released = 0;
    let failed = 0;
    for (const m of r.marks.filter((x) => x.released === undefined)) {
      const done = await release(person, r, m, 'closed');
      if (done === 'done') {
        await store.released(r.id, m.id, clock.now());
        released++;
      } else failed++;
    }
    return { released, failed };
  }

  app.post<Id & { Body: { outcome?: string } }>(
    '/registers/access/:id/close',
    { schema: { params: idParams, body: form(['outcome']) }, preValidation: app.csrfProtection },
    async (request, reply) => {
      const b = await begin(request, reply, 'access-request');
      if (!('r' in b)) return b;
      const { person, r } = b;
      const answer = async (status: number, code: AccessErrorCode) => {
        await ctx.auditor.try({ actor: person.viewer.name, action: 'rejected-input', target: r.id, caseRef: r.id, result: 'refused', detail: { route: '/console/registers/access/:id/close', problem: code, console: true } });
        return requestView(request, reply, person, r, { status, error: { code }, form: { outcome: request.body.outcome } });
      };
      if (r.outcome) return answer(409, 'request-closed');
      const kind = request.body.outcome as AccessOutcome;
      if (!(ACCESS_OUTCOMES as readonly string[]).includes(kind)) return answer(400, 'outcome-bad');
      const held = r.marks.filter((m) => m.released === undefined).length;
      if (kind !== 'nothing-found' && held === 0) return answer(409, 'outcome-needs-marks');
      if (kind === 'nothing-found' && held > 0) return answer(409, 'outcome-has-marks');
      if (kind === 'listened' && !r.booking) return answer(409, 'outcome-needs-booking');
      await ctx.auditor.must(changed(person, r, 'closed', { outcome: kind, recordings: held }));
      const closed = await store.close(r.id, { kind, by: person.viewer.name, at: clock.now() });
      const { failed } = await releaseAll(person, closed ?? r);
      return reply.redirect(`${ACCESS_PATHS.request(r.id)}?done=${failed > 0 ? 'closed-pending' : 'closed'}`, 303);
    },
  );

  app.post<Id>('/registers/access/:id/release', { schema: { params: idParams, body: form([]) }, preValidation: app.csrfProtection }, async (request, reply) => {
    const b = await begin(request, reply, 'release');
    if (!('r' in b)) return b;
    const { person, r } = b;
    // Holds are released here only once the request is closed; an open one unmarks them one by one.
    if (!r.outcome) return requestView(request, reply, person, r, { status: 409, error: { code: 'outcome-bad' } });
    const { failed } = await releaseAll(person, r);
    return reply.redirect(`${ACCESS_PATHS.request(r.id)}?done=${failed > 0 ? 'released-pending' : 'released'}`, 303);
  });

  // ---- the copy: the files and their cover sheet ----

  /** A marked recording opened (central copy, or fetched from its box), unsealed in memory only. */
  async function openMarked(call: IndexedCall): Promise<{ ogg: Buffer } | Refusal> {
    try {
      return await ctx.deps.playback.open(call);
    } catch (err) {
      const timedOut = (err as { code?: unknown }).code === COMMAND_TIMEOUT_CODE;
      if (!timedOut) log.error({ error: safeError(err), recording: call.id }, 'console: a recording could not be opened for an access request');
      return timedOut ? refuse(504, 'copy-timeout', { box: call.box }) : refuse(502, 'copy-failed');
    }
  }

  const fileFacts = (ogg: Buffer) => ({ sha256: createHash('sha256').update(ogg).digest('hex'), bytes: ogg.length });

  app.get<{ Params: { id: string; file: string } }>('/registers/access/:id/copy/:file', { schema: { params: copyParams } }, async (request, reply) => {
    const b = await begin(request as FastifyRequest<Id>, reply, 'export');
    if (!('r' in b)) return b;
    const { person, r } = b;
    const recording = request.params.file.slice(0, -'.opus'.length);
    const entry = (result: ApiAuditEntry['result'], more: Args): ApiAuditEntry => ({
      actor: person.viewer.name, action: 'export', target: recording, purpose: 'access-request', caseRef: r.id, result, detail: { request: r.id, ...more, console: true },
    });
    const m = r.marks.find((x) => x.id === recording && x.released === undefined);
    const call = m ? await index.get(m.id) : undefined;
    if (r.outcome || !m || !call || call.deleted) {
      const code = !r.outcome && m ? 'recording-destroyed' : 'copy-not-marked';
      await ctx.auditor.try(entry('refused', { outcome: code }));
      return requestView(request, reply, person, r, { status: 409, error: { code } });
    }
    // Logged before a byte is opened: an export that cannot be logged does not happen.
    await ctx.auditor.must(entry('ok', { site: call.site, box: call.box, format: 'ogg-opus' }));
    const opened = await openMarked(call);
    if (opened instanceof Refusal) {
      await ctx.auditor.try(entry('error', { outcome: opened.error.code }));
      return requestView(request, reply, person, r, { status: opened.status, error: opened.error });
    }
    const facts = fileFacts(opened.ogg);
    if (m.file?.sha256 !== facts.sha256) await store.fileOf(r.id, m.id, facts);
    return reply
      .header('content-type', 'audio/ogg; codecs=opus')
      .header('content-disposition', `attachment; filename="${copyFileName(m.id)}"`)
      .header('cache-control', 'no-store')
      .send(opened.ogg);
  });

  app.get<Id>('/registers/access/:id/cover', { schema: { params: idParams } }, async (request, reply) => {
    const b = await begin(request, reply, 'view-access-request');
    if (!('r' in b)) return b;
    const { person } = b;
    let r = b.r;
    // An open request lists the recordings held for it, opening any not yet hashed (nothing
    // leaves: only the checksum is kept); a closed one lists the files that were made.
    if (!r.outcome) {
      for (const m of r.marks.filter((x) => x.released === undefined && !x.file)) {
        const call = await index.get(m.id);
        if (!call || call.deleted) continue;
        const opened = await openMarked(call);
        if (!(opened instanceof Refusal)) r = (await store.fileOf(r.id, m.id, fileFacts(opened.ogg))) ?? r;
      }
    }
    const listed = r.marks.filter((m) => (r.outcome ? m.file !== undefined : m.released === undefined));
    const files: AccessCoverFile[] = listed
      .sort((a, b2) => a.start - b2.start)
      .map((m) => ({ name: copyFileName(m.id), start: m.start, durationMs: m.durationMs, ...(m.file ? { sha256: m.file.sha256, bytes: m.file.bytes } : {}) }));
    await ctx.auditor.must({ actor: person.viewer.name, action: 'view-access-request', target: r.id, purpose: 'access-request', caseRef: r.id, result: 'ok', detail: { page: 'cover-sheet', files: files.length, console: true } });
    const c = ctx.deps.controller;
    return send(
      reply,
      200,
      accessCoverPage(translatorFor(ctx, request), {
        user: person.viewer,
        csrf: reply.generateCsrf(),
        ...(c ? { controller: { name: c.name, businessId: c.businessId, address: c.address, registerName: c.registerName } } : {}),
        request: { id: r.id, receivedOn: r.receivedOn },
        requester: store.open(r).name,
        files,
        preparedBy: person.viewer.name,
        preparedAt: clock.now(),
      }),
    );
  });
}
