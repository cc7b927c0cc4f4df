// `tallennin user …` through the real CLI: the status page's accounts, with no default
// account and no default password.
import t, { type Test } from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { boxFixture, CLI, cli, type BoxFixture } from '../helpers/box-fixture.js';
import { verifyPassword } from '../../src/core/auth/index.js';

// Some thirty CLI starts, each about a second under tap on a busy two-core machine.
t.setTimeout(120_000);

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
