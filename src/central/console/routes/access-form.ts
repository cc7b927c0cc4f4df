// The new-access-request form, checked: every problem found at once (each names its field, so the
// page can list them and mark the fields), or the request as the register takes it. Phone numbers
// and the henkilötunnus go through the shared identifier parsers, so the numbers find what the
// call index holds and a second request is recognised by the same spellings.
import { parseHetu, parsePhone } from '../../../core/identifiers/index.js';
import { checkIdentityDocument, dayOf, isDay } from '../../registers/access-rules.js';
import { ACCESS_LIMITS, type NewAccessRequest } from '../../registers/access-types.js';
import type { AccessForm, AccessProblem } from '../pages/access-requests.js';
import { parseLocalInput } from '../pages/form-values.js';

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;
const CONTROL_ONE_LINE = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

type TextField = 'name' | 'contact' | 'matter';

/** Free text: trimmed, line ends made `\n` (multi-line fields only), bounded, plain. */
function text(value: string | undefined, field: TextField, multiLine: boolean, problems: AccessProblem[]): string {
  const v = (value ?? '').replace(/\r\n?/g, '\n').trim();
  if (v === '') problems.push({ code: `${field}-empty` });
  else if (v.length > ACCESS_LIMITS[field]) problems.push({ code: `${field}-long` });
  else if ((multiLine ? CONTROL : CONTROL_ONE_LINE).test(v) || LONE_SURROGATE.test(v)) problems.push({ code: `${field}-text` });
  return v;
}

/** The day after `day`'s midnight in Finland: the first instant not in it. */
function endOf(day: string): number | undefined {
  const start = parseLocalInput(day);
  if (start === undefined) return undefined;
  return parseLocalInput(dayOf(start + 36 * 3_600_000));
}

export type AccessFormResult = { ok: true; request: NewAccessRequest } | { ok: false; problems: AccessProblem[] };

/** `now` decides today (in Finland): nothing can have arrived, or a licence been issued, after it. */
/** `countryCode`: the indexer's (`numbers.countryCode`), so a national spelling matches the call index's. */
export function parseAccessForm(f: AccessForm, now: number, countryCode = '358'): AccessFormResult {
  const problems: AccessProblem[] = [];
  const today = dayOf(now);

  const receivedOn = (f.receivedOn ?? '').trim();
  if (!isDay(receivedOn)) problems.push({ code: 'received-bad' });
  else if (receivedOn > today) problems.push({ code: 'received-future' });
  if (f.signed !== 'yes') problems.push({ code: 'signed-missing' });

  const name = text(f.name, 'name', false, problems);
  const contact = text(f.contact, 'contact', true, problems);
  let hetu: string | undefined;
  if ((f.hetu ?? '').trim() !== '') {
    const h = parseHetu(f.hetu!, { today: new Date(now) });
    if (h.ok) hetu = h.canonical;
    else problems.push({ code: 'hetu-bad' });
  }

  const time = (v: string | undefined) => (DATETIME.test((v ?? '').trim()) ? parseLocalInput((v ?? '').trim()) : undefined);
  const from = time(f.from);
  const to = time(f.to);
  if (from === undefined) problems.push({ code: 'from-bad' });
  if (to === undefined) problems.push({ code: 'to-bad' });
  if (from !== undefined && to !== undefined && from >= to) problems.push({ code: 'window-order' });
  // The call came before the letter that asks for it.
  const receivedEnd = isDay(receivedOn) ? endOf(receivedOn) : undefined;
  if (from !== undefined && receivedEnd !== undefined && from >= receivedEnd) problems.push({ code: 'window-after' });

  const numbers: string[] = [];
  const typed = (f.numbers ?? '').split(/[,;\n]/).map((s) => s.trim()).filter((s) => s !== '');
  if (typed.length === 0) problems.push({ code: 'numbers-empty' });
  else if (typed.length > ACCESS_LIMITS.numbers) problems.push({ code: 'numbers-many' });
  else {
    typed.forEach((n, i) => {
      const p = parsePhone(n, countryCode);
      if (p.ok) numbers.push(p.canonical);
      else problems.push({ code: 'numbers-bad', position: i + 1 });
    });
  }
  const matter = text(f.matter, 'matter', true, problems);

  const doc = checkIdentityDocument({ document: f.document, issued: f.issued, number: f.documentNumber }, today);
  if (!doc.ok) problems.push({ code: doc.problem });

  if (problems.length > 0 || !doc.ok) return { ok: false, problems };
  return {
    ok: true,
    request: {
      receivedOn,
      window: { from: from!, to: to! },
      document: doc.document,
      personal: {
        name, contact, matter, numbers: [...new Set(numbers)], documentLast4: doc.last4,
        ...(hetu ? { hetu } : {}),
        ...(doc.issued ? { documentIssued: doc.issued } : {}),
      },
    },
  };
}
