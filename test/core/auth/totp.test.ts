import t from 'tap';
import { Secret, TOTP, URI } from 'otpauth';
import { ManualClock } from '../../../src/core/clock.js';
import { isTotpSecret, newTotpSecret, totpUri, TotpVerifier } from '../../../src/core/auth/index.js';

// RFC 6238 appendix B, SHA1: the secret is the ASCII "12345678901234567890".
const RFC_SECRET = Secret.fromLatin1('12345678901234567890').base32;
const VECTORS: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

const codeAt = (secret: string, seconds: number) => TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: seconds * 1000 });

t.test('RFC 6238 appendix B vectors (SHA1, last 6 digits)', async (t) => {
  for (const [seconds, code] of VECTORS) {
    const verifier = new TotpVerifier(new ManualClock(seconds * 1000));
    t.ok(verifier.verify('matti', RFC_SECRET, code.slice(-6)), `T=${seconds}`);
  }
  t.equal(RFC_SECRET, 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
});

t.test('a window of one step either way; two steps are refused', async (t) => {
  const now = 1_750_000_015; // mid-step
  for (const [offset, ok] of [[-60, false], [-30, true], [0, true], [30, true], [60, false]] as const) {
    const verifier = new TotpVerifier(new ManualClock(now * 1000));
    t.equal(verifier.verify('matti', RFC_SECRET, codeAt(RFC_SECRET, now + offset)), ok, `code of ${offset} s`);
  }
});

t.test('each step is accepted once per name; older steps after a newer one are refused', async (t) => {
  const now = 1_750_000_015;
  const clock = new ManualClock(now * 1000);
  const verifier = new TotpVerifier(clock);
  const current = codeAt(RFC_SECRET, now);
  t.ok(verifier.verify('matti', RFC_SECRET, current));
  t.notOk(verifier.verify('matti', RFC_SECRET, current), 'the same code again');
  t.ok(verifier.verify('tiina', RFC_SECRET, current), 'another name has its own steps');
  t.ok(verifier.verify('matti', RFC_SECRET, codeAt(RFC_SECRET, now + 30)), 'the next step (a phone ahead)');
  t.notOk(verifier.verify('matti', RFC_SECRET, codeAt(RFC_SECRET, now)), 'an older step after a newer one');
  clock.advance(30_000);
  t.notOk(verifier.verify('matti', RFC_SECRET, codeAt(RFC_SECRET, now + 30)), 'still refused once the clock reaches that step');
  clock.advance(30_000);
  t.ok(verifier.verify('matti', RFC_SECRET, codeAt(RFC_SECRET, now + 60)), 'a later step is fine');
});

t.test('what is not exactly six digits is refused', async (t) => {
  const now = 1_750_000_015;
  const verifier = new TotpVerifier(new ManualClock(now * 1000));
  const code = codeAt(RFC_SECRET, now);
  for (const bad of [code.slice(1), `${code}0`, `0${code}`, 'abcdef', `${code.slice(0, 3)} ${code.slice(3)}`, ` ${code}`, `${code}\n`, '', '１２３４５６'.slice(0, 6)]) {
    t.notOk(verifier.verify('matti', RFC_SECRET, bad), JSON.stringify(bad));
  }
  t.notOk(verifier.verify('matti', RFC_SECRET, 123456 as unknown as string), 'a number');
  t.notOk(verifier.verify('matti', 'not base32!', code), 'a broken secret is false, not a throw');
  t.ok(verifier.verify('matti', RFC_SECRET, code), 'the refusals did not use up the step');
});

t.test('replay memory is bounded', async (t) => {
  const now = 1_750_000_015;
  const clock = new ManualClock(now * 1000);
  const verifier = new TotpVerifier(clock, { maxNames: 2 });
  const code = codeAt(RFC_SECRET, now);
  t.ok(verifier.verify('a', RFC_SECRET, code));
  t.ok(verifier.verify('b', RFC_SECRET, code));
  t.ok(verifier.verify('c', RFC_SECRET, code));
  t.notOk(verifier.verify('c', RFC_SECRET, code), 'the newest names are remembered');
  t.notOk(verifier.verify('b', RFC_SECRET, code));
  t.ok(verifier.verify('a', RFC_SECRET, code), 'the least recently accepted was forgotten');
  t.throws(() => new TotpVerifier(clock, { maxNames: 0 }), TypeError);
});

t.test('new secrets and their URI', async (t) => {
  const secret = newTotpSecret();
  t.match(secret, /^[A-Z2-7]{32}$/, '20 bytes in base32');
  t.equal(Secret.fromBase32(secret).bytes.length, 20);
  t.not(newTotpSecret(), secret, 'random');
  t.ok(isTotpSecret(secret));
  for (const bad of ['', 'abcdefghijklmnopqrstuvwxyz', `${secret}=`, secret.slice(0, 25), 'A'.repeat(129), 42]) t.notOk(isTotpSecret(bad), JSON.stringify(bad));

  const uri = totpUri(secret, 'matti');
  t.match(uri, /^otpauth:\/\/totp\/tallennin:matti\?issuer=tallennin&secret=[A-Z2-7]{32}&algorithm=SHA1&digits=6&period=30$/);
  const parsed = URI.parse(uri);
  t.ok(parsed instanceof TOTP);
  t.match(parsed, { label: 'matti', issuer: 'tallennin', algorithm: 'SHA1', digits: 6, period: 30 });
  t.equal(parsed.secret.base32, secret);
  t.equal(URI.parse(totpUri(secret, 'matti', 'TE-toimisto')).issuer, 'TE-toimisto');
  const thrown = t.throws(() => totpUri('secret!', 'matti'));
  t.notMatch(String(thrown), /secret!/, 'the secret is not quoted');
});
