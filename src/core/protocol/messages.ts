// The payloads that travel between a box and the indexer (DESIGN, "Wire protocol"). Every one is
// JSON; none carries a number, a name or any other personal data in the clear: a caller's number
// travels only inside `sealedMeta`, which only the controller's private key opens.

/** `$state`, retained; `lost` is the box's last will. */
export type BoxState = 'init' | 'ready' | 'alert' | 'lost';
export const BOX_STATES: readonly BoxState[] = ['init', 'ready', 'alert', 'lost'];

export interface StatePayload {
  state: BoxState;
  /** ms since epoch when the box said so (the broker sends the will with the box's connect time) */
  ts: number;
  boot: number;
}

export type HoldReason = 'complaint' | 'quality-project' | 'access-request' | 'disclosure';
export const HOLD_REASONS: readonly HoldReason[] = ['complaint', 'quality-project', 'access-request', 'disclosure'];

/** A hold keeps one recording past its normal expiry, for a stated reason and case (R4). */
export interface HoldInfo {
  reason: HoldReason;
  /** the case reference, e.g. a complaint's number */
  caseRef: string;
  /** who placed it: a staff user id, never a caller's identity */
  by: string;
  /** ms since epoch; never past the call start + 12 months */
  until: number;
  /** when it was placed */
  at: number;
}

/**
 * Whether the caller was told the call is recorded (R12), as evidence kept with the recording:
 * - `played`: the box played the announcement onto the line, from `at` (ms since epoch) for
 *   `durationMs` (shorter than the announcement when the call ended first);
 * - `heard` / `not-heard`: the exchange plays it; the start of the call was compared with the
 *   reference: `score` (0–1) against `threshold`, best match `offsetMs` into the recording;
 * - `not-played`: the box should have played it and could not (`error`, e.g. the ALSA device);
 * - `not-applicable`: outgoing calls, calls of unknown direction in playback mode, the part
 *   after a call's first (max-length continuation), or announcement mode off.
 * Absent on a recording cut by a crash before the evidence was settled.
 */
export type Notice =
  | { status: 'played'; at: number; durationMs: number }
  | { status: 'heard' | 'not-heard'; score: number; threshold: number; offsetMs: number }
  | { status: 'not-played'; error: string }
  | { status: 'not-applicable'; reason: NoticeNotApplicable };

export type NoticeStatus = Notice['status'];
export const NOTICE_STATUSES: readonly NoticeStatus[] = ['played', 'heard', 'not-heard', 'not-played', 'not-applicable'];
export type NoticeNotApplicable = 'outgoing' | 'direction-unknown' | 'continuation' | 'mode-off';
export const NOTICE_NOT_APPLICABLE: readonly NoticeNotApplicable[] = ['outgoing', 'direction-unknown', 'continuation', 'mode-off'];

/** A notice that failed a caller: an incoming call that should have heard it and did not. */
export function noticeMissed(n: Notice | undefined): boolean {
  return n?.status === 'not-heard' || n?.status === 'not-played';
}

/** What the indexer learns of one finished recording: the box's plaintext record, sealed parts sealed. */
export interface RecordingEvent {
  id: string;
  line: string;
  start: number;
  end: number;
  durationMs: number;
  state: 'closed' | 'truncated';
  endReason?: string;
  direction: 'incoming' | 'outgoing' | 'unknown';
  signalling: string;
  clip: 'ok' | 'withheld' | 'unavailable' | 'none';
  /** sealed numbers and name (base64), opened with the content key; `metaVersion` is its nonce counter */
  sealedMeta?: string;
  metaVersion?: number;
  /** the content key wrapped to the controller key (base64): what playback and `sealedMeta` need */
  wrappedKey: string;
  keyId: string;
  chunks: number;
  gapMs: number;
  stopped?: { at: number; by: string };
  /** the recording announcement's evidence (R12); absent from older boxes and crash-cut recordings */
  notice?: Notice;
  retentionMonths: number;
  expiresAt: number;
  holds: HoldInfo[];
  audio: { codec: 'opus'; inputSampleRate: number; frameMs: number; preSkip: number; bitrate: number; packetsPerChunk: number };
}

/** A hold placed or released: the recording's expiry moved. */
export interface ExpiryEvent {
  id: string;
  expiresAt: number;
  holds: HoldInfo[];
}

/** A recording was destroyed (its tombstone): the indexer drops its key and sealed metadata too. */
export interface DeletedEvent {
  id: string;
  line: string;
  start: number;
  expiresAt: number;
  deletedAt: number;
  reason: 'expired' | 'early-deletion';
}

export type EventBodies = { recording: RecordingEvent; expiry: ExpiryEvent; deleted: DeletedEvent };
export type EventKind = keyof EventBodies;
export const EVENT_KINDS: readonly EventKind[] = ['recording', 'expiry', 'deleted'];

/** One `evt` message: the outbox entry as stored. `seq` is gap-free per box; `boot` rises at every start. */
export type EventMessage = { [K in EventKind]: { seq: number; boot: number; ts: number; kind: K; body: EventBodies[K] } }[EventKind];

/** `ack`, retained, from the indexer: every event up to and including `seq` is in the index. */
export interface AckPayload {
  seq: number;
}

/** The answer to a command, on its `replyTo` topic. A refusal names why in `reason` and `detail`. */
export type Reply =
  | { correlationId: string; ok: true; verb: string; result: Record<string, unknown> }
  | { correlationId: string; ok: false; verb?: string; reason: string; detail: string };

/** Chunks a `fetch` reply carries per message: bounded so a broker's message limit is never met. */
export const FETCH_MAX_MESSAGE_BYTES = 64 * 1024;

/**
 * One message of a `fetch` reply, on the command's `replyTo`: part 0 carries the record (what
 * unsealing needs, no plaintext), every part a run of sealed chunks, the last `last: true`.
 * A receiver that misses a part asks again with `from` = the first chunk index it lacks.
 */
export interface FetchPart {
  correlationId: string;
  id: string;
  part: number;
  last: boolean;
  record?: { state: 'closed' | 'truncated'; chunks: number; wrappedKey: string; keyId: string; audio: RecordingEvent['audio'] };
  /** sealed chunk bytes, base64, with their index */
  chunks: { index: number; sealed: string }[];
}

/** `status`, retained: the box's health, with no personal data. */
export interface StatusPayload {
  ts: number;
  boot: number;
  version: string;
  uptimeS: number;
  /** `notice`: the announcement's evidence on the line's last incoming call (R12) */
  lines: { id: string; state: string; since?: number; lastCallEnd?: number; notice?: NoticeStatus }[];
  /** how the recording announcement is given: off, play or verify */
  announcement?: string;
  /** the announcement's words as configured (no personal data: the same sentence for every caller) */
  announcementText?: string;
  /** months new recordings are kept now (R4): the config's, or what `set-retention` set since; the privacy notice states it */
  retentionMonths?: number;
  capture: { state: string; overruns: number; gapsMs: number };
  disk: { freeBytes: number; totalBytes: number; usedPercent: number; daysLeft?: number; level: string };
  cpu: { load1: number; temperatureC?: number };
  memory: { rssBytes: number; freeBytes: number; totalBytes: number };
  clock: { synced?: boolean; source?: string };
  outbox: { backlog: number; lastAckedSeq: number };
  alarms: { kind: string; message: string; since: number }[];
}
