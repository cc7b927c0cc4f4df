// The disk-full test of issue 4 (storage pressure), on a small dedicated tmpfs: the pressure floor
// refuses new recordings before the disk is full; a write that still meets a full disk is a
// rejected promise, not a crash; nothing acknowledged is lost; recording resumes when space
// returns. Needs root (mount); skipped, saying why, where mounting is not permitted.
import t, { type Test } from 'tap';
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Level } from 'level';
import { ManualClock } from '../../../src/core/clock.js';
import { diskUsage } from '../../../src/box/store/disk.js';
import { MB, PressureMonitor, StoragePressure, type MonitorTimers, type PressureAssessment, type PressureLevel, type PressureThresholds } from '../../../src/box/store/pressure.js';
import { RecordingStore } from '../../../src/box/store/recording-store.js';
import type { RecordingRecord } from '../../../src/box/store/recording-record.js';
import { collect } from '../../helpers/log.js';
import { cannotMount, smallDisk } from '../../helpers/tmpfs.js';

const skip = cannotMount();
const MiB = 1024 * 1024;
/** a sealed chunk: ~1 s of Opus at 12 kbit/s with the seal's overhead */
const CHUNK_BYTES = 1600;
const T0 = Date.UTC(2026, 2, 2, 8);

const record = (id: string, start: number): RecordingRecord => ({
  v: 1, id, line: 'line-1', start, durationMs: 0, state: 'open', chunks: 0,
  audio: { codec: 'opus', inputSampleRate: 8000, frameMs: 20, preSkip: 312, bitrate: 12000, packetsPerChunk: 48 },
  keyId: '0011223344556677', wrappedKey: 'AA==', gapMs: 0, direction: 'unknown', signalling: 'vox', clip: 'none',
  retentionMonths: 2, expiresAt: start + 61 * 86_400_000,
});
const callId = (n: number): string => `01a22317-4fd2-77c9-ac2d-${n.toString(16).padStart(12, '0')}`;

/** Timers that never fire: the test calls check() itself. */
const noTimers: MonitorTimers = { setTimeout: () => ({}), clearTimeout: () => {} };

function monitorOn(path: string, clock: ManualClock, thresholds: Partial<PressureThresholds>) {
  const pressure = new StoragePressure(clock, thresholds);
  const monitor = new PressureMonitor({ path, pressure, timers: noTimers });
  const levels: PressureLevel[] = [];
  const messages: string[] = [];
  monitor.on('level', (a: PressureAssessment) => {
    levels.push(a.level);
    messages.push(a.message);
  });
  return { pressure, monitor, levels, messages };
}

/** Reads every stored chunk back and compares it with what was acknowledged. */
async function verify(t: Test, store: RecordingStore, acked: Map<string, Buffer[]>, what: string): Promise<void> {
  let chunks = 0;
  const wrong: string[] = [];
  for (const [id, bufs] of acked) {
    const stored = await collect(store.readChunks(id));
    if (stored.length !== bufs.length) wrong.push(`${id}: ${stored.length} chunks stored, ${bufs.length} acknowledged`);
    stored.forEach((c, i) => {
      if (c.index !== i || !bufs[i] || !c.sealed.equals(bufs[i])) wrong.push(`${id}: chunk ${c.index} is not the one acknowledged`);
    });
    chunks += bufs.length;
  }
  t.same(wrong, [], `${what}: all ${chunks} acknowledged chunks of ${acked.size} recording(s) read back byte for byte, and nothing else`);
}

const levelDbFiles = (dir: string): string =>
  readdirSync(dir)
    .map((f) => `${f} ${statSync(join(dir, f)).size}`)
    .join(', ');

t.test('the floor refuses new recordings before the disk is full; nothing written is lost', { skip }, async (t) => {
  const disk = smallDisk(t, '32m');
  // Thresholds scaled to a 32 MB disk. LevelDB's use of the disk is a sawtooth: its log grows to
  // 4 MB, is written out as a table of the same size, then deleted. The floor must leave room for
  // that flush (below), and the hysteresis must span the 4 MB tooth, which is 12 % of this disk
  // (and 0.01 % of a 32 GB card, where the default 1 point is ample).
  const { pressure, monitor, levels, messages } = monitorOn(disk, new ManualClock(T0), {
    warnFraction: 0.5, alarmFraction: 0.6, floorFraction: 0.7, floorFreeBytes: 2 * MB, hysteresisFraction: 0.15,
  });
  writeFileSync(join(disk, 'filler'), Buffer.alloc(10 * MiB));
  const storePath = join(disk, 'store');
  const store = await RecordingStore.open(storePath);
  const acked = new Map<string, Buffer[]>();
  let refusedAt: PressureAssessment | undefined;
  for (let n = 0; ; n++) {
    // a call starts: the recorder asks first
    const a = await monitor.check();
    if (a!.refuseNewRecordings) {
      refusedAt = a;
      break;
    }
    const start = T0 + n * 120_000;
    const rec = record(callId(n), start);
    await store.putRecording(rec);
    const bufs: Buffer[] = [];
    acked.set(rec.id, bufs);
    for (let i = 0; i < 60; i++) {
      const sealed = randomBytes(CHUNK_BYTES);
      const last = i === 59 ? { ...rec, state: 'closed' as const, chunks: 60, durationMs: 60 * 960, end: start + 60 * 960 } : undefined;
      await store.putChunk(rec.id, i, sealed, last); // rejects, failing the test, if the disk ran full
      pressure.record(sealed.length, start + i * 960);
      bufs.push(sealed);
      if (i % 16 === 15) await monitor.check(); // the monitor's own timer, in between
    }
  }
  t.ok(acked.size > 10, `${acked.size} calls recorded before the floor`);
  t.same(levels, ['warning', 'alarm', 'floor'], 'warning, alarm, floor, each once, in that order');
  t.match(messages.at(-1), /new recordings are refused/);
  const free = await diskUsage(disk);
  t.ok(free.freeBytes > 4 * MiB, `the disk is not full when recording stops: ${(free.freeBytes / MiB).toFixed(1)} MiB free (${levelDbFiles(storePath)})`);
  t.equal(refusedAt!.level, 'floor');
  t.ok(refusedAt!.daysLeft === 0 && refusedAt!.bytesPerDay > 0);

  await store.close();
  const reopened = await RecordingStore.open(storePath);
  await verify(t, reopened, acked, 'after close and reopen');
  const states = (await collect(reopened.listRecordings())).map((r) => r.state);
  t.ok(states.length === acked.size && states.every((s) => s === 'closed'), 'every recording closed normally');
  await reopened.close();

  rmSync(join(disk, 'filler'));
  const after = await monitor.check();
  t.equal(after!.refuseNewRecordings, false, 'space returned: recordings are accepted again');
  // The recordings themselves still fill a third to a half of this disk, as LevelDB has laid
  // them out by now: ok or a warning, but no longer the alarm or the floor.
  t.same(levels.slice(0, 3), ['warning', 'alarm', 'floor']);
  t.match(after!.level, /^(ok|warning)$/, `the level drops back: ${after!.level} at ${(after!.usedFraction * 100).toFixed(0)} % full`);
});

// In service, space returns through expiry, not a filler file: the sweeper clears an expired
// recording's chunks. LevelDB frees nothing on a delete; only a compaction gives the space back,
// which is why the sweeper compacts the chunk keyspace after destroying recordings.
t.test('space given back by expiry returns only once LevelDB compacts; then recording resumes', { skip }, async (t) => {
  const disk = smallDisk(t, '32m');
  const { monitor, levels } = monitorOn(disk, new ManualClock(T0), {
    warnFraction: 0.5, alarmFraction: 0.6, floorFraction: 0.7, floorFreeBytes: 2 * MB, hysteresisFraction: 0.15,
  });
  writeFileSync(join(disk, 'filler'), Buffer.alloc(4 * MiB));
  const store = await RecordingStore.open(join(disk, 'store'));
  const ids: string[] = [];
  for (let n = 0; !(await monitor.check())!.refuseNewRecordings; n++) {
    const rec = record(callId(n), T0 + n * 120_000);
    ids.push(rec.id);
    await store.putRecording(rec);
    for (let i = 0; i < 60; i++) await store.putChunk(rec.id, i, randomBytes(CHUNK_BYTES));
  }
  t.equal(levels.at(-1), 'floor', `the floor after ${ids.length} calls`);
  const atFloor = (await monitor.check())!;
  const expired = ids.slice(0, Math.floor(ids.length * 0.75));
  const expiredBytes = expired.length * 60 * CHUNK_BYTES;
  for (const id of expired) await store.clearChunks(id);
  const cleared = (await monitor.check())!;
  const backByDelete = cleared.freeBytes - atFloor.freeBytes;
  t.ok(backByDelete < expiredBytes / 2, `${expired.length} recordings' chunks (${(expiredBytes / MiB).toFixed(1)} MiB) deleted: ${(backByDelete / MiB).toFixed(1)} MiB came back (${cleared.level} at ${(cleared.usedFraction * 100).toFixed(0)} % full)`);
  await store.compactChunks();
  const compacted = (await monitor.check())!;
  t.ok(compacted.freeBytes - atFloor.freeBytes > expiredBytes / 2, `after compaction ${((compacted.freeBytes - atFloor.freeBytes) / MiB).toFixed(1)} MiB came back`);
  t.equal(compacted.refuseNewRecordings, false, `recordings are accepted again: ${compacted.level} at ${(compacted.usedFraction * 100).toFixed(0)} % full`);
  const rec = record(callId(ids.length), T0 + ids.length * 120_000);
  await store.putRecording(rec);
  for (let i = 0; i < 60; i++) await store.putChunk(rec.id, i, randomBytes(CHUNK_BYTES));
  t.equal(await store.countChunks(rec.id), 60, 'a new call is recorded');
  t.equal(await store.countChunks(ids.at(-1)!), 60, 'the unexpired recordings are untouched');
  await store.close();
});

// Two ways a full disk meets LevelDB. With less free space than a memtable (4 MB), the log write
// of a batch fails when the disk is full. With more, the memtable's flush to a table (4 MB in one
// go, in the background) runs the disk full: the write that fails is either that flush's (.ldb)
// or a log write racing it (.log). LevelDB then removes the partial table, and the disk looks only
// 80 % full although writes failed. That is why the floor must leave LevelDB several MB.
const regimes = [
  { name: 'the log write meets the full disk', size: '8m', filler: 5 * MiB, failsIn: 'log', levelOnceClosed: 'floor' },
  { name: 'a memtable flush meets the full disk', size: '16m', filler: 6 * MiB, failsIn: '(ldb|log)', levelOnceClosed: 'warning' },
] as const;

for (const regime of regimes) {
  t.test(`${regime.name}: the write is rejected, nothing acknowledged is lost, recording resumes once space returns and the store is reopened`, { skip }, async (t) => {
    const disk = smallDisk(t, regime.size);
    const clock = new ManualClock(T0);
    // Default fractions, the byte floor scaled down to this disk; hysteresis spans LevelDB's tooth.
    const { pressure, monitor, levels } = monitorOn(disk, clock, { floorFreeBytes: 1 * MB, hysteresisFraction: 0.15 });
    writeFileSync(join(disk, 'filler'), Buffer.alloc(regime.filler));
    const storePath = join(disk, 'store');
    let store = await RecordingStore.open(storePath);
    const rec = record(callId(1), T0);
    await store.putRecording(rec);
    const acked = new Map<string, Buffer[]>([[rec.id, []]]);
    const bufs = acked.get(rec.id)!;

    // A recorder that ignores the floor (it was read a minute ago; something else filled the disk).
    let failure: (Error & { code?: string }) | undefined;
    for (let i = 0; !failure; i++) {
      const sealed = randomBytes(CHUNK_BYTES);
      try {
        await store.putChunk(rec.id, i, sealed);
        bufs.push(sealed);
        pressure.record(sealed.length, clock.now());
        clock.advance(960);
      } catch (err) {
        failure = err as Error & { code?: string };
      }
    }
    const cause = (failure as { cause?: Error & { code?: string } }).cause!;
    t.comment(`LevelDB on ENOSPC: code ${cause.code}, message "${cause.message.replace(disk, '<disk>')}"`);
    t.match(failure, { code: 'TAL_STORE_FAILED' }, 'a rejected promise, not a crash');
    t.match(cause, { code: 'LEVEL_IO_ERROR', message: new RegExp(`^IO error: .*/\\d+\\.${regime.failsIn}: No space left on device$`) }, 'LevelDB said why');
    await t.rejects(store.putChunk('later', 0, Buffer.alloc(10)), { code: 'TAL_STORE_FAILED', message: /refuses writes since an earlier one failed/ }, 'the failed handle takes no more writes: LevelDB would lose them');
    t.ok(bufs.length > 500, `${bufs.length} chunks acknowledged before the failure`);

    // The handle that failed is not written again (see the LevelDB test below): it is closed.
    await store.close();
    const closed = await monitor.check();
    t.equal(closed!.level, regime.levelOnceClosed, `the pressure level once the store is closed: ${(closed!.freeBytes / MiB).toFixed(1)} MiB free`);
    await t.rejects(RecordingStore.open(storePath), { code: 'TAL_STORE_NOT_OPEN', cause: { cause: { code: 'LEVEL_IO_ERROR', message: /No space left on device/ } } },
      'while space is short the store cannot even be reopened: LevelDB first recovers its log into a table');

    rmSync(join(disk, 'filler'));
    const freed = await monitor.check();
    t.equal(freed!.level, 'ok', `space returned: the level drops back (${(freed!.freeBytes / MiB).toFixed(1)} MiB free)`);
    t.equal(levels.at(-1), 'ok', `levels seen: ${levels.join(' → ')}`);

    store = await RecordingStore.open(storePath);
    await verify(t, store, acked, 'reopened after the failure');
    t.match(await store.getRecording(rec.id), { state: 'open' }, 'the recording record is intact');

    // Recording resumes: the rest of this call, and a new one.
    const next = record(callId(2), clock.now());
    await store.putRecording(next);
    acked.set(next.id, []);
    for (let i = 0; i < 300; i++) {
      const a = randomBytes(CHUNK_BYTES);
      const b = randomBytes(CHUNK_BYTES);
      await store.putChunk(rec.id, bufs.length, a);
      bufs.push(a);
      await store.putChunk(next.id, i, b);
      acked.get(next.id)!.push(b);
    }
    t.equal(acked.get(next.id)!.length, 300, '600 more chunks written after space returned');
    await store.close();
    store = await RecordingStore.open(storePath);
    await verify(t, store, acked, 'after writing again, closing and reopening');
    await store.close();
  });
}

// Why the handle that failed must not be written again. This test holds LevelDB (classic-level,
// leveldb 1.20) itself, not our store: after a failed log write, LevelDB acknowledges later
// writes on the same handle once space is back, and then drops them at the next open, because
// the log lost its framing (its LOG file says "dropping … bytes; Corruption: checksum mismatch").
// If this test ever fails, LevelDB has changed and the reopen rule in docs/storage.md may relax.
t.test('LevelDB: writes acknowledged on a handle after its log write failed are lost at the next open', { skip }, async (t) => {
  const disk = smallDisk(t, '8m');
  writeFileSync(join(disk, 'filler'), Buffer.alloc(5 * MiB));
  const path = join(disk, 'db');
  let db = new Level<string, unknown>(path, { valueEncoding: 'json' });
  await db.open();
  const put = (k: number) =>
    db.batch([{ type: 'put', sublevel: db.sublevel<string, Buffer>('c', { valueEncoding: 'buffer' }), key: String(k).padStart(8, '0'), value: randomBytes(CHUNK_BYTES) }] as never, { sync: true });
  let k = 0;
  let failure: (Error & { code?: string }) | undefined;
  for (; !failure; k++) await put(k).catch((err: Error) => (failure = err));
  t.match(failure, { code: 'LEVEL_IO_ERROR', message: /\.log: No space left on device/ }, 'the log write failed');
  const before = k - 1;
  rmSync(join(disk, 'filler'));
  let acknowledged = 0;
  for (let i = 0; i < 100; i++, k++) await put(k).then(() => acknowledged++);
  t.equal(acknowledged, 100, '100 more writes acknowledged on the same handle once space was back');
  await db.close();
  db = new Level<string, unknown>(path, { valueEncoding: 'json' });
  await db.open();
  const kept = (await db.sublevel<string, Buffer>('c', { valueEncoding: 'buffer' }).keys().all()).map(Number);
  t.equal(kept.filter((x) => x < before).length, before, 'the writes before the failure survive');
  const lostAfter = 100 - kept.filter((x) => x > before).length;
  t.ok(lostAfter > 0, `${lostAfter} of the 100 acknowledged after the failure are gone`);
  await db.close();
});
