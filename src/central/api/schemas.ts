// JSON-schema pieces shared by the routes. Query values arrive as strings and are checked as
// strings (no type coercion): a number is parsed by the route, which can then say what is wrong.
// A `description` completes "<field> must be …" in the error given when the value does not match.
export const SEGMENT = '^[a-z0-9][a-z0-9-]{0,62}$';

const TIME_PATTERN = '^([0-9]{1,15}|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,3})?)?(Z|[+-][0-9]{2}:[0-9]{2}))$';

export const timeField = {
  type: 'string',
  pattern: TIME_PATTERN,
  description: 'ms since the epoch or an ISO-8601 date-time with its offset (2026-11-28T09:00:00+02:00)',
};

export const siteField = { type: 'string', pattern: SEGMENT, description: 'a site id: lowercase letters, digits and -' };
export const boxField = { type: 'string', pattern: SEGMENT, description: 'a box id: lowercase letters, digits and -' };
export const lineField = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$', description: 'a line id: letters, digits and . _ : -' };
// Call ids are UUIDv7 today; the box accepts any plain id so the format can change, and so do we.
export const idField = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$', description: 'a call id' };

/** Digits with the usual separators; a leading + must be sent as %2B (a bare + in a query is a space). */
export const numberField = {
  type: 'string',
  pattern: '^[+(]?[0-9][0-9 ()./-]{2,30}$',
  description: 'a phone number: digits, spaces, - . / and ( ), optionally a leading + (write it %2B in a URL)',
};

export const limitField = { type: 'string', pattern: '^[0-9]{1,4}$', description: 'a whole number from 1 to 500' };
export const cursorField = { type: 'string', pattern: '^[\\x21-\\x7e]{1,512}$', description: "the previous page's next" };

export const VIEW_PURPOSES = ['complaint', 'quality-project', 'access-request', 'disclosure', 'investigation'] as const;
export type ViewPurpose = (typeof VIEW_PURPOSES)[number];
export const purposeField = { type: 'string', enum: VIEW_PURPOSES };
export const caseRefField = {
  type: 'string',
  pattern: '^[^\\x00-\\x1f\\x7f]{1,64}$',
  description: '1–64 characters, no control characters',
};
