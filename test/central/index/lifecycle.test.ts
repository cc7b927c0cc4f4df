import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { callId, DAY, dump, evDeleted, evExpiry, evRecording, deletedOf, hold, openIndex, recording, T0 } from './fixture.js';

const NUMBER = '040 765 4321';

/** No spelling of the number, nor its sealed metadata or key, anywhere in the LevelDB. */
async function diskHolds(index: Parameters<typeof dump>[0], ...needles: string[]): Promise<string[]> {
  const text = (await dump(index)).map(([k, v]) => `${k} ${v}`).join('\n');
  return needles.filter((n) => text.includes(n));
}

t.test('deletion shreds what the box shredded: sealed parts, numbers, blind index; the entry stays listed', async (t) => {
  const { index } = await openIndex(t);
  const r = recording(callId(1), { numbers: { calling: NUMBER, called: '112' } });
  await index.ingest('s1', 'b1', evRecording(1, r));
  t.equal((await index.search({ number: '+358407654321' })).calls.length, 1, 'found by the calling number');
  t.equal((await index.search({ number: '112' })).calls.length, 1, 'and by the called one');
  t.same(await diskHolds(index, '7654321', '358407654321'), [], 'the number itself is never stored');
  t.ok(r.sealedMeta && (await diskHolds(index, r.sealedMeta)).length === 1, 'its sealed form is, until deletion');

  t.same(await index.ingest('s1', 'b1', evDeleted(2, deletedOf(r, T0 + 60 * DAY))), { duplicate: false, watermark: 2 });
  const call = await index.get(r.id);
  t.same(call?.deleted, { at: T0 + 60 * DAY, reason: 'expired' });
  t.equal(call?.sealed, undefined, 'no wrapped key, no sealed metadata');
  t.equal(call?.seq, 2);
  t.same((await index.search({ number: NUMBER })).calls, [], 'the number no longer finds it');
  t.same((await index.search({ number: '112' })).calls, []);
  t.same(await diskHolds(index, r.sealedMeta!, r.wrappedKey, '!ix-num!', '!ix-exp!'), [], 'nothing of it left on disk but the listing');
  const listed = (await index.search({})).calls;
  t.equal(listed.length, 1, 'still listed');
  t.ok(listed[0]!.deleted);
  t.notOk('sealed' in listed[0]!);
  t.equal(await index.count(), 1);
});

t.test('a deletion that overtakes its recording: the call arrives already deleted', async (t) => {
  const { index } = await openIndex(t);
  const r = recording(callId(1), { numbers: { calling: NUMBER } });
  await index.ingest('s1', 'b1', evDeleted(3, deletedOf(r, T0 + DAY, 'early-deletion')));
  t.equal(await index.get(r.id), undefined, 'a stub is not a call');
  t.equal(await index.count(), 0);
  t.same((await index.search({})).calls, []);
  await index.ingest('s1', 'b1', evExpiry(2, { id: r.id, expiresAt: T0 + 300 * DAY, holds: [hold(T0 + 300 * DAY)] }));
  await index.ingest('s1', 'b1', evRecording(1, r));
  const call = await index.get(r.id);
  t.same(call?.deleted, { at: T0 + DAY, reason: 'early-deletion' }, 'deleted it stays');
  t.equal(call?.sealed, undefined, 'its sealed parts never enter the index');
  t.equal(call?.expiresAt, T0 + 300 * DAY, 'the newer expiry wins over the recording\'s own');
  t.equal(call?.seq, 3);
  t.same((await index.search({ number: NUMBER })).calls, [], 'never indexed by number');
  t.same(await index.held(), [], 'a deleted call holds nothing');
  t.same(await index.overdue(T0 + 400 * DAY, 0), []);
  t.same(await diskHolds(index, r.sealedMeta!, r.wrappedKey), []);
  t.equal(await index.count(), 1);
  t.equal((await index.search({})).calls.length, 1);
});

t.test('an expiry that overtakes its recording wins; an older one arriving later does not', async (t) => {
  const { index } = await openIndex(t);
  const r = recording(callId(1), { holds: [] });
  const h = hold(T0 + 200 * DAY);
  await index.ingest('s1', 'b1', evExpiry(3, { id: r.id, expiresAt: T0 + 200 * DAY, holds: [h] }));
  t.equal(await index.get(r.id), undefined);
  await index.ingest('s1', 'b1', evRecording(1, r));
  await index.ingest('s1', 'b1', evExpiry(2, { id: r.id, expiresAt: T0 + 90 * DAY, holds: [hold(T0 + 90 * DAY, 'old')] }));
  const call = await index.get(r.id);
  t.equal(call?.expiresAt, T0 + 200 * DAY);
  t.same(call?.holds, [h]);
  t.ok(call?.sealed, 'not deleted: playable');
  t.same((await index.held()).map((c) => c.id), [r.id]);
  t.same(await index.overdue(T0 + 100 * DAY, 0), [], 'the hold moved it out of the overdue range');

  await index.ingest('s1', 'b1', evExpiry(4, { id: r.id, expiresAt: r.expiresAt, holds: [] }));
  t.same(await index.held(), [], 'released');
  t.same((await index.overdue(T0 + 100 * DAY, 0)).map((c) => c.id), [r.id], 'back at its own expiry');
});

t.test('overdue: past expiry plus grace, not deleted, oldest first, bounded', async (t) => {
  const { index } = await openIndex(t);
  const calls = [0, 1, 2, 3].map((i) => recording(callId(i), { start: T0 + i * DAY, expiresAt: T0 + (60 + i) * DAY }));
  for (const [i, c] of calls.entries()) await index.ingest('s1', 'b1', evRecording(i + 1, c));
  await index.ingest('s1', 'b1', evDeleted(5, deletedOf(calls[0]!, T0 + 60 * DAY)));
  const grace = DAY;
  t.same(await index.overdue(T0 + 61 * DAY, grace), [], 'the deleted one is not overdue; the next is within grace');
  t.same((await index.overdue(T0 + 63 * DAY + 1, grace)).map((c) => c.id), [calls[1]!.id, calls[2]!.id], 'expiresAt < now - grace');
  t.same((await index.overdue(T0 + 100 * DAY, grace, 1)).map((c) => c.id), [calls[1]!.id], 'limit');
  t.same(await index.overdue(0, grace), []);
  const [first] = await index.overdue(T0 + 100 * DAY, grace);
  t.notOk(first && 'sealed' in first, 'summaries only');
});

t.test('after compaction no file of the LevelDB holds a deleted call\'s sealed parts', async (t) => {
  const { index, dir } = await openIndex(t);
  const r = recording(callId(1), { numbers: { calling: NUMBER }, wrappedKey: Buffer.from('wrapped-content-key-bytes-0123456789abcdef').toString('base64') });
  await index.ingest('s1', 'b1', evRecording(1, r));
  const files = () => readdirSync(dir).map((f) => readFileSync(join(dir, f)).toString('latin1')).join('\n');
  t.ok(files().includes(r.wrappedKey), 'written in the clear of LevelDB\'s log (it is sealed to the controller key)');
  // Months pass before a deletion: by then the recording is long flushed to a table file.
  await index.compact();
  await index.ingest('s1', 'b1', evDeleted(2, deletedOf(r, T0 + DAY)));
  await index.compact();
  t.notOk(files().includes(r.wrappedKey), 'gone from every file');
  t.notOk(files().includes(r.sealedMeta!));
  t.ok(await index.get(r.id), 'the listing remains');
});
