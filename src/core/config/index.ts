// The box's config file: load it, validate it, explain what is wrong. See docs/config.md.
export { loadConfig, parseConfig, ConfigError, type ParseOptions } from './load.js';
export { lineVox } from './vox.js';
export { canReadFile, type CanRead } from './readable.js';
export { DEFAULTS, LOG_LEVELS, MAX_CHANNELS, MAX_LINES } from './schema.js';
export type { ConfigProblem } from './messages.js';
export type {
  Config,
  BoxIdentity,
  CaptureConfig,
  LineConfig,
  VoxSettings,
  RecorderConfig,
  OpusConfig,
  StorageConfig,
  SealConfig,
  LogConfig,
  LogLevel,
} from './types.js';
