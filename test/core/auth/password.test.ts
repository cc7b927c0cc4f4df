import t from 'tap';
import { performance } from 'node:perf_hooks';
import { hashPassword, MIN_PASSWORD_LENGTH, passwordProblem, verifyNothing, verifyPassword } from '../../../src/core/auth/index.js';

const GOOD = 'kahvi-Mukissa-7-lusikkaa';

t.test('policy: each refusal says why, without quoting the password', async (t) => {
  t.equal(MIN_PASSWORD_LENGTH, 12);
  const cases: [string, string | undefined, RegExp][] = [
    ['lyhyt-sana1', undefined, /shorter than 12 characters \(it has 11\)/],
    // 12 code units, but 6 characters as typed: decomposed "e" + combining accent counts once
    ['e\u0301'.repeat(6), undefined, /shorter than 12 characters \(it has 6\)/],
    ['👍🏽'.repeat(11), undefined, /it has 11/],
    ['aaaaaaaaaaaaaaa', undefined, /one character repeated/],
    ['abcabcabcabc', undefined, /same 3 characters repeated/],
    ['matti-ja-kahvikuppi', 'matti', /contains the account name/],
    ['MATTI-ja-kahvikuppi', 'matti', /contains the account name/],
    ['virtanen-ja-kahvi', 'matti-virtanen', /"virtanen", a part of the account name/],
    ['Salasana123!', undefined, /well-known weak password/],
    ['P@ssw0rd2024!', undefined, /well-known weak password/],
    ['adminadminadmin', undefined, /well-known weak password/],
    ['123456789012', undefined, /run of neighbouring keys/],
    ['qwertyuiopasdf', undefined, /run of neighbouring keys/],
    ['987654321098', undefined, /run of neighbouring keys/],
  ];
  for (const [pw, name, why] of cases) {
    const problem = passwordProblem(pw, name);
    t.match(problem, why, `${JSON.stringify(pw)} refused`);
    t.notOk(problem?.includes(pw), 'the reason does not quote the password');
  }
  t.equal(passwordProblem(GOOD), undefined);
  t.equal(passwordProblem(GOOD, 'tiina'), undefined);
  t.equal(passwordProblem('ab-kahvi-Mukissa-7', 'ab'), undefined, 'a two-letter name does not refuse every password with those letters');
  t.equal(passwordProblem('åäöåäöxyzxyz9'), undefined, 'non-ASCII passwords of 12+ characters are fine');
});

t.test('hash format: scrypt$32768$8$1$<16-byte salt>$<32-byte hash>, salted fresh each time', async (t) => {
  const h = await hashPassword(GOOD);
  const m = /^scrypt\$32768\$8\$1\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(h);
  t.ok(m, h);
  t.equal(Buffer.from(m![1]!, 'base64').length, 16);
  t.equal(Buffer.from(m![2]!, 'base64').length, 32);
  t.not(await hashPassword(GOOD), h, 'a new salt each time');
});

t.test('verify: right password true, wrong false; composed and decomposed forms are one password', async (t) => {
  const h = await hashPassword('kesä-Päivä-ja-kahvi');
  t.equal(await verifyPassword('kesä-Päivä-ja-kahvi', h), true);
  t.equal(await verifyPassword('kesä-Päivä-ja-kahvI', h), false);
  t.equal(await verifyPassword('', h), false);
  t.equal(await verifyPassword('kesa\u0308-Pa\u0308iva\u0308-ja-kahvi', h), true, 'NFD input verifies against an NFC-typed password');
});

t.test('a tampered or garbage stored hash gives false, never throws', async (t) => {
  const h = await hashPassword(GOOD);
  const parts = h.split('$');
  const hash = Buffer.from(parts[5]!, 'base64');
  hash[0]! ^= 1;
  const tampered = [...parts.slice(0, 5), hash.toString('base64')].join('$');
  t.equal(await verifyPassword(GOOD, tampered), false, 'one bit of the hash flipped');
  const otherSalt = [...parts.slice(0, 4), Buffer.alloc(16, 7).toString('base64'), parts[5]].join('$');
  t.equal(await verifyPassword(GOOD, otherSalt), false, 'salt replaced');
  const garbage = [
    '',
    'garbage',
    'bcrypt$2b$10$abc',
    h.replace('scrypt$32768', 'scrypt$32767'), // N not a power of two
    h.replace('scrypt$32768', 'scrypt$1073741824'), // a cost that would exhaust memory
    h.replace('scrypt$32768$8', 'scrypt$32768$0'),
    `${h}$extra`,
    h.slice(0, -4), // a hash cut short would otherwise verify as a prefix
    h.replace(/\$[^$]+$/, '$!!!!'),
    undefined as unknown as string,
    42 as unknown as string,
  ];
  for (const g of garbage) t.equal(await verifyPassword(GOOD, g), false, `stored ${JSON.stringify(g)?.slice(0, 30)}`);
  t.equal(await verifyPassword(undefined as unknown as string, h), false, 'a missing password');
});

t.test('verifyNothing costs about what a real verification costs', async (t) => {
  const h = await hashPassword(GOOD);
  const time = async (f: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const t0 = performance.now();
      await f();
      times.push(performance.now() - t0);
    }
    return times.sort((a, b) => a - b)[2]!; // the median: robust to a busy machine
  };
  await verifyNothing('warm-up'); // first scrypt call allocates
  const real = await time(() => verifyPassword('wrong-password-here', h));
  const nothing = await time(() => verifyNothing('wrong-password-here'));
  t.equal(await verifyNothing(GOOD), false);
  t.ok(nothing > real / 3 && nothing < real * 3, `verifyNothing ${nothing.toFixed(1)} ms vs verifyPassword ${real.toFixed(1)} ms`);
});
