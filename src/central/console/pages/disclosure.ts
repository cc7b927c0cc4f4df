// The disclosure register (issue 9, R6): the list of disclosures and the form that enters a new
// one. Recipient and legal basis are offered from the controller's configured disclosures (the
// authorities the privacy notice names) or typed; what is typed is escaped like any other value.
import { html, type Html } from '../../../core/html.js';
import { BASIS_MAX, DETAILS_MAX, DISCLOSURE_CASE_MAX, MAX_DISCLOSED_RECORDINGS, RECIPIENT_MAX, type DisclosureStatus } from '../../registers/disclosure-types.js';
import type { Translator } from '../i18n/catalogue.js';
import { checkboxField, inputField, selectField, textareaField } from './fields.js';
import { csrfField, layout } from './layout.js';
import { PATHS } from './paths.js';
import { registersNav } from './registers-nav.js';
import { dataTable } from './table.js';
import type { Viewer } from './types.js';

const seg = (id: string) => encodeURIComponent(id);

/** The register's addresses below PATHS.disclosures. */
export const DISCLOSURE_PATHS = {
  list: PATHS.disclosures,
  entry: (id: string) => `${PATHS.disclosures}/${seg(id)}`,
  exportAudio: (id: string, callId: string) => `${PATHS.disclosures}/${seg(id)}/export/${seg(callId)}.opus`,
  exportMetadata: (id: string) => `${PATHS.disclosures}/${seg(id)}/metadata.json`,
  holds: (id: string) => `${PATHS.disclosures}/${seg(id)}/holds`,
  complete: (id: string) => `${PATHS.disclosures}/${seg(id)}/complete`,
} as const;

/** What can be wrong with the new-entry form, each said by `disclosure.error.<code>`. */
export const DISCLOSURE_PROBLEMS = [
  'recipient-none', 'recipient-both', 'recipient-preset', 'recipient-long', 'recipient-text',
  'basis-none', 'basis-both', 'basis-preset', 'basis-long', 'basis-text',
  'what-none', 'case-empty', 'case-long', 'case-text',
  'ids-none', 'ids-many', 'ids-bad', 'ids-missing', 'ids-destroyed',
  'details-long', 'details-text',
] as const;
export type DisclosureProblemCode = (typeof DISCLOSURE_PROBLEMS)[number];

export interface DisclosureProblem {
  code: DisclosureProblemCode;
  /** ids-bad, ids-missing, ids-destroyed: the recording id (as typed, cut to 64 characters) */
  id?: string | undefined;
}

/** The form as typed, echoed after a refusal. */
export interface DisclosureForm {
  recipientPreset?: string | undefined;
  recipient?: string | undefined;
  basisPreset?: string | undefined;
  basis?: string | undefined;
  recordings?: boolean | undefined;
  metadata?: boolean | undefined;
  caseRef?: string | undefined;
  ids?: string | undefined;
  details?: string | undefined;
}

export interface DisclosureRow {
  id: string;
  caseRef: string;
  recipient: string;
  basis: string;
  status: DisclosureStatus;
  decidedBy: string;
  decidedAt: number;
  completedAt?: number | undefined;
  recordings: number;
}

export interface DisclosuresPageData {
  user: Viewer;
  csrf: string;
  entries: readonly DisclosureRow[];
  /** the controller's configured recipients and legal bases (distinct, in config order) */
  presets: { recipients: readonly string[]; bases: readonly string[] };
  form?: DisclosureForm | undefined;
  error?: DisclosureProblem | undefined;
}

type FieldName = 'recipient' | 'basis' | 'what' | 'caseRef' | 'ids' | 'details';
const FIELD_OF: Readonly<Record<string, FieldName>> = { recipient: 'recipient', basis: 'basis', what: 'what', case: 'caseRef', ids: 'ids', details: 'details' };
export const FORM_IDS: Readonly<Record<FieldName, string>> = {
  recipient: 'd-recipient', basis: 'd-basis', what: 'd-what-recordings', caseRef: 'd-case', ids: 'd-ids', details: 'd-details',
};
const ERROR_ID = 'disclosure-error';

/** The field a problem is about. */
export function disclosureFieldOf(code: DisclosureProblemCode): FieldName {
  return FIELD_OF[code.slice(0, code.indexOf('-'))]!;
}

const MAX_OF: Partial<Record<DisclosureProblemCode, number>> = {
  'recipient-long': RECIPIENT_MAX, 'basis-long': BASIS_MAX, 'case-long': DISCLOSURE_CASE_MAX, 'ids-many': MAX_DISCLOSED_RECORDINGS, 'details-long': DETAILS_MAX,
};

export function disclosureProblemText(t: Translator, e: DisclosureProblem): string {
  const max = MAX_OF[e.code];
  return t(`disclosure.error.${e.code}`, { ...(max !== undefined ? { max } : {}), ...(e.id !== undefined ? { id: e.id } : {}) });
}

/** The label of the field a problem points to (the preset select when there is one). */
function fieldLabel(t: Translator, field: FieldName, presets: boolean): string {
  switch (field) {
    case 'recipient':
      return t(presets ? 'disclosure.new.recipientOther' : 'disclosure.new.recipient');
    case 'basis':
      return t(presets ? 'disclosure.new.basisOther' : 'disclosure.new.basis');
    case 'what':
      return t('disclosure.new.what');
    case 'caseRef':
      return t('disclosure.new.caseRef');
    case 'ids':
      return t('disclosure.new.ids');
    case 'details':
      return t('disclosure.new.details');
  }
}

function refusal(t: Translator, d: DisclosuresPageData): Html {
  const e = d.error;
  if (!e) return html``;
  const field = disclosureFieldOf(e.code);
  const presets = field === 'recipient' ? d.presets.recipients.length > 0 : d.presets.bases.length > 0;
  return html`<p class="alert" role="alert" id="${ERROR_ID}">${disclosureProblemText(t, e)} <a href="#${FORM_IDS[field]}">${t('form.error.field', { field: fieldLabel(t, field, presets) })}</a></p>`;
}

const invalid = (d: DisclosuresPageData, field: FieldName) => (d.error && disclosureFieldOf(d.error.code) === field ? ERROR_ID : undefined);

export const statusText = (t: Translator, s: DisclosureStatus) => t(`disclosure.status.${s}`);

function entryTable(t: Translator, d: DisclosuresPageData): Html {
  if (d.entries.length === 0) return html`<p>${t('disclosure.none')}</p>`;
  const columns = ['caseRef', 'recipient', 'basis', 'status', 'decided', 'recordings'].map((c) => t(`disclosure.col.${c}`));
  const rows = d.entries.map(
    (e) => html`<tr>
<td><a href="${DISCLOSURE_PATHS.entry(e.id)}">${e.caseRef}</a></td>
<td>${e.recipient}</td>
<td>${e.basis}</td>
<td><span class="status ${e.status}">${statusText(t, e.status)}</span>${e.completedAt !== undefined ? html`<br><span class="muted">${t.fmt.dateTime(e.completedAt)}</span>` : ''}</td>
<td>${t('disclosure.decided.value', { time: t.fmt.dateTime(e.decidedAt), by: e.decidedBy })}</td>
<td class="num">${e.recordings}</td>
</tr>`,
  );
  return dataTable({ id: 'disclosures-caption', caption: t('disclosure.caption', { count: d.entries.length }), columns, rows, className: 'disclosures' });
}

/** A preset select and the free-text field beside it (or the field alone when nothing is configured). */
function chooseOrType(t: Translator, d: DisclosuresPageData, o: { field: 'recipient' | 'basis'; options: readonly string[]; max: number }): Html {
  const f = d.form ?? {};
  const bad = invalid(d, o.field);
  const typed = o.field === 'recipient' ? f.recipient : f.basis;
  const chosen = o.field === 'recipient' ? f.recipientPreset : f.basisPreset;
  const key = `disclosure.new.${o.field}`;
  if (o.options.length === 0) {
    return inputField({ id: FORM_IDS[o.field], name: o.field, label: t(key), hint: t(`${key}Other.hint`, { max: o.max }), value: typed, maxlength: o.max, required: true, autocomplete: 'off', wide: true, invalid: bad });
  }
  return html`${selectField({
    id: `${FORM_IDS[o.field]}-preset`, name: `${o.field}Preset`, label: t(key), hint: t(`${key}.hint`), empty: t(`${key}.none`), value: chosen,
    options: o.options.map((x) => ({ value: x, text: x })), wide: true, invalid: bad,
  })}
${inputField({ id: FORM_IDS[o.field], name: o.field, label: t(`${key}Other`), hint: t(`${key}Other.hint`, { max: o.max }), value: typed, maxlength: o.max, autocomplete: 'off', wide: true, invalid: bad })}`;
}

function newForm(t: Translator, d: DisclosuresPageData): Html {
  const f = d.form ?? {};
  const what = invalid(d, 'what');
  return html`<form method="post" action="${DISCLOSURE_PATHS.list}" class="stack disclosure-form" aria-labelledby="new-heading">
<h2 id="new-heading">${t('disclosure.new.heading')}</h2>
<p>${t('disclosure.new.intro')}</p>
${csrfField(d.csrf)}
${d.presets.recipients.length === 0 && d.presets.bases.length === 0 ? html`<p class="muted">${t('disclosure.new.noPresets')}</p>` : ''}
${chooseOrType(t, d, { field: 'recipient', options: d.presets.recipients, max: RECIPIENT_MAX })}
${chooseOrType(t, d, { field: 'basis', options: d.presets.bases, max: BASIS_MAX })}
<fieldset class="what"${what ? html` aria-describedby="${what}"` : ''}><legend>${t('disclosure.new.what')}</legend>
${checkboxField({ id: FORM_IDS.what, name: 'recordings', label: t('disclosure.new.what.recordings'), checked: f.recordings, invalid: what })}
${checkboxField({ id: 'd-what-metadata', name: 'metadata', label: t('disclosure.new.what.metadata'), checked: f.metadata, invalid: what })}
</fieldset>
${inputField({ id: FORM_IDS.caseRef, name: 'caseRef', label: t('disclosure.new.caseRef'), hint: t('disclosure.new.caseRef.hint', { max: DISCLOSURE_CASE_MAX }), value: f.caseRef, maxlength: DISCLOSURE_CASE_MAX, required: true, autocomplete: 'off', invalid: invalid(d, 'caseRef') })}
${textareaField({ id: FORM_IDS.ids, name: 'ids', label: t('disclosure.new.ids'), hint: t('disclosure.new.ids.hint', { max: MAX_DISCLOSED_RECORDINGS }), value: f.ids, rows: 4, required: true, invalid: invalid(d, 'ids') })}
${textareaField({ id: FORM_IDS.details, name: 'details', label: t('disclosure.new.details'), hint: t('disclosure.new.details.hint', { max: DETAILS_MAX }), value: f.details, maxlength: DETAILS_MAX, rows: 3, invalid: invalid(d, 'details') })}
<button type="submit" class="primary">${t('disclosure.new.submit')}</button>
</form>`;
}

export function disclosuresPage(t: Translator, d: DisclosuresPageData): Html {
  return layout(t, {
    title: t('disclosure.title'),
    user: d.user,
    nav: 'registers',
    csrf: d.csrf,
    here: PATHS.disclosures,
    main: html`${registersNav(t, 'disclosure')}
<h1>${t('disclosure.title')}</h1>
<p>${t('disclosure.intro')}</p>
${refusal(t, d)}
${entryTable(t, d)}
${newForm(t, d)}`,
  });
}
