import t, { type Test } from 'tap';
import { refused } from '../../helpers/refused.js';
import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../../src/core/clock.js';
import { AccountsFile, BOX_ROLES, hashPassword, verifyPassword, type Account } from '../../../src/core/auth/index.js';

const T0 = Date.UTC(2025, 5, 2, 9, 0);
const PW = 'kahvi-Mukissa-7-lusikkaa';
const PW2 = 'toinen-Kuppi-teetä-8';

function setup(t: Test) {
  const dir = t.testdir({});
  const path = join(dir, 'users.json');
  const clock = new ManualClock(T0);
  return { dir, path, clock, accounts: new AccountsFile(path, { roles: BOX_ROLES, clock }) };
}


t.test('a missing file is no accounts', async (t) => {
  const { accounts } = setup(t);
  t.same(await accounts.list(), []);
  t.equal(await accounts.find('matti'), undefined);
  t.equal(await accounts.insecureMode(), false);
  t.equal(await accounts.remove('matti'), false);
});

t.test('add, find, setPassword, remove', async (t) => {
  const { accounts, clock, path, dir } = setup(t);
  const added = await accounts.add('matti', 'technician', PW);
  t.match(added, { name: 'matti', role: 'technician', created: T0, changed: T0 });
  t.ok(await verifyPassword(PW, added.hash));
  t.same(await accounts.find('matti'), added);
  clock.advance(1000);
  await accounts.add('tiina', 'site-staff', PW2);
  t.same((await accounts.list()).map((a) => a.name), ['matti', 'tiina']);

  clock.advance(1000);
  await accounts.setPassword('matti', PW2);
  const changed = (await accounts.find('matti'))!;
  t.match(changed, { created: T0, changed: T0 + 2000 });
  t.ok(await verifyPassword(PW2, changed.hash), 'the new password verifies');
  t.notOk(await verifyPassword(PW, changed.hash), 'the old one no longer does');

  t.equal(await accounts.remove('matti'), true);
  t.equal(await accounts.find('matti'), undefined);
  t.equal(await accounts.remove('matti'), false, 'removing twice');

  const file = JSON.parse(readFileSync(path, 'utf8')) as { v: number; accounts: Account[] };
  t.equal(file.v, 1);
  t.same(Object.keys(file.accounts[0]!), ['name', 'role', 'hash', 'created', 'changed']);
  t.equal(statSync(path).mode & 0o777, 0o600, 'mode 0600');
  t.same(readdirSync(dir), ['users.json'], 'no temp file left behind');
});

t.test('a listing is a copy: changing it changes nothing stored', async (t) => {
  const { accounts } = setup(t);
  await accounts.add('matti', 'technician', PW);
  const [a] = await accounts.list();
  a!.role = 'site-staff';
  t.equal((await accounts.find('matti'))!.role, 'technician');
});

t.test('refusals name what was wrong, and change nothing', async (t) => {
  const { accounts, path } = setup(t);
  await accounts.add('matti', 'technician', PW);
  const before = readFileSync(path, 'utf8');
  await refused(t, accounts.add('matti', 'site-staff', PW2), 'TAL_ACCOUNT_INVALID', /account named "matti" exists already in .*users\.json/);
  await refused(t, accounts.add('Tiina', 'technician', PW), 'TAL_ACCOUNT_INVALID', /account name "Tiina" is not allowed: use only lowercase .*\(did you mean "tiina"\?\)/);
  await refused(t, accounts.add('-x', 'technician', PW), 'TAL_ACCOUNT_INVALID', /account name "-x" is not allowed/);
  await refused(t, accounts.add('a'.repeat(64), 'technician', PW), 'TAL_ACCOUNT_INVALID', /at most 63 characters/);
  await refused(t, accounts.add('tiina', 'admin', PW), 'TAL_ACCOUNT_INVALID', /role of "tiina": "admin" is not a role on this box; use technician or site-staff/);
  await refused(t, accounts.add('tiina', 'technicain', PW), 'TAL_ACCOUNT_INVALID', /did you mean "technician"/);
  await refused(t, accounts.add('tiina', 'site-staff', 'lyhyt'), 'TAL_ACCOUNT_INVALID', /password for "tiina" refused: it is shorter than 12 characters \(it has 5\)/);
  await refused(t, accounts.add('tiina', 'site-staff', 'tiina-kahvikuppi'), 'TAL_ACCOUNT_INVALID', /password for "tiina" refused: it contains the account name/);
  await refused(t, accounts.setPassword('matti', 'Salasana123!'), 'TAL_ACCOUNT_INVALID', /password for "matti" refused: it is a well-known weak password/);
  await refused(t, accounts.setPassword('nobody', PW), 'TAL_ACCOUNT_NOT_FOUND', /no account named "nobody" in .*users\.json/);
  t.equal(readFileSync(path, 'utf8'), before, 'the file is unchanged');
});

t.test('changes made by another process are seen without a restart', async (t) => {
  const { accounts, path, clock } = setup(t);
  const other = new AccountsFile(path, { roles: BOX_ROLES, clock });
  t.same(await accounts.list(), []);
  await other.add('matti', 'technician', PW);
  t.equal((await accounts.find('matti'))?.role, 'technician', 'added elsewhere');
  const before = await accounts.list();
  await other.setPassword('matti', PW2);
  const after = await accounts.list();
  t.ok(await verifyPassword(PW2, after[0]!.hash), 'a password changed elsewhere');
  t.same(AccountsFile.diff(before, after), [{ name: 'matti', change: 'password' }]);
  await other.remove('matti');
  t.same(await accounts.list(), [], 'removed elsewhere');
  await other.add('tiina', 'site-staff', PW);
  await other.remove('tiina');
  await other.add('tiina', 'technician', PW);
  t.equal((await accounts.find('tiina'))?.role, 'technician', 'several quick changes: the last one is seen');
});

t.test('an edit in place that keeps size, inode and mtime is still noticed', async (t) => {
  const { accounts, path } = setup(t);
  const hash = await hashPassword(PW);
  const write = (role: string) => JSON.stringify({ v: 1, accounts: [{ name: 'matti', role, hash, created: T0, changed: T0 }] });
  writeFileSync(path, write('technician'));
  const old = new Date(T0);
  utimesSync(path, old, old); // an old file: trusted from cache
  t.equal((await accounts.find('matti'))?.role, 'technician');
  t.equal(write('site-staff').length, write('technician').length);
  writeFileSync(path, write('site-staff'));
  utimesSync(path, old, old);
  t.equal((await accounts.find('matti'))?.role, 'site-staff', 'the change time (ctime) gave it away');
});

t.test('concurrent changes in one process do not lose one another', async (t) => {
  const { accounts } = setup(t);
  await Promise.all([accounts.add('matti', 'technician', PW), accounts.add('tiina', 'site-staff', PW), accounts.add('pekka', 'technician', PW)]);
  t.same((await accounts.list()).map((a) => a.name).sort(), ['matti', 'pekka', 'tiina']);
});

t.test('a file readable by others is still read, and says so', async (t) => {
  const { accounts, path } = setup(t);
  await accounts.add('matti', 'technician', PW);
  t.equal(await accounts.insecureMode(), false);
  chmodSync(path, 0o644);
  t.equal(await accounts.insecureMode(), true);
  t.equal((await accounts.list()).length, 1);
  await accounts.add('tiina', 'site-staff', PW);
  t.equal(statSync(path).mode & 0o777, 0o600, 'the next write makes it 0600 again');
  t.equal(await accounts.insecureMode(), false);
});

t.test('a broken file is refused, naming the file and what is wrong, never a hash', async (t) => {
  const { accounts, path, dir } = setup(t);
  const hash = await hashPassword(PW);
  const ok = { name: 'matti', role: 'technician', hash, created: T0, changed: T0 };
  const cases: [string, string, RegExp][] = [
    ['not JSON', `{ "v": 1, "accounts": [ ${JSON.stringify(ok)} ,, ] }`, /is not valid JSON \(a syntax error/],
    ['cut short', `{ "v": 1, "accounts": [ ${JSON.stringify(ok)}`, /is not valid JSON \(it ends too early\)/],
    ['empty', '', /is not valid JSON \(the file is empty\)/],
    ['a list', '[]', /must hold \{ "v": 1, "accounts": \[\.\.\.\] \}, not a list/],
    ['wrong version', JSON.stringify({ v: 2, accounts: [] }), /v: must be 1 .*not the number 2/],
    ['no accounts', JSON.stringify({ v: 1 }), /accounts: must be a list of accounts, not nothing/],
    ['unknown key', JSON.stringify({ v: 1, accounts: [], users: [] }), /"users": unknown key/],
    ['no hash', JSON.stringify({ v: 1, accounts: [{ ...ok, hash: undefined }] }), /accounts\[0\]\.hash: is not a password hash/],
    ['a bad hash', JSON.stringify({ v: 1, accounts: [{ ...ok, hash: `${hash}xx` }] }), /accounts\[0\]\.hash: is not a password hash/],
    ['a bad role', JSON.stringify({ v: 1, accounts: [ok, { ...ok, name: 'tiina', role: 'root' }] }), /accounts\[1\]\.role: "root" is not a role on this box/],
    ['a bad name', JSON.stringify({ v: 1, accounts: [{ ...ok, name: 'Matti Virtanen' }] }), /accounts\[0\]\.name: "Matti Virtanen" is not allowed/],
    ['duplicate names', JSON.stringify({ v: 1, accounts: [ok, ok] }), /accounts\[1\]\.name: "matti" is already the name of accounts\[0\]/],
    ['a bad time', JSON.stringify({ v: 1, accounts: [{ ...ok, created: '2025-06-02' }] }), /accounts\[0\]\.created: must be a time in ms/],
    ['unknown account key', JSON.stringify({ v: 1, accounts: [{ ...ok, password: 'x' }] }), /accounts\[0\]\.password: unknown key/],
  ];
  for (const [what, text, says] of cases) {
    writeFileSync(path, text);
    const err = await refused(t, accounts.list(), 'TAL_ACCOUNT_INVALID', says);
    t.match(err.message, `accounts file ${path}`, `${what}: names the file`);
    for (const part of hash.split('$').slice(4)) t.notOk(err.message.includes(part), `${what}: no hash or salt in the message`);
    await refused(t, accounts.add('pekka', 'technician', PW), 'TAL_ACCOUNT_INVALID', says);
  }
  t.same(readdirSync(dir), ['users.json'], 'nothing written over a broken file');

  writeFileSync(path, JSON.stringify({ v: 1, accounts: [{ ...ok, name: 'A', role: 'x', created: -1 }] }));
  const all = await refused(t, accounts.list(), 'TAL_ACCOUNT_INVALID', /accounts\[0\]\.name: .*\n.*accounts\[0\]\.role: .*\n.*accounts\[0\]\.created/);
  t.ok(all, 'every problem is listed, one per line');
});

t.test('I/O problems name the file and the reason', async (t) => {
  const { dir, clock } = setup(t);
  const inFolder = new AccountsFile(join(dir, 'no-such-folder', 'users.json'), { roles: BOX_ROLES, clock });
  await refused(t, inFolder.add('matti', 'technician', PW), 'TAL_ACCOUNT_INVALID', /accounts file .*no-such-folder\/users\.json: cannot write it: no such file or directory \(ENOENT\)/);
  mkdirSync(join(dir, 'a-folder'));
  const folder = new AccountsFile(join(dir, 'a-folder'), { roles: BOX_ROLES, clock });
  await refused(t, folder.list(), 'TAL_ACCOUNT_INVALID', /a-folder: (is not a file|cannot read it: it is a directory)/);
});

t.test('diff: what changed between two listings', async (t) => {
  const a = (name: string, role: string, hash: string): Account => ({ name, role, hash, created: T0, changed: T0 });
  const before = [a('matti', 'technician', 'h1'), a('tiina', 'site-staff', 'h2'), a('pekka', 'technician', 'h3')];
  const after = [a('matti', 'site-staff', 'h1'), a('tiina', 'site-staff', 'h9'), a('liisa', 'technician', 'h4')];
  t.same(AccountsFile.diff(before, after), [
    { name: 'matti', change: 'role' },
    { name: 'tiina', change: 'password' },
    { name: 'liisa', change: 'added' },
    { name: 'pekka', change: 'removed' },
  ]);
  t.same(AccountsFile.diff(before, before), []);
  t.same(AccountsFile.diff([], [before[0]!]), [{ name: 'matti', change: 'added' }]);
});

t.test('run as root, a write keeps the owner the service reads the file as', { skip: process.getuid?.() === 0 ? false : 'needs root' }, async (t) => {
  const { accounts, path, dir } = setup(t);
  chownSync(dir, 4321, 4322);
  await accounts.add('matti', 'technician', PW);
  t.match(statSync(path), { uid: 4321, gid: 4322 }, 'a new file takes the owner of its folder');
  chownSync(path, 1234, 1235);
  await accounts.add('tiina', 'site-staff', PW);
  t.match(statSync(path), { uid: 1234, gid: 1235 }, 'a replaced file keeps its owner');
  t.equal(statSync(path).mode & 0o777, 0o600);
});
