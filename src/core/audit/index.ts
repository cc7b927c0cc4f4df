// The hash-chained audit log (R9); docs/audit.md describes the format for auditors.
export { AuditError, isAuditError, type AuditErrorCode } from './audit-error.js';
export {
  type AuditEntry,
  type AuditInput,
  type AuditHead,
  type AuditResult,
  type AuditDetail,
  type AuditDetailValue,
  type KnownAuditAction,
  auditActions,
  GENESIS_PREV,
  MAX_ENTRY_BYTES,
  MAX_DETAIL_KEYS,
  canonicalJson,
  hashInput,
  entryHash,
  serializeEntry,
  auditKey,
  seqOfKey,
  parseAuditHead,
} from './entry.js';
export {
  type TamperProblem,
  type HeadProblem,
  type VerifyOk,
  type VerifyFailure,
  type VerifyResult,
  type HeadVerifyResult,
  type StoredRecord,
  type VerifyOptions,
  verifyChain,
  verifyChainAgainstHead,
} from './verify.js';
export { AuditLog, type AuditLogOptions, type EntryRange } from './audit-log.js';
