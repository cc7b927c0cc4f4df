import t from 'tap';
import { mulberry32 } from '../../../src/core/dsp/generate.js';
import type { EventMessage, RecordingEvent } from '../../../src/core/protocol/messages.js';
import { callId, DAY, dump, evDeleted, evExpiry, evRecording, deletedOf, hold, openIndex, recording, T0 } from './fixture.js';

t.test('a seq is ingested once; a gap holds the watermark and says where to resend from', async (t) => {
  const { index, reopen } = await openIndex(t);
  const ev = (seq: number) => evRecording(seq, recording(callId(seq), { start: T0 + seq * 1000 }));
  t.same(await index.ingest('s1', 'b1', ev(1)), { duplicate: false, watermark: 1 });
  t.same(await index.ingest('s1', 'b1', ev(1)), { duplicate: true, watermark: 1 }, 'redelivered at QoS 1');
  t.same(await index.ingest('s1', 'b1', ev(2)), { duplicate: false, watermark: 2 });
  t.same(await index.ingest('s1', 'b1', ev(4)), { duplicate: false, watermark: 2, gapFrom: 3 });
  t.same(await index.ingest('s1', 'b1', ev(6)), { duplicate: false, watermark: 2, gapFrom: 3 });
  t.same(await index.ingest('s1', 'b1', ev(4)), { duplicate: true, watermark: 2, gapFrom: 3 }, 'seen above the watermark');
  t.same(await index.ingest('s1', 'b2', evRecording(1, recording(callId(101)))), { duplicate: false, watermark: 1 }, 'seqs are per box');
  t.equal(await index.count(), 5);

  const again = await reopen();
  t.equal(await again.watermark('s1', 'b1'), 2, 'watermark survives a restart');
  t.same(await again.ingest('s1', 'b1', ev(6)), { duplicate: true, watermark: 2, gapFrom: 3 }, 'and so do seqs held above it');
  t.same(await again.ingest('s1', 'b1', ev(3)), { duplicate: false, watermark: 4, gapFrom: 5 }, 'the watermark moves through every contiguous seq');
  t.same(await again.ingest('s1', 'b1', ev(5)), { duplicate: false, watermark: 6 });
  t.equal(await again.count(), 7);
  t.same(again.watermarks().sort((a, b) => (a.box < b.box ? -1 : 1)), [{ site: 's1', box: 'b1', watermark: 6 }, { site: 's1', box: 'b2', watermark: 1 }]);
  t.equal(await again.watermark('s9', 'b9'), 0, 'a box never heard of');
  t.notOk((await dump(again)).some(([k]) => k.startsWith('!seen!')), 'no seq is left held once the gap closed');
});

t.test('a batch of events is one write: duplicates inside it count once', async (t) => {
  const { index } = await openIndex(t);
  const r = recording(callId(1));
  const results = await index.ingestMany([
    { site: 's1', box: 'b1', event: evRecording(2, r) },
    { site: 's1', box: 'b1', event: evRecording(2, r) },
    { site: 's1', box: 'b1', event: evExpiry(1, { id: callId(9), expiresAt: T0, holds: [] }) },
  ]);
  t.same(results, [
    { duplicate: false, watermark: 0, gapFrom: 1 },
    { duplicate: true, watermark: 0, gapFrom: 1 },
    { duplicate: false, watermark: 2 },
  ]);
  t.equal(await index.count(), 1, 'an expiry with no recording yet is not a call');
});

/** Several boxes' event streams as the boxes would send them: recordings, holds, deletions. */
function streams(total: number, seed: number): { site: string; box: string; event: EventMessage }[] {
  const rnd = mulberry32(seed);
  const boxes = [['s1', 'b1'], ['s1', 'b2'], ['s2', 'b1'], ['s3', 'b7']] as const;
  const state = boxes.map(() => ({ seq: 0, live: [] as RecordingEvent[] }));
  const out: { site: string; box: string; event: EventMessage }[] = [];
  for (let n = 0; n < total; n++) {
    const b = Math.floor(rnd() * boxes.length);
    const [site, box] = boxes[b]!;
    const s = state[b]!;
    const seq = ++s.seq;
    const roll = rnd();
    let event: EventMessage;
    if (s.live.length > 3 && roll < 0.15) {
      const r = s.live.splice(Math.floor(rnd() * s.live.length), 1)[0]!;
      event = evDeleted(seq, deletedOf(r, T0 + 70 * DAY, rnd() < 0.5 ? 'expired' : 'early-deletion'));
    } else if (s.live.length > 0 && roll < 0.35) {
      const r = s.live[Math.floor(rnd() * s.live.length)]!;
      const held = rnd() < 0.6;
      const expiresAt = held ? r.start + 300 * DAY : r.start + 59 * DAY;
      const holds = held ? [hold(expiresAt, `C-${seq}`)] : [];
      event = evExpiry(seq, { id: r.id, expiresAt, holds });
      Object.assign(r, { expiresAt, holds });
    } else {
      const i = out.length;
      const r = recording(`${box}-${site}-${seq}`, {
        start: T0 + Math.floor(rnd() * 30 * DAY), line: `line-${1 + (i % 3)}`, direction: rnd() < 0.5 ? 'incoming' : 'outgoing',
        numbers: { calling: `040 ${String(1000000 + Math.floor(rnd() * 50)).padStart(7, '0')}`, called: '09 310 1691' },
      });
      s.live.push({ ...r });
      event = evRecording(seq, r);
    }
    out.push({ site, box, event });
  }
  return out;
}

t.test('2,000 events shuffled and redelivered give the same index as in-order delivery', async (t) => {
  const events = streams(2000, 7);
  const ordered = await openIndex(t);
  for (const e of events) await ordered.index.ingest(e.site, e.box, e.event);

  const rnd = mulberry32(99);
  const messy = [...events, ...events.filter(() => rnd() < 0.3)];
  for (let i = messy.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [messy[i], messy[j]] = [messy[j]!, messy[i]!];
  }
  const shuffled = await openIndex(t);
  let duplicates = 0;
  let sawGap = false;
  // Some one by one, some in batches: both paths must agree.
  for (let i = 0; i < messy.length; ) {
    const n = i % 3 === 0 ? 1 : 25;
    for (const r of await shuffled.index.ingestMany(messy.slice(i, i + n))) {
      if (r.duplicate) duplicates++;
      if (r.gapFrom !== undefined) sawGap = true;
    }
    i += n;
  }
  t.equal(duplicates, messy.length - events.length, 'every redelivery, and only those, is a duplicate');
  t.ok(sawGap, 'the shuffle opened gaps');
  t.same(await dump(shuffled.index), await dump(ordered.index), 'same keys, same values');
  t.equal(await shuffled.index.count(), await ordered.index.count());
  for (const [site, box] of [['s1', 'b1'], ['s1', 'b2'], ['s2', 'b1'], ['s3', 'b7']]) {
    const last = Math.max(...events.filter((e) => e.site === site && e.box === box).map((e) => e.event.seq));
    t.equal(await shuffled.index.watermark(site!, box!), last, `${site}/${box} acked to its last seq`);
  }
  const deletedCalls = events.filter((e) => e.event.kind === 'deleted').length;
  t.ok(deletedCalls > 50, `${deletedCalls} deletions in the mix`);
  const all = await shuffled.index.search({ limit: 500 });
  t.equal(all.calls.length, 500);
});

t.test('a malformed event is refused whole, naming the field, and nothing is written', async (t) => {
  const { index } = await openIndex(t);
  const good = evRecording(1, recording(callId(1)));
  const cases: [string, string, unknown, RegExp][] = [
    ['s1', 'b1', { ...good, seq: 0 }, /^seq:/],
    ['s1', 'b1', { ...good, seq: 1.5 }, /^seq:/],
    ['s1', 'b1', { ...good, kind: 'recorded' }, /^kind:/],
    ['s1', 'b1', { ...good, body: { ...good.body, id: 'a!b' } }, /^body\.id:/],
    ['s1', 'b1', { ...good, body: { ...good.body, line: 'l\u0000' } }, /^body\.line:/],
    ['s1', 'b1', { ...good, body: { ...good.body, start: Number.NaN } }, /^body\.start:/],
    ['s1', 'b1', { ...good, body: { ...good.body, direction: 'sideways' } }, /^body\.direction:/],
    ['s1', 'b1', evDeleted(1, { ...deletedOf(good.body as RecordingEvent, T0), reason: 'whim' as 'expired' }), /^body\.reason:/],
    ['s1', 'b1', evExpiry(1, { id: callId(1), expiresAt: T0, holds: undefined as unknown as [] }), /^body\.holds:/],
    ['S 1', 'b1', good, /^site:/],
    ['s1', '', good, /^box:/],
  ];
  for (const [site, box, event, message] of cases) {
    await t.rejects(index.ingest(site, box, event as EventMessage), { name: 'TypeError', message }, String(message));
  }
  await t.rejects(index.ingestMany([{ site: 's1', box: 'b1', event: good }, { site: 's1', box: 'b1', event: { ...good, seq: -1 } }]), TypeError);
  t.equal(await index.watermark('s1', 'b1'), 0, 'not even the good event of a refused batch');
  t.equal(await index.count(), 0);
});

t.test('numbers that cannot be opened: the call is indexed without them, and the result says so', async (t) => {
  const { index } = await openIndex(t, {
    openMeta: (call) => {
      if (call.id === callId(1)) throw new Error('wrapped to another controller key');
      return { calling: '040 1234567' };
    },
  });
  const results = await index.ingestMany([
    { site: 's1', box: 'b1', event: evRecording(1, recording(callId(1), { numbers: { calling: '040 1234567' } })) },
    { site: 's1', box: 'b2', event: evRecording(1, recording(callId(2), { numbers: { calling: '040 1234567' } })) },
  ]);
  t.same(results, [{ duplicate: false, watermark: 1, numbersUnreadable: true }, { duplicate: false, watermark: 1 }], 'neither box is held up');
  t.equal(await index.count(), 2);
  t.same((await index.search({ number: '+358401234567' })).calls.map((c) => c.id), [callId(2)], 'only the readable one is found by number');
  t.ok((await index.get(callId(1)))?.sealed, 'still playable once the key problem is fixed');
});

t.test('a box cannot change another box\'s call: the event is counted but refused', async (t) => {
  const { index } = await openIndex(t);
  const r = recording(callId(1), { numbers: { calling: '040 1234567' } });
  await index.ingest('s1', 'b1', evRecording(1, r));
  const res = await index.ingest('s2', 'b9', evDeleted(1, deletedOf(r, T0, 'early-deletion')));
  t.same(res, { duplicate: false, watermark: 1, refused: 'foreign-id' }, 'acked, so the other box is not stuck resending');
  const call = await index.get(r.id);
  t.equal(call?.deleted, undefined);
  t.ok(call?.sealed);
  t.equal(call?.box, 'b1');
  t.same(await index.ingest('s1', 'b2', evExpiry(1, { id: r.id, expiresAt: T0 + 365 * DAY, holds: [] })), { duplicate: false, watermark: 1, refused: 'foreign-id' });
  t.equal((await index.get(r.id))?.expiresAt, r.expiresAt);
});
