// One access request (issue 9, R10): what the person wrote and how they proved who they are; the
// search its window and numbers run (results shown without numbers); the recordings marked as
// theirs, each held while the request is open, with its copy's file and the cover sheet; the
// listening appointment; and the outcome, which releases the holds.
import { html, type Html } from '../../../core/html.js';
import { ACCESS_OUTCOMES, type AccessMark, type AccessOutcome, type AccessStatus, type FeeMatch, type IdentityDocument } from '../../registers/access-types.js';
import type { Translator } from '../i18n/catalogue.js';
import { ACCESS_PATHS, copyFileName, SEARCH_MARGINS, type SearchMargin } from './access-paths.js';
import { dayText, deadlineCell, statusText } from './access-requests.js';
import { inputField, selectField } from './fields.js';
import { localInputValue } from './form-values.js';
import { csrfField, layout } from './layout.js';
import { PATHS } from './paths.js';
import { boxAnswerText } from './projects.js';
import { registersNav } from './registers-nav.js';
import { dataTable } from './table.js';
import type { Direction, Viewer } from './types.js';
import { directionText, holdReasonText, purposeText } from './words.js';

/** A call the search found: where and when, never a number. */
export interface AccessResultRow {
  id: string;
  site: string;
  box: string;
  line: string;
  start: number;
  durationMs: number;
  direction: Direction;
  /** destroyed on its box: nothing to mark */
  deleted?: boolean | undefined;
}

export interface AccessMarkRow extends AccessMark {
  /** the box destroyed it */
  deleted?: boolean | undefined;
}

/** What went wrong on the request page, each said by `access.error.<code>`. */
export const ACCESS_ERRORS = [
  'not-in-results', 'recording-destroyed', 'request-closed',
  'hold-refused', 'hold-timeout', 'release-refused', 'release-timeout', 'command-failed',
  'booking-office', 'booking-at', 'booking-no-offices',
  'outcome-bad', 'outcome-needs-marks', 'outcome-has-marks', 'outcome-needs-booking',
  'copy-timeout', 'copy-failed', 'copy-not-marked',
] as const;
export type AccessErrorCode = (typeof ACCESS_ERRORS)[number];

export interface AccessError {
  code: AccessErrorCode;
  /** hold-refused, release-refused: the box's reason code */
  reason?: string | undefined;
  /** the timeouts and command-failed: the box asked */
  box?: string | undefined;
}

/** What just happened, after a form's redirect (`?done=`). */
export const ACCESS_NOTICES = ['created', 'marked', 'unmarked', 'booked', 'closed', 'closed-pending', 'released', 'released-pending'] as const;
export type AccessNotice = (typeof ACCESS_NOTICES)[number];

export interface AccessRequestPageData {
  user: Viewer;
  csrf: string;
  request: {
    id: string;
    receivedOn: string;
    deadline: string;
    status: AccessStatus;
    outcome?: { kind: AccessOutcome; by: string; at: number } | undefined;
    overdue: boolean;
    window: { from: number; to: number };
    recordedBy: string;
    recordedAt: number;
    identity: { document: IdentityDocument; verifiedBy: string; verifiedAt: number; last4: string; issued?: string | undefined };
    booking?: { office: string; at: number; by: string; bookedAt: number } | undefined;
  };
  /** opened from the sealed entry, to show */
  personal: { name: string; contact: string; matter: string; numbers: readonly string[]; hetu?: string | undefined };
  /** earlier requests by the same person within 12 months: a fee may be charged */
  fee: readonly FeeMatch[];
  marks: readonly AccessMarkRow[];
  /** where a listening can be booked (the controller's offices) */
  offices: readonly string[];
  /** the search's reach chosen (shown in its select) */
  margin: SearchMargin;
  /** the search, when it was run */
  search?: { from: number; to: number; results: readonly AccessResultRow[]; truncated: boolean } | undefined;
  /** the booking and outcome forms as typed, echoed after a refusal */
  form?: { office?: string | undefined; at?: string | undefined; outcome?: string | undefined } | undefined;
  error?: AccessError | undefined;
  notice?: AccessNotice | undefined;
}

export function accessErrorText(t: Translator, e: AccessError): string {
  const key = `access.error.${e.code}`;
  return boxAnswerText(t, key, e) ?? t(key);
}

/** A henkilötunnus shown with its individual part hidden: enough to recognise it, no more. */
export function maskedHetu(hetu: string): string {
  return `${hetu.slice(0, 7)}****`;
}

const open = (d: AccessRequestPageData) => d.request.outcome === undefined;

function facts(t: Translator, d: AccessRequestPageData): Html {
  const r = d.request;
  const p = d.personal;
  const id = r.identity;
  const rows: [string, Html | string][] = [
    ['access.fact.received', t('access.fact.received.value', { date: dayText(t, r.receivedOn) })],
    ['access.fact.deadline', deadlineCell(t, r)],
    ['access.fact.status', statusText(t, { status: r.status, outcome: r.outcome?.kind })],
    ['access.fact.recorded', t('access.fact.by', { time: t.fmt.dateTime(r.recordedAt), by: r.recordedBy })],
    ['access.field.name', p.name],
    ['access.field.contact', html`<span class="pre">${p.contact}</span>`],
    ['access.field.hetu', p.hetu ? maskedHetu(p.hetu) : t('access.fact.none')],
    ['access.fact.window', t('access.fact.window.value', { from: t.fmt.dateTime(r.window.from), to: t.fmt.dateTime(r.window.to) })],
    ['access.field.numbers', html`<ul class="plain">${p.numbers.map((n) => html`<li>${n}</li>`)}</ul>`],
    ['access.field.matter', html`<span class="pre">${p.matter}</span>`],
    ['access.field.document', t(`access.document.${id.document}`)],
    ['access.fact.documentLast4', t('access.fact.documentLast4.value', { last4: id.last4 })],
    ...(id.issued ? [['access.field.issued', dayText(t, id.issued)] as [string, string]] : []),
    ['access.fact.verified', t('access.fact.by', { time: t.fmt.dateTime(id.verifiedAt), by: id.verifiedBy })],
  ];
  return html`<dl class="facts">${rows.map(([k, v]) => html`<dt>${t(k)}</dt><dd>${v}</dd>`)}</dl>`;
}

function flags(t: Translator, d: AccessRequestPageData): Html {
  const r = d.request;
  const overdue = r.overdue ? html`<p class="alert overdue" role="note">${t('access.overdue.long', { date: dayText(t, r.deadline) })}</p>` : '';
  const due = !r.overdue && open(d) ? html`<p class="note-box">${t('access.deadline.long', { date: dayText(t, r.deadline) })}</p>` : '';
  const fee = d.fee.length === 0 ? '' : html`<div class="note-box fee" role="note"><p><strong class="flag fee">${t('access.fee.long')}</strong></p>
<ul>${d.fee.map((f) => html`<li><a href="${ACCESS_PATHS.request(f.id)}">${f.id}</a> ${t('access.fee.earlier', { date: dayText(t, f.receivedOn), by: f.by.map((b) => t(`access.fee.by.${b}`)).join(', ') })}</li>`)}</ul></div>`;
  return html`${overdue}${due}${fee}`;
}

// ---- the search ----

function searchForm(t: Translator, d: AccessRequestPageData): Html {
  return html`<form method="get" action="${ACCESS_PATHS.request(d.request.id)}" class="stack inline-form" aria-labelledby="search-heading">
${selectField({ id: 'ar-margin', name: 'margin', label: t('access.search.margin'), value: d.margin, options: SEARCH_MARGINS.map((m) => ({ value: m, text: t(`access.search.margin.${m}`) })) })}
<button type="submit" class="primary">${t('access.search.submit')}</button>
</form>`;
}

function markCell(t: Translator, d: AccessRequestPageData, r: AccessResultRow): Html {
  const marked = d.marks.find((m) => m.id === r.id && m.released === undefined);
  const label = { start: t.fmt.dateTime(r.start) };
  if (marked) {
    if (!open(d)) return html`<td>${t('access.search.marked')}</td>`;
    return html`<td><span class="flag held">${t('access.search.marked')}</span> <form method="post" action="${ACCESS_PATHS.unmark(d.request.id)}" class="inline">${csrfField(d.csrf)}<input type="hidden" name="recording" value="${r.id}"><input type="hidden" name="margin" value="${d.margin}"><button type="submit">${t('access.mark.remove', label)}</button></form></td>`;
  }
  if (r.deleted) return html`<td>${t('access.search.destroyed')}</td>`;
  if (!open(d)) return html`<td></td>`;
  return html`<td><form method="post" action="${ACCESS_PATHS.mark(d.request.id)}" class="inline">${csrfField(d.csrf)}<input type="hidden" name="recording" value="${r.id}"><input type="hidden" name="margin" value="${d.margin}"><button type="submit">${t('access.mark.add', label)}</button></form></td>`;
}

function results(t: Translator, d: AccessRequestPageData): Html {
  const s = d.search;
  if (!s) return html`<p class="muted">${t('access.search.notRun')}</p>`;
  const said = html`<p id="results-note">${t('access.search.ran', { from: t.fmt.dateTime(s.from), to: t.fmt.dateTime(s.to), numbers: d.personal.numbers.length })}</p>`;
  if (s.results.length === 0) return html`${said}<p>${t('access.search.none')}</p>`;
  const cols = ['start', 'duration', 'site', 'line', 'direction', 'action'].map((c) => t(`access.search.col.${c}`));
  const rows = s.results.map(
    (r) => html`<tr>
<td class="num"><a href="${PATHS.call(r.id)}">${t.fmt.dateTime(r.start)}</a></td>
<td class="num">${t.fmt.duration(r.durationMs)}</td>
<td class="id">${r.site}</td>
<td class="id">${r.line}</td>
<td>${directionText(t, r.direction)}</td>
${markCell(t, d, r)}
</tr>`,
  );
  return html`${said}
${dataTable({ id: 'results-caption', caption: t('access.search.caption', { count: s.results.length }), columns: cols, rows })}
${s.truncated ? html`<p class="note-box">${t('access.search.truncated', { count: s.results.length })}</p>` : ''}
${open(d) ? html`<p class="muted">${t('access.mark.note', { reason: holdReasonText(t, 'access-request'), caseRef: d.request.id })}</p>` : ''}`;
}

// ---- the marked recordings and their copies ----

function markState(t: Translator, m: AccessMarkRow): string {
  if (m.deleted) return t('access.marks.destroyed');
  if (m.released !== undefined) return t('access.marks.released', { time: t.fmt.dateTime(m.released) });
  return t('access.marks.held', { date: t.fmt.date(m.until) });
}

function markRows(t: Translator, d: AccessRequestPageData): Html {
  if (d.marks.length === 0) return html`<p>${t('access.marks.none')}</p>`;
  const cols = ['start', 'duration', 'site', 'marked', 'state', 'file'].map((c) => t(`access.marks.col.${c}`));
  const rows = d.marks.map((m) => {
    const active = m.released === undefined && !m.deleted;
    const file = active && open(d) ? html`<a href="${ACCESS_PATHS.copy(d.request.id, m.id)}" download="${copyFileName(m.id)}">${copyFileName(m.id)}</a>` : m.file ? copyFileName(m.id) : '';
    return html`<tr>
<td class="num">${active ? html`<a href="${PATHS.call(m.id)}">${t.fmt.dateTime(m.start)}</a>` : t.fmt.dateTime(m.start)}</td>
<td class="num">${t.fmt.duration(m.durationMs)}</td>
<td class="id">${m.site}</td>
<td>${t('access.fact.by', { time: t.fmt.dateTime(m.at), by: m.by })}</td>
<td>${markState(t, m)}</td>
<td class="id">${file}</td>
</tr>`;
  });
  return dataTable({ id: 'marks-caption', caption: t('access.marks.caption', { count: d.marks.length }), columns: cols, rows });
}

function marks(t: Translator, d: AccessRequestPageData): Html {
  const active = d.marks.filter((m) => m.released === undefined && !m.deleted);
  const pending = !open(d) && active.length > 0;
  return html`<section aria-labelledby="marks-heading">
<h2 id="marks-heading">${t('access.marks.heading')}</h2>
${markRows(t, d)}
${open(d) && active.length > 0 ? html`<p>${t('access.marks.listen', { purpose: purposeText(t, 'access-request'), caseRef: d.request.id })}</p>
<p>${t('access.copy.intro')} <a href="${ACCESS_PATHS.cover(d.request.id)}">${t('access.copy.cover')}</a></p>` : ''}
${!open(d) && d.marks.some((m) => m.file) ? html`<p><a href="${ACCESS_PATHS.cover(d.request.id)}">${t('access.copy.cover')}</a></p>` : ''}
${pending ? html`<p class="alert">${t('access.marks.pending', { count: active.length })}</p>
<form method="post" action="${ACCESS_PATHS.releasePending(d.request.id)}">${csrfField(d.csrf)}<button type="submit">${t('access.marks.pending.submit')}</button></form>` : ''}
</section>`;
}

// ---- the appointment and the outcome ----

function booking(t: Translator, d: AccessRequestPageData): Html {
  const b = d.request.booking;
  const now = b ? html`<p class="note-box" id="booking-now">${t('access.booking.value', { office: b.office, time: t.fmt.dateTime(b.at), by: b.by })}</p>` : html`<p>${t('access.booking.none')}</p>`;
  if (!open(d)) return html`<section aria-labelledby="booking-heading"><h2 id="booking-heading">${t('access.booking.heading')}</h2>${now}</section>`;
  const bad = (codes: string[]) => (d.error && codes.includes(d.error.code) ? 'request-error' : undefined);
  const form = d.offices.length === 0
    ? html`<p class="alert">${t('access.error.booking-no-offices')}</p>`
    : html`<form method="post" action="${ACCESS_PATHS.booking(d.request.id)}" class="stack" aria-labelledby="booking-form-heading">
<h3 id="booking-form-heading">${t(b ? 'access.booking.change' : 'access.booking.add')}</h3>
${csrfField(d.csrf)}
${selectField({ id: 'ar-office', name: 'office', label: t('access.booking.office'), empty: t('form.choose'), required: true, value: d.form?.office ?? b?.office, options: d.offices.map((o) => ({ value: o, text: o })), invalid: bad(['booking-office']) })}
${inputField({ id: 'ar-at', name: 'at', type: 'datetime-local', label: t('access.booking.at'), hint: t('access.booking.at.hint'), required: true, value: d.form?.at ?? (b ? localInputValue(b.at) : undefined), invalid: bad(['booking-at']) })}
<button type="submit" class="primary">${t('access.booking.submit')}</button>
</form>`;
  return html`<section aria-labelledby="booking-heading"><h2 id="booking-heading">${t('access.booking.heading')}</h2>${now}${form}</section>`;
}

function outcome(t: Translator, d: AccessRequestPageData): Html {
  const o = d.request.outcome;
  if (o) {
    return html`<section aria-labelledby="outcome-heading"><h2 id="outcome-heading">${t('access.outcome.heading')}</h2>
<p class="note-box">${t('access.outcome.value', { outcome: t(`access.outcome.${o.kind}`), time: t.fmt.dateTime(o.at), by: o.by })}</p></section>`;
  }
  const bad = d.error && d.error.code.startsWith('outcome-') ? 'request-error' : undefined;
  return html`<section aria-labelledby="outcome-heading"><h2 id="outcome-heading">${t('access.outcome.heading')}</h2>
<form method="post" action="${ACCESS_PATHS.close(d.request.id)}" class="stack">
${csrfField(d.csrf)}
${selectField({ id: 'ar-outcome', name: 'outcome', label: t('access.outcome.label'), empty: t('form.choose'), required: true, value: d.form?.outcome, options: ACCESS_OUTCOMES.map((k) => ({ value: k, text: t(`access.outcome.${k}`) })), invalid: bad })}
<p class="muted">${t('access.outcome.note')}</p>
<button type="submit" class="primary">${t('access.outcome.submit')}</button>
</form></section>`;
}

export function accessRequestPage(t: Translator, d: AccessRequestPageData): Html {
  const title = t('access.request.title', { id: d.request.id });
  return layout(t, {
    title,
    user: d.user,
    nav: 'registers',
    csrf: d.csrf,
    here: ACCESS_PATHS.request(d.request.id),
    main: html`${registersNav(t, 'access')}
<p><a href="${ACCESS_PATHS.list}">${t('access.back')}</a></p>
<h1>${title}</h1>
${d.error ? html`<p class="alert" role="alert" id="request-error">${accessErrorText(t, d.error)}</p>` : ''}
${d.notice ? html`<p class="note-box" role="status">${t(`access.done.${d.notice}`)}</p>` : ''}
${flags(t, d)}
<section aria-labelledby="facts-heading"><h2 id="facts-heading">${t('access.facts')}</h2>${facts(t, d)}</section>
<section aria-labelledby="search-heading">
<h2 id="search-heading">${t('access.search.heading')}</h2>
<p>${t('access.search.intro')}</p>
${searchForm(t, d)}
<h3 id="results-heading">${t('access.search.results')}</h3>
${results(t, d)}
</section>
${marks(t, d)}
${booking(t, d)}
${outcome(t, d)}`,
  });
}
