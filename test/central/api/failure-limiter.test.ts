// The per-address failure counter on its own: a sliding window, and a bound on what it remembers.
import t from 'tap';
import { ManualClock } from '../../../src/core/clock.js';
import { FailureLimiter } from '../../../src/central/api/failure-limiter.js';

t.test('blocks at max failures within the window, until the oldest of them leaves it', async (t) => {
  const clock = new ManualClock(0);
  const l = new FailureLimiter(clock, { max: 3, windowMs: 1000 });
  t.same(l.fail('a'), { blocked: false });
  clock.advance(400);
  t.same(l.fail('a'), { blocked: false });
  clock.advance(400);
  t.same(l.fail('a'), { blocked: true });
  t.equal(l.retryAfterMs('a'), 200, 'until the first failure is 1000 ms old');
  t.equal(l.retryAfterMs('b'), 0);
  clock.advance(200);
  t.equal(l.retryAfterMs('a'), 0);
  t.same(l.fail('a'), { blocked: true }, 'two still in the window, and this one');
  t.equal(l.retryAfterMs('a'), 400);
});

t.test('remembers at most maxKeys addresses, forgetting expired ones first, then the least recent', async (t) => {
  const clock = new ManualClock(0);
  const l = new FailureLimiter(clock, { max: 1, windowMs: 1000, maxKeys: 3 });
  l.fail('old');
  clock.advance(1500);
  l.fail('a');
  l.fail('b');
  l.fail('c');
  t.ok(l.retryAfterMs('a') > 0 && l.retryAfterMs('b') > 0 && l.retryAfterMs('c') > 0, 'the expired one made room');
  l.fail('d');
  t.equal(l.retryAfterMs('a'), 0, 'the least recently failing address is forgotten');
  t.ok(l.retryAfterMs('d') > 0);
});

t.test('limits must make sense', async (t) => {
  const clock = new ManualClock(0);
  t.throws(() => new FailureLimiter(clock, { max: 0, windowMs: 1000 }), /max/);
  t.throws(() => new FailureLimiter(clock, { max: 1, windowMs: 0 }), /windowMs/);
});
