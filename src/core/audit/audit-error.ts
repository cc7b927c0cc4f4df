import { TalError, isTalError } from '../errors.js';

/** The audit log's errors are TalErrors with one of its two codes (docs/errors.md). */
export type AuditErrorCode = 'TAL_AUDIT_INVALID' | 'TAL_AUDIT_BROKEN';

export class AuditError extends TalError {
  declare readonly code: AuditErrorCode;
  constructor(code: AuditErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'AuditError';
  }
}

export function isAuditError(err: unknown, code?: AuditErrorCode): err is AuditError {
  return isTalError(err) && (code === undefined ? err.code === 'TAL_AUDIT_INVALID' || err.code === 'TAL_AUDIT_BROKEN' : err.code === code);
}
