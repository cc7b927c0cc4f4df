export { addCalendarMonths, daysInMonth, isLeapYear, offsetAt, wallTimeAt, instantOfWallTime, type WallTime } from './calendar.js';
export {
  DEFAULT_RETENTION_MONTHS,
  MAX_RETENTION_MONTHS,
  MIN_RETENTION_MONTHS,
  RETENTION_TIME_ZONE,
  checkRetentionMonths,
  effectiveExpiry,
  expiryOf,
  holdUntil,
  isExpired,
  isRetentionMonths,
  maxExpiryOf,
  type HoldDecision,
  type RetentionFacts,
} from './expiry.js';
