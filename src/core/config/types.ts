// The loaded configuration, as the rest of tallennin sees it: every default applied, every
// path absolute, the whole tree frozen. docs/config.md describes each field for operators.

import type { ConfigData, LogLevel } from './schema.js';

export type { LogLevel };

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
}

export interface RecorderConfig {
  readonly preRollMs: number;
  readonly chunkMs: number;
  readonly maxCallMinutes: number;
}

export interface OpusConfig {
  readonly bitrate: number;
}

export interface StorageConfig {
  /** Absolute: a relative path in the file is resolved against the file's directory. */
  readonly path: string;
  readonly minFreeMb: number;
}

export interface SealConfig {
  /** Absolute path of the controller's public key file; readable when the config loaded.
   *  The key itself is not parsed here. */
  readonly publicKey: string;
}

export interface LogConfig {
  readonly level: LogLevel;
}

export interface Config {
  readonly box: BoxIdentity;
  readonly capture: CaptureConfig;
  readonly lines: readonly LineConfig[];
  readonly vox: VoxSettings;
  readonly recorder: RecorderConfig;
  readonly opus: OpusConfig;
  readonly storage: StorageConfig;
  readonly seal: SealConfig;
  readonly log: LogConfig;
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
