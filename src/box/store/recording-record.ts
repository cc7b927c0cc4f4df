// The plaintext record of one recording on the box. It holds what retention, sync and export
// need and nothing that identifies a person: numbers and names go only into sealed metadata.

export type RecordingState = 'open' | 'closed' | 'truncated';

export interface OpusParams {
  codec: 'opus';
  inputSampleRate: number;
  frameMs: number;
  preSkip: number;
  bitrate: number;
}

export interface RecordingRecord {
  v: 1;
  id: string;
  line: string;
  /** ms since epoch: the first sample kept (pre-roll included) */
  start: number;
  /** ms since epoch: one past the last sample kept; absent while open */
  end?: number;
  durationMs: number;
  state: RecordingState;
  /** chunks written so far; in a closed recording the last of them carries the final flag */
  chunks: number;
  audio: OpusParams;
  /** id of the controller public key the content key was wrapped to */
  keyId: string;
  /** ECIES-wrapped content key, base64; deleting it destroys the recording (crypto-shredding) */
  wrappedKey: string;
  /** audio the capture could not deliver (overruns, device loss), filled with silence */
  gapMs: number;
  /** why a recording ended: VOX silence, maximum length, service stop, capture device lost, crash recovery */
  endReason?: 'silence' | 'max-length' | 'shutdown' | 'device-lost' | 'crash';
}
