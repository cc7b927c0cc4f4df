// Form controls that always come with their <label for> and, when there is one, a hint tied by
// aria-describedby: so no page can add a field a screen reader would announce without a name.
// Inputs, selects, textareas and checkboxes.
import { html, type Html } from '../../../core/html.js';

interface Common {
  id: string;
  name: string;
  label: string;
  hint?: string | undefined;
  required?: boolean | undefined;
  /** extra class on the wrapper (layout only) */
  wide?: boolean | undefined;
  /** the id of the message that says what is wrong with the value: marks the field invalid */
  invalid?: string | undefined;
}

export interface InputField extends Common {
  type?: 'text' | 'password' | 'tel' | 'number' | 'date' | 'datetime-local' | undefined;
  value?: string | undefined;
  autocomplete?: string | undefined;
  inputmode?: 'numeric' | 'tel' | 'text' | undefined;
  maxlength?: number | undefined;
  min?: string | undefined;
  max?: string | undefined;
  pattern?: string | undefined;
}

export interface SelectField extends Common {
  value?: string | undefined;
  /** the empty choice first (`Any`, or `Choose…` for a required select) */
  empty?: string | undefined;
  options: readonly { value: string; text: string }[];
}

const wrap = (f: Common, control: Html): Html => {
  const hint = f.hint ? html`<span class="hint" id="${f.id}-hint">${f.hint}</span>` : '';
  return html`<div class="field${f.wide ? ' wide' : ''}"><label for="${f.id}">${f.label}</label>${control}${hint}</div>`;
};

const described = (f: Common) => {
  const ids = [f.invalid, f.hint ? `${f.id}-hint` : undefined].filter((x) => x !== undefined).join(' ');
  return html`${f.invalid ? html` aria-invalid="true"` : ''}${ids ? html` aria-describedby="${ids}"` : ''}`;
};

const attr = (name: string, value: string | number | undefined) => (value === undefined ? '' : html` ${name}="${value}"`);

export function inputField(f: InputField): Html {
  return wrap(
    f,
    html`<input id="${f.id}" name="${f.name}" type="${f.type ?? 'text'}"${attr('value', f.value)}${attr('autocomplete', f.autocomplete)}${attr('inputmode', f.inputmode)}${attr('maxlength', f.maxlength)}${attr('min', f.min)}${attr('max', f.max)}${attr('pattern', f.pattern)}${f.required ? html` required` : ''}${described(f)}>`,
  );
}

export function selectField(f: SelectField): Html {
  const options = f.options.map((o) => html`<option value="${o.value}"${o.value === f.value ? html` selected` : ''}>${o.text}</option>`);
  return wrap(
    f,
    html`<select id="${f.id}" name="${f.name}"${f.required ? html` required` : ''}${described(f)}>${f.empty !== undefined ? html`<option value="">${f.empty}</option>` : ''}${options}</select>`,
  );
}

export function textareaField(f: Common & { value?: string | undefined; maxlength?: number | undefined; rows?: number | undefined }): Html {
  const hint = f.hint ? html`<span class="hint" id="${f.id}-hint">${f.hint}</span>` : '';
  return html`<div class="field wide"><label for="${f.id}">${f.label}</label><textarea id="${f.id}" name="${f.name}" rows="${f.rows ?? 4}"${attr('maxlength', f.maxlength)}${f.required ? html` required` : ''}${described(f)}>${f.value ?? ''}</textarea>${hint}</div>`;
}

/** The box before its label, as checkboxes are read. */
export function checkboxField(f: Common & { value?: string | undefined; checked?: boolean | undefined }): Html {
  const hint = f.hint ? html`<span class="hint" id="${f.id}-hint">${f.hint}</span>` : '';
  return html`<div class="field check"><input id="${f.id}" name="${f.name}" type="checkbox" value="${f.value ?? 'yes'}"${f.checked ? html` checked` : ''}${f.required ? html` required` : ''}${described(f)}><label for="${f.id}">${f.label}</label>${hint}</div>`;
}
