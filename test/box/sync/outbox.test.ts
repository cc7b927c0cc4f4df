import t from 'tap';
import { Level } from 'level';
import { Outbox } from '../../../src/box/sync/outbox.js';
import { collect } from '../../helpers/log.js';

async function open(dir: string) {
  const db = new Level<string, unknown>(dir, { valueEncoding: 'json' });
  await db.open();
  return { db, outbox: await Outbox.open(db) };
}

t.test('seqs are gap-free under racing appends; events leave only when acknowledged', async (t) => {
  const dir = t.testdir({});
  const { db, outbox } = await open(dir);
  const events = await Promise.all(Array.from({ length: 100 }, (_, i) => outbox.append('recorded', { n: i }, 1000 + i)));
  t.same(events.map((e) => e.seq), Array.from({ length: 100 }, (_, i) => i + 1));
  t.equal(await outbox.backlog(), 100);
  t.equal(await outbox.ack(40), 40);
  t.equal(await outbox.backlog(), 60);
  t.same((await collect(outbox.pending(90))).map((e) => e.seq), [90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100], 'a resync from a seq');
  await t.rejects(outbox.ack(0), RangeError);
  await db.close();
});

t.test('a restart keeps the queue and the numbering, and counts a new boot', async (t) => {
  const dir = t.testdir({});
  let { db, outbox } = await open(dir);
  t.equal(outbox.boot, 1);
  for (let i = 0; i < 5; i++) await outbox.append('recorded', { i }, i);
  await outbox.ack(5);
  await db.close();
  ({ db, outbox } = await open(dir));
  t.equal(outbox.boot, 2);
  const next = await outbox.append('recorded', { i: 5 }, 5);
  t.equal(next.seq, 6, 'seq continues after everything was acknowledged');
  t.equal(next.boot, 2);
  await outbox.append('recorded', { i: 6 }, 6);
  await db.close();
  ({ db, outbox } = await open(dir));
  t.same((await collect(outbox.pending())).map((e) => [e.seq, e.boot]), [[6, 2], [7, 2]], 'unacknowledged events survive the restart');
  t.equal((await outbox.append('x', {}, 8)).seq, 8);
  await db.close();
});
