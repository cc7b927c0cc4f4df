import { BOX_ROLES, CONSOLE_ROLES, newTotpSecret, passwordProblem, totpUri, type Account } from '../core/auth/index.js';
import { checkNameAndRole, checkNewAccount } from '../core/auth/accounts-format.js';
import { TalError } from '../core/errors.js';
import { parse, required } from './args.js';
import { askSecret, requireTerminal } from './ask-secret.js';
import { consoleOnly, targetOf, WHERE, type UserTarget } from './user-target.js';

const usage =
  `tallennin user add --config FILE --name NAME --role ${BOX_ROLES.join('|')} | ` +
  `tallennin user add --indexer-config FILE --name NAME --role ${CONSOLE_ROLES.join('|')} [--sites A,B] | ` +
  'tallennin user list|remove|passwd (--config FILE | --indexer-config FILE) [--name NAME] | ' +
  'tallennin user totp --indexer-config FILE --name NAME | tallennin user sites --indexer-config FILE --name NAME --sites A,B';
const ENV = 'TALLENNIN_USER_PASSWORD';

/** `user`: personal accounts of a box's status page (--config) or of the central console (--indexer-config). */
export async function user(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const run = sub === undefined ? undefined : subcommands[sub];
  if (!run) throw new TalError('TAL_USAGE', `unknown user command ${sub ?? '(none)'}\nusage: ${usage}`);
  await run(rest);
}

const NAME = { name: { type: 'string' } } as const;
const SITES = { sites: { type: 'string' } } as const;

const subcommands: Record<string, (argv: string[]) => Promise<void>> = {
  async add(argv) {
    const a = parse(argv, { ...WHERE, ...NAME, ...SITES, role: { type: 'string' } }, usage);
    const target = await targetOf(a, usage);
    const { accounts, rules } = target;
    const name = required(a.name, '--name', usage);
    const role = required(a.role, '--role', usage);
    // Everything that can be refused without the password is refused before it is typed.
    checkNameAndRole(name, role, rules);
    const sites = sitesFlag(target, role, a.sites);
    const totp = target.totpRoles.includes(role) ? newTotpSecret() : undefined;
    checkNewAccount(name, role, rules, { sites, totp });
    if (await accounts.find(name)) throw new TalError('TAL_ACCOUNT_INVALID', `an account named "${name}" exists already in ${accounts.path}`);
    await accounts.add(name, role, await newPassword(name), { sites, totp });
    process.stdout.write(`added ${role} "${name}"${sites ? ` for sites ${sites.join(', ')}` : ''} to ${accounts.path}\n`);
    if (totp) enrol(name, totp);
  },

  async list(argv) {
    const a = parse(argv, WHERE, usage);
    const { accounts, console } = await targetOf(a, usage);
    const all = await accounts.list();
    if (await accounts.insecureMode()) {
      process.stderr.write(`warning: ${accounts.path} can be read by others than its owner; chmod 600 it\n`);
    }
    if (all.length === 0) {
      process.stdout.write(`no accounts in ${accounts.path}\n`);
      return;
    }
    const rows = console ? consoleRows(all) : boxRows(all);
    for (const [i, x] of all.entries()) process.stdout.write(`${rows[i]}  created ${new Date(x.created).toISOString()}\n`);
  },

  async remove(argv) {
    const a = parse(argv, { ...WHERE, ...NAME }, usage);
    const { accounts } = await targetOf(a, usage);
    const name = required(a.name, '--name', usage);
    if (!(await accounts.remove(name))) throw notFound(name, accounts.path);
    process.stdout.write(`removed "${name}" from ${accounts.path}\n`);
  },

  async passwd(argv) {
    const a = parse(argv, { ...WHERE, ...NAME }, usage);
    const { accounts } = await targetOf(a, usage);
    const name = required(a.name, '--name', usage);
    if (!(await accounts.find(name))) throw notFound(name, accounts.path);
    await accounts.setPassword(name, await newPassword(name));
    process.stdout.write(`changed the password of "${name}" in ${accounts.path}\n`);
  },

  // A lost or new phone: the old secret stops working the moment the new one is stored.
  async totp(argv) {
    const a = parse(argv, { ...WHERE, ...NAME }, usage);
    const target = await targetOf(a, usage);
    consoleOnly(target, 'TOTP', usage);
    const name = required(a.name, '--name', usage);
    if (!(await target.accounts.find(name))) throw notFound(name, target.accounts.path);
    const secret = newTotpSecret();
    await target.accounts.setTotp(name, secret);
    process.stdout.write(`issued a new TOTP secret for "${name}" in ${target.accounts.path}; the previous one no longer works\n`);
    enrol(name, secret);
  },

  async sites(argv) {
    const a = parse(argv, { ...WHERE, ...NAME, ...SITES }, usage);
    const target = await targetOf(a, usage);
    consoleOnly(target, '--sites', usage);
    const name = required(a.name, '--name', usage);
    const sites = splitSites(required(a.sites, '--sites', usage));
    await target.accounts.setSites(name, sites);
    process.stdout.write(`"${name}" now sees sites ${sites.join(', ')} (${target.accounts.path})\n`);
  },
};

// A supervisor without sites would see every site: "own sites" needs them named.
function sitesFlag(target: UserTarget, role: string, flag: string | undefined): string[] | undefined {
  if (!target.console) {
    if (flag !== undefined) consoleOnly(target, '--sites', usage);
    return undefined;
  }
  const limited = target.rules.siteRoles?.includes(role) ?? false;
  if (limited && flag === undefined) throw new TalError('TAL_USAGE', `--sites is required for a ${role}: the sites whose recordings they may see\nusage: ${usage}`);
  if (!limited && flag !== undefined) {
    throw new TalError('TAL_USAGE', `--sites is only for ${target.rules.siteRoles?.join(' or ')} accounts; the ${role} role has no sites\nusage: ${usage}`);
  }
  return flag === undefined ? undefined : splitSites(flag);
}

// Empty parts ("a,,b") are kept so that the account check names them.
function splitSites(flag: string): string[] {
  return flag.split(',').map((s) => s.trim());
}

// Printed once: the file keeps the secret, but no command shows it again.
function enrol(name: string, secret: string): void {
  process.stdout.write(
    `add this TOTP secret for "${name}" to an authenticator app now: the console asks for its 6-digit code at every login, and it is not shown again\n` +
      `  ${totpUri(secret, name)}\n` +
      `  secret: ${secret}\n`,
  );
}

function boxRows(all: readonly Account[]): string[] {
  const width = Math.max(...all.map((x) => x.name.length));
  return all.map((x) => `${x.name.padEnd(width)}  ${x.role.padEnd(10)}`);
}

// Never the secret: only whether one is set.
function consoleRows(all: readonly Account[]): string[] {
  const sites = all.map((a) => (a.sites ? a.sites.join(',') : '-'));
  const width = Math.max(...all.map((x) => x.name.length));
  const roleWidth = Math.max(...CONSOLE_ROLES.map((r) => r.length));
  const sitesWidth = Math.max(...sites.map((s) => s.length));
  return all.map((x, i) => `${x.name.padEnd(width)}  ${x.role.padEnd(roleWidth)}  sites ${sites[i]!.padEnd(sitesWidth)}  totp ${x.totp ? 'yes' : 'no '}`);
}

// There is no default password: it comes from the environment (scripts) or is typed twice.
async function newPassword(name: string): Promise<string> {
  const fromEnv = process.env[ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  requireTerminal('password', ENV);
  const first = await askSecret(`new password for "${name}": `);
  const problem = passwordProblem(first, name);
  if (problem) throw new TalError('TAL_ACCOUNT_INVALID', `password for "${name}" refused: ${problem}`);
  if ((await askSecret('the same password again: ')) !== first) {
    throw new TalError('TAL_ACCOUNT_INVALID', 'the two passwords differ; nothing was changed');
  }
  return first;
}

function notFound(name: string, path: string): TalError {
  return new TalError('TAL_ACCOUNT_NOT_FOUND', `no account named ${JSON.stringify(name)} in ${path}`);
}
