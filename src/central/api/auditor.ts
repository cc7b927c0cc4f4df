// Writing the API's audit entries (R9). An access to call data is answered only once its entry
// is stored: if the log cannot be written, the data does not leave.
import type { Logger } from 'pino';
import { ApiError } from './errors.js';
import { safeError } from './log-safe.js';
import type { ApiAuditEntry, ApiDeps } from './types.js';

export class Auditor {
  constructor(
    private readonly audit: ApiDeps['audit'],
    private readonly log: Logger,
  ) {}

  /** Stores the entry or fails the request with 503. */
  async must(entry: ApiAuditEntry): Promise<void> {
    try {
      await this.audit.append(entry);
    } catch (err) {
      this.log.error({ error: safeError(err), action: entry.action }, 'audit entry could not be written; request not served');
      throw new ApiError(503, 'audit-unavailable', 'the audit log could not be written, so the request was not served');
    }
  }

  /** For refusals and outcomes that happened anyway: the answer goes out even if the log fails. */
  async try(entry: ApiAuditEntry): Promise<void> {
    try {
      await this.audit.append(entry);
    } catch (err) {
      this.log.error({ error: safeError(err), action: entry.action }, 'audit entry could not be written');
    }
  }
}
