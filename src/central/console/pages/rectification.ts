// The rectification register's pages (R11, issue 9): the register (requests listed without any
// personal data, and the form to record a written, signed request), one request with its
// decision form, and a refusal's certificate: a letter with the controller's details, the
// request, the reasons and the date, printed to paper or PDF by the browser (the print rules at
// the end of the stylesheet hide everything but the letter). Every text here was typed by staff
// from a customer's letter: the templates escape it, and line breaks are kept by CSS alone.
import { html, type Html } from '../../../core/html.js';
import type { IndexerConfig } from '../../config.js';
import {
  RECTIFICATION_LIMITS, type RectificationEntry, type RectificationRef, type RectificationStatus, type RectificationSummary,
} from '../../registers/rectification-types.js';
import type { Translator } from '../i18n/catalogue.js';
import { inputField, textareaField } from './fields.js';
import { localDateValue } from './form-values.js';
import { csrfField, layout } from './layout.js';
import { PATHS } from './paths.js';
import { registersNav } from './registers-nav.js';
import { dataTable } from './table.js';
import type { Viewer } from './types.js';

export type Controller = NonNullable<IndexerConfig['controller']>;

const seg = (id: string) => encodeURIComponent(id);
export const RECTIFICATION_PATHS = {
  list: PATHS.rectifications,
  entry: (id: string) => `${PATHS.rectifications}/${seg(id)}`,
  decision: (id: string) => `${PATHS.rectifications}/${seg(id)}/decision`,
  certificate: (id: string) => `${PATHS.rectifications}/${seg(id)}/certificate`,
} as const;

/** The fields of the two forms, as they are posted. */
export const REQUEST_FIELDS = ['receivedOn', 'signed', 'name', 'contact', 'hetu', 'what', 'where'] as const;
export type RequestField = (typeof REQUEST_FIELDS)[number];
export const DECISION_FIELDS = ['correction', 'reasons'] as const;
export type DecisionField = (typeof DECISION_FIELDS)[number];
export type FormField = RequestField | DecisionField;

/** What can be wrong with one field, each said by `rectification.problem.<problem>`. */
export const FIELD_PROBLEMS = ['empty', 'long', 'text', 'date', 'future', 'unsigned', 'hetu'] as const;
export type FieldProblemCode = (typeof FIELD_PROBLEMS)[number];
export interface FieldProblem {
  field: FormField;
  problem: FieldProblemCode;
}

/** What just happened, after a form's redirect (`?done=`). */
export const RECTIFICATION_NOTICES = ['recorded', 'corrected', 'refused'] as const;
export type RectificationNotice = (typeof RECTIFICATION_NOTICES)[number];

export type RequestForm = Partial<Record<RequestField, string>>;
export type DecisionForm = Partial<Record<DecisionField, string>>;

export interface RectificationsPageData {
  user: Viewer;
  csrf: string;
  /** ms since epoch: today's date is the latest a request can have arrived */
  now: number;
  entries: readonly RectificationSummary[];
  /** the form as typed, echoed after a refusal */
  form?: RequestForm | undefined;
  problems?: readonly FieldProblem[] | undefined;
}

export interface RectificationPageData {
  user: Viewer;
  csrf: string;
  entry: RectificationEntry;
  form?: DecisionForm | undefined;
  problems?: readonly FieldProblem[] | undefined;
  notice?: RectificationNotice | undefined;
  /** the request was decided meanwhile, by someone else: said in an alert */
  conflict?: boolean | undefined;
}

export interface CertificatePageData {
  user: Viewer;
  csrf: string;
  /** a refused entry */
  entry: RectificationEntry;
  /** the indexer config's `controller`; absent: the page says what is missing instead of a letter */
  controller?: Controller | undefined;
}

const LIMIT: Readonly<Record<FormField, number>> = {
  receivedOn: 10, signed: 3, hetu: 11, name: RECTIFICATION_LIMITS.name, contact: RECTIFICATION_LIMITS.contact, what: RECTIFICATION_LIMITS.what,
  where: RECTIFICATION_LIMITS.where, correction: RECTIFICATION_LIMITS.correction, reasons: RECTIFICATION_LIMITS.reasons,
};
const fieldId = (f: FormField) => `rect-${f}`;
const errorId = (f: FormField) => `rect-${f}-error`;
const label = (t: Translator, f: FormField) => t(`rectification.field.${f}`);

export const refText = (t: Translator, ref: RectificationRef) => t('rectification.ref', { n: ref.n, year: ref.year });
const statusText = (t: Translator, s: RectificationStatus) => t(`rectification.status.${s}`);
/** A YYYY-MM-DD day as the language writes dates. */
const dayText = (t: Translator, day: string) => {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  // Noon UTC is the same day in Helsinki, summer or winter.
  return t.fmt.date(Date.UTC(y, m - 1, d, 12));
};

export function problemText(t: Translator, p: FieldProblem): string {
  return t(`rectification.problem.${p.problem}`, { field: label(t, p.field), max: LIMIT[p.field] });
}

/** Every refused field in one alert, each a link to its field (which points back to its own message). */
function problemSummary(t: Translator, problems: readonly FieldProblem[] | undefined): Html {
  if (!problems || problems.length === 0) return html``;
  return html`<div class="alert" role="alert" id="rect-problems"><p>${t('rectification.problems', { count: problems.length })}</p>
<ul>${problems.map((p) => html`<li><a href="#${fieldId(p.field)}">${problemText(t, p)}</a></li>`)}</ul></div>`;
}

const problemOf = (problems: readonly FieldProblem[] | undefined, f: FormField) => problems?.find((p) => p.field === f);

/** The field's own message, beside it, for a screen reader that lands on it. */
function fieldError(t: Translator, problems: readonly FieldProblem[] | undefined, f: FormField): Html {
  const p = problemOf(problems, f);
  return p ? html`<span class="field-error" id="${errorId(f)}">${problemText(t, p)}</span>` : html``;
}

interface AreaField {
  field: FormField;
  hint?: string | undefined;
  value?: string | undefined;
  required?: boolean | undefined;
  rows?: number | undefined;
}

/** A labelled multi-line field, its problem said above it as for the one-line ones. */
function textArea(t: Translator, problems: readonly FieldProblem[] | undefined, f: AreaField): Html {
  return html`${fieldError(t, problems, f.field)}${textareaField({
    id: fieldId(f.field), name: f.field, label: label(t, f.field), hint: f.hint, value: f.value, required: f.required, rows: f.rows ?? 5,
    maxlength: LIMIT[f.field], invalid: problemOf(problems, f.field) ? errorId(f.field) : undefined,
  })}`;
}

function oneLine(t: Translator, problems: readonly FieldProblem[] | undefined, f: FormField, o: { value?: string | undefined; hint?: string | undefined; required?: boolean; type?: 'text' | 'date'; max?: string; autocomplete?: string }): Html {
  return html`${fieldError(t, problems, f)}${inputField({
    id: fieldId(f), name: f, label: label(t, f), hint: o.hint, value: o.value, required: o.required, type: o.type ?? 'text', max: o.max,
    maxlength: o.type === 'date' ? undefined : LIMIT[f], autocomplete: o.autocomplete ?? 'off', invalid: problemOf(problems, f) ? errorId(f) : undefined,
  })}`;
}

const text = (s: string): Html => html`<span class="pre-line">${s}</span>`;

function registerLayout(t: Translator, d: { user: Viewer; csrf: string }, title: string, here: string, main: Html): Html {
  return layout(t, { title, user: d.user, nav: 'registers', csrf: d.csrf, here, main: html`${registersNav(t, 'rectification')}\n${main}` });
}

// ---- the register ----

function decidedText(t: Translator, e: RectificationSummary): string {
  return e.decided ? t('rectification.decided.value', { by: e.decided.by, time: t.fmt.dateTime(e.decided.at) }) : t('rectification.decided.none');
}

function registerTable(t: Translator, d: RectificationsPageData): Html {
  if (d.entries.length === 0) return html`<p>${t('rectification.none')}</p>`;
  const columns = ['ref', 'received', 'status', 'decided', 'recorded'].map((c) => t(`rectification.col.${c}`));
  const rows = d.entries.map(
    (e) => html`<tr class="status-${e.status}">
<td class="id"><a href="${RECTIFICATION_PATHS.entry(e.id)}">${refText(t, e.ref)}</a></td>
<td class="num">${dayText(t, e.receivedOn)}</td>
<td><span class="flag ${e.status === 'open' ? 'warn' : e.status === 'refused' ? 'refused' : 'ok'}">${statusText(t, e.status)}</span></td>
<td>${decidedText(t, e)}</td>
<td>${t('rectification.recorded.value', { by: e.recordedBy, time: t.fmt.dateTime(e.recordedAt) })}</td>
</tr>`,
  );
  const open = d.entries.filter((e) => e.status === 'open').length;
  return dataTable({ id: 'rect-caption', caption: t('rectification.caption', { count: d.entries.length, open }), columns, rows, className: 'register' });
}

function requestForm(t: Translator, d: RectificationsPageData): Html {
  const f = d.form ?? {};
  const p = d.problems;
  const today = localDateValue(d.now);
  const signedBad = problemOf(p, 'signed') !== undefined;
  return html`<form method="post" action="${RECTIFICATION_PATHS.list}" class="stack rect-form" aria-labelledby="rect-new-heading">
<h2 id="rect-new-heading">${t('rectification.new.heading')}</h2>
<p>${t('rectification.new.intro')}</p>
${csrfField(d.csrf)}
${oneLine(t, p, 'receivedOn', { type: 'date', value: f.receivedOn ?? today, max: today, required: true, hint: t('rectification.hint.receivedOn') })}
<div class="field check">${fieldError(t, p, 'signed')}<input type="checkbox" id="${fieldId('signed')}" name="signed" value="yes" required${f.signed === 'yes' ? html` checked` : ''}${signedBad ? html` aria-invalid="true" aria-describedby="${errorId('signed')}"` : ''}> <label for="${fieldId('signed')}">${label(t, 'signed')}</label></div>
${oneLine(t, p, 'name', { value: f.name, required: true, hint: t('rectification.hint.name') })}
${textArea(t, p, { field: 'contact', value: f.contact, required: true, rows: 3, hint: t('rectification.hint.contact') })}
${oneLine(t, p, 'hetu', { value: f.hetu, hint: t('rectification.hint.hetu') })}
${textArea(t, p, { field: 'what', value: f.what, required: true, rows: 6, hint: t('rectification.hint.what', { max: LIMIT.what }) })}
${textArea(t, p, { field: 'where', value: f.where, required: true, rows: 3, hint: t('rectification.hint.where') })}
<button type="submit" class="primary">${t('rectification.new.submit')}</button>
</form>`;
}

export function rectificationsPage(t: Translator, d: RectificationsPageData): Html {
  const title = t('rectification.title');
  return registerLayout(t, d, title, RECTIFICATION_PATHS.list, html`<h1>${title}</h1>
<p>${t('rectification.intro')}</p>
${problemSummary(t, d.problems)}
${registerTable(t, d)}
${requestForm(t, d)}`);
}

// ---- one request ----

function entryFacts(t: Translator, e: RectificationEntry): Html {
  const rows: [string, Html | string][] = [
    ['rectification.fact.ref', refText(t, e.ref)],
    ['rectification.fact.received', t('rectification.fact.received.value', { date: dayText(t, e.receivedOn) })],
    ['rectification.fact.recorded', t('rectification.recorded.value', { by: e.recordedBy, time: t.fmt.dateTime(e.recordedAt) })],
    ['rectification.fact.status', statusText(t, e.status)],
    ['rectification.field.name', e.request.name],
    ['rectification.field.contact', text(e.request.contact)],
    ['rectification.fact.hetu', e.request.hetu ?? t('rectification.fact.hetu.none')],
    ['rectification.field.what', text(e.request.what)],
    ['rectification.field.where', text(e.request.where)],
  ];
  return html`<dl class="facts">${rows.map(([k, v]) => html`<dt>${t(k)}</dt><dd>${v}</dd>`)}</dl>`;
}

function decisionForms(t: Translator, d: RectificationPageData): Html {
  const f = d.form ?? {};
  const p = d.problems;
  const form = (outcome: 'corrected' | 'refused', field: DecisionField, submit: string, hint: string) => html`<form method="post" action="${RECTIFICATION_PATHS.decision(d.entry.id)}" class="stack rect-form" aria-labelledby="rect-${outcome}-heading">
<h3 id="rect-${outcome}-heading">${t(`rectification.decide.${outcome}.heading`)}</h3>
${csrfField(d.csrf)}<input type="hidden" name="outcome" value="${outcome}">
${textArea(t, p, { field, value: f[field], required: true, rows: 5, hint })}
<button type="submit"${outcome === 'corrected' ? html` class="primary"` : ''}>${submit}</button>
</form>`;
  return html`<p>${t('rectification.decide.intro', { name: d.user.name })}</p>
<div class="columns">
${form('corrected', 'correction', t('rectification.decide.corrected.submit'), t('rectification.hint.correction'))}
${form('refused', 'reasons', t('rectification.decide.refused.submit'), t('rectification.hint.reasons'))}
</div>`;
}

function decisionFacts(t: Translator, d: RectificationPageData): Html {
  const dec = d.entry.decision!;
  const rows: [string, Html | string][] = [
    ['rectification.fact.outcome', statusText(t, dec.outcome)],
    ['rectification.fact.decidedBy', dec.by],
    ['rectification.fact.decidedAt', t.fmt.dateTime(dec.at)],
    [dec.outcome === 'refused' ? 'rectification.field.reasons' : 'rectification.field.correction', text(dec.text)],
  ];
  const certificate = dec.outcome === 'refused'
    ? html`<p><a class="button" href="${RECTIFICATION_PATHS.certificate(d.entry.id)}">${t('rectification.certificate.open')}</a></p>`
    : '';
  return html`<dl class="facts">${rows.map(([k, v]) => html`<dt>${t(k)}</dt><dd>${v}</dd>`)}</dl>${certificate}`;
}

export function rectificationPage(t: Translator, d: RectificationPageData): Html {
  const title = refText(t, d.entry.ref);
  return registerLayout(t, d, title, RECTIFICATION_PATHS.entry(d.entry.id), html`<p><a href="${RECTIFICATION_PATHS.list}">${t('rectification.back')}</a></p>
<h1>${title}</h1>
${d.notice ? html`<p class="note-box" role="status">${t(`rectification.done.${d.notice}`)}</p>` : ''}
${d.conflict ? html`<p class="alert" role="alert">${t('rectification.error.decided')}</p>` : ''}
${problemSummary(t, d.problems)}
<section aria-labelledby="rect-request-heading"><h2 id="rect-request-heading">${t('rectification.request.heading')}</h2>${entryFacts(t, d.entry)}</section>
<section aria-labelledby="rect-decision-heading"><h2 id="rect-decision-heading">${t('rectification.decision.heading')}</h2>
${d.entry.decision ? decisionFacts(t, d) : decisionForms(t, d)}
</section>`);
}

// ---- the certificate ----

function contactLine(t: Translator, c: Controller['contacts'][number]): Html {
  const parts = [c.name, c.title, c.phone && t('rectification.certificate.phone', { phone: c.phone }), c.email && t('rectification.certificate.email', { email: c.email })];
  return html`<li>${parts.filter((x): x is string => !!x).join(', ')}</li>`;
}

function letter(t: Translator, e: RectificationEntry, c: Controller): Html {
  const dec = e.decision!;
  return html`<article class="letter">
<div class="letter-head">
<address class="sender"><strong>${c.name}</strong><br><span class="pre-line">${c.address}</span><br>${t('rectification.certificate.businessId', { id: c.businessId })}</address>
<dl class="letter-meta"><dt>${t('rectification.certificate.date')}</dt><dd>${t.fmt.date(dec.at)}</dd><dt>${t('rectification.certificate.ref')}</dt><dd>${refText(t, e.ref)}</dd></dl>
</div>
<address class="recipient"><span class="visually-hidden">${t('rectification.certificate.to')} </span>${e.request.name}<br><span class="pre-line">${e.request.contact}</span></address>
<h1>${t('rectification.certificate.title')}</h1>
<p>${t('rectification.certificate.register', { register: c.registerName })}</p>
<h2>${t('rectification.certificate.request')}</h2>
<p>${t('rectification.certificate.received', { date: dayText(t, e.receivedOn) })}</p>
<dl class="letter-facts"><dt>${t('rectification.certificate.what')}</dt><dd class="pre-line">${e.request.what}</dd><dt>${t('rectification.certificate.where')}</dt><dd class="pre-line">${e.request.where}</dd></dl>
<h2>${t('rectification.certificate.decision')}</h2>
<p>${t('rectification.certificate.refused', { controller: c.name })}</p>
<h2>${t('rectification.certificate.reasons')}</h2>
<p class="pre-line reasons">${dec.text}</p>
<p>${t('rectification.certificate.ombudsman')}</p>
<h2>${t('rectification.certificate.contacts')}</h2>
<ul class="contacts">${c.contacts.map((x) => contactLine(t, x))}</ul>
<p class="signed">${t('rectification.certificate.signed', { date: t.fmt.date(dec.at), by: dec.by })}</p>
<p class="signature">${t('rectification.certificate.signature')}</p>
</article>`;
}

export function certificatePage(t: Translator, d: CertificatePageData): Html {
  const back = html`<p class="no-print"><a href="${RECTIFICATION_PATHS.entry(d.entry.id)}">${t('rectification.certificate.back', { ref: refText(t, d.entry.ref) })}</a></p>`;
  if (!d.controller) {
    const title = t('rectification.certificate.title');
    return registerLayout(t, d, title, RECTIFICATION_PATHS.certificate(d.entry.id), html`${back}
<h1>${title}</h1>
<p class="alert" role="alert">${t('rectification.certificate.noController')}</p>
<p>${t('rectification.certificate.noController.fix')}</p>`);
  }
  return registerLayout(t, d, t('rectification.certificate.pageTitle', { ref: refText(t, d.entry.ref) }), RECTIFICATION_PATHS.certificate(d.entry.id), html`${back}
<p class="note-box no-print">${t('rectification.certificate.print')}</p>
${letter(t, d.entry, d.controller)}`);
}
