import t from 'tap';
import { ManualClock } from '../../../src/core/clock.js';
import { Lockout } from '../../../src/core/auth/index.js';

const MIN = 60_000;
const T0 = Date.UTC(2025, 5, 2, 9, 0);

t.test('the 5th failure within 15 minutes locks; the 6th is still locked; the lock ends when the oldest failure leaves the window', async (t) => {
  const clock = new ManualClock(T0);
  const lock = new Lockout(clock);
  for (let i = 1; i <= 4; i += 1) {
    t.same(lock.failure('matti'), { locked: false, failures: i });
    clock.advance(MIN);
  }
  t.same(lock.locked('matti'), { locked: false });
  t.same(lock.failure('matti'), { locked: true, failures: 5, until: T0 + 15 * MIN }, '5th failure locks');
  t.same(lock.locked('matti'), { locked: true, until: T0 + 15 * MIN });
  clock.advance(MIN);
  t.same(lock.failure('matti'), { locked: true, failures: 5, until: T0 + 15 * MIN }, '6th: still locked, the end does not move');
  clock.set(T0 + 15 * MIN - 1);
  t.equal(lock.locked('matti').locked, true, 'a millisecond before the end');
  clock.set(T0 + 15 * MIN);
  t.same(lock.locked('matti'), { locked: false }, 'the oldest failure has left the window');
  t.same(lock.failure('matti'), { locked: true, failures: 5, until: T0 + 16 * MIN }, 'four failures remain in the window: the next one locks again');
  t.same(lock.locked('tiina'), { locked: false }, 'other names are not affected');
});

t.test('failures spread wider than the window never lock', async (t) => {
  const clock = new ManualClock(T0);
  const lock = new Lockout(clock);
  for (let i = 0; i < 20; i += 1) {
    t.equal(lock.failure('matti').locked, false);
    clock.advance(4 * MIN);
  }
});

t.test('success resets the count', async (t) => {
  const clock = new ManualClock(T0);
  const lock = new Lockout(clock);
  for (let i = 0; i < 4; i += 1) lock.failure('matti');
  lock.success('matti');
  t.same(lock.failure('matti'), { locked: false, failures: 1 });
});

t.test('names with no account lock the same way: a lockout does not tell who exists', async (t) => {
  const lock = new Lockout(new ManualClock(T0));
  for (let i = 0; i < 4; i += 1) lock.failure('no-such-person');
  t.same(lock.failure('no-such-person'), { locked: true, failures: 5, until: T0 + 15 * MIN });
  const huge = 'x'.repeat(1_000_000);
  for (let i = 0; i < 5; i += 1) lock.failure(huge);
  t.equal(lock.locked(huge).locked, true, 'a name longer than any account locks too');
});

t.test('options: max and window', async (t) => {
  const clock = new ManualClock(T0);
  const lock = new Lockout(clock, { max: 2, windowMs: 1000 });
  lock.failure('a');
  t.same(lock.failure('a'), { locked: true, failures: 2, until: T0 + 1000 });
  clock.advance(1000);
  t.same(lock.locked('a'), { locked: false });
  t.throws(() => new Lockout(clock, { max: 0 }), /max must be a positive whole number/);
  t.throws(() => new Lockout(clock, { windowMs: -1 }), /windowMs/);
  t.throws(() => new Lockout(clock, { maxNames: 1.5 }), /maxNames/);
});

t.test('memory is bounded: past maxNames the least recently failed unlocked names are forgotten, locked ones last', async (t) => {
  const clock = new ManualClock(T0);
  const lock = new Lockout(clock, { maxNames: 100 });
  for (let i = 0; i < 5; i += 1) lock.failure('matti');
  for (let i = 0; i < 10_000; i += 1) {
    lock.failure(`made-up-${i}`);
    clock.advance(1);
  }
  const size = (lock as unknown as { failures: Map<string, unknown> }).failures.size;
  t.ok(size <= 100, `remembers ${size} names`);
  t.equal(lock.locked('matti').locked, true, 'a flood of made-up names did not unlock matti');
  t.equal(lock.failure('made-up-9999').failures, 2, 'the most recent name is remembered');
  t.equal(lock.failure('made-up-0').failures, 1, 'the oldest is forgotten');
});

t.test('when every remembered name is locked, a new failure is still counted', async (t) => {
  const clock = new ManualClock(T0);
  const lock = new Lockout(clock, { maxNames: 10 });
  for (let n = 0; n < 10; n += 1) for (let i = 0; i < 5; i += 1) lock.failure(`locked-${n}`);
  t.equal(lock.failure('matti').failures, 1);
  t.equal(lock.failure('matti').failures, 2, 'matti was not the one forgotten');
});
