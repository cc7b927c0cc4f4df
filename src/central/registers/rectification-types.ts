// The rectification register (R11; the privacy notice, section 10): a caller's written, signed
// request to correct what they say is wrong in a recording's data, and the controller's decision
// on it: corrected, or refused with reasons (a refusal gets a written certificate). What the
// person wrote and who they are is sealed to the controller key; the entry's own facts (its id,
// number, dates, status and who recorded and decided it) are plain, so the register can be listed
// without opening anything.
import type { SealedValue } from './sealer.js';

export const RECTIFICATION_STATUSES = ['open', 'corrected', 'refused'] as const;
export type RectificationStatus = (typeof RECTIFICATION_STATUSES)[number];
export type RectificationOutcome = Exclude<RectificationStatus, 'open'>;

/** The longest texts a form may carry (characters, after trimming): the pages' maxlength. */
export const RECTIFICATION_LIMITS = {
  name: 200,
  contact: 500,
  what: 2000,
  where: 500,
  correction: 2000,
  reasons: 2000,
} as const;

/** What the person wrote and who they are: sealed, opened only to show the entry or its certificate. */
export interface RectificationRequestText {
  /** the person's name as the request gives it */
  name: string;
  /** how to reach them: postal address, phone or e-mail (the certificate is sent here) */
  contact: string;
  /** what they say is wrong */
  what: string;
  /** where: the recording or call (its id, its time), as exactly as they could say */
  where: string;
  /** the henkilötunnus, canonical, when the request gives one */
  hetu?: string | undefined;
}

/** The decision's words: what was corrected, or why the correction was refused. */
export interface RectificationDecisionText {
  text: string;
}

/** The register's number for an entry: `n/year`, counted per year of recording. */
export interface RectificationRef {
  year: number;
  n: number;
}

/** One entry as LevelDB holds it. */
export interface StoredRectification {
  v: 1;
  id: string;
  ref: RectificationRef;
  /** the day the written, signed request arrived (YYYY-MM-DD, Finnish time) */
  receivedOn: string;
  /** staff confirmed the request is written and signed, as the privacy notice requires */
  signed: true;
  /** ms since epoch */
  recordedAt: number;
  recordedBy: string;
  status: RectificationStatus;
  /** the henkilötunnus's blind index (FieldSealer.blind('hetu', canonical)), when one was given */
  hetuBlind?: string | undefined;
  /** RectificationRequestText, sealed */
  request: SealedValue;
  decision?: { outcome: RectificationOutcome; by: string; at: number; sealed: SealedValue } | undefined;
}

/** What the register page lists: nothing sealed, nothing opened. */
export interface RectificationSummary {
  id: string;
  ref: RectificationRef;
  receivedOn: string;
  recordedAt: number;
  recordedBy: string;
  status: RectificationStatus;
  hasHetu: boolean;
  decided?: { by: string; at: number } | undefined;
}

/** One entry opened: for its own page and its certificate. */
export interface RectificationEntry extends RectificationSummary {
  request: RectificationRequestText;
  decision?: { outcome: RectificationOutcome; by: string; at: number; text: string } | undefined;
}

export interface NewRectification {
  receivedOn: string;
  recordedBy: string;
  request: RectificationRequestText;
}

export interface RectificationDecision {
  outcome: RectificationOutcome;
  by: string;
  text: string;
}
