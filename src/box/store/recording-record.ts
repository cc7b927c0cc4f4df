// The plaintext record of one recording on the box. It holds what retention, sync and export
// need and nothing that identifies a person: numbers and names go only into sealed metadata.

import type { ClipStatus, Direction, SignalSource, StopBy } from '../line/call-fsm.js';

/** 'shredding': the wrapped key is already gone and the chunks are being removed (a sweep in progress) */
export type RecordingState = 'open' | 'closed' | 'truncated' | 'shredding';

export interface OpusParams {
  codec: 'opus';
  inputSampleRate: number;
  frameMs: number;
  preSkip: number;
  bitrate: number;
  /** packets in every chunk but the last: a crash-cut recording's length follows from its chunk count */
  packetsPerChunk: number;
}

export interface RecordingRecord {
  v: 1;
  id: string;
  line: string;
  /** ms since epoch: the first sample kept (pre-roll included) */
  start: number;
  /** ms since epoch: one past the last sample kept; absent while open */
  end?: number;
  /** 0 while open */
  durationMs: number;
  state: RecordingState;
  /** chunks in a finished recording, the last with the final flag; 0 while open (they are counted on recovery) */
  chunks: number;
  audio: OpusParams;
  /** id of the controller public key the content key was wrapped to */
  keyId: string;
  /** ECIES-wrapped content key, base64; deleting it destroys the recording (crypto-shredding) */
  wrappedKey: string;
  /** audio the capture could not deliver (overruns, device loss), filled with silence */
  gapMs: number;
  /** why a recording ended: the call's end, a stop on request, its maximum length, service stop, device lost, crash */
  endReason?: 'on-hook' | 'disconnect' | 'far-end-clear' | 'silence' | 'stopped' | 'max-length' | 'shutdown' | 'device-lost' | 'crash';
  direction: Direction;
  /** what started the call: hook signalling, or VOX when nothing else spoke */
  signalling: SignalSource;
  /** whether the line sent the caller's number, and if not, why not; the number itself is sealed */
  clip: ClipStatus;
  /** numbers and name, sealed with the content key (base64); `metaVersion` is its nonce counter */
  sealedMeta?: string;
  metaVersion?: number;
  /** a caller asked that recording stop (R13): when (ms since epoch) and how */
  stopped?: { at: number; by: StopBy };
  /** whether the caller was told the call is recorded (R12); absent until settled */
  notice?: Notice;
  /** the retention configured when the call was recorded (R4) */
  retentionMonths: number;
  /** when the audio must be gone: the normal expiry, or a hold's, never past start + 12 months */
  expiresAt: number;
  holds?: Hold[];
}

// Holds travel to the indexer as they are kept here: one type for both (src/core/protocol/messages.ts).
import type { HoldInfo, Notice } from '../../core/protocol/messages.js';
export { HOLD_REASONS, type HoldReason } from '../../core/protocol/messages.js';
export type Hold = HoldInfo;

/** What remains of a destroyed recording: no audio, no key, no number, no name. */
export interface Tombstone {
  v: 1;
  id: string;
  line: string;
  start: number;
  end?: number;
  expiresAt: number;
  deletedAt: number;
  reason: 'expired' | 'early-deletion';
}

/** What is sealed in `sealedMeta`: everything that identifies a person. */
export interface SealedCallMeta {
  calling?: string;
  called?: string;
  name?: string;
}
