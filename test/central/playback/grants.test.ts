// Listens granted: bound to one person and one recording, gone after their time, at logout, or
// when the audio held in memory would pass its cap (the oldest first).
import t from 'tap';
import { ManualClock } from '../../../src/core/clock.js';
import { ListenGrants } from '../../../src/central/playback/grants.js';

const grant = (person: string, recording: string, bytes = 10) => ({ person, recording, purpose: 'complaint', caseRef: 'VN/1', ogg: Buffer.alloc(bytes), source: 'box' as const });

t.test('a grant opens one recording for one person, for a while', async (t) => {
  const clock = new ManualClock(1_000_000);
  const grants = new ListenGrants(clock, { ttlMs: 60_000 });
  const g = grants.add(grant('maija', 'rec-1'));
  t.match(g.token, /^[A-Za-z0-9_-]{32}$/, 'a random token');
  t.equal(grants.get(g.token, 'maija', 'rec-1'), g);
  t.equal(grants.get(g.token, 'liisa', 'rec-1'), undefined, 'not for another person');
  t.equal(grants.get(g.token, 'maija', 'rec-2'), undefined, 'not for another recording');
  t.equal(grants.get('x'.repeat(32), 'maija', 'rec-1'), undefined, 'not a guessed token');
  clock.advance(59_999);
  t.ok(grants.get(g.token, 'maija', 'rec-1'));
  clock.advance(1);
  t.equal(grants.get(g.token, 'maija', 'rec-1'), undefined, 'expired');
  t.equal(grants.size, 0, 'and its audio dropped');
});

t.test('logging out drops the person\'s audio; the byte cap drops the oldest', async (t) => {
  const clock = new ManualClock(0);
  const grants = new ListenGrants(clock, { maxBytes: 100 });
  const a = grants.add(grant('maija', 'rec-1', 40));
  const b = grants.add(grant('liisa', 'rec-2', 40));
  const c = grants.add(grant('maija', 'rec-3', 40));
  t.equal(grants.get(a.token, 'maija', 'rec-1'), undefined, 'the oldest went over the cap');
  t.ok(grants.get(b.token, 'liisa', 'rec-2'));
  t.ok(grants.get(c.token, 'maija', 'rec-3'));
  const big = grants.add(grant('pekka', 'rec-4', 500));
  t.ok(grants.get(big.token, 'pekka', 'rec-4'), 'one recording larger than the cap still plays');
  t.equal(grants.size, 1);
  const small = grants.add(grant('maija', 'rec-5', 1));
  t.equal(grants.get(big.token, 'pekka', 'rec-4'), undefined, 'and goes first when the next one comes');
  t.ok(grants.get(small.token, 'maija', 'rec-5'));
  grants.dropPerson('maija');
  t.equal(grants.size, 0, 'logging out dropped maija\'s');
});
