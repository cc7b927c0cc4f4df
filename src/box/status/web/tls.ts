// The status page's certificate and key, when the config names them: read once at start, and
// an unreadable file named by its config field.
import type { StatusConfig } from '../../../core/config/index.js';
import { TalError } from '../../../core/errors.js';
import { readConfiguredFile } from '../../../core/config/read-files.js';

/** { cert, key } when both are configured; undefined for plain HTTP. */
export async function statusTls(status: StatusConfig): Promise<{ cert: Buffer; key: Buffer } | undefined> {
  if (!status.cert && !status.key) return undefined;
  if (!status.cert || !status.key) {
    // The config loader refuses this already; a hand-built config must not fall back to HTTP silently.
    throw new TalError('TAL_CONFIG_INVALID', `status.${status.cert ? 'key' : 'cert'}: TLS needs both status.cert and status.key`);
  }
  return { cert: await readConfiguredFile(status.cert, 'status.cert'), key: await readConfiguredFile(status.key, 'status.key') };
}
