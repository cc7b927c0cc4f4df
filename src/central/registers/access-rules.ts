// The access-request register's rules, as pure functions over plain values: which identity
// documents the privacy notice accepts, the one-month answer deadline (GDPR Art. 12(3)), whether
// a request is a second one within 12 months (the notice: once a year free of charge), and the
// spellings that recognise the same person again. Days are `YYYY-MM-DD` in Finnish time.
import { daysInMonth, RETENTION_TIME_ZONE, wallTimeAt } from '../../core/retention/index.js';
import {
  DRIVING_LICENCE_ISSUED_AFTER, IDENTITY_DOCUMENTS,
  type AccessBlinds, type AccessStatus, type FeeMatch, type IdentityDocument, type StoredAccessRequest,
} from './access-types.js';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `s` is a real calendar day written YYYY-MM-DD. */
export function isDay(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = DAY.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return y >= 1900 && mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

/** The Finnish calendar day at `ms`. */
export function dayOf(ms: number): string {
  const w = wallTimeAt(ms, RETENTION_TIME_ZONE);
  return `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/**
 * The same day `months` calendar months later (earlier, if negative); a day the target month
 * lacks becomes its last (31 January + 1 month = 28 or 29 February), as periods in months are
 * counted under Regulation 1182/71, which GDPR's "one month" follows.
 */
export function addMonthsToDay(day: string, months: number): string {
  if (!isDay(day)) throw new RangeError('day must be a real day written YYYY-MM-DD');
  if (!Number.isSafeInteger(months)) throw new RangeError('months must be a whole number');
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  const dd = Math.min(d, daysInMonth(year, month));
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(dd).padStart(2, '0')}`;
}

// ---- identity ----

export type DocumentProblem = 'document-type' | 'issued-missing' | 'issued-bad' | 'issued-future' | 'issued-too-early' | 'number-bad';

export type DocumentCheck =
  | { ok: true; document: IdentityDocument; last4: string; issued?: string | undefined }
  | { ok: false; problem: DocumentProblem };

/** A document number as printed: letters and digits, with spaces or dashes between groups. */
const DOCUMENT_NUMBER = /^[A-Z0-9]{4,20}$/;

/**
 * The identity document a person showed, checked against the notice's list. A driving licence
 * needs its issue day, which must be after 1 October 1990 (that day itself is refused); no other
 * document has an issue-day rule, and a day typed for one is not kept. Of the number only the
 * last four characters are kept: enough to tell two documents apart, useless to anyone else.
 */
export function checkIdentityDocument(input: { document?: string | undefined; issued?: string | undefined; number?: string | undefined }, today: string): DocumentCheck {
  const document = input.document as IdentityDocument;
  if (!(IDENTITY_DOCUMENTS as readonly string[]).includes(document)) return { ok: false, problem: 'document-type' };
  let issued: string | undefined;
  if (document === 'driving-licence') {
    const typed = (input.issued ?? '').trim();
    if (typed === '') return { ok: false, problem: 'issued-missing' };
    if (!isDay(typed)) return { ok: false, problem: 'issued-bad' };
    if (typed > today) return { ok: false, problem: 'issued-future' };
    if (typed <= DRIVING_LICENCE_ISSUED_AFTER) return { ok: false, problem: 'issued-too-early' };
    issued = typed;
  }
  const number = (input.number ?? '').replace(/[\s-]/g, '').toUpperCase();
  if (!DOCUMENT_NUMBER.test(number)) return { ok: false, problem: 'number-bad' };
  return { ok: true, document, last4: number.slice(-4), ...(issued ? { issued } : {}) };
}

// ---- the deadline ----

/** The last day to answer: one calendar month after the day the request arrived (GDPR Art. 12(3)). */
export function answerDeadline(receivedOn: string): string {
  return addMonthsToDay(receivedOn, 1);
}

export function statusOf(r: Pick<StoredAccessRequest, 'outcome' | 'booking'>): AccessStatus {
  if (r.outcome) return 'closed';
  return r.booking ? 'booked' : 'open';
}

/** Open past the end of its deadline day. */
export function isOverdue(r: Pick<StoredAccessRequest, 'receivedOn' | 'outcome'>, today: string): boolean {
  return !r.outcome && today > answerDeadline(r.receivedOn);
}

// ---- the same person again ----

/** A name as people write it in two letters: case, spacing, accents of other languages and word order set aside. */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKC')
    .toLocaleLowerCase('fi')
    // å ä ö are letters of their own in Finnish; other marks (é, ü, ř) are spelt both ways.
    .normalize('NFD')
    .replace(/(\p{L})(\p{M}+)/gu, (_, base: string, marks: string) => {
      const finnish = ((base === 'a' || base === 'o') && marks === '\u0308') || (base === 'a' && marks === '\u030a');
      return finnish ? (base + marks).normalize('NFC') : base;
    })
    .replace(/\p{M}/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter((w) => w !== '')
    .sort()
    .join(' ');
}

/** A contact (an address, an e-mail, a phone number) in one spelling: case, spacing and punctuation set aside. */
export function normaliseContact(contact: string): string {
  return contact.normalize('NFKC').toLocaleLowerCase('fi').replace(/[^\p{L}\p{N}@]+/gu, ' ').trim();
}

/** What the `person` blind index is taken over. */
export function personKey(name: string, contact: string): string {
  return `${normaliseName(name)}\n${normaliseContact(contact)}`;
}

/** The order requests were received in: by day, then by when they were recorded. */
function before(a: Pick<StoredAccessRequest, 'receivedOn' | 'recordedAt' | 'id'>, b: Pick<StoredAccessRequest, 'receivedOn' | 'recordedAt' | 'id'>): boolean {
  if (a.receivedOn !== b.receivedOn) return a.receivedOn < b.receivedOn;
  if (a.recordedAt !== b.recordedAt) return a.recordedAt < b.recordedAt;
  return a.id < b.id;
}

function sameBy(a: AccessBlinds, b: AccessBlinds): FeeMatch['by'] {
  const by: FeeMatch['by'] = [];
  if (a.phones.some((p) => b.phones.includes(p))) by.push('phone');
  if (a.hetu !== undefined && a.hetu === b.hetu) by.push('hetu');
  if (a.person === b.person) by.push('person');
  return by;
}

/**
 * The earlier requests by the same person received within the 12 months before this one (a
 * request received on the same day a year earlier is outside: that was last year's free one).
 * The same person: a phone number in common, the same henkilötunnus, or the same name with the
 * same contact. A name alone is not enough: two people may share one. Any match makes this a
 * request for which a fee may be charged; whether one is, the privacy officer decides.
 */
export function feeMatches(r: StoredAccessRequest, all: readonly StoredAccessRequest[]): FeeMatch[] {
  const since = addMonthsToDay(r.receivedOn, -12);
  const out: FeeMatch[] = [];
  for (const o of all) {
    if (o.id === r.id || !before(o, r) || o.receivedOn <= since) continue;
    const by = sameBy(r.blinds, o.blinds);
    if (by.length > 0) out.push({ id: o.id, receivedOn: o.receivedOn, by });
  }
  return out.sort((a, b) => (a.receivedOn < b.receivedOn ? 1 : a.receivedOn > b.receivedOn ? -1 : 0));
}
