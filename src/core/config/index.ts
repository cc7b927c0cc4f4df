// The box's config file: load it, validate it, explain what is wrong. See docs/config.md.
export { loadConfig, parseConfig, ConfigError, type ParseOptions } from './load.js';
export { lineVox } from './vox.js';
export { lineSignalling, type LineSignalling } from './signalling.js';
export { canReadFile, type CanRead } from './readable.js';
export {
  DEFAULTS,
  LOG_LEVELS,
  MAX_CHANNELS,
  MAX_LINES,
  CLIP_MODES,
  SIGNAL_SOURCE_TYPES,
  BAUD_RATES,
  MAX_STOP_CODE,
  ANNOUNCEMENT_MODES,
} from './schema.js';
export type { ConfigProblem } from './messages.js';
export type {
  Config,
  BoxIdentity,
  CaptureConfig,
  LineConfig,
  SignalSourceConfig,
  VoxSettings,
  CallConfig,
  ClipConfig,
  ClipMode,
  SignalSourceType,
  Baud,
  RecorderConfig,
  OpusConfig,
  StorageConfig,
  SealConfig,
  LogConfig,
  MqttConfig,
  StatusConfig,
  LedConfig,
  LogLevel,
  AnnouncementConfig,
  AnnouncementMode,
  PlaybackConfig,
} from './types.js';
