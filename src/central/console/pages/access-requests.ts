// The access-request register (issue 9, R10): the list (received, the answer's deadline, status,
// overdue said in words as well as marked, the fee flag) and the form for a new request with the
// identity check the privacy notice asks for. Everything the person wrote is typed by staff: the
// templates escape it like any other value.
import { html, type Html } from '../../../core/html.js';
import { ACCESS_LIMITS, DRIVING_LICENCE_ISSUED_AFTER, IDENTITY_DOCUMENTS, type AccessOutcome, type AccessStatus } from '../../registers/access-types.js';
import type { Translator } from '../i18n/catalogue.js';
import { ACCESS_PATHS } from './access-paths.js';
import { inputField, selectField } from './fields.js';
import { csrfField, layout } from './layout.js';
import { registersNav } from './registers-nav.js';
import { dataTable } from './table.js';
import type { Viewer } from './types.js';

/** `2026-11-28` as the page's language writes a day. */
export function dayText(t: Translator, day: string): string {
  // Noon UTC is the same day in Finland (UTC+2 or +3), which the formats show.
  return t.fmt.date(Date.parse(`${day}T12:00:00Z`));
}

// ---- the list ----

export interface AccessRow {
  id: string;
  receivedOn: string;
  /** the last day to answer */
  deadline: string;
  status: AccessStatus;
  outcome?: AccessOutcome | undefined;
  overdue: boolean;
  /** the requester's name, opened for the list */
  name: string;
  /** a second request by the same person within 12 months: a fee may be charged */
  fee: boolean;
  /** recordings marked as the requester's (held while it is open) */
  marks: number;
}

export interface AccessListPageData {
  user: Viewer;
  csrf: string;
  rows: readonly AccessRow[];
}

export function statusText(t: Translator, r: { status: AccessStatus; outcome?: AccessOutcome | undefined }): string {
  return r.outcome ? t('access.status.closed', { outcome: t(`access.outcome.${r.outcome}`) }) : t(`access.status.${r.status}`);
}

/** The deadline, and when it has passed with the request still open, a flag that says so in words. */
export function deadlineCell(t: Translator, r: { deadline: string; overdue: boolean }): Html {
  if (!r.overdue) return html`${dayText(t, r.deadline)}`;
  return html`<span class="flag overdue">${t('access.overdue', { date: dayText(t, r.deadline) })}</span>`;
}

function requestTable(t: Translator, d: AccessListPageData): Html {
  if (d.rows.length === 0) return html`<p>${t('access.list.none')}</p>`;
  const cols = ['id', 'received', 'name', 'deadline', 'status', 'fee', 'marks'].map((c) => t(`access.col.${c}`));
  const rows = d.rows.map(
    (r) => html`<tr${r.overdue ? html` class="overdue"` : ''}>
<td class="id"><a href="${ACCESS_PATHS.request(r.id)}">${r.id}</a></td>
<td class="num">${dayText(t, r.receivedOn)}</td>
<td>${r.name}</td>
<td class="num">${deadlineCell(t, r)}</td>
<td>${statusText(t, r)}</td>
<td>${r.fee ? html`<span class="flag fee">${t('access.fee.short')}</span>` : t('access.fee.no')}</td>
<td class="num">${r.marks}</td>
</tr>`,
  );
  return dataTable({ id: 'access-caption', caption: t('access.list.caption', { count: d.rows.length, overdue: d.rows.filter((r) => r.overdue).length }), columns: cols, rows, className: 'access' });
}

export function accessListPage(t: Translator, d: AccessListPageData): Html {
  return layout(t, {
    title: t('access.title'),
    user: d.user,
    nav: 'registers',
    csrf: d.csrf,
    here: ACCESS_PATHS.list,
    main: html`${registersNav(t, 'access')}
<h1>${t('access.title')}</h1>
<p>${t('access.intro')}</p>
<p><a class="button primary" href="${ACCESS_PATHS.new}">${t('access.new.link')}</a></p>
${requestTable(t, d)}`,
  });
}

// ---- the new request ----

/** The new-request form as typed: echoed after a refusal. */
export interface AccessForm {
  receivedOn?: string | undefined;
  signed?: string | undefined;
  name?: string | undefined;
  contact?: string | undefined;
  hetu?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  matter?: string | undefined;
  numbers?: string | undefined;
  document?: string | undefined;
  issued?: string | undefined;
  documentNumber?: string | undefined;
}
export type AccessField = keyof AccessForm;
export const ACCESS_FIELDS: readonly AccessField[] = ['receivedOn', 'signed', 'name', 'contact', 'hetu', 'from', 'to', 'matter', 'numbers', 'document', 'issued', 'documentNumber'];

/** What can be wrong with the form, each said by `access.problem.<code>`. */
export const ACCESS_PROBLEMS = [
  'received-bad', 'received-future', 'signed-missing',
  'name-empty', 'name-long', 'name-text', 'contact-empty', 'contact-long', 'contact-text', 'hetu-bad',
  'from-bad', 'to-bad', 'window-order', 'window-after',
  'matter-empty', 'matter-long', 'matter-text',
  'numbers-empty', 'numbers-many', 'numbers-bad',
  'document-type', 'issued-missing', 'issued-bad', 'issued-future', 'issued-too-early', 'number-bad',
] as const;
export type AccessProblemCode = (typeof ACCESS_PROBLEMS)[number];

export interface AccessProblem {
  code: AccessProblemCode;
  /** numbers-bad: which of the numbers (1, 2, …) */
  position?: number | undefined;
}

const FIELD_OF: Readonly<Record<AccessProblemCode, AccessField>> = {
  'received-bad': 'receivedOn', 'received-future': 'receivedOn', 'signed-missing': 'signed',
  'name-empty': 'name', 'name-long': 'name', 'name-text': 'name',
  'contact-empty': 'contact', 'contact-long': 'contact', 'contact-text': 'contact', 'hetu-bad': 'hetu',
  'from-bad': 'from', 'to-bad': 'to', 'window-order': 'to', 'window-after': 'from',
  'matter-empty': 'matter', 'matter-long': 'matter', 'matter-text': 'matter',
  'numbers-empty': 'numbers', 'numbers-many': 'numbers', 'numbers-bad': 'numbers',
  'document-type': 'document', 'issued-missing': 'issued', 'issued-bad': 'issued', 'issued-future': 'issued', 'issued-too-early': 'issued', 'number-bad': 'documentNumber',
};

export const fieldOfProblem = (code: AccessProblemCode): AccessField => FIELD_OF[code];
const FIELD_ID: Readonly<Record<AccessField, string>> = {
  receivedOn: 'ar-received', signed: 'ar-signed', name: 'ar-name', contact: 'ar-contact', hetu: 'ar-hetu', from: 'ar-from', to: 'ar-to',
  matter: 'ar-matter', numbers: 'ar-numbers', document: 'ar-document', issued: 'ar-issued', documentNumber: 'ar-document-number',
};
const fieldLabel = (t: Translator, f: AccessField) => t(`access.field.${f}`);

export function problemText(t: Translator, p: AccessProblem): string {
  switch (p.code) {
    case 'issued-too-early':
      return t('access.problem.issued-too-early', { date: dayText(t, DRIVING_LICENCE_ISSUED_AFTER) });
    case 'numbers-bad':
      return t('access.problem.numbers-bad', { position: p.position ?? 1 });
    case 'numbers-many':
      return t('access.problem.numbers-many', { max: ACCESS_LIMITS.numbers });
    case 'name-long':
    case 'contact-long':
    case 'matter-long':
      return t(`access.problem.${p.code}`, { max: ACCESS_LIMITS[p.code.slice(0, -5) as 'name' | 'contact' | 'matter'] });
    default:
      return t(`access.problem.${p.code}`);
  }
}

export interface AccessNewPageData {
  user: Viewer;
  csrf: string;
  /** the day today in Finland: the latest a request can have arrived */
  today: string;
  form?: AccessForm | undefined;
  problems?: readonly AccessProblem[] | undefined;
}

const ERRORS_ID = 'access-errors';

function refusals(t: Translator, problems: readonly AccessProblem[] | undefined): Html {
  if (!problems || problems.length === 0) return html``;
  return html`<div class="alert" role="alert" id="${ERRORS_ID}"><p>${t('access.problems', { count: problems.length })}</p>
<ul>${problems.map((p) => {
    const f = fieldOfProblem(p.code);
    return html`<li>${problemText(t, p)} <a href="#${FIELD_ID[f]}">${t('form.error.field', { field: fieldLabel(t, f) })}</a></li>`;
  })}</ul></div>`;
}

/** A multi-line text field, labelled and described as inputField's are. */
export function textAreaField(f: { id: string; name: string; label: string; hint?: string | undefined; value?: string | undefined; maxlength: number; required?: boolean; invalid?: string | undefined }): Html {
  const ids = [f.invalid, f.hint ? `${f.id}-hint` : undefined].filter((x) => x !== undefined).join(' ');
  return html`<div class="field wide"><label for="${f.id}">${f.label}</label><textarea id="${f.id}" name="${f.name}" rows="4" maxlength="${f.maxlength}"${f.required ? html` required` : ''}${f.invalid ? html` aria-invalid="true"` : ''}${ids ? html` aria-describedby="${ids}"` : ''}>${f.value ?? ''}</textarea>${f.hint ? html`<span class="hint" id="${f.id}-hint">${f.hint}</span>` : ''}</div>`;
}

function newForm(t: Translator, d: AccessNewPageData): Html {
  const v = d.form ?? {};
  const bad = (f: AccessField) => (d.problems?.some((p) => fieldOfProblem(p.code) === f) ? ERRORS_ID : undefined);
  const input = (f: AccessField, o: { type?: 'text' | 'date' | 'datetime-local' | 'tel'; max?: number; required?: boolean; hint?: string; maxDate?: string; wide?: boolean } = {}) =>
    inputField({
      id: FIELD_ID[f], name: f, label: fieldLabel(t, f), type: o.type, value: v[f], maxlength: o.max, required: o.required, autocomplete: 'off',
      hint: o.hint, max: o.maxDate, wide: o.wide, invalid: bad(f),
    });
  const signedBad = bad('signed');
  return html`<form method="post" action="${ACCESS_PATHS.list}" class="stack access-form" aria-labelledby="new-heading">
<h2 id="new-heading" class="visually-hidden">${t('access.new.title')}</h2>
${csrfField(d.csrf)}
<fieldset><legend>${t('access.new.received')}</legend>
${input('receivedOn', { type: 'date', required: true, maxDate: d.today, hint: t('access.field.receivedOn.hint') })}
<div class="field check"><input id="${FIELD_ID.signed}" name="signed" type="checkbox" value="yes" required${v.signed === 'yes' ? html` checked` : ''}${signedBad ? html` aria-invalid="true" aria-describedby="${signedBad}"` : ''}><label for="${FIELD_ID.signed}">${t('access.field.signed')}</label></div>
</fieldset>
<fieldset><legend>${t('access.new.requester')}</legend>
${input('name', { max: ACCESS_LIMITS.name, required: true, wide: true })}
${textAreaField({ id: FIELD_ID.contact, name: 'contact', label: fieldLabel(t, 'contact'), hint: t('access.field.contact.hint'), value: v.contact, maxlength: ACCESS_LIMITS.contact, required: true, invalid: bad('contact') })}
${input('hetu', { max: 11, hint: t('access.field.hetu.hint') })}
</fieldset>
<fieldset><legend>${t('access.new.call')}</legend>
${input('from', { type: 'datetime-local', required: true, hint: t('access.field.window.hint') })}
${input('to', { type: 'datetime-local', required: true })}
${input('numbers', { type: 'tel', max: 200, required: true, wide: true, hint: t('access.field.numbers.hint', { max: ACCESS_LIMITS.numbers }) })}
${textAreaField({ id: FIELD_ID.matter, name: 'matter', label: fieldLabel(t, 'matter'), hint: t('access.field.matter.hint'), value: v.matter, maxlength: ACCESS_LIMITS.matter, required: true, invalid: bad('matter') })}
</fieldset>
<fieldset><legend>${t('access.new.identity')}</legend>
<p class="muted">${t('access.new.identity.intro', { date: dayText(t, DRIVING_LICENCE_ISSUED_AFTER) })}</p>
${selectField({ id: FIELD_ID.document, name: 'document', label: fieldLabel(t, 'document'), empty: t('form.choose'), required: true, value: v.document, options: IDENTITY_DOCUMENTS.map((x) => ({ value: x, text: t(`access.document.${x}`) })), invalid: bad('document') })}
${input('issued', { type: 'date', maxDate: d.today, hint: t('access.field.issued.hint', { date: dayText(t, DRIVING_LICENCE_ISSUED_AFTER) }) })}
${input('documentNumber', { max: 24, required: true, hint: t('access.field.documentNumber.hint') })}
<p class="muted">${t('access.new.verifiedBy', { name: d.user.name })}</p>
</fieldset>
<button type="submit" class="primary">${t('access.new.submit')}</button>
</form>`;
}

export function accessNewPage(t: Translator, d: AccessNewPageData): Html {
  return layout(t, {
    title: t('access.new.title'),
    user: d.user,
    nav: 'registers',
    csrf: d.csrf,
    here: ACCESS_PATHS.new,
    main: html`${registersNav(t, 'access')}
<p><a href="${ACCESS_PATHS.list}">${t('access.back')}</a></p>
<h1>${t('access.new.title')}</h1>
<p>${t('access.new.intro')}</p>
${refusals(t, d.problems)}
${newForm(t, d)}`,
  });
}
