// The loaded configuration, as the rest of tallennin sees it: every default applied, every
// path absolute, the whole tree frozen. docs/config.md describes each field for operators.

import type { AnnouncementMode, Baud, ClipMode, ConfigData, LogLevel, SignalSourceType } from './schema.js';

export type { AnnouncementMode, Baud, ClipMode, LogLevel, SignalSourceType };

export interface BoxIdentity {
  /** Lowercase MQTT topic segment: `tallennin/v1/<site>/<id>/…`. */
  readonly id: string;
  readonly site: string;
}

export interface CaptureConfig {
  /** ALSA device name, e.g. `hw:1,0`. */
  readonly device: string;
  readonly rate: 8000 | 16000;
  /** Channels the device delivers, 1–32. */
  readonly channels: number;
  /** Capture period; default 20. */
  readonly periodMs: 10 | 20 | 40;
}

/** Voice-activity detection: how a call with no signalling is found (R1). */
export interface VoxSettings {
  /** Level at which speech is detected; default -40 dBFS. */
  readonly onDbfs: number;
  /** Level below which speech has ended; below onDbfs; default -46 dBFS. */
  readonly offDbfs: number;
  /** Time above onDbfs before a call starts; default 200 ms. */
  readonly attackMs: number;
  /** Time below offDbfs before a call ends; default 8000 ms. */
  readonly hangMs: number;
  /** Audio kept from before the detection point; default 300 ms. */
  readonly leadMs: number;
}

export interface LineConfig {
  readonly id: string;
  /** Capture channel, 0 … capture.channels - 1; no two lines share one. */
  readonly channel: number;
  /** Per-line changes to the box-wide vox settings; see lineVox(). */
  readonly vox?: Readonly<Partial<VoxSettings>>;
  /** How the line's caller ID is sent; as written, else absent (default `dtmf`: see
   *  lineSignalling()). */
  readonly clip?: ClipMode;
  /** Whether a busy or congestion tone from the far end ends the call; as written, else
   *  absent (default true: see lineSignalling()). */
  readonly farEndTones?: boolean;
  /** Where the box speaks onto this line, for announcement.mode play. */
  readonly playback?: PlaybackConfig;
}

/** An ALSA playback device, and the channel of it that reaches the line. */
export interface PlaybackConfig {
  readonly device: string;
  /** channels the device is opened with; default 1 */
  readonly channels: number;
  /** 0-based, below channels; default 0 */
  readonly channel: number;
}

/** A serial signalling source: who is calling, and when a line rings, is answered and hangs
 *  up, reported by a device rather than heard on the audio. */
export interface SignalSourceConfig {
  readonly type: SignalSourceType;
  /** Absolute device path, e.g. `/dev/ttyUSB0`. Not checked for existence at load: a USB
   *  adapter may appear later, and the source reopens it. No two sources share one. */
  readonly port: string;
  /** Default 9600. */
  readonly baud: Baud;
  /** The source's own line naming → a line id of `lines`; at least one entry. line-unit:
   *  "1".."32"; modem: exactly `{ "1": id }`; isdn: "B1", "B2" (BRI) or "1".."31" (PRI
   *  timeslot, not 16). A line is mapped by at most one source, once. */
  readonly lines: Readonly<Record<string, string>>;
}

/** How calls are followed from line signalling, and the caller's stop request (R13). */
export interface CallConfig {
  /** DTMF keys (0-9 * # A-D), 1–8, that staff key to stop recording on a caller's request;
   *  "" turns the code off. Default `*0#`. */
  readonly stopCode: string;
  /** An unanswered call is over this long after its last ring; default 8000 ms. */
  readonly ringTimeoutMs: number;
  /** Caller ID sent before the first ring belongs to a call ringing within this; default
   *  10000 ms. */
  readonly clipValidMs: number;
  /** Dialled digits of an outgoing call form the called number while the gaps stay below
   *  this; default 4000 ms. */
  readonly dialGapMs: number;
  /** Longest gap between the stop code's keys; default 2000 ms. */
  readonly stopCodeGapMs: number;
  /** Audio waits this long before the encoder so that a stop code's first tone is never
   *  stored; a multiple of 20, default 80 ms. */
  readonly delayMs: number;
}

/** DTMF caller ID (Finland): the information codes sent instead of a number. */
export interface ClipConfig {
  /** Codes (1–4 digits) meaning "number withheld"; default ["10"]. */
  readonly withheldCodes: readonly string[];
  /** Codes meaning "number unavailable"; default ["00"]. None in withheldCodes too. */
  readonly unavailableCodes: readonly string[];
}

export interface RecorderConfig {
  readonly preRollMs: number;
  readonly chunkMs: number;
  readonly maxCallMinutes: number;
}

/** How long recordings are kept (R4). */
export interface RetentionConfig {
  /** Calendar months from the call's start, Helsinki time; 1–12, default 2. */
  readonly months: number;
}

export interface OpusConfig {
  readonly bitrate: number;
}

export interface StorageConfig {
  /** Absolute: a relative path in the file is resolved against the file's directory. */
  readonly path: string;
  readonly minFreeMb: number;
  /** At this much full (or under minFreeMb free), new recordings are refused; 91–99, default 97. */
  readonly floorPercent: number;
}

export interface SealConfig {
  /** Absolute path of the controller's public key file; readable when the config loaded.
   *  The key itself is not parsed here. */
  readonly publicKey: string;
}

export interface LogConfig {
  readonly level: LogLevel;
}

/** The link to the central broker (issue 5); absent: the box syncs nothing. */
export interface MqttConfig {
  /** mqtts://host:port; mqtt:// only on loopback */
  readonly url: string;
  /** absolute paths of PEM files for TLS with a client certificate */
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  /** absolute paths of the central command public keys (Ed25519, PEM) the box obeys */
  readonly commandKeys: readonly string[];
  readonly statusIntervalS: number;
  readonly keepaliveS: number;
  /** longest wait between reconnection attempts */
  readonly reconnectMaxS: number;
}

/** The technician's status page. */
export interface StatusConfig {
  readonly host: string;
  readonly port: number;
  /** absolute paths; TLS when both are given */
  readonly cert?: string;
  readonly key?: string;
  /** absolute path of the accounts file (`tallennin user add` writes it) */
  readonly users: string;
  readonly sessionMinutes: number;
}

/** The status LED(s), through the Linux LED class. */
export interface LedConfig {
  /** names under `sysfs`; every one shows the same pattern; [] for none */
  readonly names: readonly string[];
  readonly sysfs: string;
}

/** The recording announcement (R12). */
export interface AnnouncementConfig {
  /** Its words: the privacy notice's sentence by default; the demo speaks them. */
  readonly text: string;
  /** off (default), play (the box plays it onto incoming calls), verify (the exchange does). */
  readonly mode: AnnouncementMode;
  /** Absolute path of its audio, WAV or Ogg Opus; required for play and verify. */
  readonly file?: string;
  /** verify: how late into the recording it may start; default 1500 ms. */
  readonly maxOffsetMs: number;
  /** verify: the score (0–1) at which it counts as heard; absent: the matcher's tested default. */
  readonly threshold?: number;
  /** This many incoming calls in a row on one line without it raise an alarm; 0: never; default 3. */
  readonly missAlarm: number;
}

export interface Config {
  readonly box: BoxIdentity;
  readonly capture: CaptureConfig;
  readonly lines: readonly LineConfig[];
  /** Serial signalling sources; empty when there are none (the default). */
  readonly signals: readonly SignalSourceConfig[];
  readonly vox: VoxSettings;
  readonly call: CallConfig;
  readonly clip: ClipConfig;
  readonly recorder: RecorderConfig;
  readonly retention: RetentionConfig;
  readonly opus: OpusConfig;
  readonly storage: StorageConfig;
  readonly seal: SealConfig;
  readonly log: LogConfig;
  readonly mqtt?: MqttConfig;
  readonly status: StatusConfig;
  readonly led: LedConfig;
  readonly announcement: AnnouncementConfig;
}

// The interfaces above are written out for readers; these lines keep them in step with the
// schema: the build fails if either drifts from the other.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type DeepReadonly<T> = T extends readonly (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;
const inStep: Same<DeepReadonly<ConfigData>, Config> = true;
void inStep;
