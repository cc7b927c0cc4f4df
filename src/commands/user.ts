import { AccountsFile, BOX_ROLES, passwordProblem } from '../core/auth/index.js';
import { checkNewAccount } from '../core/auth/accounts-format.js';
import { systemClock } from '../core/clock.js';
import { loadConfig } from '../core/config/index.js';
import { TalError } from '../core/errors.js';
import { parse, required } from './args.js';
import { askSecret, requireTerminal } from './ask-secret.js';

const ROLES = BOX_ROLES.join('|');
const usage =
  `tallennin user add --config FILE --name NAME --role ${ROLES} | ` +
  'tallennin user list --config FILE | tallennin user remove --config FILE --name NAME | tallennin user passwd --config FILE --name NAME';
const ENV = 'TALLENNIN_USER_PASSWORD';

/** `user`: the personal accounts of the box's status page, in the file named by status.users. */
export async function user(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const run = sub === undefined ? undefined : subcommands[sub];
  if (!run) throw new TalError('TAL_USAGE', `unknown user command ${sub ?? '(none)'}\nusage: ${usage}`);
  await run(rest);
}

const subcommands: Record<string, (argv: string[]) => Promise<void>> = {
  async add(argv) {
    const a = parse(argv, { config: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' } }, usage);
    const accounts = await accountsOf(required(a.config, '--config', usage));
    const name = required(a.name, '--name', usage);
    const role = required(a.role, '--role', usage);
    // Everything that can be refused without the password is refused before it is typed.
    checkNewAccount(name, role, BOX_ROLES);
    if (await accounts.find(name)) throw new TalError('TAL_ACCOUNT_INVALID', `an account named "${name}" exists already in ${accounts.path}`);
    await accounts.add(name, role, await newPassword(name));
    process.stdout.write(`added ${role} "${name}" to ${accounts.path}\n`);
  },

  async list(argv) {
    const a = parse(argv, { config: { type: 'string' } }, usage);
    const accounts = await accountsOf(required(a.config, '--config', usage));
    const all = await accounts.list();
    if (await accounts.insecureMode()) {
      process.stderr.write(`warning: ${accounts.path} can be read by others than its owner; chmod 600 it\n`);
    }
    if (all.length === 0) {
      process.stdout.write(`no accounts in ${accounts.path}\n`);
      return;
    }
    const width = Math.max(...all.map((x) => x.name.length));
    for (const x of all) process.stdout.write(`${x.name.padEnd(width)}  ${x.role.padEnd(10)}  created ${new Date(x.created).toISOString()}\n`);
  },

  async remove(argv) {
    const a = parse(argv, { config: { type: 'string' }, name: { type: 'string' } }, usage);
    const accounts = await accountsOf(required(a.config, '--config', usage));
    const name = required(a.name, '--name', usage);
    if (!(await accounts.remove(name))) throw notFound(name, accounts);
    process.stdout.write(`removed "${name}" from ${accounts.path}\n`);
  },

  async passwd(argv) {
    const a = parse(argv, { config: { type: 'string' }, name: { type: 'string' } }, usage);
    const accounts = await accountsOf(required(a.config, '--config', usage));
    const name = required(a.name, '--name', usage);
    if (!(await accounts.find(name))) throw notFound(name, accounts);
    await accounts.setPassword(name, await newPassword(name));
    process.stdout.write(`changed the password of "${name}" in ${accounts.path}\n`);
  },
};

async function accountsOf(configFile: string): Promise<AccountsFile> {
  const config = await loadConfig(configFile);
  return new AccountsFile(config.status.users, { roles: BOX_ROLES, clock: systemClock });
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

function notFound(name: string, accounts: AccountsFile): TalError {
  return new TalError('TAL_ACCOUNT_NOT_FOUND', `no account named ${JSON.stringify(name)} in ${accounts.path}`);
}
