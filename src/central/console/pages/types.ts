// What the console's pages are given. Shapes are cut from the index's own (`CallSummary`) so
// the routes pass index results straight through; none has a field for a phone number, so no
// page can show one by mistake (R3).
import type { ConsoleRole } from '../../../core/auth/index.js';
import type { HoldInfo, HoldReason, NoticeStatus } from '../../../core/protocol/messages.js';
import type { CallSummary, Direction } from '../../index/types.js';
import type { Html } from '../../../core/html.js';
import type { SearchForm } from '../search-form.js';

export type { HoldInfo, HoldReason, NoticeStatus, Direction, ConsoleRole };

export { LISTEN_PURPOSES, type ListenPurpose } from '../../listen-purposes.js';
import type { ListenPurpose } from '../../listen-purposes.js';

export const DIRECTIONS: readonly Direction[] = ['incoming', 'outgoing', 'unknown'];
export const HELD_CHOICES = ['yes', 'no'] as const;

export interface Viewer {
  name: string;
  role: ConsoleRole;
}

/** The console's sections: what the header links to and marks as current. */
export type NavSection = 'search' | 'projects' | 'registers' | 'fleet' | 'audit';

/** One search result. A `CallSummary` is one. */
export type CallRow = Pick<CallSummary, 'id' | 'site' | 'box' | 'line' | 'start' | 'durationMs' | 'direction' | 'state' | 'notice' | 'expiresAt' | 'holds' | 'deleted'>;

/** A call in progress, from a box's status report (its lines' states): no number, not even sealed. */
export interface LiveCall {
  site: string;
  box: string;
  line: string;
  /** ms since epoch */
  since: number;
}

/** The search form as typed (the routes' own type): echoed into the form and the next-page link. */
export type { SearchForm } from '../search-form.js';

/** A refused filter: the message, and the field to mark (its name in the form). */
export interface FieldError {
  field?: string | undefined;
  message: string;
}

export interface SearchPageData {
  user: Viewer;
  csrf: string;
  query: SearchForm;
  /** the sites this user may search: the site select offers only these */
  sites: readonly string[];
  results: readonly CallRow[];
  /** the cursor of the next page, when there is one */
  next?: string | undefined;
  live: readonly LiveCall[];
  /** when `live` was read, ms since epoch */
  liveAt?: number | undefined;
  /** a refused filter, in words (shown in an alert, and marked on its field) */
  error?: string | FieldError | undefined;
}

/** The call page's view of a call. An `IndexedCall` or a `CallSummary` is one. */
export type CallView = Pick<
  CallSummary,
  'id' | 'site' | 'box' | 'line' | 'start' | 'end' | 'durationMs' | 'direction' | 'clip' | 'state' | 'endReason' | 'stopped' | 'notice' | 'retentionMonths' | 'expiresAt' | 'holds' | 'deleted'
>;

/** A training project as the call page names it: the case reference ties it to its holds. */
export interface ProjectLink {
  id: string;
  name: string;
  caseRef: string;
}

export interface BoxOnline {
  online: boolean;
  /** ms since epoch of the box's last message, when known */
  lastSeen?: number | undefined;
}

/** A listen the route has allowed and logged: the page plays it. */
export interface ListenGrant {
  purpose: ListenPurpose;
  caseRef: string;
  /** a path on this server (starting with one /) */
  audioUrl: string;
  /** played from the centre's sealed copy, not fetched from the box */
  fromCopy?: boolean | undefined;
}

export interface CallPageData {
  user: Viewer;
  csrf: string;
  call: CallView;
  holds: readonly HoldInfo[];
  /** ms since epoch when the recording is destroyed, holds counted */
  expiry: number;
  /** the call start + 12 months: no hold goes past it (R4) */
  maxHoldUntil: number;
  canListen: boolean;
  canHold: boolean;
  /** early deletion through the box (issue 9): privacy officers only */
  canDelete?: boolean | undefined;
  /** the purposes this person may state (R2); the form offers only these */
  purposes?: readonly ListenPurpose[] | undefined;
  boxOnline: BoxOnline;
  /** the centre keeps a sealed copy until then: it plays even with the box offline */
  copyUntil?: number | undefined;
  /** the training projects the recording is marked for, and those this person may add it to */
  training?: { in: readonly ProjectLink[]; canAdd: readonly ProjectLink[] } | undefined;
  /** where the person came from: a trainer reaches calls through training projects */
  via?: 'search' | 'projects' | undefined;
  listen?: ListenGrant | undefined;
  /** a refused hold, release, listen or deletion, in words (shown in an alert) */
  error?: string | undefined;
  /** what just happened (a hold placed or released), in words */
  notice?: string | undefined;
}

export interface LoginPageData {
  csrf: string;
  step: 'password' | 'totp';
  /** the name as typed (password step) or being verified (code step) */
  name?: string | undefined;
  error?: string | undefined;
}

export interface ErrorPageData {
  status: number;
  message: string;
  user?: Viewer | undefined;
  csrf?: string | undefined;
}

export interface LayoutData {
  title: string;
  user?: Viewer | undefined;
  /** the section this page belongs to, marked as current in the header */
  nav?: NavSection | undefined;
  csrf?: string | undefined;
  /** the path to come back to after switching language (the route checks it is a console path) */
  here?: string | undefined;
  main: Html;
}
