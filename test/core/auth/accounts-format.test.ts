// The console's account fields (issue 8): sites for a supervisor and a TOTP secret, in the
// same v 1 file the box writes without them.
import t, { type Test } from 'tap';
import { refused } from '../../helpers/refused.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../../src/core/clock.js';
import { AccountsFile, BOX_ROLES, CONSOLE_ACCOUNT_RULES, hashPassword, newTotpSecret, verifyPassword, type Account } from '../../../src/core/auth/index.js';

const T0 = Date.UTC(2025, 5, 2, 9, 0);
const PW = 'kahvi-Mukissa-7-lusikkaa';
const SECRET = newTotpSecret();

function setup(t: Test) {
  const path = join(t.testdir({}), 'users.json');
  const clock = new ManualClock(T0);
  return {
    path,
    clock,
    console: new AccountsFile(path, { ...CONSOLE_ACCOUNT_RULES, clock }),
    box: new AccountsFile(path, { roles: BOX_ROLES, clock }),
  };
}


const noSecretIn = (t: Test, message: string, what: string) => {
  t.notOk(message.includes(SECRET), `${what}: the TOTP secret is not quoted`);
  t.notOk(message.toLowerCase().includes(SECRET.toLowerCase()), `${what}: not even in lower case`);
};

t.test('console accounts: add with sites and a TOTP secret, read back, change', async (t) => {
  const { console, path, clock } = setup(t);
  const sup = await console.add('matti', 'supervisor', PW, { sites: ['turku', 'pori'], totp: SECRET });
  t.match(sup, { name: 'matti', role: 'supervisor', sites: ['turku', 'pori'], totp: SECRET, created: T0 });
  await console.add('tiina', 'admin', PW, { totp: SECRET });
  await console.add('pekka', 'trainer', PW);
  const stored = (JSON.parse(readFileSync(path, 'utf8')) as { v: number; accounts: Record<string, unknown>[] });
  t.equal(stored.v, 1, 'still format v 1');
  t.same(Object.keys(stored.accounts[0]!), ['name', 'role', 'sites', 'totp', 'hash', 'created', 'changed']);
  t.same(Object.keys(stored.accounts[2]!), ['name', 'role', 'hash', 'created', 'changed'], 'optional fields are left out, not null');

  const before = await console.list();
  t.same(before.map((a) => [a.name, a.sites, a.totp]), [['matti', ['turku', 'pori'], SECRET], ['tiina', undefined, SECRET], ['pekka', undefined, undefined]]);
  before[0]!.sites!.push('vaasa');
  t.same((await console.find('matti'))!.sites, ['turku', 'pori'], 'a listing is a copy, sites included');

  clock.advance(1000);
  const other = newTotpSecret();
  await console.setTotp('pekka', other);
  await console.setSites('matti', ['turku']);
  const after = await console.list();
  t.match(after[2], { totp: other, changed: T0 + 1000 });
  t.same(after[0]!.sites, ['turku']);
  t.ok(await verifyPassword(PW, after[0]!.hash), 'the password is untouched');
  t.same(AccountsFile.diff(before.map((a) => (a.name === 'matti' ? { ...a, sites: ['turku', 'pori'] } : a)), after), [
    { name: 'matti', change: 'sites' },
    { name: 'pekka', change: 'totp' },
  ]);
});

t.test('console refusals name the field and change nothing', async (t) => {
  const { console, path } = setup(t);
  await console.add('matti', 'supervisor', PW, { sites: ['turku'] });
  const before = readFileSync(path, 'utf8');
  const cases: [string, () => Promise<unknown>, string, RegExp][] = [
    ['a supervisor without sites', () => console.add('tiina', 'supervisor', PW), 'TAL_ACCOUNT_INVALID', /sites of "tiina": missing: the supervisor role sees only the sites listed here/],
    ['an empty list', () => console.add('tiina', 'supervisor', PW, { sites: [] }), 'TAL_ACCOUNT_INVALID', /sites of "tiina": the list is empty; at least one site id is needed/],
    ['sites for an admin', () => console.add('tiina', 'admin', PW, { sites: ['turku'] }), 'TAL_ACCOUNT_INVALID', /sites of "tiina": the admin role has no sites \(only supervisor is limited to sites\)/],
    ['a bad site id', () => console.add('tiina', 'supervisor', PW, { sites: ['turku', 'Pori'] }), 'TAL_ACCOUNT_INVALID', /sites of "tiina": \[1\] "Pori" is not allowed.*did you mean "pori"/],
    ['a site twice', () => console.add('tiina', 'supervisor', PW, { sites: ['turku', 'turku'] }), 'TAL_ACCOUNT_INVALID', /sites of "tiina": \[1\] "turku" is listed twice/],
    ['a bad secret', () => console.add('tiina', 'admin', PW, { totp: SECRET.toLowerCase() }), 'TAL_ACCOUNT_INVALID', /TOTP secret of "tiina" is not a TOTP secret this build can use/],
    ['setTotp with a bad secret', () => console.setTotp('matti', `${SECRET}=`), 'TAL_ACCOUNT_INVALID', /TOTP secret of "matti" is not a TOTP secret/],
    ['setTotp of nobody', () => console.setTotp('nobody', SECRET), 'TAL_ACCOUNT_NOT_FOUND', /no account named "nobody"/],
    ['setSites to none', () => console.setSites('matti', []), 'TAL_ACCOUNT_INVALID', /sites of "matti": the list is empty/],
    ['a box role', () => console.add('tiina', 'technician', PW), 'TAL_ACCOUNT_INVALID', /role of "tiina": "technician" is not a console role; use supervisor, trainer, privacy-officer or admin/],
  ];
  for (const [what, p, code, says] of cases) noSecretIn(t, (await refused(t, p(), code, says)).message, what);
  t.equal(readFileSync(path, 'utf8'), before, 'the file is unchanged');
});

t.test('a box keeps refusing sites and TOTP secrets', async (t) => {
  const { box, path } = setup(t);
  await refused(t, box.add('matti', 'technician', PW, { sites: ['turku'] }), 'TAL_ACCOUNT_INVALID', /sites of "matti": accounts here have no sites/);
  await refused(t, box.add('matti', 'technician', PW, { totp: SECRET }), 'TAL_ACCOUNT_INVALID', /TOTP secret of "matti": accounts here have no TOTP secret/);
  await refused(t, box.setTotp('matti', SECRET), 'TAL_ACCOUNT_INVALID', /accounts here have no TOTP secret/);
  const hash = await hashPassword(PW);
  const ok = { name: 'matti', role: 'technician', hash, created: T0, changed: T0 };
  for (const extra of [{ sites: ['turku'] }, { totp: SECRET }]) {
    writeFileSync(path, JSON.stringify({ v: 1, accounts: [{ ...ok, ...extra }] }));
    const key = Object.keys(extra)[0]!;
    const err = await refused(t, box.list(), 'TAL_ACCOUNT_INVALID', new RegExp(`accounts\\[0\\]\\.${key}: unknown key; an account has name, role, hash, created, changed`));
    noSecretIn(t, err.message, key);
  }
});

t.test('a broken console file names each field, never a hash or a secret', async (t) => {
  const { console, path } = setup(t);
  const hash = await hashPassword(PW);
  const sup: Account = { name: 'matti', role: 'supervisor', sites: ['turku'], totp: SECRET, hash, created: T0, changed: T0 };
  const admin: Account = { name: 'tiina', role: 'admin', hash, created: T0, changed: T0 };
  writeFileSync(path, JSON.stringify({ v: 1, accounts: [sup, admin] }));
  t.same((await console.list()).map((a) => a.name), ['matti', 'tiina'], 'a valid file reads');

  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['sites not a list', { ...sup, sites: 'turku' }, /accounts\[0\]\.sites: must be a list of site ids, not the text "turku"/],
    ['sites empty', { ...sup, sites: [] }, /accounts\[0\]\.sites: the list is empty/],
    ['a site not text', { ...sup, sites: ['turku', 3] }, /accounts\[0\]\.sites\[1\]: must be a site id, not the number 3/],
    ['a bad site id', { ...sup, sites: ['turku', 'Pori x'] }, /accounts\[0\]\.sites\[1\]: "Pori x" is not allowed/],
    ['a site twice', { ...sup, sites: ['turku', 'turku'] }, /accounts\[0\]\.sites\[1\]: "turku" is listed twice/],
    ['a supervisor without sites', { ...sup, sites: undefined }, /accounts\[0\]\.sites: missing: the supervisor role sees only the sites listed here/],
    ['an admin with sites', { ...admin, sites: ['turku'] }, /accounts\[0\]\.sites: the admin role has no sites/],
    ['a secret not text', { ...sup, totp: 42 }, /accounts\[0\]\.totp: is not a TOTP secret this build can use/],
    ['a secret in lower case', { ...sup, totp: SECRET.toLowerCase() }, /accounts\[0\]\.totp: is not a TOTP secret/],
    ['a secret with padding', { ...sup, totp: `${SECRET}====` }, /accounts\[0\]\.totp: is not a TOTP secret/],
    ['a secret too short', { ...sup, totp: SECRET.slice(0, 16) }, /accounts\[0\]\.totp: is not a TOTP secret/],
    ['an empty secret', { ...sup, totp: '' }, /accounts\[0\]\.totp: is not a TOTP secret/],
    ['an unknown key', { ...sup, secret: SECRET }, /accounts\[0\]\.secret: unknown key; an account has name, role, sites, totp, hash, created, changed/],
  ];
  for (const [what, account, says] of cases) {
    writeFileSync(path, JSON.stringify({ v: 1, accounts: [account] }));
    const err = await refused(t, console.list(), 'TAL_ACCOUNT_INVALID', says);
    noSecretIn(t, err.message, what);
    for (const part of hash.split('$').slice(4)) t.notOk(err.message.includes(part), `${what}: no hash or salt in the message`);
  }

  writeFileSync(path, JSON.stringify({ v: 1, accounts: [{ ...sup, role: 'boss', sites: 'x', totp: 1 }] }));
  await refused(t, console.list(), 'TAL_ACCOUNT_INVALID', /accounts\[0\]\.role: "boss" is not a console role.*\n.*accounts\[0\]\.totp:/);
});
