import type { Logger } from 'pino';
import { RecordingStore } from '../box/store/recording-store.js';
import { Retention } from '../box/store/retention.js';
import { AuditLog } from '../core/audit/index.js';
import { systemClock } from '../core/clock.js';
import { loadConfig, type Config } from '../core/config/index.js';
import { createLogger } from '../core/log.js';

/** A box's store, its audit log and its retention rules, opened for one command and closed after. */
export async function withBoxStore<T>(
  configFile: string,
  use: (parts: { config: Config; store: RecordingStore; audit: AuditLog; retention: Retention; log: Logger }) => Promise<T>,
): Promise<T> {
  const config = await loadConfig(configFile);
  const log = createLogger(config.log.level, 2);
  const store = await RecordingStore.open(config.storage.path);
  try {
    const audit = await AuditLog.open(store.level, { clock: systemClock });
    const retention = new Retention(store, { clock: systemClock, audit, log });
    const result = await use({ config, store, audit, retention, log });
    await audit.idle();
    return result;
  } finally {
    await store.close();
  }
}
