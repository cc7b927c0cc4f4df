// The disclosure register (issue 9, R6): each disclosure of recordings or their metadata to an
// authority the law entitles (the privacy notice, section 7: the unemployment-benefit payer and
// other authorities) is an entry: to whom, on what legal basis, what was disclosed, which calls,
// who decided and when. While an entry is open its recordings are held (reason `disclosure`);
// marking it complete lifts those holds. The recipient and the basis name an authority and a law,
// not a person, and are kept plain; the request's particulars are free text that may name the
// customer, so they are sealed to the controller key.
import type { SealedValue } from './sealer.js';

/** The indexer LevelDB sublevel of the register: entry id → DisclosureEntry. */
export const DISCLOSURE_SUBLEVEL = 'reg-disclosure';

export const RECIPIENT_MAX = 200;
export const BASIS_MAX = 300;
/** as every case reference the console takes (holds, listens) */
export const DISCLOSURE_CASE_MAX = 64;
export const DETAILS_MAX = 1000;
/** recordings in one entry: a disclosure is of single calls, not of a register extract */
export const MAX_DISCLOSED_RECORDINGS = 100;
/** recording ids as the index and the call page take them */
export const RECORDING_ID = /^[0-9a-zA-Z-]{1,64}$/;

/**
 * Where a recording's `disclosure` hold stands, as the console last heard it from the box:
 * `held` (placed), `not-held` (the box refused or was silent: placing it again is offered),
 * `released` (lifted at completion, or there was none left to lift), `not-released` (completion
 * could not reach the box: releasing again is offered; the hold ends at the 12-month cap anyway),
 * `gone` (the box no longer has the recording).
 */
export const HOLD_STATES = ['held', 'not-held', 'released', 'not-released', 'gone'] as const;
export type DisclosureHoldState = (typeof HOLD_STATES)[number];

export interface DisclosedRecording {
  id: string;
  site: string;
  box: string;
  /** the call's start, ms since epoch: the hold's cap is start + 12 months */
  start: number;
  hold: DisclosureHoldState;
  /** the hold's end as the box set it (ms since epoch) */
  until?: number | undefined;
  /** why the hold or its release did not happen: the box's reason code, `timeout` or `send-failed` */
  problem?: string | undefined;
}

export type DisclosureStatus = 'open' | 'complete';

export interface DisclosureEntry {
  v: 1;
  /** random, opaque: it appears in URLs and in the holds' case reference */
  id: string;
  /** the case the disclosure belongs to (the recipient's request, the office's own record) */
  caseRef: string;
  /** the recipient authority */
  recipient: string;
  /** chosen from the controller's configured disclosures (else typed) */
  recipientPreset: boolean;
  /** the legal basis */
  basis: string;
  basisPreset: boolean;
  /** what is disclosed: the recordings (audio), their metadata, or both */
  disclosed: { recordings: boolean; metadata: boolean };
  recordings: DisclosedRecording[];
  /** the privacy officer who decided and entered the disclosure */
  decidedBy: string;
  decidedAt: number;
  /** the request's particulars, sealed to the controller key with the entry's id bound to it */
  details?: SealedValue | undefined;
  status: DisclosureStatus;
  completedBy?: string | undefined;
  completedAt?: number | undefined;
}

/** What the console gives to create an entry (the details in the clear: the store seals them). */
export interface NewDisclosure {
  /** a new random id when absent */
  id?: string | undefined;
  caseRef: string;
  recipient: string;
  recipientPreset: boolean;
  basis: string;
  basisPreset: boolean;
  disclosed: { recordings: boolean; metadata: boolean };
  recordings: readonly Omit<DisclosedRecording, 'hold' | 'until' | 'problem'>[];
  decidedBy: string;
  details?: string | undefined;
}

/**
 * The case reference of an entry's holds on the boxes: the entry's own, so that completing it
 * lifts exactly its holds, never a complaint's or another disclosure's that share the office's
 * case reference (the box lifts every hold of one case reference at once).
 */
export function holdCaseRefOf(entryId: string): string {
  return `disclosure-${entryId}`;
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const CONTROL_BUT_LINES = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What is wrong with one-line text as typed (trimmed first), or undefined. */
export function disclosureTextProblem(text: string, max: number, o: { lines?: boolean } = {}): 'empty' | 'long' | 'text' | undefined {
  const v = text.trim();
  if (v === '') return 'empty';
  if (v.length > max) return 'long';
  if ((o.lines ? CONTROL_BUT_LINES : CONTROL).test(v) || LONE_SURROGATE.test(v)) return 'text';
  return undefined;
}
