// Accounts, password hashing, lockout, sessions and TOTP of the box's status page and the central console (R9, issue 8).
export { MIN_PASSWORD_LENGTH, passwordProblem, hashPassword, verifyPassword, verifyNothing } from './password.js';
export { AccountsFile, type Account, type AccountChange } from './accounts-file.js';
export { Lockout, type LockoutOptions } from './lockout.js';
export { Sessions, type Session } from './sessions.js';

/** The roles of a box's status page (DESIGN.md, "People and rights"). */
export const BOX_ROLES = Object.freeze(['technician', 'site-staff'] as const);
export type BoxRole = (typeof BOX_ROLES)[number];

/** The roles of the central console (DESIGN.md, "People and rights"). */
export const CONSOLE_ROLES = Object.freeze(['supervisor', 'trainer', 'privacy-officer', 'admin'] as const);
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

export { newTotpSecret, totpUri, TotpVerifier, isTotpSecret, type TotpVerifierOptions } from './totp.js';
export type { AccountExtras, AccountRules } from './account-extras.js';

/** What the console's accounts file holds: a supervisor is limited to its own sites (DESIGN.md), and any account may have a TOTP secret. */
export const CONSOLE_ACCOUNT_RULES = Object.freeze({ roles: CONSOLE_ROLES, roleWhat: 'a console role', siteRoles: Object.freeze(['supervisor'] as const), totp: true });
