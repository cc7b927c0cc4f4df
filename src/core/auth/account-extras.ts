// The fields only the console's accounts have (issue 8): the sites a supervisor may see, and
// a TOTP secret. A box's accounts have neither, and its files keep refusing both keys.
import { describeValue, NAME_PATTERN, orList, say } from '../config/messages.js';
import { isTotpSecret } from './totp.js';

/** What an accounts file may hold. */
export interface AccountRules {
  roles: readonly string[];
  /** how a message names these roles: "a role on this box" unless given */
  roleWhat?: string;
  /** Roles limited to the sites listed on the account: required for them, refused for others. None on a box. */
  siteRoles?: readonly string[];
  /** Whether an account may hold a TOTP secret. Not on a box. */
  totp?: boolean;
}

export interface AccountExtras {
  sites?: string[];
  totp?: string;
}

/** The account keys a file under these rules may hold, in the order they are written. */
export function accountKeys(rules: AccountRules): string[] {
  return ['name', 'role', ...(hasSites(rules) ? ['sites'] : []), ...(rules.totp ? ['totp'] : []), 'hash', 'created', 'changed'];
}

/**
 * Problems of an account's sites for its role, each as [where under "sites", what]. `role` must
 * already be one of the rules' roles. A role limited to sites without any would see every site.
 */
export function sitesProblems(sites: unknown, role: string, rules: AccountRules): [string, string][] {
  const limited = rules.siteRoles?.includes(role) ?? false;
  if (sites === undefined) return limited ? [['', `missing: the ${role} role sees only the sites listed here, so at least one is needed`]] : [];
  if (!hasSites(rules)) return [['', 'accounts here have no sites']];
  if (!limited) return [['', `the ${role} role has no sites (only ${orList(rules.siteRoles!).replaceAll('"', '')} is limited to sites)`]];
  if (!Array.isArray(sites)) return [['', `must be a list of site ids, not ${describeValue(sites)}`]];
  if (sites.length === 0) return [['', say.emptyList('site id')]];
  const problems: [string, string][] = [];
  const seen = new Set<string>();
  for (const [i, site] of sites.entries()) {
    if (typeof site !== 'string') problems.push([`[${i}]`, `must be a site id, not ${describeValue(site)}`]);
    else if (!NAME_PATTERN.test(site)) problems.push([`[${i}]`, say.badName(site, 'it is a site id')]);
    else if (seen.has(site)) problems.push([`[${i}]`, `${JSON.stringify(site)} is listed twice`]);
    else seen.add(site);
  }
  return problems;
}

/** Why `totp` cannot be an account's TOTP secret, or undefined. Never quotes the value: it is a secret. */
export function totpProblem(totp: unknown): string | undefined {
  if (totp === undefined || isTotpSecret(totp)) return undefined;
  return 'is not a TOTP secret this build can use (base32: A–Z and 2–7, 26 to 128 characters, no padding)';
}

function hasSites(rules: AccountRules): boolean {
  return (rules.siteRoles?.length ?? 0) > 0;
}
