// The accounts file: JSON `{ "v": 1, "accounts": [{ name, role, hash, created, changed }] }`;
// the console's accounts may also have `sites` and `totp` (account-extras.ts).
// Read strictly: a technician edits it by hand only in an emergency, and a mistake must be
// named, not half-understood. No message ever quotes a hash or a TOTP secret.
import { TalError } from '../errors.js';
import { describeValue, NAME_PATTERN, say } from '../config/messages.js';
import { parseHash } from './hash-format.js';
import { accountKeys, sitesProblems, totpProblem, type AccountExtras, type AccountRules } from './account-extras.js';

export type { AccountExtras, AccountRules } from './account-extras.js';

export interface Account {
  name: string;
  role: string;
  /** the sites a supervisor may see (console only) */
  sites?: string[];
  /** the TOTP secret in base32 (console only) */
  totp?: string;
  hash: string;
  /** ms since the epoch */
  created: number;
  changed: number;
}

const VERSION = 1;
const FILE_KEYS = ['v', 'accounts'];

/** Why `name` cannot be an account name, or undefined. */
export function nameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return `must be text, not ${describeValue(name)}`;
  return NAME_PATTERN.test(name) ? undefined : say.badName(name, 'it is what the person types to log in');
}

export function roleProblem(role: unknown, roles: readonly string[], what = 'a role on this box'): string | undefined {
  if (typeof role !== 'string') return `must be text, not ${describeValue(role)}`;
  return roles.includes(role) ? undefined : say.notAWord(role, what, roles);
}

/** TAL_ACCOUNT_INVALID naming the name, the role, the sites or the TOTP secret when one cannot make a new account. */
export function checkNewAccount(name: string, role: string, rules: AccountRules, extra: AccountExtras = {}): void {
  checkNameAndRole(name, role, rules);
  checkSites(name, role, extra.sites, rules);
  if (extra.totp !== undefined) checkTotp(name, extra.totp, rules);
}

/** TAL_ACCOUNT_INVALID naming the name or the role when either cannot make a new account. */
export function checkNameAndRole(name: string, role: string, rules: AccountRules): void {
  const badName = nameProblem(name);
  if (badName) throw new TalError('TAL_ACCOUNT_INVALID', `account name ${badName}`);
  const badRole = roleProblem(role, rules.roles, rules.roleWhat);
  if (badRole) throw new TalError('TAL_ACCOUNT_INVALID', `role of "${name}": ${badRole}`);
}

/** TAL_ACCOUNT_INVALID when `sites` cannot be the sites of an account of `role`. */
export function checkSites(name: string, role: string, sites: unknown, rules: AccountRules): void {
  const problems = sitesProblems(sites, role, rules);
  if (problems.length > 0) throw new TalError('TAL_ACCOUNT_INVALID', `sites of "${name}": ${problems.map(([at, p]) => `${at ? `${at} ` : ''}${p}`).join('; ')}`);
}

/** TAL_ACCOUNT_INVALID when the file holds no TOTP secrets or `totp` is not one; never quotes it. */
export function checkTotp(name: string, totp: unknown, rules: AccountRules): void {
  if (!rules.totp) throw new TalError('TAL_ACCOUNT_INVALID', `TOTP secret of "${name}": accounts here have no TOTP secret`);
  const bad = totpProblem(totp);
  if (bad) throw new TalError('TAL_ACCOUNT_INVALID', `TOTP secret of "${name}" ${bad}`);
}

export function serializeAccounts(accounts: readonly Account[]): string {
  const rows = accounts.map(({ name, role, sites, totp, hash, created, changed }) => ({
    name,
    role,
    ...(sites === undefined ? {} : { sites }),
    ...(totp === undefined ? {} : { totp }),
    hash,
    created,
    changed,
  }));
  return `${JSON.stringify({ v: VERSION, accounts: rows }, null, 2)}\n`;
}

/** The accounts in `text`; TalError TAL_ACCOUNT_INVALID naming the file and every problem. */
export function parseAccounts(text: string, file: string, rules: AccountRules): Account[] {
  const keys = accountKeys(rules);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw invalid(file, [`is not valid JSON (${jsonReason(err, text)})`]);
  }
  const problems: string[] = [];
  if (!isObject(data)) throw invalid(file, [`must hold { "v": ${VERSION}, "accounts": [...] }, not ${describeValue(data)}`]);
  for (const key of Object.keys(data)) if (!FILE_KEYS.includes(key)) problems.push(`${JSON.stringify(key)}: unknown key; the keys are v and accounts`);
  if (data['v'] !== VERSION) problems.push(`v: must be ${VERSION} (the format this build reads), not ${describeValue(data['v'])}`);
  const list = data['accounts'];
  if (!Array.isArray(list)) problems.push(`accounts: must be a list of accounts, not ${describeValue(list)}`);
  const accounts: Account[] = [];
  const seen = new Map<string, number>();
  for (const [i, entry] of (Array.isArray(list) ? list : []).entries()) {
    const at = `accounts[${i}]`;
    if (!isObject(entry)) {
      problems.push(`${at}: must be an account { name, role, hash, created, changed }, not ${describeValue(entry)}`);
      continue;
    }
    const before = problems.length;
    for (const key of Object.keys(entry)) if (!keys.includes(key)) problems.push(`${at}.${key}: unknown key; an account has ${keys.join(', ')}`);
    const { name, role, sites, totp, hash, created, changed } = entry;
    const bad = nameProblem(name);
    if (bad) problems.push(`${at}.name: ${bad}`);
    else if (seen.has(name as string)) problems.push(`${at}.name: ${JSON.stringify(name)} is already the name of accounts[${seen.get(name as string)}]`);
    else seen.set(name as string, i);
    const badRole = roleProblem(role, rules.roles, rules.roleWhat);
    if (badRole) problems.push(`${at}.role: ${badRole}`);
    // Unknown keys are reported above; the role decides whether sites belong.
    if (!badRole && keys.includes('sites')) for (const [where, p] of sitesProblems(sites, role as string, rules)) problems.push(`${at}.sites${where}: ${p}`);
    const badTotp = keys.includes('totp') ? totpProblem(totp) : undefined;
    if (badTotp) problems.push(`${at}.totp: ${badTotp}`);
    if (!parseHash(hash)) problems.push(`${at}.hash: is not a password hash this build can check (scrypt$N$r$p$salt$hash)`);
    for (const [field, value] of [['created', created], ['changed', changed]] as const) {
      if (!Number.isSafeInteger(value) || (value as number) < 0) problems.push(`${at}.${field}: must be a time in ms since 1970 (a whole number), not ${describeValue(value)}`);
    }
    if (problems.length === before) {
      accounts.push({ name, role, ...(sites === undefined ? {} : { sites: [...(sites as string[])] }), ...(totp === undefined ? {} : { totp }), hash, created, changed } as Account);
    }
  }
  if (problems.length > 0) throw invalid(file, problems);
  return accounts;
}

function invalid(file: string, problems: readonly string[]): TalError {
  const body = problems.length === 1 ? ` ${problems[0]}` : `\n${problems.map((p) => `  ${p}`).join('\n')}`;
  return new TalError('TAL_ACCOUNT_INVALID', `accounts file ${file}:${body}`);
}

// V8's own message may quote the text around the error, hashes included: say where, not what.
function jsonReason(err: unknown, text: string): string {
  const message = err instanceof Error ? err.message : '';
  if (text.trim() === '') return 'the file is empty';
  if (/end of JSON input/.test(message)) return 'it ends too early';
  const at = /at position (\d+)/.exec(message);
  if (!at) return 'a syntax error';
  if (Number(at[1]) >= text.trimEnd().length) return 'it ends too early';
  const before = text.slice(0, Number(at[1])).split('\n');
  return `a syntax error at line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
