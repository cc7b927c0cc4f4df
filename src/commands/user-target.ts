// Which accounts `tallennin user …` works on: a box's status page (--config) or the central
// console (--indexer-config). Exactly one: guessing would put an account where nobody meant it.
import { loadIndexerConfig } from '../central/config.js';
import { AccountsFile, BOX_ROLES, CONSOLE_ACCOUNT_RULES, type AccountRules } from '../core/auth/index.js';
import { systemClock } from '../core/clock.js';
import { loadConfig } from '../core/config/index.js';
import { TalError } from '../core/errors.js';

export const WHERE = { config: { type: 'string' }, 'indexer-config': { type: 'string' } } as const;

export interface UserTarget {
  accounts: AccountsFile;
  rules: AccountRules;
  /** true for the central console's accounts */
  console: boolean;
  /** roles given a TOTP secret when added (console.totpRoles); none on a box */
  totpRoles: readonly string[];
}

export async function targetOf(a: { config?: string | undefined; 'indexer-config'?: string | undefined }, usage: string): Promise<UserTarget> {
  const box = a.config || undefined;
  const central = a['indexer-config'] || undefined;
  if (box && central) {
    throw new TalError('TAL_USAGE', `give --config (a box's status-page accounts) or --indexer-config (the console's accounts), not both\nusage: ${usage}`);
  }
  if (central) {
    const c = await loadIndexerConfig(central);
    const rules = CONSOLE_ACCOUNT_RULES;
    return { accounts: new AccountsFile(c.console.users, { ...rules, clock: systemClock }), rules, console: true, totpRoles: c.console.totpRoles };
  }
  if (!box) throw new TalError('TAL_USAGE', `--config is required for a box's accounts, or --indexer-config for the console's\nusage: ${usage}`);
  const rules = { roles: BOX_ROLES };
  return { accounts: new AccountsFile((await loadConfig(box)).status.users, { ...rules, clock: systemClock }), rules, console: false, totpRoles: [] };
}

/** TAL_USAGE unless the target is the console: TOTP and sites are the console's. */
export function consoleOnly(target: UserTarget, what: string, usage: string): void {
  if (!target.console) throw new TalError('TAL_USAGE', `${what} is for console accounts: use --indexer-config\nusage: ${usage}`);
}
