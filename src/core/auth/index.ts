// Accounts, password hashing, lockout and sessions of the box's status page (R9).
export { MIN_PASSWORD_LENGTH, passwordProblem, hashPassword, verifyPassword, verifyNothing } from './password.js';
export { AccountsFile, type Account, type AccountChange } from './accounts-file.js';
export { Lockout, type LockoutOptions } from './lockout.js';
export { Sessions, type Session } from './sessions.js';

/** The roles of a box's status page (DESIGN.md, "People and rights"). */
export const BOX_ROLES = Object.freeze(['technician', 'site-staff'] as const);
export type BoxRole = (typeof BOX_ROLES)[number];
