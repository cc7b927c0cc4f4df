// Free text typed into a console form (a case reference, a reason): trimmed, not empty, not too
// long, and plain — no control characters or broken Unicode, which the box would refuse anyway
// and which have no business in an audit entry.
const CONTROL = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Case references are at most this long (the forms' maxlength). */
export const CASE_REF_MAX = 64;

export function plainText(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim();
  if (v === '' || v.length > max || CONTROL.test(v) || LONE_SURROGATE.test(v)) return undefined;
  return v;
}
