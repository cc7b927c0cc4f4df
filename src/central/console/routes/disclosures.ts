// The disclosure register (issue 9, R6, R2, R4, R9), for privacy officers only. Entering a
// disclosure records to whom, on what basis, what and which calls, who decided and when; it then
// asks each recording's box to hold it (reason `disclosure`, until the cap: call start + 12
// months) under the entry's own case reference, and keeps a sealed copy centrally. Each download
// of a recording, and of the calls' metadata, is an export audited with the purpose `disclosure`
// and the entry's case reference before a byte is fetched. "Mark complete" records who and when
// and asks the boxes to release the entry's holds. Every step is audited; the request's
// particulars are sealed and never reach the audit log or the log.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Reply } from '../../../core/protocol/messages.js';
import { maxExpiryOf } from '../../../core/retention/index.js';
import { safeError } from '../../api/log-safe.js';
import type { ApiAuditEntry } from '../../api/types.js';
import type { IndexedCall } from '../../index/types.js';
import { COMMAND_TIMEOUT_CODE } from '../../ingest/types.js';
import { DisclosureStore, type RecordingHoldPatch } from '../../registers/disclosure-store.js';
import {
  BASIS_MAX, DETAILS_MAX, DISCLOSURE_CASE_MAX, MAX_DISCLOSED_RECORDINGS, RECIPIENT_MAX, RECORDING_ID, disclosureTextProblem, holdCaseRefOf,
  type DisclosedRecording, type DisclosureEntry,
} from '../../registers/disclosure-types.js';
import type { ConsoleContext } from '../context.js';
import { errorAnswer, personOf, send, translatorFor, type Person } from '../page-kit.js';
import { DISCLOSURE_PATHS, disclosuresPage, type DisclosureForm, type DisclosureProblem, type DisclosuresPageData } from '../pages/disclosure.js';
import { DISCLOSURE_NOTICES, disclosurePage, type DisclosureNotice, type DisclosurePageData, type DisclosureRecordingRow, type ExportProblemCode } from '../pages/disclosure-entry.js';
import { PATHS } from '../pages/paths.js';
import { consoleMay } from '../rights.js';

const ID = { type: 'string', pattern: '^[0-9a-zA-Z-]{1,64}$' } as const;
const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: ID } };
const exportParams = { type: 'object', required: ['id', 'callId'], additionalProperties: false, properties: { id: ID, callId: ID } };
const doneQuery = { type: 'object', additionalProperties: false, properties: { done: { type: 'string', enum: [...DISCLOSURE_NOTICES] } } };
const text = (max: number) => ({ type: 'string', maxLength: max });
/** Bounded only against abuse; the handler checks the real limits and says which field is wrong. */
const createBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    _csrf: text(512), recipientPreset: text(2000), recipient: text(2000), basisPreset: text(2000), basis: text(2000),
    recordings: text(16), metadata: text(16), caseRef: text(1000), ids: text(16_000), details: text(8000),
  },
};
const csrfOnly = { type: 'object', additionalProperties: false, properties: { _csrf: text(512) } };
/** A hundred recording ids and the particulars in Finnish (two bytes a letter, six encoded) need more than the console's 4 KiB. */
const CREATE_BODY_LIMIT = 64 * 1024;

/** Box answers meaning the box has no such recording any more. */
const GONE = new Set(['TAL_RECORDING_NOT_FOUND', 'TAL_RECORDING_DESTROYED']);
/** The box's answer to a release when the recording has no hold of that case: nothing left to lift. */
const NO_HOLD = 'TAL_HOLD_INVALID';

type Args = Record<string, string | number | boolean>;
type Outcome = { ok: true; reply: Extract<Reply, { ok: true }> } | { ok: false; problem: string; result: ApiAuditEntry['result']; reason?: string };

const distinct = (xs: readonly string[]) => [...new Set(xs)];

export function disclosuresRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const { index, commands, clock, log } = ctx.deps;
  const store = new DisclosureStore(ctx.deps.db, clock, ctx.deps.sealer);
  const presets = () => {
    const list = ctx.deps.controller?.disclosures ?? [];
    return { recipients: distinct(list.map((p) => p.recipient)), bases: distinct(list.map((p) => p.basis)) };
  };

  /** The privacy officer, or the answer already sent (the login, or 403 for any other role: audited when it was an attempt to act). */
  const who = async (request: FastifyRequest, reply: FastifyReply, action?: string): Promise<Person | FastifyReply> => {
    const person = await personOf(ctx, request);
    if (!person) return reply.redirect(PATHS.login, 303);
    if (!consoleMay(person.viewer.role, 'registers')) {
      if (action) await ctx.auditor.try({ actor: person.viewer.name, action, result: 'refused', detail: { reason: 'role', register: 'disclosure', console: true } });
      return errorAnswer(ctx, request, reply, 403, 'error.forbidden', person.viewer);
    }
    return person;
  };
  const notFound = async (request: FastifyRequest, reply: FastifyReply, person: Person, action: string, target: string, detail: Args) => {
    await ctx.auditor.try({ actor: person.viewer.name, action, target, result: 'refused', detail: { ...detail, console: true } });
    return errorAnswer(ctx, request, reply, 404, 'disclosure.error.notFound', person.viewer);
  };

  // ---- the register ----

  const listPage = async (request: FastifyRequest, reply: FastifyReply, person: Person, status: number, extra: Partial<DisclosuresPageData> = {}) => {
    const entries = (await store.list()).map((e) => ({
      id: e.id, caseRef: e.caseRef, recipient: e.recipient, basis: e.basis, status: e.status, decidedBy: e.decidedBy, decidedAt: e.decidedAt,
      ...(e.completedAt !== undefined ? { completedAt: e.completedAt } : {}), recordings: e.recordings.length,
    }));
    return send(reply, status, disclosuresPage(translatorFor(ctx, request), { user: person.viewer, csrf: reply.generateCsrf(), entries, presets: presets(), ...extra }));
  };

  app.get('/registers/disclosure', async (request, reply) => {
    const person = await who(request, reply);
    if (!('viewer' in person)) return person;
    return listPage(request, reply, person, 200);
  });

  /** The form's recipient or basis: a configured one or one typed, never both, never neither. */
  const chosen = (field: 'recipient' | 'basis', preset: string, typed: string, options: readonly string[], max: number): { value: string; preset: boolean } | DisclosureProblem => {
    if (preset !== '' && typed.trim() !== '') return { code: `${field}-both` };
    if (preset !== '') return options.includes(preset) ? { value: preset, preset: true } : { code: `${field}-preset` };
    const problem = disclosureTextProblem(typed, max);
    if (problem) return { code: problem === 'empty' ? `${field}-none` : `${field}-${problem}` };
    return { value: typed.trim(), preset: false };
  };

  /** The calls the ids name, each in the index and not destroyed (any site: a privacy officer's reach). */
  const callsOf = async (typed: string): Promise<IndexedCall[] | DisclosureProblem> => {
    const ids = distinct(typed.split(/[\s,;]+/).filter((x) => x !== ''));
    if (ids.length === 0) return { code: 'ids-none' };
    if (ids.length > MAX_DISCLOSED_RECORDINGS) return { code: 'ids-many' };
    const bad = ids.find((id) => !RECORDING_ID.test(id));
    if (bad !== undefined) return { code: 'ids-bad', id: bad.slice(0, 64) };
    const calls: IndexedCall[] = [];
    for (const id of ids) {
      const call = await index.get(id);
      if (!call) return { code: 'ids-missing', id };
      if (call.deleted) return { code: 'ids-destroyed', id };
      calls.push(call);
    }
    return calls;
  };

  app.post<{ Body: Record<string, string | undefined> }>(
    '/registers/disclosure',
    { schema: { body: createBody }, bodyLimit: CREATE_BODY_LIMIT, preValidation: app.csrfProtection },
    async (request, reply) => {
      const person = await who(request, reply, 'disclosure');
      if (!('viewer' in person)) return person;
      const actor = person.viewer.name;
      const b = request.body;
      const typed: DisclosureForm = {
        recipientPreset: b['recipientPreset'], recipient: b['recipient'], basisPreset: b['basisPreset'], basis: b['basis'],
        recordings: b['recordings'] === 'yes', metadata: b['metadata'] === 'yes', caseRef: b['caseRef'], ids: b['ids'], details: b['details'],
      };
      const refuse = async (problem: DisclosureProblem) => {
        await ctx.auditor.try({ actor, action: 'rejected-input', result: 'refused', detail: { route: DISCLOSURE_PATHS.list, problem: problem.code, console: true } });
        return listPage(request, reply, person, 400, { form: typed, error: problem });
      };
      const p = presets();
      const recipient = chosen('recipient', b['recipientPreset'] ?? '', b['recipient'] ?? '', p.recipients, RECIPIENT_MAX);
      if ('code' in recipient) return refuse(recipient);
      const basis = chosen('basis', b['basisPreset'] ?? '', b['basis'] ?? '', p.bases, BASIS_MAX);
      if ('code' in basis) return refuse(basis);
      if (!typed.recordings && !typed.metadata) return refuse({ code: 'what-none' });
      const caseProblem = disclosureTextProblem(b['caseRef'] ?? '', DISCLOSURE_CASE_MAX);
      if (caseProblem) return refuse({ code: `case-${caseProblem}` });
      const caseRef = (b['caseRef'] ?? '').trim();
      const details = (b['details'] ?? '').trim();
      const detailsProblem = details === '' ? undefined : disclosureTextProblem(details, DETAILS_MAX, { lines: true });
      if (detailsProblem) return refuse({ code: detailsProblem === 'long' ? 'details-long' : 'details-text' });
      const calls = await callsOf(b['ids'] ?? '');
      if (!Array.isArray(calls)) return refuse(calls);

      const id = randomUUID();
      // Audited first: if the log cannot be written, nothing is entered and nothing is held.
      await ctx.auditor.must({
        actor, action: 'disclosure', target: id, purpose: 'disclosure', caseRef, result: 'ok',
        detail: {
          event: 'create', disclosure: id, recordings: calls.length, audio: typed.recordings === true, metadata: typed.metadata === true,
          presetRecipient: recipient.preset, presetBasis: basis.preset, console: true,
        },
      });
      const entry = await store.create({
        id, caseRef, recipient: recipient.value, recipientPreset: recipient.preset, basis: basis.value, basisPreset: basis.preset,
        disclosed: { recordings: typed.recordings === true, metadata: typed.metadata === true },
        recordings: calls.map((c) => ({ id: c.id, site: c.site, box: c.box, start: c.start })), decidedBy: actor,
        ...(details !== '' ? { details } : {}),
      });
      await holdAll(person, entry, new Map(calls.map((c) => [c.id, c])));
      return reply.redirect(`${DISCLOSURE_PATHS.entry(id)}?done=created`, 303);
    },
  );

  // ---- holds and releases on the boxes ----

  /** One command to a recording's box: its yes, or what went wrong (a refusal, silence, a failure to send). */
  const ask = async (r: Pick<DisclosedRecording, 'site' | 'box'>, verb: 'hold' | 'release', args: Args): Promise<Outcome> => {
    let answer: Reply;
    try {
      answer = await commands.send({ site: r.site, box: r.box, verb, args });
    } catch (err) {
      if ((err as { code?: unknown })?.code === COMMAND_TIMEOUT_CODE) return { ok: false, problem: 'timeout', result: 'error' };
      log.error({ error: safeError(err), site: r.site, box: r.box, verb }, 'console: a command could not be sent');
      return { ok: false, problem: 'send-failed', result: 'error' };
    }
    if (!answer.ok) return { ok: false, problem: answer.reason, reason: answer.reason, result: 'refused' };
    return { ok: true, reply: answer };
  };

  /**
   * Runs `each` over the recordings box by box: the boxes side by side, one box's recordings one
   * after another; after a box has not answered once, the rest of its recordings are not sent
   * (each would wait the whole timeout) and are marked as not reached.
   */
  const perBox = async (recs: readonly DisclosedRecording[], each: (r: DisclosedRecording) => Promise<'silent' | void>, silent: (r: DisclosedRecording) => Promise<void>) => {
    const boxes = new Map<string, DisclosedRecording[]>();
    for (const r of recs) boxes.set(`${r.site}/${r.box}`, [...(boxes.get(`${r.site}/${r.box}`) ?? []), r]);
    await Promise.all(
      [...boxes.values()].map(async (list) => {
        let quiet = false;
        for (const r of list) {
          if (quiet) await silent(r);
          else if ((await each(r)) === 'silent') quiet = true;
        }
      }),
    );
  };

  const holdEntry = (person: Person, e: DisclosureEntry, r: DisclosedRecording, result: ApiAuditEntry['result'], more: Args): ApiAuditEntry => ({
    actor: person.viewer.name, action: 'hold', target: r.id, purpose: 'disclosure', caseRef: e.caseRef, result,
    detail: { disclosure: e.id, holdCaseRef: holdCaseRefOf(e.id), site: r.site, box: r.box, ...more, console: true },
  });

  /** Places the entry's hold on each of these recordings, records each outcome, and keeps the central copies of those held. */
  async function holdAll(person: Person, e: DisclosureEntry, calls: ReadonlyMap<string, IndexedCall>, only?: ReadonlySet<string>): Promise<void> {
    const recs = e.recordings.filter((r) => (only ? only.has(r.id) : true));
    const set = (r: DisclosedRecording, patch: RecordingHoldPatch) => store.setHold(e.id, r.id, patch);
    await perBox(
      recs,
      async (r) => {
        const until = maxExpiryOf(r.start);
        const out = await ask(r, 'hold', { id: r.id, reason: 'disclosure', caseRef: holdCaseRefOf(e.id), until, by: person.viewer.name });
        if (!out.ok) {
          await set(r, { hold: GONE.has(out.problem) ? 'gone' : 'not-held', problem: out.problem });
          await ctx.auditor.try(holdEntry(person, e, r, out.result, { outcome: out.result === 'refused' ? 'box-refused' : out.problem, ...(out.reason ? { boxReason: out.reason } : {}) }));
          return out.problem === 'timeout' ? 'silent' : undefined;
        }
        const heldUntil = typeof out.reply.result['until'] === 'number' ? out.reply.result['until'] : until;
        await set(r, { hold: 'held', until: heldUntil });
        await ctx.auditor.try(holdEntry(person, e, r, 'ok', { until: heldUntil, outcome: 'done' }));
        const call = calls.get(r.id);
        if (!call) return;
        const expiresAt = typeof out.reply.result['expiresAt'] === 'number' ? out.reply.result['expiresAt'] : Math.max(call.expiresAt, heldUntil);
        try {
          await ctx.deps.copies.ensure(call, expiresAt);
        } catch (err) {
          // The keeper's periodic pass takes it once the box can send it.
          log.warn({ recording: r.id, error: safeError(err) }, 'console: the central copy of a recording held for a disclosure could not be made now');
        }
      },
      async (r) => {
        await set(r, { hold: 'not-held', problem: 'timeout' });
        await ctx.auditor.try(holdEntry(person, e, r, 'error', { outcome: 'not-sent-box-silent' }));
      },
    );
  }

  const releaseEntry = (person: Person, e: DisclosureEntry, r: DisclosedRecording, result: ApiAuditEntry['result'], more: Args): ApiAuditEntry => ({
    ...holdEntry(person, e, r, result, more), action: 'release',
  });

  /** Lifts the entry's hold on every recording that may still have one. */
  async function releaseAll(person: Person, e: DisclosureEntry): Promise<void> {
    const recs = e.recordings.filter((r) => r.hold === 'held' || r.hold === 'not-held' || r.hold === 'not-released');
    const set = (r: DisclosedRecording, patch: RecordingHoldPatch) => store.setHold(e.id, r.id, patch);
    await perBox(
      recs,
      async (r) => {
        const out = await ask(r, 'release', { id: r.id, by: person.viewer.name, caseRef: holdCaseRefOf(e.id) });
        if (out.ok || out.problem === NO_HOLD || GONE.has(out.problem)) {
          const state = out.ok || out.problem === NO_HOLD ? 'released' : 'gone';
          await set(r, { hold: state });
          await ctx.auditor.try(releaseEntry(person, e, r, 'ok', { outcome: out.ok ? 'done' : state === 'gone' ? 'gone-on-box' : 'no-hold', ...(out.ok ? {} : { boxReason: out.problem }) }));
          return;
        }
        // A hold that never was placed is nothing to keep releasing.
        if (r.hold === 'not-held' && out.problem !== 'timeout' && out.problem !== 'send-failed') {
          await ctx.auditor.try(releaseEntry(person, e, r, out.result, { outcome: 'box-refused', boxReason: out.problem }));
          return;
        }
        await set(r, { hold: 'not-released', problem: out.problem });
        await ctx.auditor.try(releaseEntry(person, e, r, out.result, { outcome: out.result === 'refused' ? 'box-refused' : out.problem, ...(out.reason ? { boxReason: out.reason } : {}) }));
        return out.problem === 'timeout' ? 'silent' : undefined;
      },
      async (r) => {
        await set(r, { hold: 'not-released', problem: 'timeout' });
        await ctx.auditor.try(releaseEntry(person, e, r, 'error', { outcome: 'not-sent-box-silent' }));
      },
    );
  }

  // ---- one entry ----

  /** The entry this privacy officer acts on, or the 404 already answered. */
  const entryFor = async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, action: string): Promise<{ person: Person; e: DisclosureEntry } | FastifyReply> => {
    const person = await who(request, reply, action);
    if (!('viewer' in person)) return person;
    const e = await store.get(request.params.id);
    if (!e) return notFound(request, reply, person, action, request.params.id, { reason: 'not-found', register: 'disclosure' });
    return { person, e };
  };

  const entryPage = async (request: FastifyRequest, reply: FastifyReply, person: Person, e: DisclosureEntry, status: number, extra: Partial<DisclosurePageData> = {}) => {
    const recordings: DisclosureRecordingRow[] = await Promise.all(
      e.recordings.map(async (r) => {
        const call = await index.get(r.id);
        return call ? { ...r, call: { durationMs: call.durationMs, ...(call.deleted ? { deleted: { at: call.deleted.at } } : {}) } } : { ...r };
      }),
    );
    const caps = Object.fromEntries(e.recordings.map((r) => [r.id, maxExpiryOf(r.start)]));
    const { details: _sealed, recordings: _r, ...entry } = e;
    const details = store.detailsOf(e);
    return send(
      reply,
      status,
      disclosurePage(translatorFor(ctx, request), { user: person.viewer, csrf: reply.generateCsrf(), entry, ...(details !== undefined ? { details } : {}), recordings, caps, ...extra }),
    );
  };

  app.get<{ Params: { id: string }; Querystring: { done?: DisclosureNotice } }>(
    '/registers/disclosure/:id',
    { schema: { params: idParams, querystring: doneQuery } },
    async (request, reply) => {
      const m = await entryFor(request, reply, 'view-disclosure');
      if (!('e' in m)) return m;
      const { person, e } = m;
      // The page opens the sealed particulars and lists the calls: a view of the register, audited before it is shown.
      await ctx.auditor.must({ actor: person.viewer.name, action: 'view-disclosure', target: e.id, purpose: 'disclosure', caseRef: e.caseRef, result: 'ok', detail: { disclosure: e.id, console: true } });
      return entryPage(request, reply, person, e, 200, request.query.done ? { notice: request.query.done } : {});
    },
  );

  app.post<{ Params: { id: string } }>('/registers/disclosure/:id/holds', { schema: { params: idParams, body: csrfOnly }, preValidation: app.csrfProtection }, async (request, reply) => {
    const m = await entryFor(request, reply, 'hold');
    if (!('e' in m)) return m;
    const { person, e } = m;
    if (e.status === 'open') {
      const calls = new Map<string, IndexedCall>();
      for (const r of e.recordings.filter((x) => x.hold === 'not-held')) {
        const call = await index.get(r.id);
        if (call && !call.deleted) calls.set(r.id, call);
      }
      await holdAll(person, e, calls, new Set(calls.keys()));
    }
    return reply.redirect(`${DISCLOSURE_PATHS.entry(e.id)}?done=holds`, 303);
  });

  app.post<{ Params: { id: string } }>('/registers/disclosure/:id/complete', { schema: { params: idParams, body: csrfOnly }, preValidation: app.csrfProtection }, async (request, reply) => {
    const m = await entryFor(request, reply, 'disclosure');
    if (!('e' in m)) return m;
    const { person } = m;
    let e = m.e;
    if (e.status === 'open') {
      await ctx.auditor.must({
        actor: person.viewer.name, action: 'disclosure', target: e.id, purpose: 'disclosure', caseRef: e.caseRef, result: 'ok',
        detail: { event: 'complete', disclosure: e.id, recordings: e.recordings.length, console: true },
      });
      e = (await store.complete(e.id, person.viewer.name)) ?? e;
    }
    // Marked complete, the holds go; one the box could not be reached for is offered again (it ends at the cap anyway).
    await releaseAll(person, e);
    return reply.redirect(`${DISCLOSURE_PATHS.entry(e.id)}?done=completed`, 303);
  });

  // ---- exports ----

  /** An export refused: audited, and the entry page says why. */
  const exportRefused = async (request: FastifyRequest, reply: FastifyReply, person: Person, e: DisclosureEntry, target: string, status: number, code: ExportProblemCode, what: string) => {
    await ctx.auditor.try({ actor: person.viewer.name, action: 'export', target, purpose: 'disclosure', caseRef: e.caseRef, result: 'refused', detail: { disclosure: e.id, what, reason: code, console: true } });
    return entryPage(request, reply, person, e, status, { error: { code } });
  };

  app.get<{ Params: { id: string; callId: string } }>('/registers/disclosure/:id/export/:callId.opus', { schema: { params: exportParams } }, async (request, reply) => {
    const m = await entryFor(request, reply, 'export');
    if (!('e' in m)) return m;
    const { person, e } = m;
    const actor = person.viewer.name;
    const { callId } = request.params;
    const rec = e.recordings.find((r) => r.id === callId);
    if (!rec) return notFound(request, reply, person, 'export', callId, { reason: 'not-in-disclosure', disclosure: e.id });
    if (!e.disclosed.recordings) return exportRefused(request, reply, person, e, callId, 409, 'export-not-disclosed', 'recording');
    if (e.status !== 'open') return exportRefused(request, reply, person, e, callId, 409, 'export-complete', 'recording');
    const call = await index.get(callId);
    if (!call || call.deleted) return exportRefused(request, reply, person, e, callId, 410, 'export-destroyed', 'recording');

    // Logged before a byte is fetched: an export that cannot be logged does not happen.
    const facts = { actor, action: 'export', target: callId, purpose: 'disclosure', caseRef: e.caseRef };
    await ctx.auditor.must({ ...facts, result: 'ok', detail: { disclosure: e.id, what: 'recording', format: 'ogg-opus', site: call.site, box: call.box, console: true } });
    let ogg: Buffer;
    try {
      ({ ogg } = await ctx.deps.playback.open(call));
    } catch (err) {
      const timedOut = (err as { code?: unknown }).code === COMMAND_TIMEOUT_CODE;
      if (!timedOut) log.error({ error: safeError(err), recording: callId }, 'console: a recording could not be opened for a disclosure');
      await ctx.auditor.try({ ...facts, result: 'error', detail: { disclosure: e.id, what: 'recording', outcome: timedOut ? 'timeout' : 'failed', console: true } });
      return entryPage(request, reply, person, e, timedOut ? 504 : 502, { error: timedOut ? { code: 'export-timeout', box: call.box } : { code: 'export-failed' } });
    }
    return reply
      .code(200)
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="${callId}.opus"`)
      .type('audio/ogg; codecs=opus')
      .send(ogg);
  });

  app.get<{ Params: { id: string } }>('/registers/disclosure/:id/metadata.json', { schema: { params: idParams } }, async (request, reply) => {
    const m = await entryFor(request, reply, 'export');
    if (!('e' in m)) return m;
    const { person, e } = m;
    if (!e.disclosed.metadata) return exportRefused(request, reply, person, e, e.id, 409, 'export-not-disclosed', 'metadata');
    if (e.status !== 'open') return exportRefused(request, reply, person, e, e.id, 409, 'export-complete', 'metadata');
    const calls = await Promise.all(e.recordings.map(async (r) => ({ r, call: await index.get(r.id) })));
    await ctx.auditor.must({
      actor: person.viewer.name, action: 'export', target: e.id, purpose: 'disclosure', caseRef: e.caseRef, result: 'ok',
      detail: { disclosure: e.id, what: 'metadata', format: 'json', calls: calls.length, console: true },
    });
    const body = metadataOf(e, calls, ctx.deps.controller?.name, clock.now());
    return reply
      .code(200)
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="disclosure-${e.id}.json"`)
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(body, null, 2));
  });
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The calls' metadata as disclosed: when, how long, where (site and line), which way, how the
 * recording ended and whether the caller was told. Never a phone number: the index holds numbers
 * only sealed, the basis is free text the software cannot read, and a recipient who needs the
 * caller identifies them from its own case (see docs/console.md).
 */
export function metadataOf(e: DisclosureEntry, calls: readonly { r: DisclosedRecording; call: IndexedCall | undefined }[], controller: string | undefined, now: number) {
  return {
    format: 'tallennin-disclosure-metadata/1',
    ...(controller ? { controller } : {}),
    disclosure: { caseRef: e.caseRef, recipient: e.recipient, basis: e.basis, decidedAt: iso(e.decidedAt) },
    exportedAt: iso(now),
    numbers: 'not included',
    calls: calls.map(({ r, call }) => {
      if (!call) return { id: r.id, site: r.site, start: iso(r.start), known: false };
      return {
        id: call.id, site: call.site, line: call.line, start: iso(call.start), end: iso(call.end), durationSeconds: Math.round(call.durationMs / 1000),
        direction: call.direction, recording: call.state,
        ...(call.endReason !== undefined ? { endReason: call.endReason } : {}),
        ...(call.stopped ? { stoppedOnRequest: iso(call.stopped.at) } : {}),
        ...(call.notice ? { recordingNotice: call.notice.status } : {}),
        ...(call.deleted ? { destroyed: iso(call.deleted.at) } : {}),
      };
    }),
  };
}
