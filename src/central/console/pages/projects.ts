// Training projects (issue 8, R2): the list a person may see, and one project's members and
// recordings. People who manage projects get the forms; a trainer reads. A project's name and
// case reference are typed by staff: the templates escape them like any other value.
import { html, type Html } from '../../../core/html.js';
import { PROJECT_CASE_MAX, PROJECT_NAME_MAX } from '../../projects/types.js';
import type { Translator } from '../i18n/catalogue.js';
import { inputField } from './fields.js';
import { csrfField, layout } from './layout.js';
import { PATHS } from './paths.js';
import type { Viewer } from './types.js';
import { holdReasonText, roleText } from './words.js';
import { dataTable } from './table.js';

/** Where a project page's forms post (under PATHS.project). */
/** What can go wrong with a project form, each said by `projects.error.<code>`. */
export const PROJECT_PROBLEMS = [
  'name-empty', 'name-long', 'name-text', 'case-empty', 'case-long', 'case-text',
  'member-empty', 'member-unknown', 'member-admin', 'member-already',
  'recording-bad', 'recording-missing', 'recording-destroyed', 'recording-already',
  'until-bad', 'until-past', 'until-cap',
  'hold-refused', 'hold-timeout', 'release-refused', 'release-timeout', 'command-failed',
] as const;
export type ProjectProblemCode = (typeof PROJECT_PROBLEMS)[number];

/** A refusal: its code and what its message needs. */
export interface ProjectProblem {
  code: ProjectProblemCode;
  /** until-cap: the latest day a hold may reach (ms since epoch) */
  cap?: number | undefined;
  /** hold-refused, release-refused: the box's reason code */
  reason?: string | undefined;
  /** hold-timeout, release-timeout, command-failed: the box asked */
  box?: string | undefined;
}

/** What just happened, after a form's redirect (`?done=`). */
export const PROJECT_NOTICES = ['created', 'member-added', 'member-removed', 'recording-added', 'recording-removed'] as const;
export type ProjectNotice = (typeof PROJECT_NOTICES)[number];

/** Reasons a box gives that the catalogue says in words; any other is shown as it came. */
export const BOX_REASONS = ['TAL_RECORDING_NOT_FOUND', 'TAL_RECORDING_DESTROYED', 'TAL_HOLD_INVALID'] as const;

export interface ProjectRow {
  id: string;
  name: string;
  caseRef: string;
  members: number;
  recordings: number;
  createdBy: string;
  createdAt: number;
}

export interface ProjectsPageData {
  user: Viewer;
  csrf: string;
  projects: readonly ProjectRow[];
  /** the create form (supervisor, privacy officer) */
  canCreate: boolean;
  /** the create form as typed, echoed after a refusal */
  form?: { name?: string | undefined; caseRef?: string | undefined } | undefined;
  error?: ProjectProblem | undefined;
}

export interface ProjectMemberRow {
  name: string;
  /** the account's role now; absent: the account is gone */
  role?: string | undefined;
}

export interface ProjectRecordingRow {
  id: string;
  site: string;
  addedBy: string;
  addedAt: number;
  /** within the viewer's sites: shown in full, linked and removable */
  visible: boolean;
  /** the index's entry (absent: the index does not know it) */
  call?: { start: number; durationMs: number; expiresAt: number; deleted?: { at: number } | undefined } | undefined;
}

export interface ProjectPageData {
  user: Viewer;
  csrf: string;
  project: { id: string; name: string; caseRef: string; createdBy: string; createdAt: number };
  members: readonly ProjectMemberRow[];
  recordings: readonly ProjectRecordingRow[];
  /** the forms (supervisor, privacy officer); a member who trains only reads */
  canManage: boolean;
  /** the forms as typed, echoed after a refusal */
  form?: { member?: string | undefined; recording?: string | undefined; until?: string | undefined } | undefined;
  error?: ProjectProblem | undefined;
  notice?: ProjectNotice | undefined;
}

const ERROR_ID = 'projects-error';
type FieldName = 'name' | 'caseRef' | 'member' | 'recording' | 'until';

const FIELD_IDS: Readonly<Record<FieldName, string>> = { name: 'project-name', caseRef: 'project-case', member: 'member-name', recording: 'recording-id', until: 'recording-until' };
const FIELD_LABELS: Readonly<Record<FieldName, string>> = { name: 'projects.new.name', caseRef: 'projects.new.caseRef', member: 'projects.members.add.name', recording: 'projects.add.recording', until: 'projects.add.until' };
const FIELD_OF: Readonly<Record<string, FieldName>> = { name: 'name', case: 'caseRef', member: 'member', recording: 'recording', until: 'until' };

/** The field a problem is about, if it is about one. */
export function fieldOf(code: ProjectProblemCode): FieldName | undefined {
  return FIELD_OF[code.slice(0, code.indexOf('-'))];
}

const boxReasonText = (t: Translator, reason: string) => ((BOX_REASONS as readonly string[]).includes(reason) ? t(`projects.boxReason.${reason}`) : reason);

/**
 * A message about a box's answer to a hold or a release, as the project and access-request pages
 * word it: its refusal with the reason in words, its silence naming the box. Undefined for a code
 * that is not about a box's answer.
 */
export function boxAnswerText(t: Translator, key: string, e: { code: string; reason?: string | undefined; box?: string | undefined }): string | undefined {
  switch (e.code) {
    case 'hold-refused':
    case 'release-refused':
      return t(key, { reason: boxReasonText(t, e.reason ?? '') });
    case 'hold-timeout':
    case 'release-timeout':
    case 'command-failed':
    case 'copy-timeout':
      return t(key, { box: e.box ?? '' });
    default:
      return undefined;
  }
}

export function problemText(t: Translator, e: ProjectProblem): string {
  const key = `projects.error.${e.code}`;
  if (e.code === 'until-cap') return t(key, { date: t.fmt.date(e.cap ?? 0) });
  return boxAnswerText(t, key, e) ?? t(key);
}

/** The refusal, with a link to the field it is about (marked invalid, pointing back here). */
function refusal(t: Translator, e: ProjectProblem | undefined): Html {
  if (!e) return html``;
  const field = fieldOf(e.code);
  const link = field ? html` <a href="#${FIELD_IDS[field]}">${t('form.error.field', { field: t(FIELD_LABELS[field]) })}</a>` : '';
  return html`<p class="alert" role="alert" id="${ERROR_ID}">${problemText(t, e)}${link}</p>`;
}

const invalid = (e: ProjectProblem | undefined, field: FieldName) => (e && fieldOf(e.code) === field ? ERROR_ID : undefined);

// ---- the list ----

function projectTable(t: Translator, d: ProjectsPageData): Html {
  if (d.projects.length === 0) return html`<p>${t(d.canCreate ? 'projects.none' : 'projects.none.member')}</p>`;
  const cols = ['name', 'caseRef', 'members', 'recordings', 'created'].map((c) => t(`projects.col.${c}`));
  const rows = d.projects.map(
    (p) => html`<tr>
<td><a href="${PATHS.project(p.id)}">${p.name}</a></td>
<td>${p.caseRef}</td>
<td class="num">${p.members}</td>
<td class="num">${p.recordings}</td>
<td>${t('projects.created.value', { time: t.fmt.dateTime(p.createdAt), by: p.createdBy })}</td>
</tr>`,
  );
  return dataTable({ id: 'projects-caption', caption: t('projects.caption', { count: d.projects.length }), columns: cols, rows });
}

function createForm(t: Translator, d: ProjectsPageData): Html {
  return html`<form method="post" action="${PATHS.projects}" class="stack project-form" aria-labelledby="new-heading">
<h2 id="new-heading">${t('projects.new.heading')}</h2>
${csrfField(d.csrf)}
${inputField({ id: FIELD_IDS.name, name: 'name', label: t('projects.new.name'), hint: t('projects.new.name.hint', { max: PROJECT_NAME_MAX }), value: d.form?.name, maxlength: PROJECT_NAME_MAX, required: true, autocomplete: 'off', invalid: invalid(d.error, 'name') })}
${inputField({ id: FIELD_IDS.caseRef, name: 'caseRef', label: t('projects.new.caseRef'), hint: t('projects.new.caseRef.hint', { max: PROJECT_CASE_MAX }), value: d.form?.caseRef, maxlength: PROJECT_CASE_MAX, required: true, autocomplete: 'off', invalid: invalid(d.error, 'caseRef') })}
<button type="submit" class="primary">${t('projects.new.submit')}</button>
</form>`;
}

export function projectsPage(t: Translator, d: ProjectsPageData): Html {
  return layout(t, {
    title: t('projects.title'),
    user: d.user,
    nav: 'projects',
    csrf: d.csrf,
    here: PATHS.projects,
    main: html`<h1>${t('projects.title')}</h1>
<p>${t(d.canCreate ? 'projects.intro' : 'projects.intro.member')}</p>
${refusal(t, d.error)}
${projectTable(t, d)}
${d.canCreate ? createForm(t, d) : ''}`,
  });
}

// ---- one project ----

function facts(t: Translator, p: ProjectPageData['project']): Html {
  const rows: [string, string][] = [
    ['projects.fact.caseRef', p.caseRef],
    ['projects.fact.createdBy', p.createdBy],
    ['projects.fact.createdAt', t.fmt.dateTime(p.createdAt)],
  ];
  return html`<dl class="facts">${rows.map(([k, v]) => html`<dt>${t(k)}</dt><dd>${v}</dd>`)}</dl>`;
}

function recordingCells(t: Translator, r: ProjectRecordingRow): Html {
  if (!r.visible) return html`<td>${t('projects.recordings.otherSite')}</td><td class="id">${r.site}</td><td></td><td></td>`;
  if (!r.call) return html`<td class="id">${t('projects.recordings.unknown', { id: r.id })}</td><td class="id">${r.site}</td><td></td><td></td>`;
  const kept = r.call.deleted ? t('projects.recordings.destroyed', { date: t.fmt.date(r.call.deleted.at) }) : t.fmt.date(r.call.expiresAt);
  return html`<td class="num"><a href="${PATHS.call(r.id)}">${t.fmt.dateTime(r.call.start)}</a></td><td class="id">${r.site}</td><td class="num">${t.fmt.duration(r.call.durationMs)}</td><td class="num">${kept}</td>`;
}

function removeRecording(t: Translator, d: ProjectPageData, r: ProjectRecordingRow): Html {
  if (!d.canManage || !r.visible) return html`<td></td>`;
  const label = r.call ? t('projects.recordings.remove', { start: t.fmt.dateTime(r.call.start) }) : t('projects.recordings.removeId', { id: r.id });
  return html`<td><form method="post" action="${PATHS.projectRemoveRecording(d.project.id)}">${csrfField(d.csrf)}<input type="hidden" name="recording" value="${r.id}"><button type="submit">${label}</button></form></td>`;
}

function recordingTable(t: Translator, d: ProjectPageData): Html {
  if (d.recordings.length === 0) return html`<p>${t('projects.recordings.none')}</p>`;
  const names = ['start', 'site', 'duration', 'kept', 'added', ...(d.canManage ? ['action'] : [])];
  const cols = names.map((c) => t(`projects.recordings.col.${c}`));
  const rows = d.recordings.map(
    (r) => html`<tr>${recordingCells(t, r)}<td>${t('projects.recordings.added', { time: t.fmt.dateTime(r.addedAt), by: r.addedBy })}</td>${d.canManage ? removeRecording(t, d, r) : ''}</tr>`,
  );
  return html`${dataTable({ id: 'recordings-caption', caption: t('projects.recordings.caption', { count: d.recordings.length }), columns: cols, rows })}
${d.canManage ? html`<p class="muted">${t('projects.recordings.remove.note')}</p>` : ''}`;
}

function addRecordingForm(t: Translator, d: ProjectPageData): Html {
  return html`<form method="post" action="${PATHS.projectRecordings(d.project.id)}" class="stack project-form" aria-labelledby="add-heading">
<h3 id="add-heading">${t('projects.add.heading')}</h3>
<p>${t('projects.add.intro', { reason: holdReasonText(t, 'quality-project'), caseRef: d.project.caseRef })}</p>
${csrfField(d.csrf)}
${inputField({ id: FIELD_IDS.recording, name: 'recording', label: t('projects.add.recording'), hint: t('projects.add.recording.hint'), value: d.form?.recording, maxlength: 64, required: true, autocomplete: 'off', wide: true, invalid: invalid(d.error, 'recording') })}
${inputField({ id: FIELD_IDS.until, name: 'until', type: 'date', label: t('projects.add.until'), hint: t('projects.add.until.hint'), value: d.form?.until, invalid: invalid(d.error, 'until') })}
<button type="submit" class="primary">${t('projects.add.submit')}</button>
</form>`;
}

function memberTable(t: Translator, d: ProjectPageData): Html {
  if (d.members.length === 0) return html`<p>${t('projects.members.none')}</p>`;
  const names = ['name', 'role', ...(d.canManage ? ['action'] : [])];
  const cols = names.map((c) => t(`projects.members.col.${c}`));
  const rows = d.members.map(
    (m) => html`<tr><td class="id">${m.name}</td><td>${m.role !== undefined ? roleText(t, m.role) : html`<span class="muted">${t('projects.members.gone')}</span>`}</td>${
      d.canManage
        ? html`<td><form method="post" action="${PATHS.projectRemoveMember(d.project.id)}">${csrfField(d.csrf)}<input type="hidden" name="member" value="${m.name}"><button type="submit">${t('projects.members.remove', { name: m.name })}</button></form></td>`
        : ''
    }</tr>`,
  );
  return dataTable({ id: 'members-caption', caption: t('projects.members.caption', { count: d.members.length }), columns: cols, rows });
}

function addMemberForm(t: Translator, d: ProjectPageData): Html {
  return html`<form method="post" action="${PATHS.projectMembers(d.project.id)}" class="stack project-form" aria-labelledby="member-heading">
<h3 id="member-heading">${t('projects.members.add.heading')}</h3>
${csrfField(d.csrf)}
${inputField({ id: FIELD_IDS.member, name: 'member', label: t('projects.members.add.name'), hint: t('projects.members.add.hint'), value: d.form?.member, maxlength: 64, required: true, autocomplete: 'off', invalid: invalid(d.error, 'member') })}
<button type="submit" class="primary">${t('projects.members.add.submit')}</button>
</form>`;
}

export function projectPage(t: Translator, d: ProjectPageData): Html {
  const title = t('projects.project.title', { name: d.project.name });
  return layout(t, {
    title,
    user: d.user,
    nav: 'projects',
    csrf: d.csrf,
    here: PATHS.project(d.project.id),
    main: html`<p><a href="${PATHS.projects}">${t('projects.back')}</a></p>
<h1>${title}</h1>
${refusal(t, d.error)}
${d.notice ? html`<p class="note-box" role="status">${t(`projects.done.${d.notice}`)}</p>` : ''}
${d.canManage ? '' : html`<p class="note-box">${t('projects.readOnly')}</p>`}
<section aria-labelledby="facts-heading"><h2 id="facts-heading">${t('projects.facts')}</h2>${facts(t, d.project)}</section>
<section aria-labelledby="recordings-heading">
<h2 id="recordings-heading">${t('projects.recordings.heading')}</h2>
${recordingTable(t, d)}
${d.canManage ? addRecordingForm(t, d) : ''}
</section>
<section aria-labelledby="members-heading">
<h2 id="members-heading">${t('projects.members.heading')}</h2>
${memberTable(t, d)}
${d.canManage ? addMemberForm(t, d) : ''}
</section>`,
  });
}
