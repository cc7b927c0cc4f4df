// R4 kept by the machine: holds, releases, early deletion and the sweeper, on a manual clock.
import t from 'tap';
import { RecordingStore } from '../../../src/box/store/recording-store.js';
import { Retention, type AuditSink } from '../../../src/box/store/retention.js';
import type { HoldReason, RecordingRecord } from '../../../src/box/store/recording-record.js';
import { ManualClock } from '../../../src/core/clock.js';
import { mulberry32 } from '../../../src/core/dsp/generate.js';
import { addCalendarMonths, effectiveExpiry, expiryOf, maxExpiryOf } from '../../../src/core/retention/index.js';
import { collect, memoryLog } from '../../helpers/log.js';

// real time or many simulated months: longer than tap's default 30 s per file
t.setTimeout(300_000);

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1, 10);

function recordAt(id: string, start: number, months = 2): RecordingRecord {
  return {
    v: 1, id, line: 'line-1', start, end: start + 60_000, durationMs: 60_000, state: 'closed', chunks: 2,
    audio: { codec: 'opus', inputSampleRate: 8000, frameMs: 20, preSkip: 312, bitrate: 12000, packetsPerChunk: 48 },
    keyId: '0011223344556677', wrappedKey: Buffer.alloc(101, 7).toString('base64'), gapMs: 0,
    direction: 'incoming', signalling: 'vox', clip: 'none', retentionMonths: months, expiresAt: expiryOf(start, months),
  };
}

async function setup(t: Tap.Test) {
  const clock = new ManualClock(T0);
  // fsync off: this is about logic, not power cuts (those are test/box/crash-recovery and the sweep SIGKILL test)
  const store = await RecordingStore.open(t.testdir({}), { sync: false });
  t.teardown(() => store.close());
  const entries: Parameters<AuditSink['append']>[0][] = [];
  const audit: AuditSink = { append: async (e) => entries.push(e) };
  const retention = new Retention(store, { clock, monotonic: () => clock.now(), audit, log: memoryLog().log });
  const add = async (rec: RecordingRecord) => {
    await store.putRecording(rec);
    await store.putChunk(rec.id, 0, Buffer.alloc(300, 1));
    await store.putChunk(rec.id, 1, Buffer.alloc(300, 2));
  };
  return { clock, store, retention, entries, add };
}

type Tap = typeof t;
declare namespace Tap { type Test = Parameters<Parameters<Tap['test']>[1]>[0]; }

t.test('a hold extends one recording to the date asked, never past start + 12 months, and says when it clamps', async (t) => {
  const { store, retention, entries, add } = await setup(t);
  await add(recordAt('a', T0));
  const asked = addCalendarMonths(T0, 6);
  const r1 = await retention.hold('a', { reason: 'complaint', caseRef: 'VAL-2026-17', by: 'supervisor-3', until: asked });
  t.same([r1.expiresAt, r1.clamped], [asked, false]);
  const r2 = await retention.hold('a', { reason: 'quality-project', caseRef: 'LAATU-1', by: 'supervisor-3', until: addCalendarMonths(T0, 18) });
  t.same([r2.expiresAt, r2.clamped, r2.until], [maxExpiryOf(T0), true, maxExpiryOf(T0)], 'clamped at 12 months');
  t.equal((await store.getRecording('a'))!.expiresAt, maxExpiryOf(T0));
  t.match(entries.at(-1), { actor: 'supervisor-3', action: 'hold', target: 'a', purpose: 'quality-project', caseRef: 'LAATU-1', detail: { clamped: true } });
  const released = await retention.release('a', { by: 'supervisor-3', caseRef: 'LAATU-1' });
  t.same(released, { expiresAt: asked, destroyed: false }, 'releasing one case leaves the other hold');
});

t.test('bad requests are refused with the field named', async (t) => {
  const { retention, add } = await setup(t);
  await add(recordAt('a', T0));
  const hold = { reason: 'complaint' as HoldReason, caseRef: 'C-1', by: 'u', until: T0 + 90 * DAY };
  await t.rejects(retention.hold('a', { ...hold, reason: 'curiosity' as HoldReason }), { code: 'TAL_HOLD_INVALID', message: /reason must be one of complaint/ });
  await t.rejects(retention.hold('a', { ...hold, caseRef: ' ' }), { code: 'TAL_HOLD_INVALID', message: /caseRef is required/ });
  await t.rejects(retention.hold('a', { ...hold, by: '' }), { code: 'TAL_HOLD_INVALID', message: /by is required/ });
  await t.rejects(retention.hold('nope', hold), { code: 'TAL_RECORDING_NOT_FOUND' });
  await t.rejects(retention.release('a', { by: 'u', caseRef: 'C-9' }), { code: 'TAL_HOLD_INVALID', message: /no hold for case C-9/ });
  await t.rejects(retention.delete('a', { by: 'dpo', reason: '' }), { code: 'TAL_HOLD_INVALID', message: /reason is required/ });
});

t.test('releasing a hold past the normal expiry destroys the recording at once', async (t) => {
  const { clock, store, retention, add } = await setup(t);
  await add(recordAt('a', T0));
  await retention.hold('a', { reason: 'complaint', caseRef: 'C-1', by: 'u', until: addCalendarMonths(T0, 5) });
  clock.set(addCalendarMonths(T0, 3));
  t.same((await retention.sweep()).destroyed, 0, 'held past its normal expiry');
  t.same(await retention.release('a', { by: 'u', caseRef: 'C-1' }), { expiresAt: expiryOf(T0, 2), destroyed: true });
  t.equal(await store.getRecording('a'), undefined);
  t.match(await store.getTombstone('a'), { id: 'a', reason: 'expired', deletedAt: clock.now() });
  await t.rejects(retention.hold('a', { reason: 'complaint', caseRef: 'C-2', by: 'u', until: clock.now() + DAY }), { code: 'TAL_RECORDING_DESTROYED' });
});

t.test('early deletion: key, chunks and record go; the tombstone has no personal data; the reason is audited', async (t) => {
  const { store, retention, entries, add } = await setup(t);
  await add({ ...recordAt('a', T0), sealedMeta: 'c2VhbGVk', metaVersion: 0 });
  const tomb = await retention.delete('a', { by: 'dpo-1', reason: 'data subject request 2026/4' });
  t.same(Object.keys(tomb).sort(), ['deletedAt', 'end', 'expiresAt', 'id', 'line', 'reason', 'start', 'v']);
  t.equal(tomb.reason, 'early-deletion');
  t.same(await collect(store.readChunks('a')), []);
  t.match(entries.at(-1), { actor: 'dpo-1', action: 'delete', target: 'a', detail: { reason: 'data subject request 2026/4' } });
});

t.test('1,000 recordings over 14 months with random holds, releases and deletions: exactly the expired ones go', async (t) => {
  const { clock, store, retention, add } = await setup(t);
  const rnd = mulberry32(4242);
  const start = T0;
  const end = addCalendarMonths(T0, 14);
  const model = new Map<string, { start: number; holds: { caseRef: string; until: number }[]; deleted: boolean }>();
  const ids: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const at = start + Math.floor(rnd() * (end - start - 30 * DAY));
    const id = `r${String(i).padStart(4, '0')}`;
    ids.push(id);
    model.set(id, { start: at, holds: [], deleted: false });
  }
  ids.sort((a, b) => model.get(a)!.start - model.get(b)!.start);
  let next = 0;
  let destroyedSeen = 0;
  for (let day = start; day <= end + 13 * 30 * DAY; day += DAY) {
    clock.set(day);
    while (next < ids.length && model.get(ids[next]!)!.start <= day) {
      const id = ids[next++]!;
      await add(recordAt(id, model.get(id)!.start));
    }
    // random actions on live recordings
    if (rnd() < 0.3 && next > 0) {
      const id = ids[Math.floor(rnd() * next)]!;
      const m = model.get(id)!;
      const alive = !m.deleted && (await store.getRecording(id)) !== undefined;
      if (alive) {
        const r = rnd();
        if (r < 0.5) {
          const caseRef = `C-${Math.floor(rnd() * 1e6)}`;
          const until = day + Math.floor(rnd() * 400) * DAY;
          const res = await retention.hold(id, { reason: 'complaint', caseRef, by: 'sup', until });
          m.holds.push({ caseRef, until: res.until });
          t.ok(res.until <= maxExpiryOf(m.start), 'a hold never passes 12 months');
        } else if (r < 0.8 && m.holds.length > 0) {
          const h = m.holds.splice(Math.floor(rnd() * m.holds.length), 1)[0]!;
          await retention.release(id, { by: 'sup', caseRef: h.caseRef });
        } else if (r >= 0.95) {
          await retention.delete(id, { by: 'dpo', reason: 'early' });
          m.deleted = true;
        }
      }
    }
    destroyedSeen += (await retention.sweep()).destroyed;
    // the invariant, every simulated day
    if ((day - start) % (30 * DAY) === 0 || day >= end) {
      for (const id of ids.slice(0, next)) {
        const m = model.get(id)!;
        const expiresAt = effectiveExpiry({ start: m.start, retentionMonths: 2, holds: m.holds });
        const rec = await store.getRecording(id);
        const shouldBeGone = m.deleted || expiresAt <= day;
        if (shouldBeGone !== (rec === undefined)) t.fail(`${id} on ${new Date(day).toISOString()}: ${shouldBeGone ? 'kept past its expiry' : 'destroyed early'}`);
        if (rec && day - m.start > maxExpiryOf(m.start) - m.start) t.fail(`${id} older than 12 months`);
      }
    }
  }
  const tombs = await collect(store.listTombstones());
  t.equal(tombs.length, 1000, 'in the end every recording is a tombstone');
  t.ok(destroyedSeen > 900, `${destroyedSeen} destroyed by the sweeper, the rest deleted early`);
  t.same(await collect(store.listRecordings()), [], 'no record, so no wrapped key, remains');
  let chunks = 0;
  for await (const _ of store.raw.chunks.keys()) chunks++;
  t.equal(chunks, 0, 'no chunk remains');
  // the simulated sweeper runs once a day (the real one every minute)
  t.ok(tombs.every((x) => x.deletedAt < maxExpiryOf(x.start) + DAY), 'nothing outlived start + 12 months by more than one sweep interval');
});

t.test('a forward clock jump is audited and destroys nothing until the next pass; a backward one deletes nothing early', async (t) => {
  const { clock, store, retention, entries, add } = await setup(t);
  let mono = 0;
  const r = new Retention(store, { clock, monotonic: () => mono, audit: { append: async (e) => entries.push(e) }, log: memoryLog().log });
  await add(recordAt('a', T0));
  await r.sweep();
  clock.set(addCalendarMonths(T0, 5)); // someone sets the clock months ahead
  mono += 60_000;
  const jumped = await r.sweep();
  t.match(jumped, { destroyed: 0, deferred: true });
  t.ok(jumped.clockJumpMs! > 60_000);
  t.match(entries.at(-1), { action: 'clock-jump', actor: 'system' });
  t.ok(await store.getRecording('a'), 'nothing destroyed on the jump itself');
  clock.set(T0 + DAY); // the clock is put right, backwards
  mono += 60_000;
  t.match(await r.sweep(), { destroyed: 0, deferred: false });
  t.ok(await store.getRecording('a'), 'and nothing early after it');
  void retention;
});
