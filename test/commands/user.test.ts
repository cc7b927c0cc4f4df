// `tallennin user …` through the real CLI: the status page's and the console's accounts, with no default
// account and no default password.
import t, { type Test } from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Secret, TOTP, URI } from 'otpauth';
import { boxFixture, CLI, cli, type BoxFixture } from '../helpers/box-fixture.js';
import { centralKeys, indexerConfig } from '../helpers/central.js';
import { systemClock } from '../../src/core/clock.js';
import { TotpVerifier, verifyPassword } from '../../src/core/auth/index.js';

// Some sixty CLI starts, each about a second under tap on a busy two-core machine.
t.setTimeout(240_000);

const PW = 'kahvi-Mukissa-7-lusikkaa';
const PW2 = 'toinen-Kuppi-teetä-8';

function box(t: Test): BoxFixture & { users: string } {
  const dir = t.testdir({});
  const f = boxFixture({ infile: join(dir, 'unused.raw'), channels: 1, dir });
  delete f.env['TALLENNIN_USER_PASSWORD'];
  return { ...f, users: join(dir, 'users.json') };
}

// Cases that change nothing run side by side.
function cliAsync(f: BoxFixture, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: f.env, cwd: f.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

const withPassword = (f: BoxFixture, password: string) => ({ ...f, env: { ...f.env, TALLENNIN_USER_PASSWORD: password } });
const accountsIn = (f: { users: string }) =>
  (JSON.parse(readFileSync(f.users, 'utf8')) as { accounts: { name: string; role: string; hash: string }[] }).accounts;

t.test('add with the password from the environment, list without hashes, passwd, remove', async (t) => {
  const f = box(t);
  t.match(cli(f, ['user', 'list', '--config', f.config]), { status: 0, stdout: `no accounts in ${f.users}\n` }, 'no default account');

  const add = cli(withPassword(f, PW), ['user', 'add', '--config', f.config, '--name', 'matti', '--role', 'technician']);
  t.match(add, { status: 0, stdout: `added technician "matti" to ${f.users}\n`, stderr: '' });
  t.equal(statSync(f.users).mode & 0o777, 0o600, 'the accounts file is 0600');
  t.same(readdirSync(f.dir).filter((n) => n.includes('users')), ['users.json'], 'no temp file left');
  t.ok(await verifyPassword(PW, accountsIn(f)[0]!.hash));
  t.equal(cli(withPassword(f, PW2), ['user', 'add', '--config', f.config, '--name', 'tiina', '--role', 'site-staff']).status, 0);

  const list = cli(f, ['user', 'list', '--config', f.config]);
  t.equal(list.status, 0);
  t.match(list.stdout, /^matti  technician  created \d{4}-\d\d-\d\dT[\d:.]+Z\ntiina  site-staff  created /);
  t.notMatch(list.stdout, /scrypt|\$/, 'no hash is shown');

  const passwd = cli(withPassword(f, PW2), ['user', 'passwd', '--config', f.config, '--name', 'matti']);
  t.match(passwd, { status: 0, stdout: `changed the password of "matti" in ${f.users}\n` });
  t.ok(await verifyPassword(PW2, accountsIn(f)[0]!.hash), 'the new password verifies');

  t.match(cli(f, ['user', 'remove', '--config', f.config, '--name', 'matti']), { status: 0, stdout: `removed "matti" from ${f.users}\n` });
  t.same(accountsIn(f).map((a) => a.name), ['tiina']);
  t.equal(statSync(f.users).mode & 0o777, 0o600, 'still 0600 after every change');
});

t.test('refusals: each names what was wrong, exits 1, and changes nothing', async (t) => {
  const f = box(t);
  t.equal(cli(withPassword(f, PW), ['user', 'add', '--config', f.config, '--name', 'matti', '--role', 'technician']).status, 0);
  const before = readFileSync(f.users, 'utf8');
  const cases: [string, string[], string, RegExp][] = [
    ['a weak password', ['add', '--name', 'tiina', '--role', 'site-staff'], 'Salasana123!', /password for "tiina" refused: it is a well-known weak password.*\[TAL_ACCOUNT_INVALID\]/],
    ['a duplicate', ['add', '--name', 'matti', '--role', 'site-staff'], PW2, /an account named "matti" exists already in .*users\.json \[TAL_ACCOUNT_INVALID\]/],
    ['a bad name', ['add', '--name', 'Tiina', '--role', 'site-staff'], PW2, /account name "Tiina" is not allowed.*did you mean "tiina"/],
    ['a bad role', ['add', '--name', 'tiina', '--role', 'admin'], PW2, /role of "tiina": "admin" is not a role on this box; use technician or site-staff/],
    ['passwd of nobody', ['passwd', '--name', 'nobody'], PW2, /no account named "nobody" in .*users\.json \[TAL_ACCOUNT_NOT_FOUND\]/],
    ['remove nobody', ['remove', '--name', 'nobody'], PW2, /no account named "nobody" in .*users\.json \[TAL_ACCOUNT_NOT_FOUND\]/],
    ['a weak new password', ['passwd', '--name', 'matti'], 'aaaaaaaaaaaaaa', /password for "matti" refused: it is one character repeated/],
  ];
  const runs = await Promise.all(cases.map(([, [sub, ...rest], password]) => cliAsync(withPassword(f, password), ['user', sub!, '--config', f.config, ...rest])));
  for (const [i, [what, , password, says]] of cases.entries()) {
    const r = runs[i]!;
    t.equal(r.status, 1, `${what}: exit 1`);
    t.match(r.stderr, says, what);
    t.notOk(r.stderr.includes(password), `${what}: the password is not echoed`);
  }
  t.equal(readFileSync(f.users, 'utf8'), before, 'the file is unchanged');
});

t.test('usage errors exit 2; other errors 1', async (t) => {
  const f = box(t);
  const cases: [string[], number, RegExp][] = [
    [['user', 'rename'], 2, /unknown user command rename.*\nusage: .*TAL_USAGE/s],
    [['user', 'add', '--config', f.config, '--role', 'technician'], 2, /--name is required.*TAL_USAGE/s],
    [['user', 'list'], 2, /--config is required.*TAL_USAGE/s],
    [['user', 'list', '--config', f.config, '--json'], 2, /Unknown option '--json'.*TAL_USAGE/s],
    [['user', 'add', '--config', f.config, '--name', 'matti', '--role', 'technician'], 2, /no password: set TALLENNIN_USER_PASSWORD or run on a terminal to be asked \[TAL_USAGE\]/],
    [['user', 'list', '--config', join(f.dir, 'nope.yaml')], 1, /nope\.yaml.*TAL_CONFIG_UNREADABLE/],
    [['help'], 0, /user add --config FILE --name NAME --role technician\|site-staff/],
  ];
  const runs = await Promise.all(cases.map(([args]) => cliAsync(f, args)));
  for (const [i, [args, status, says]] of cases.entries()) {
    t.equal(runs[i]!.status, status, args.join(' '));
    t.match(runs[i]!.stderr, says);
  }
  t.notOk(existsSync(f.users), 'no account was made without a password');
});

t.test('a broken accounts file is named, without hashes', async (t) => {
  const f = box(t);
  t.equal(cli(withPassword(f, PW), ['user', 'add', '--config', f.config, '--name', 'matti', '--role', 'technician']).status, 0);
  const text = readFileSync(f.users, 'utf8').replace('"technician"', '"janitor"');
  writeFileSync(f.users, text);
  const r = cli(f, ['user', 'list', '--config', f.config]);
  t.equal(r.status, 1);
  t.match(r.stderr, /accounts file .*users\.json: accounts\[0\]\.role: "janitor" is not a role on this box.*\[TAL_ACCOUNT_INVALID\]/);
  t.notMatch(r.stderr, /scrypt\$\d/);
  writeFileSync(f.users, text.replace('"janitor"', '"technician"'));
  chmodSync(f.users, 0o644);
  const loose = cli(f, ['user', 'list', '--config', f.config]);
  t.equal(loose.status, 0);
  t.match(loose.stderr, /warning: .*users\.json can be read by others than its owner; chmod 600 it/);
});

// On a terminal: asked twice without echo; a mismatch or a weak first answer is refused.
const hasScript = spawnSync('script', ['--version']).status === 0;

function onTerminal(f: BoxFixture, args: string[], answers: string[]): Promise<{ status: number | null; output: string }> {
  const command = [process.execPath, CLI, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const child = spawn('script', ['-qefc', command, '/dev/null'], { cwd: f.dir, env: f.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let asked = 0;
  child.stdout.on('data', (d: Buffer) => {
    output += d.toString();
    // Answer each prompt once it has been shown.
    const prompts = output.match(/password for "[^"]+": |the same password again: /g)?.length ?? 0;
    while (asked < prompts && asked < answers.length) child.stdin.write(`${answers[asked++]}\r`);
  });
  // A prompt that never comes must fail the test, not hang it.
  const timer = setTimeout(() => child.kill(), 20_000);
  return new Promise((resolve) =>
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    }),
  );
}

t.test('on a terminal: asked twice without echo; a mismatch is refused', { skip: hasScript ? false : 'no script(1) for a pseudo-terminal' }, async (t) => {
  const f = box(t);
  const args = ['user', 'add', '--config', f.config, '--name', 'matti', '--role', 'technician'];
  const ok = await onTerminal(f, args, [PW, PW]);
  t.equal(ok.status, 0, ok.output);
  t.match(ok.output, /new password for "matti": [\s\S]*the same password again: [\s\S]*added technician "matti"/);
  t.notOk(ok.output.includes(PW), 'the password is not echoed');
  t.ok(await verifyPassword(PW, accountsIn(f)[0]!.hash));

  const passwd = ['user', 'passwd', '--config', f.config, '--name', 'matti'];
  const mismatch = await onTerminal(f, passwd, [PW2, `${PW2}x`]);
  t.equal(mismatch.status, 1);
  t.match(mismatch.output, /the two passwords differ; nothing was changed/);
  const weak = await onTerminal(f, passwd, ['Salasana2024!']);
  t.equal(weak.status, 1);
  t.match(weak.output, /refused: it is a well-known weak password/, 'refused before it is typed a second time');
  t.notMatch(weak.output, /the same password again/);
  t.ok(await verifyPassword(PW, accountsIn(f)[0]!.hash), 'the password is unchanged');
});

// The central console's accounts (issue 8): `--indexer-config` instead of `--config`.
// Trainers are left out of totpRoles here, to see both an account with TOTP and one without.
function central(t: Test): BoxFixture & { users: string; indexer: string } {
  const f = box(t);
  const keys = centralKeys(join(f.dir, 'keys'));
  const extra = 'console:\n  users: console-users.json\n  totpRoles: [supervisor, privacy-officer, admin]\n';
  const indexer = indexerConfig(f.dir, keys, { url: 'mqtt://127.0.0.1:1883', extra });
  return { ...f, indexer, users: join(f.dir, 'console-users.json') };
}

type ConsoleAccount = { name: string; role: string; sites?: string[]; totp?: string; hash: string };
const consoleAccounts = (f: { users: string }) => accountsIn(f) as ConsoleAccount[];

/** The URI and secret an `add` or `totp` printed for enrolment. */
function enrolment(t: Test, stdout: string, name: string): { uri: string; secret: string } {
  t.match(stdout, new RegExp(`add this TOTP secret for "${name}" to an authenticator app now: the console asks for its 6-digit code at every login, and it is not shown again\\n`));
  const uri = /^ {2}(otpauth:\/\/\S+)$/m.exec(stdout)?.[1] ?? '';
  const secret = /^ {2}secret: ([A-Z2-7]+)$/m.exec(stdout)?.[1] ?? '';
  return { uri, secret };
}

t.test('console accounts: add with TOTP, list without secrets, totp, sites, passwd, remove', async (t) => {
  const f = central(t);
  const at = ['--indexer-config', f.indexer];
  t.match(cli(f, ['user', 'list', ...at]), { status: 0, stdout: `no accounts in ${f.users}\n` }, 'no default account');

  const add = cli(withPassword(f, PW), ['user', 'add', ...at, '--name', 'matti', '--role', 'supervisor', '--sites', 'turku,pori']);
  t.equal(add.status, 0, add.stderr);
  t.match(add.stdout, new RegExp(`^added supervisor "matti" for sites turku, pori to ${f.users}\\n`));
  t.equal(statSync(f.users).mode & 0o777, 0o600, 'the accounts file is 0600');
  const { uri, secret } = enrolment(t, add.stdout, 'matti');
  const stored = consoleAccounts(f)[0]!;
  t.match(stored, { name: 'matti', role: 'supervisor', sites: ['turku', 'pori'], totp: secret });
  t.ok(await verifyPassword(PW, stored.hash));

  // What an authenticator app does with the URI: its code for now verifies against the stored secret.
  const app = URI.parse(uri) as TOTP;
  t.match(app, { issuer: 'tallennin', label: 'matti', algorithm: 'SHA1', digits: 6, period: 30 });
  t.equal(app.secret.base32, secret);
  t.ok(new TotpVerifier(systemClock).verify('matti', stored.totp!, app.generate()), 'the app\'s code verifies');

  const trainer = cli(withPassword(f, PW2), ['user', 'add', ...at, '--name', 'pekka', '--role', 'trainer']);
  t.match(trainer, { status: 0, stdout: `added trainer "pekka" to ${f.users}\n` }, 'no TOTP for a role not in totpRoles');
  const admin = cli(withPassword(f, PW2), ['user', 'add', ...at, '--name', 'tiina', '--role', 'admin']);
  t.equal(admin.status, 0, admin.stderr);
  t.not(enrolment(t, admin.stdout, 'tiina').secret, secret, 'each account its own secret');

  const list = cli(f, ['user', 'list', ...at]);
  t.equal(list.status, 0);
  t.match(
    list.stdout,
    /^matti  supervisor       sites turku,pori  totp yes  created \d{4}-\d\d-\d\dT[\d:.]+Z\npekka  trainer          sites -           totp no   created .*\ntiina  admin            sites -           totp yes  created .*\n$/,
  );
  for (const a of consoleAccounts(f)) if (a.totp) t.notOk(list.stdout.includes(a.totp), `no secret of ${a.name} is shown`);
  t.notMatch(list.stdout, /scrypt|\$/, 'no hash is shown');

  const totp = cli(f, ['user', 'totp', ...at, '--name', 'matti']);
  t.equal(totp.status, 0, totp.stderr);
  t.match(totp.stdout, new RegExp(`^issued a new TOTP secret for "matti" in ${f.users}; the previous one no longer works\\n`));
  const fresh = enrolment(t, totp.stdout, 'matti');
  t.not(fresh.secret, secret);
  t.equal(consoleAccounts(f)[0]!.totp, fresh.secret, 'the new secret replaced the old one');
  t.equal(cli(f, ['user', 'totp', ...at, '--name', 'pekka']).status, 0, 'a trainer may have TOTP too');
  t.ok(consoleAccounts(f)[1]!.totp);

  t.match(cli(f, ['user', 'sites', ...at, '--name', 'matti', '--sites', 'vaasa']), { status: 0, stdout: `"matti" now sees sites vaasa (${f.users})\n` });
  t.same(consoleAccounts(f)[0]!.sites, ['vaasa']);

  t.match(cli(withPassword(f, PW2), ['user', 'passwd', ...at, '--name', 'matti']), { status: 0, stdout: `changed the password of "matti" in ${f.users}\n` });
  t.ok(await verifyPassword(PW2, consoleAccounts(f)[0]!.hash));
  t.match(cli(f, ['user', 'remove', ...at, '--name', 'tiina']), { status: 0, stdout: `removed "tiina" from ${f.users}\n` });
  t.same(consoleAccounts(f).map((a) => a.name), ['matti', 'pekka']);
  t.equal(statSync(f.users).mode & 0o777, 0o600, 'still 0600 after every change');
  t.notOk(existsSync(join(f.dir, 'users.json')), 'the box\'s accounts file was not touched');
});

t.test('console refusals: each names what was wrong and changes nothing', async (t) => {
  const f = central(t);
  const at = ['--indexer-config', f.indexer];
  t.equal(cli(withPassword(f, PW), ['user', 'add', ...at, '--name', 'matti', '--role', 'admin']).status, 0);
  const before = readFileSync(f.users, 'utf8');
  const cases: [string, string[], number, RegExp][] = [
    ['a supervisor without sites', ['add', ...at, '--name', 'tiina', '--role', 'supervisor'], 2, /--sites is required for a supervisor: the sites whose recordings they may see.*\nusage: .*\[TAL_USAGE\]/s],
    ['sites for an admin', ['add', ...at, '--name', 'tiina', '--role', 'admin', '--sites', 'turku'], 2, /--sites is only for supervisor accounts; the admin role has no sites.*\[TAL_USAGE\]/s],
    ['sites for a box account', ['add', '--config', f.config, '--name', 'tiina', '--role', 'technician', '--sites', 'turku'], 2, /--sites is for console accounts: use --indexer-config.*\[TAL_USAGE\]/s],
    ['both configs', ['list', '--config', f.config, ...at], 2, /give --config \(a box's status-page accounts\) or --indexer-config \(the console's accounts\), not both.*\[TAL_USAGE\]/s],
    ['both configs on add', ['add', '--config', f.config, ...at, '--name', 'tiina', '--role', 'admin'], 2, /not both.*\[TAL_USAGE\]/s],
    ['neither config', ['remove', '--name', 'matti'], 2, /--config is required for a box's accounts, or --indexer-config for the console's.*\[TAL_USAGE\]/s],
    ['totp on a box', ['totp', '--config', f.config, '--name', 'matti'], 2, /TOTP is for console accounts: use --indexer-config.*\[TAL_USAGE\]/s],
    ['a box role', ['add', ...at, '--name', 'tiina', '--role', 'technician'], 1, /role of "tiina": "technician" is not a console role; use supervisor, trainer, privacy-officer or admin \[TAL_ACCOUNT_INVALID\]/],
    ['a bad site id', ['add', ...at, '--name', 'tiina', '--role', 'supervisor', '--sites', 'turku,Pori'], 1, /sites of "tiina": \[1\] "Pori" is not allowed.*did you mean "pori".*\[TAL_ACCOUNT_INVALID\]/],
    ['an empty site', ['add', ...at, '--name', 'tiina', '--role', 'supervisor', '--sites', 'turku,,pori'], 1, /sites of "tiina": \[1\] "" is not allowed/],
    ['a duplicate', ['add', ...at, '--name', 'matti', '--role', 'admin'], 1, /an account named "matti" exists already in .*console-users\.json \[TAL_ACCOUNT_INVALID\]/],
    ['sites of an admin', ['sites', ...at, '--name', 'matti', '--sites', 'turku'], 1, /sites of "matti": the admin role has no sites \(only supervisor is limited to sites\) \[TAL_ACCOUNT_INVALID\]/],
    ['totp of nobody', ['totp', ...at, '--name', 'nobody'], 1, /no account named "nobody" in .*console-users\.json \[TAL_ACCOUNT_NOT_FOUND\]/],
    ['sites of nobody', ['sites', ...at, '--name', 'nobody', '--sites', 'turku'], 1, /no account named "nobody" .*\[TAL_ACCOUNT_NOT_FOUND\]/],
    ['a broken indexer config', ['list', '--indexer-config', join(f.dir, 'nope.yaml')], 1, /nope\.yaml.*TAL_CONFIG_UNREADABLE/],
  ];
  const runs = await Promise.all(cases.map(([, args]) => cliAsync(withPassword(f, PW2), ['user', ...args])));
  for (const [i, [what, , status, says]] of cases.entries()) {
    t.equal(runs[i]!.status, status, `${what}: exit ${status}`);
    t.match(runs[i]!.stderr, says, what);
    t.equal(runs[i]!.stdout, '', `${what}: nothing printed, no secret issued`);
  }
  t.equal(readFileSync(f.users, 'utf8'), before, 'the file is unchanged');
  t.notOk(existsSync(join(f.dir, 'users.json')), 'no box account was made');
});
