// The access-request register (R10; the privacy notice, section 9): a caller's written, signed
// request to hear their own calls, the identity document they proved who they are with, the
// recordings found for them (held while the request is open), the listening appointment and the
// outcome. Who the person is and what they wrote is sealed to the controller key; the entry's
// own facts (its id, dates, window, status, the document's kind, the marked recordings and who
// did what) are plain, so the register can be counted and its deadlines shown without opening
// anything. Identifiers that find the same person again are kept only as blind indexes.
import type { SealedValue } from './sealer.js';

/**
 * The documents the notice accepts: passport, an identity card issued by the police, a driving
 * licence issued after 1 October 1990, a Kela card with the holder's photo. Nothing else.
 */
export const IDENTITY_DOCUMENTS = ['passport', 'identity-card', 'driving-licence', 'kela-card'] as const;
export type IdentityDocument = (typeof IDENTITY_DOCUMENTS)[number];

/** A driving licence must be issued strictly after this day (the notice: "1.10.1990 jälkeen myönnetty"). */
export const DRIVING_LICENCE_ISSUED_AFTER = '1990-10-01';

/** How a request ends. */
export const ACCESS_OUTCOMES = ['listened', 'copy-handed', 'nothing-found'] as const;
export type AccessOutcome = (typeof ACCESS_OUTCOMES)[number];

export const ACCESS_STATUSES = ['open', 'booked', 'closed'] as const;
export type AccessStatus = (typeof ACCESS_STATUSES)[number];

/** The longest texts a form may carry (characters, after trimming): the pages' maxlength. */
export const ACCESS_LIMITS = {
  name: 200,
  contact: 500,
  matter: 2000,
  /** phone numbers per request */
  numbers: 5,
} as const;

/** What the person wrote and who they are: sealed as one value, opened only to show the entry. */
export interface AccessPersonal {
  name: string;
  /** how to reach them: postal address, phone or e-mail */
  contact: string;
  /** the matter of the call, as they describe it */
  matter: string;
  /** the numbers they called from, canonical (`+358401234567`) */
  numbers: string[];
  /** the henkilötunnus, canonical, when the request gives one */
  hetu?: string | undefined;
  /** the identity document's number: its last four characters, nothing more */
  documentLast4: string;
  /** a driving licence's issue day (YYYY-MM-DD); no other document has one recorded */
  documentIssued?: string | undefined;
}

/** A recording found for the request and marked as the requester's: held while the request is open. */
export interface AccessMark {
  id: string;
  site: string;
  box: string;
  start: number;
  durationMs: number;
  /** who marked it, and when */
  by: string;
  at: number;
  /** the hold's end the box confirmed */
  until: number;
  /** when its hold was released (closing the request, or unmarking) */
  released?: number | undefined;
  /** the copy's file, once made: what the cover sheet lists */
  file?: { sha256: string; bytes: number } | undefined;
}

/** Blind indexes of who the requester is (FieldSealer.blind): how a second request is recognised. */
export interface AccessBlinds {
  phones: string[];
  hetu?: string | undefined;
  /** the normalised name with the normalised contact (kind `person`) */
  person: string;
}

/** One entry as LevelDB holds it. */
export interface StoredAccessRequest {
  v: 1;
  /** `TP-2026-0001`: the register's number, also the case reference of its holds and audit entries */
  id: string;
  /** the day the written, signed request arrived (YYYY-MM-DD, Finnish time) */
  receivedOn: string;
  /** staff confirmed the request is written and signed, as the privacy notice requires */
  signed: true;
  /** the time window of the call(s), as the request describes it (ms since epoch, from < to) */
  window: { from: number; to: number };
  recordedBy: string;
  recordedAt: number;
  /** the document checked; its number and issue day are sealed */
  identity: { document: IdentityDocument; verifiedBy: string; verifiedAt: number };
  /** AccessPersonal, sealed with the entry's id */
  personal: SealedValue;
  blinds: AccessBlinds;
  /** how many numbers the request gives (the search runs one per number) */
  numberCount: number;
  marks: AccessMark[];
  booking?: { office: string; at: number; by: string; bookedAt: number } | undefined;
  outcome?: { kind: AccessOutcome; by: string; at: number } | undefined;
}

/** What a new entry is made from: the form, checked. */
export interface NewAccessRequest {
  receivedOn: string;
  window: { from: number; to: number };
  document: IdentityDocument;
  personal: AccessPersonal;
}

/** An earlier request by the same person, and what matched. */
export interface FeeMatch {
  id: string;
  receivedOn: string;
  /** what identified the person in both */
  by: ('phone' | 'hetu' | 'person')[];
}
