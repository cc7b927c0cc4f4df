import t from 'tap';
import { ManualClock } from '../../../src/core/clock.js';
import { Sessions } from '../../../src/core/auth/index.js';

const MIN = 60_000;
const T0 = Date.UTC(2025, 5, 2, 9, 0);

t.test('a session: 32 random bytes base64url, name and role, absolute expiry', async (t) => {
  const clock = new ManualClock(T0);
  const sessions = new Sessions(clock, 30 * MIN);
  const s = sessions.create('matti', 'technician');
  t.match(s.id, /^[A-Za-z0-9_-]{43}$/);
  t.equal(Buffer.from(s.id, 'base64url').length, 32);
  t.same(s, { id: s.id, name: 'matti', role: 'technician', created: T0, expires: T0 + 30 * MIN });
  t.not(sessions.create('matti', 'technician').id, s.id, 'a new id per login');

  clock.advance(29 * MIN);
  t.same(sessions.get(s.id), s, 'found before expiry');
  t.equal(sessions.get(s.id)?.expires, T0 + 30 * MIN, 'use does not extend it');
  clock.set(T0 + 30 * MIN - 1);
  t.ok(sessions.get(s.id));
  clock.set(T0 + 30 * MIN);
  t.equal(sessions.get(s.id), undefined, 'expired at ttl after login, however recently used');
  t.equal(sessions.size, 0, 'the expired ones are gone');
});

t.test('unknown, missing and destroyed ids give undefined', async (t) => {
  const sessions = new Sessions(new ManualClock(T0), MIN);
  const s = sessions.create('tiina', 'site-staff');
  t.equal(sessions.get(undefined), undefined);
  t.equal(sessions.get(''), undefined);
  t.equal(sessions.get('x'.repeat(43)), undefined);
  sessions.destroy(s.id);
  t.equal(sessions.get(s.id), undefined);
  sessions.destroy(s.id);
  t.equal(sessions.size, 0);
});

t.test('destroyFor ends every session of one account and no other', async (t) => {
  const sessions = new Sessions(new ManualClock(T0), MIN);
  const a = sessions.create('matti', 'technician');
  const b = sessions.create('matti', 'technician');
  const c = sessions.create('tiina', 'site-staff');
  t.equal(sessions.destroyFor('matti'), 2);
  t.equal(sessions.get(a.id), undefined);
  t.equal(sessions.get(b.id), undefined);
  t.ok(sessions.get(c.id));
  t.equal(sessions.destroyFor('matti'), 0);
  t.equal(sessions.size, 1);
});

t.test('the count is bounded: the oldest are dropped', async (t) => {
  const clock = new ManualClock(T0);
  const sessions = new Sessions(clock, 30 * MIN, 3);
  const made = Array.from({ length: 5 }, (_, i) => {
    clock.advance(1);
    return sessions.create(`user-${i}`, 'technician');
  });
  t.equal(sessions.size, 3);
  t.equal(sessions.get(made[0]!.id), undefined);
  t.equal(sessions.get(made[1]!.id), undefined);
  t.ok(sessions.get(made[4]!.id));
  t.throws(() => new Sessions(clock, 0), /ttlMs must be a positive whole number/);
  t.throws(() => new Sessions(clock, MIN, 0), /max must be a positive whole number/);
});

t.test('a session cannot be altered by its holder', async (t) => {
  const sessions = new Sessions(new ManualClock(T0), MIN);
  const s = sessions.create('tiina', 'site-staff');
  t.throws(() => {
    (s as { role: string }).role = 'technician';
  });
  t.equal(sessions.get(s.id)?.role, 'site-staff');
});
