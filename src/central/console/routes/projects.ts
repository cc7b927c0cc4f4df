// Training projects (issue 8, R2, R4, R7): a supervisor or privacy officer creates a project,
// adds members, and adds recordings by placing a `quality-project` hold on their box; a trainer
// reads the projects they belong to (and may hear only those recordings, checked where they
// listen). A project another person may not see answers 404, as does a call of another site,
// so neither can be probed. Every change is audited before it is answered; a project's name is
// free text and stays out of the audit and the log (its id and case reference are enough).
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CONSOLE_ROLES } from '../../../core/auth/index.js';
import { NAME_PATTERN } from '../../../core/config/messages.js';
import type { Reply } from '../../../core/protocol/messages.js';
import { maxExpiryOf } from '../../../core/retention/index.js';
import { safeError } from '../../api/log-safe.js';
import type { ApiAuditEntry } from '../../api/types.js';
import type { IndexedCall } from '../../index/types.js';
import { COMMAND_TIMEOUT_CODE } from '../../ingest/types.js';
import { PROJECT_CASE_MAX, PROJECT_NAME_MAX, projectTextProblem, type TrainingProject } from '../../projects/types.js';
import type { ConsoleContext } from '../context.js';
import { errorAnswer, personOf, send, translatorFor, type Person } from '../page-kit.js';
import { localDateValue, parseLocalInput } from '../pages/form-values.js';
import { PATHS } from '../pages/paths.js';
import {
  PROJECT_NOTICES, projectPage, projectsPage,
  type ProjectNotice, type ProjectPageData, type ProjectProblem, type ProjectProblemCode, type ProjectRecordingRow, type ProjectsPageData,
} from '../pages/projects.js';
import { consoleMay } from '../rights.js';

/** Recording ids as the call page takes them. */
const RECORDING_ID = /^[0-9a-zA-Z-]{1,64}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Box answers that mean the hold is not there any more: the recording leaves the project all the same. */
const GONE_ON_BOX = new Set(['TAL_RECORDING_NOT_FOUND', 'TAL_RECORDING_DESTROYED', 'TAL_HOLD_INVALID']);

const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', pattern: '^[0-9a-zA-Z-]{1,64}$' } } };
const doneQuery = { type: 'object', additionalProperties: false, properties: { done: { type: 'string', enum: [...PROJECT_NOTICES] } } };
/** Fields are bounded here only against abuse; their real limits are checked by the handlers, which say which field is wrong. */
const form = (...fields: string[]) => ({
  type: 'object',
  additionalProperties: false,
  properties: { ...Object.fromEntries(fields.map((f) => [f, { type: 'string', maxLength: 1000 }])), _csrf: { type: 'string', maxLength: 512 } },
});

type Id = { Params: { id: string } };
type Args = Record<string, string | number | boolean>;

/** A refusal the handler answers with the page it came from. */
class Refusal {
  constructor(readonly status: number, readonly problem: ProjectProblem) {}
}
const refuse = (status: number, code: ProjectProblemCode, more: Omit<ProjectProblem, 'code'> = {}) => new Refusal(status, { code, ...more });

export function projectRoutes(app: FastifyInstance, ctx: ConsoleContext): void {
  const { projects, index, accounts, commands, clock, log } = ctx.deps;

  /** The person, or the answer already sent (to the login, or 403 without the right). */
  const who = async (request: FastifyRequest, reply: FastifyReply, right: 'projects' | 'manage-projects'): Promise<Person | FastifyReply> => {
    const person = await personOf(ctx, request);
    if (!person) return reply.redirect(PATHS.login, 303);
    if (!consoleMay(person.viewer.role, right)) return errorAnswer(ctx, request, reply, 403, 'error.forbidden', person.viewer);
    return person;
  };
  const manages = (person: Person) => consoleMay(person.viewer.role, 'manage-projects');
  const sees = (person: Person, site: string) => !person.sites || person.sites.includes(site);

  /** A project this person may see (every one for those who manage them, else only their own), or why not. */
  const projectFor = async (person: Person, id: string): Promise<TrainingProject | 'not-found' | 'not-member'> => {
    const p = await projects.get(id);
    if (!p) return 'not-found';
    return manages(person) || p.members.includes(person.viewer.name) ? p : 'not-member';
  };
  /** The same answer whether the project does not exist or is not this person's: ids cannot be probed. */
  const notFound = async (request: FastifyRequest, reply: FastifyReply, person: Person, id: string, action: string, reason = 'not-found') => {
    await ctx.auditor.try({ actor: person.viewer.name, action, target: id, result: 'refused', detail: { project: id, reason, console: true } });
    return errorAnswer(ctx, request, reply, 404, 'projects.error.notFound', person.viewer);
  };
  const rejected = (person: Person, route: string, problem: ProjectProblem) =>
    ctx.auditor.try({ actor: person.viewer.name, action: 'rejected-input', result: 'refused', detail: { route, problem: problem.code, console: true } });
  const changed = (person: Person, p: Pick<TrainingProject, 'id' | 'caseRef'>, change: string, more: Args = {}): ApiAuditEntry => ({
    actor: person.viewer.name, action: 'config-change', target: p.id, caseRef: p.caseRef, result: 'ok', detail: { project: p.id, change, ...more, console: true },
  });

  // ---- the list ----

  const listPage = async (request: FastifyRequest, reply: FastifyReply, person: Person, status: number, extra: Partial<ProjectsPageData> = {}) => {
    const list = manages(person) ? await projects.list() : await projects.ofMember(person.viewer.name);
    const rows = list.map((p) => ({ id: p.id, name: p.name, caseRef: p.caseRef, members: p.members.length, recordings: p.recordings.length, createdBy: p.createdBy, createdAt: p.createdAt }));
    return send(reply, status, projectsPage(translatorFor(ctx, request), { user: person.viewer, csrf: reply.generateCsrf(), projects: rows, canCreate: manages(person), ...extra }));
  };

  app.get('/projects', async (request, reply) => {
    const person = await who(request, reply, 'projects');
    if (!('viewer' in person)) return person;
    return listPage(request, reply, person, 200);
  });

  app.post<{ Body: { name?: string; caseRef?: string } }>('/projects', { schema: { body: form('name', 'caseRef') }, preValidation: app.csrfProtection }, async (request, reply) => {
    const person = await who(request, reply, 'manage-projects');
    if (!('viewer' in person)) return person;
    const { name = '', caseRef = '' } = request.body;
    const nameProblem = projectTextProblem(name, PROJECT_NAME_MAX);
    const caseProblem = projectTextProblem(caseRef, PROJECT_CASE_MAX);
    const problem: ProjectProblem | undefined = nameProblem ? { code: `name-${nameProblem}` } : caseProblem ? { code: `case-${caseProblem}` } : undefined;
    if (problem) {
      await rejected(person, PATHS.projects, problem);
      return listPage(request, reply, person, 400, { form: { name, caseRef }, error: problem });
    }
    const id = randomUUID();
    // Audited first: if the log cannot be written, no project is made.
    await ctx.auditor.must(changed(person, { id, caseRef: caseRef.trim() }, 'create'));
    await projects.create({ id, name, caseRef, createdBy: person.viewer.name });
    return reply.redirect(`${PATHS.project(id)}?done=created`, 303);
  });

  // ---- one project ----

  const projectView = async (request: FastifyRequest, reply: FastifyReply, person: Person, p: TrainingProject, status: number, extra: Partial<ProjectPageData> = {}) => {
    const members = await Promise.all(
      p.members.map(async (name) => {
        const account = await accounts.find(name);
        const role = account && (CONSOLE_ROLES as readonly string[]).includes(account.role) ? account.role : undefined;
        return { name, ...(role ? { role } : {}) };
      }),
    );
    const recordings: ProjectRecordingRow[] = await Promise.all(
      p.recordings.map(async (r) => {
        const row: ProjectRecordingRow = { id: r.id, site: r.site, addedBy: r.addedBy, addedAt: r.addedAt, visible: sees(person, r.site) };
        if (!row.visible) return row;
        const call = await index.get(r.id);
        return call ? { ...row, call: { start: call.start, durationMs: call.durationMs, expiresAt: call.expiresAt, ...(call.deleted ? { deleted: { at: call.deleted.at } } : {}) } } : row;
      }),
    );
    // Opening a project shows its calls' times and sites: audited as a view, before it is shown.
    if (status === 200) {
      await ctx.auditor.must({
        actor: person.viewer.name, action: 'view-project', target: p.id, caseRef: p.caseRef, result: 'ok',
        detail: { project: p.id, recordings: recordings.filter((r) => r.visible).length, console: true },
      });
    }
    const { id, name, caseRef, createdBy, createdAt } = p;
    return send(
      reply,
      status,
      projectPage(translatorFor(ctx, request), { user: person.viewer, csrf: reply.generateCsrf(), project: { id, name, caseRef, createdBy, createdAt }, members, recordings, canManage: manages(person), ...extra }),
    );
  };

  app.get<Id & { Querystring: { done?: ProjectNotice } }>('/projects/:id', { schema: { params: idParams, querystring: doneQuery } }, async (request, reply) => {
    const person = await who(request, reply, 'projects');
    if (!('viewer' in person)) return person;
    const p = await projectFor(person, request.params.id);
    if (typeof p === 'string') return notFound(request, reply, person, request.params.id, 'view-project', p);
    return projectView(request, reply, person, p, 200, request.query.done ? { notice: request.query.done } : {});
  });

  /** The project a manager changes, or the 404 already answered. */
  const managed = async (request: FastifyRequest<Id>, reply: FastifyReply, action: string): Promise<{ person: Person; p: TrainingProject } | FastifyReply> => {
    const person = await who(request, reply, 'manage-projects');
    if (!('viewer' in person)) return person;
    const p = await projects.get(request.params.id);
    if (!p) return notFound(request, reply, person, request.params.id, action);
    return { person, p };
  };

  // ---- members ----

  app.post<Id & { Body: { member?: string } }>('/projects/:id/members', { schema: { params: idParams, body: form('member') }, preValidation: app.csrfProtection }, async (request, reply) => {
    const m = await managed(request, reply, 'config-change');
    if (!('p' in m)) return m;
    const { person, p } = m;
    const typed = request.body.member ?? '';
    const name = typed.trim().toLowerCase();
    let problem: ProjectProblemCode | undefined;
    if (name === '') problem = 'member-empty';
    else {
      const account = NAME_PATTERN.test(name) ? await accounts.find(name) : undefined;
      if (!account || !(CONSOLE_ROLES as readonly string[]).includes(account.role)) problem = 'member-unknown';
      else if (account.role === 'admin') problem = 'member-admin';
      else if (p.members.includes(name)) problem = 'member-already';
    }
    if (problem) {
      await rejected(person, '/console/projects/:id/members', { code: problem });
      return projectView(request, reply, person, p, problem === 'member-already' ? 409 : 400, { form: { member: typed }, error: { code: problem } });
    }
    await ctx.auditor.must(changed(person, p, 'member-add', { member: name }));
    await projects.addMember(p.id, name);
    return reply.redirect(`${PATHS.project(p.id)}?done=member-added`, 303);
  });

  app.post<Id & { Body: { member?: string } }>('/projects/:id/members/remove', { schema: { params: idParams, body: form('member') }, preValidation: app.csrfProtection }, async (request, reply) => {
    const m = await managed(request, reply, 'config-change');
    if (!('p' in m)) return m;
    const { person, p } = m;
    const name = request.body.member ?? '';
    // Removing someone who is not a member changes nothing, and says so by changing nothing.
    if (p.members.includes(name)) {
      await ctx.auditor.must(changed(person, p, 'member-remove', { member: name }));
      await projects.removeMember(p.id, name);
    }
    return reply.redirect(`${PATHS.project(p.id)}?done=member-removed`, 303);
  });

  // ---- recordings ----

  /** A command to a recording's box: the box's answer, or the refusal to show when there was none. */
  const ask = async (call: Pick<IndexedCall, 'site' | 'box'>, verb: 'hold' | 'release', args: Args, audit: (result: ApiAuditEntry['result'], more: Args) => Promise<void>): Promise<Reply | Refusal> => {
    try {
      return await commands.send({ site: call.site, box: call.box, verb, args });
    } catch (err) {
      if ((err as { code?: unknown })?.code === COMMAND_TIMEOUT_CODE) {
        await audit('error', { outcome: 'timeout' });
        return refuse(504, verb === 'hold' ? 'hold-timeout' : 'release-timeout', { box: call.box });
      }
      log.error({ error: safeError(err), site: call.site, box: call.box, verb }, 'command could not be sent');
      await audit('error', { outcome: 'send-failed' });
      return refuse(502, 'command-failed', { box: call.box });
    }
  };

  /** yyyy-mm-dd (empty: the cap) → the end of that Helsinki day, never past the cap. */
  const holdEnd = (until: string, cap: number): number | Refusal => {
    if (until === '') return cap;
    const day = DATE.test(until) ? parseLocalInput(until) : undefined;
    if (day === undefined) return refuse(400, 'until-bad');
    if (until > localDateValue(cap)) return refuse(400, 'until-cap', { cap });
    const endOfDay = parseLocalInput(`${until}T23:59`)! + 59_999;
    if (endOfDay < clock.now()) return refuse(400, 'until-past');
    return Math.min(endOfDay, cap);
  };

  app.post<Id & { Body: { recording?: string; until?: string } }>('/projects/:id/recordings', { schema: { params: idParams, body: form('recording', 'until') }, preValidation: app.csrfProtection }, async (request, reply) => {
    const m = await managed(request, reply, 'hold');
    if (!('p' in m)) return m;
    const { person, p } = m;
    const recording = (request.body.recording ?? '').trim();
    const until = (request.body.until ?? '').trim();
    const typed = { recording: request.body.recording, until: request.body.until };
    const answer = async (r: Refusal) => {
      if (r.status === 400) await rejected(person, '/console/projects/:id/recordings', r.problem);
      return projectView(request, reply, person, p, r.status, { form: typed, error: r.problem });
    };
    if (!RECORDING_ID.test(recording)) return answer(refuse(400, 'recording-bad'));
    const entry = (result: ApiAuditEntry['result'], more: Args): ApiAuditEntry => ({
      // The purpose of a hold is its reason, as the call page's holds and the box's own entries say.
      actor: person.viewer.name, action: 'hold', target: recording, purpose: 'quality-project', caseRef: p.caseRef, result,
      detail: { project: p.id, ...more, console: true },
    });

    const call = await index.get(recording);
    if (!call || !sees(person, call.site)) {
      // Another site's call is refused exactly as one that does not exist: nothing is sent.
      await ctx.auditor.try(entry('refused', { outcome: call ? 'other-site' : 'not-found' }));
      return answer(refuse(404, 'recording-missing'));
    }
    if (call.deleted) return answer(refuse(409, 'recording-destroyed'));
    if (p.recordings.some((r) => r.id === call.id)) return answer(refuse(409, 'recording-already'));
    const end = holdEnd(until, maxExpiryOf(call.start));
    if (end instanceof Refusal) return answer(end);

    const where = { site: call.site, box: call.box };
    const audit = (result: ApiAuditEntry['result'], more: Args) => ctx.auditor.try(entry(result, { ...where, ...more }));
    const box = await ask(call, 'hold', { id: call.id, reason: 'quality-project', caseRef: p.caseRef, by: person.viewer.name, until: end }, audit);
    if (box instanceof Refusal) return answer(box);
    if (!box.ok) {
      await audit('refused', { outcome: 'box-refused', boxReason: box.reason });
      return answer(refuse(409, 'hold-refused', { reason: box.reason }));
    }
    // The hold is in place on the box: the project records it, then the audit says so.
    await projects.addRecording(p.id, { id: call.id, site: call.site, box: call.box, addedBy: person.viewer.name });
    await ctx.auditor.must(entry('ok', { ...where, until: end, outcome: 'done' }));
    // A held recording is also kept as a sealed copy centrally (as a hold from the call page is);
    // if its box cannot send it now, the keeper's periodic pass takes it later.
    const expiresAt = typeof box.result['expiresAt'] === 'number' ? box.result['expiresAt'] : Math.max(call.expiresAt, end);
    try {
      await ctx.deps.copies.ensure(call, expiresAt);
    } catch (err) {
      log.warn({ recording: call.id, error: safeError(err) }, 'console: the central copy of a recording held for a training project could not be made now');
    }
    return reply.redirect(`${PATHS.project(p.id)}?done=recording-added`, 303);
  });

  app.post<Id & { Body: { recording?: string } }>('/projects/:id/recordings/remove', { schema: { params: idParams, body: form('recording') }, preValidation: app.csrfProtection }, async (request, reply) => {
    const m = await managed(request, reply, 'release');
    if (!('p' in m)) return m;
    const { person, p } = m;
    const id = request.body.recording ?? '';
    const rec = p.recordings.find((r) => r.id === id);
    const done = () => reply.redirect(`${PATHS.project(p.id)}?done=recording-removed`, 303);
    if (!rec) return done(); // not (or no longer) in the project: nothing to release
    const entry = (result: ApiAuditEntry['result'], more: Args): ApiAuditEntry => ({
      actor: person.viewer.name, action: 'release', target: rec.id, purpose: 'quality-project', caseRef: p.caseRef, result,
      detail: { project: p.id, site: rec.site, box: rec.box, ...more, console: true },
    });
    if (!sees(person, rec.site)) {
      // Listed without details to a supervisor of another site, and not theirs to release.
      await ctx.auditor.try(entry('refused', { outcome: 'other-site' }));
      return projectView(request, reply, person, p, 404, { error: { code: 'recording-missing' } });
    }
    // The box lifts every hold of a case at once: while another project with the same case
    // reference still holds this recording, only this project lets go of it.
    const shared = (await projects.containing(rec.id)).some((o) => o.id !== p.id && o.caseRef === p.caseRef);
    if (shared) {
      await projects.removeRecording(p.id, rec.id);
      await ctx.auditor.must(changed(person, p, 'recording-remove', { recording: rec.id, kept: 'shared-case' }));
      return done();
    }
    const audit = (result: ApiAuditEntry['result'], more: Args) => ctx.auditor.try(entry(result, more));
    const box = await ask(rec, 'release', { id: rec.id, by: person.viewer.name, caseRef: p.caseRef }, audit);
    if (box instanceof Refusal) return projectView(request, reply, person, p, box.status, { error: box.problem });
    if (!box.ok && !GONE_ON_BOX.has(box.reason)) {
      await audit('refused', { outcome: 'box-refused', boxReason: box.reason });
      return projectView(request, reply, person, p, 409, { error: { code: 'release-refused', reason: box.reason } });
    }
    await projects.removeRecording(p.id, rec.id);
    await ctx.auditor.must(entry('ok', box.ok ? { outcome: 'done' } : { outcome: 'gone-on-box', boxReason: box.reason }));
    return done();
  });
}
