// The controls fields.ts does not have, for the disclosure register and the deletion form: a
// labelled textarea and a labelled checkbox, each with its hint tied by aria-describedby and
// marked invalid by the id of the message that says what is wrong, as fields.ts does for inputs.
import { html, type Html } from '../../../core/html.js';

interface Common {
  id: string;
  name: string;
  label: string;
  hint?: string | undefined;
  required?: boolean | undefined;
  /** the id of the message that says what is wrong with the value: marks the field invalid */
  invalid?: string | undefined;
}

const described = (f: Common) => {
  const ids = [f.invalid, f.hint ? `${f.id}-hint` : undefined].filter((x) => x !== undefined).join(' ');
  return html`${f.invalid ? html` aria-invalid="true"` : ''}${ids ? html` aria-describedby="${ids}"` : ''}`;
};

const hintOf = (f: Common) => (f.hint ? html`<span class="hint" id="${f.id}-hint">${f.hint}</span>` : '');

export function textareaField(f: Common & { value?: string | undefined; maxlength?: number | undefined; rows?: number | undefined }): Html {
  return html`<div class="field wide"><label for="${f.id}">${f.label}</label><textarea id="${f.id}" name="${f.name}" rows="${f.rows ?? 4}"${f.maxlength !== undefined ? html` maxlength="${f.maxlength}"` : ''}${f.required ? html` required` : ''}${described(f)}>${f.value ?? ''}</textarea>${hintOf(f)}</div>`;
}

export function checkboxField(f: Common & { value?: string | undefined; checked?: boolean | undefined }): Html {
  return html`<div class="field check"><input id="${f.id}" name="${f.name}" type="checkbox" value="${f.value ?? 'yes'}"${f.checked ? html` checked` : ''}${f.required ? html` required` : ''}${described(f)}><label for="${f.id}">${f.label}</label>${hintOf(f)}</div>`;
}
