// The page's audit entries (R9) go to the box's own hash-chained log. A write that fails is
// logged and the request goes on: this page is how a technician finds out why the box is
// failing (a full or broken disk among the reasons), so it must not lock them out when the
// log cannot be written. The journal keeps what the log could not.
import type { Logger } from 'pino';
import type { AuditInput } from '../../../core/audit/index.js';
import type { Box } from '../../box.js';

export class Auditor {
  constructor(
    private readonly box: Box,
    private readonly log: Logger,
  ) {}

  async append(entry: AuditInput): Promise<void> {
    try {
      await this.box.audit.append(entry);
    } catch (err) {
      this.log.error({ err: (err as Error).message, action: entry.action, actor: entry.actor, result: entry.result }, 'status page: audit entry could not be written');
    }
  }
}
