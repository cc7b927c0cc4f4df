// The last line of defence for log lines and audit details: anything shaped like an identifier
// staff type is replaced by a label. Callers must still not log identifiers; this catches the
// slip (an error message quoting a query, a note pasted into a free-text field).
//
// The shapes are looser than the parsers (no check characters, any letter case), because a
// typo'd identifier is just as personal as a valid one. Safe on a serialized JSON log line: the
// labels hold no quote or backslash, and a match standing where JSON puts a number is replaced
// by a quoted label, so the line stays JSON.

const HYPHENS = '\\-\\u2010-\\u2015\\u2212';
// Not the middle of a longer digit run. Letters may come before (`hetu131052-308T`, `puh040…`).
const NO_DIGIT_BEFORE = '(?<![0-9+])';
const END = '(?![0-9A-Za-z])';
// A phone number glued to a hex letter is more likely part of a hash or a UUID; a letter after a
// backslash is a JSON escape (`\f040…`), not part of a word.
const NO_HEX_BEFORE = '(?<!(?<!\\\\)[A-Fa-f])';
// Not the fraction of a decimal or the tail of an address (`1.0012345`, `10.0.0.12`).
const NOT_FRACTION = '(?<!\\d[.,])';
const SEP = `[\\s${HYPHENS}.()/]{0,2}`;

/** DDMMYY, century sign, NNN, check character. */
const HETU = new RegExp(`${NO_DIGIT_BEFORE}\\d{6}[+${HYPHENS}A-FU-Y]\\d{3}[0-9A-Y]${END}`, 'gi');
/** NNNNNNN-N (or the six-digit old spelling), and the VAT form FI + eight digits. */
const BUSINESS_ID = new RegExp(`${NO_DIGIT_BEFORE}(?:\\d{6,7}[${HYPHENS}]\\d|(?<![A-Za-z])FI\\d{8})${END}`, 'gi');
/**
 * `+358 40 123 4567`, `00358…`, `+358 (0)40…`; national `040-123 4567`, `(09) 1234 567`;
 * and `358401234567`, the international form without `+` that exchanges often signal.
 * At least 7 digits, so times, counts and years are left alone.
 */
const PHONE = new RegExp(
  `${NO_DIGIT_BEFORE}${NO_HEX_BEFORE}${NOT_FRACTION}(?:(?:\\+|00)\\s?[1-9](?:${SEP}\\d){5,}|(?:\\(0\\d{1,3}\\)|0\\d)(?:${SEP}\\d){5,}|358\\d{6,12}${END})`,
  'g',
);

const LABELS: ReadonlyArray<readonly [RegExp, string]> = Object.freeze([
  // Order matters: a henkilötunnus or business ID also has the shape of a national number.
  [HETU, '[hetu]'],
  [BUSINESS_ID, '[y-tunnus]'],
  [PHONE, '[number]'],
] as const);

/** `text` with every henkilötunnus, business ID and phone number replaced by `[hetu]`, `[y-tunnus]`, `[number]`. */
export function redactIdentifiers(text: string): string {
  if (typeof text !== 'string') return text;
  let out = text;
  for (const [shape, label] of LABELS) {
    out = out.replace(shape, (match: string, offset: number, whole: string) => (inNumberPosition(whole, offset, match.length) ? `"${label}"` : label));
  }
  return out;
}

/** Where JSON.stringify puts a number: right after `:`, `,` or `[`, right before `,`, `}` or `]`. */
function inNumberPosition(whole: string, offset: number, length: number): boolean {
  const before = whole[offset - 1];
  const after = whole[offset + length];
  return (before === ':' || before === ',' || before === '[') && (after === ',' || after === '}' || after === ']');
}
