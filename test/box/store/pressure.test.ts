import t from 'tap';
import { ManualClock } from '../../../src/core/clock.js';
import { diskUsage } from '../../../src/box/store/disk.js';
import {
  DAY_MS,
  MB,
  PressureMonitor,
  StoragePressure,
  formatBytes,
  pressureThresholds,
  type DiskSpace,
  type MonitorTimers,
  type PressureAssessment,
  type PressureLevel,
} from '../../../src/box/store/pressure.js';

const GB = 1000 * MB;
const D0 = Date.UTC(2026, 0, 5); // a Monday, 00:00 UTC

/** `used` as a fraction of `total` */
const disk = (used: number, total = 100 * GB): DiskSpace => ({ totalBytes: total, freeBytes: Math.round(total * (1 - used)) });

t.test('each level, at and just below its threshold (a 100 GB disk, where 3 % is far more than 200 MB)', async (t) => {
  const cases: [string, DiskSpace, PressureLevel][] = [
    ['empty', disk(0), 'ok'],
    ['half full', disk(0.5), 'ok'],
    ['just below 80 %', disk(0.7999), 'ok'],
    ['80 %', disk(0.8), 'warning'],
    ['just below 90 %', disk(0.8999), 'warning'],
    ['90 %', disk(0.9), 'alarm'],
    ['just below 97 %', disk(0.9699), 'alarm'],
    ['97 %', disk(0.97), 'floor'],
    ['full', disk(1), 'floor'],
    ['more free than total is read as empty', { totalBytes: 100 * GB, freeBytes: 200 * GB }, 'ok'],
    ['a filesystem of no size', { totalBytes: 0, freeBytes: 0 }, 'floor'],
  ];
  for (const [name, space, level] of cases) {
    // a fresh tracker for each: no hysteresis carried from the case before
    const a = new StoragePressure(new ManualClock(D0)).assess(space);
    t.equal(a.level, level, name);
    t.equal(a.refuseNewRecordings, level === 'floor', `${name}: refuses new recordings only at the floor`);
  }
});

t.test('the floor by absolute free space: under 200 MB free on a small disk, whatever the fraction', async (t) => {
  const total = 4 * GB; // 97 % of it would leave 120 MB: the 200 MB floor comes first, at 95 %
  const cases: [string, number, PressureLevel][] = [
    ['201 MB free (94.97 %)', 201 * MB, 'alarm'],
    ['exactly 200 MB free', 200 * MB, 'alarm'],
    ['199 MB free (95.02 %)', 199 * MB, 'floor'],
  ];
  for (const [name, freeBytes, level] of cases) {
    const a = new StoragePressure(new ManualClock(D0)).assess({ totalBytes: total, freeBytes });
    t.equal(a.level, level, name);
    t.equal(a.reserveBytes, 200 * MB, `${name}: the reserve is the larger floor`);
  }
  const custom = new StoragePressure(new ManualClock(D0), { floorFreeBytes: 500 * MB });
  t.equal(custom.assess({ totalBytes: total, freeBytes: 450 * MB }).level, 'floor', 'the byte floor is configurable (storage.minFreeMb)');
  const none = new StoragePressure(new ManualClock(D0), { floorFreeBytes: 0, floorFraction: 1 });
  t.equal(none.assess({ totalBytes: total, freeBytes: 1 }).level, 'alarm', 'with both floors off, one byte free is still only an alarm');
  t.equal(none.assess({ totalBytes: total, freeBytes: 0 }).level, 'floor', '… and a full disk is the floor');
});

t.test('the messages say, in plain words, how full, how long, and that nothing is to be deleted by hand', async (t) => {
  const clock = new ManualClock(D0);
  const p = new StoragePressure(clock);
  for (let d = 0; d < 7; d++) p.record(1 * GB, D0 + d * DAY_MS + 12 * 3600_000);
  clock.set(D0 + 7 * DAY_MS);
  const warn = p.assess({ totalBytes: 100 * GB, freeBytes: 19 * GB });
  t.equal(warn.level, 'warning');
  t.equal(warn.message, "disk 81 % full (19 GB free): about 16 days of recordings left at the last 7 days' rate; plan more storage; delete nothing by hand — expired recordings are removed automatically");
  const alarm = p.assess({ totalBytes: 100 * GB, freeBytes: 9 * GB });
  t.equal(alarm.message, "disk 91 % full (9 GB free): about 6 days of recordings left at the last 7 days' rate; add storage soon: new recordings will be refused at 97 % full or under 200 MB free; delete nothing by hand — expired recordings are removed automatically");
  const floor = p.assess({ totalBytes: 100 * GB, freeBytes: 2 * GB });
  t.equal(floor.daysLeft, 0, 'no days left at the floor');
  t.match(floor.message, /^disk 98 % full \(2 GB free\): new recordings are refused, so that those already stored stay intact; .*delete nothing by hand.*recording resumes by itself when space returns$/);
  const ok = new StoragePressure(new ManualClock(D0)).assess({ totalBytes: 100 * GB, freeBytes: 60 * GB });
  t.equal(ok.message, 'disk 40 % full (60 GB free): no recordings in the last 7 days to forecast from');
  t.equal(formatBytes(950), '950 bytes');
  t.equal(formatBytes(199_999_999), '199 MB', 'sizes round down, never promising space that is not there');
  t.equal(formatBytes(1_234_567_890), '1.2 GB');
});

t.test('days left: free space above the floor at the last 7 days\' rate', async (t) => {
  const clock = new ManualClock(D0);
  const p = new StoragePressure(clock);
  const total = 100 * GB; // the floor reserve is 3 GB
  t.equal(p.assess({ totalBytes: total, freeBytes: 33 * GB }).daysLeft, null, 'null when nothing was recorded');

  // 1 GB a day for 7 days, then 5 GB on the eighth: the first day drops out of the window
  for (let d = 0; d < 7; d++) p.record(1 * GB, D0 + d * DAY_MS + 9 * 3600_000);
  clock.set(D0 + 7 * DAY_MS); // midnight: today has nothing yet; days 1…6 cover 6 days
  let a = p.assess({ totalBytes: total, freeBytes: 33 * GB });
  t.equal(a.bytesPerDay, 1 * GB);
  t.equal(a.daysLeft, 30, '(33 − 3) GB at 1 GB a day');
  t.match(a.message, /about 30 days of recordings left/);

  clock.set(D0 + 7 * DAY_MS + 12 * 3600_000);
  p.record(5 * GB, clock.now() - 1);
  a = p.assess({ totalBytes: total, freeBytes: 33 * GB });
  t.equal(a.bytesPerDay, (11 * GB) / 6.5, '11 GB over the 6.5 days the window has covered so far');

  clock.set(D0 + 30 * DAY_MS);
  a = p.assess({ totalBytes: total, freeBytes: 33 * GB });
  t.equal(a.bytesPerDay, 0, 'a week without recordings: no rate');
  t.equal(a.daysLeft, null);
});

t.test('a new box: the rate counts at least a whole day, so one morning is not read as the day\'s pace', async (t) => {
  const clock = new ManualClock(D0 + 8 * 3600_000);
  const p = new StoragePressure(clock);
  p.record(300 * MB, clock.now() + 1800_000);
  clock.advance(2 * 3600_000);
  t.equal(p.bytesPerDay(), 300 * MB, 'two hours of recording count as one day, not 12×');
  clock.advance(2 * DAY_MS);
  p.record(300 * MB);
  t.equal(p.bytesPerDay(), (600 * MB) / (2 + 2 / 24) * 1, 'then the time since tracking began');
});

t.test('hysteresis: a level is left only one percentage point below its threshold', async (t) => {
  const p = new StoragePressure(new ManualClock(D0));
  const steps: [number, PressureLevel][] = [
    [0.79, 'ok'],
    [0.8, 'warning'],
    [0.795, 'warning'],
    [0.7901, 'warning'],
    [0.789, 'ok'],
    [0.9, 'alarm'],
    [0.891, 'alarm'],
    [0.889, 'warning'],
    [0.97, 'floor'],
    [0.961, 'floor'],
    [0.959, 'alarm'],
    [0.5, 'ok'],
    [0.99, 'floor'],
  ];
  for (const [used, level] of steps) t.equal(p.assess(disk(used)).level, level, `${used * 100} %`);

  const flap = new StoragePressure(new ManualClock(D0));
  const seen: PressureLevel[] = [];
  for (let i = 0; i < 50; i++) {
    const l = flap.assess(disk(i % 2 ? 0.9002 : 0.8998)).level;
    if (seen.at(-1) !== l) seen.push(l);
  }
  t.same(seen, ['warning', 'alarm'], 'a disk wavering around 90 % raises the alarm once and keeps it');

  const bytes = new StoragePressure(new ManualClock(D0));
  const total = 4 * GB; // 1 % is 40 MB
  t.equal(bytes.assess({ totalBytes: total, freeBytes: 199 * MB }).level, 'floor');
  t.equal(bytes.assess({ totalBytes: total, freeBytes: 230 * MB }).level, 'floor', 'the byte floor holds until 40 MB more are free');
  t.equal(bytes.assess({ totalBytes: total, freeBytes: 241 * MB }).level, 'alarm');

  const none = new StoragePressure(new ManualClock(D0), { hysteresisFraction: 0 });
  t.equal(none.assess(disk(0.8)).level, 'warning');
  t.equal(none.assess(disk(0.7999)).level, 'ok', 'hysteresis can be turned off');
});

t.test('a restart keeps the forecast and the level: snapshot() and restore() through JSON', async (t) => {
  const clock = new ManualClock(D0);
  const before = new StoragePressure(clock);
  for (let d = 0; d <= 10; d++) before.record(2 * GB, D0 + d * DAY_MS + 10 * 3600_000);
  clock.set(D0 + 10 * DAY_MS + 11 * 3600_000);
  t.equal(before.assess(disk(0.9)).level, 'alarm');
  const snap = before.snapshot();
  t.equal(snap.days.length, 7, 'only the last 7 days are kept');
  const json = JSON.stringify(snap);
  t.ok(json.length < 400, `small: ${json.length} characters`);

  const after = new StoragePressure(new ManualClock(clock.now()));
  after.restore(JSON.parse(json));
  const a = after.assess(disk(0.895));
  const b = before.assess(disk(0.895));
  t.equal(a.level, 'alarm', 'the alarm is held across the restart, within the hysteresis band');
  t.equal(a.bytesPerDay, b.bytesPerDay, 'the same rate');
  t.equal(a.daysLeft, b.daysLeft, 'the same forecast');
  t.ok(a.daysLeft! > 0);

  const bad: unknown[] = [null, 'x', {}, { v: 2, since: 0, days: [] }, { v: 1, since: 'x', days: [] }, { v: 1, since: 0, days: [[1]] }, { v: 1, since: 0, days: [[1, -5]] }, { v: 1, since: 0, days: [], level: 'panic' }];
  for (const s of bad) t.throws(() => new StoragePressure(clock).restore(s), TypeError, `refuses ${JSON.stringify(s)}`);
});

t.test('thresholds must be ordered; anything else is a TypeError naming it', async (t) => {
  t.same(pressureThresholds(), { warnFraction: 0.8, alarmFraction: 0.9, floorFraction: 0.97, floorFreeBytes: 200 * MB, hysteresisFraction: 0.01 });
  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['warn at alarm', { warnFraction: 0.9 }, /ordered/],
    ['alarm above floor', { alarmFraction: 0.98 }, /ordered/],
    ['floor above 1', { floorFraction: 1.01 }, /ordered/],
    ['warn at 0', { warnFraction: 0 }, /ordered/],
    ['not a number', { warnFraction: '80 %' }, /warnFraction must be a finite number/],
    ['NaN', { floorFreeBytes: NaN }, /floorFreeBytes must be a finite number/],
    ['negative reserve', { floorFreeBytes: -1 }, /floorFreeBytes must be 0 or more/],
    ['negative hysteresis', { hysteresisFraction: -0.01 }, /hysteresisFraction/],
    ['unknown', { panicFraction: 0.5 }, /unknown storage threshold panicFraction/],
  ];
  for (const [name, th, message] of bad) {
    t.throws(() => pressureThresholds(th as never), { name: 'TypeError', message }, name);
    t.throws(() => new StoragePressure(new ManualClock(0), th as never), TypeError, `${name}: at construction`);
    t.throws(() => new StoragePressure(new ManualClock(0)).assess(disk(0.5), 0, th as never), TypeError, `${name}: per assessment`);
  }
  const p = new StoragePressure(new ManualClock(0));
  t.equal(p.assess(disk(0.85), 0, { warnFraction: 0.5, alarmFraction: 0.6, floorFraction: 0.7 }).level, 'floor', 'thresholds given per assessment override');
  t.throws(() => p.record(-1), TypeError);
  t.throws(() => p.record(NaN), TypeError);
  t.throws(() => p.assess({ totalBytes: NaN, freeBytes: 0 }), TypeError);
});

t.test('diskUsage reads the filesystem as df does', async (t) => {
  const u = await diskUsage(t.testdir({}));
  t.ok(u.totalBytes > 0);
  t.ok(u.freeBytes >= 0 && u.freeBytes <= u.totalBytes);
  t.equal(u.usedFraction, (u.totalBytes - u.freeBytes) / u.totalBytes);
  await t.rejects(diskUsage('/nonexistent/tallennin'), { code: 'ENOENT' });
});

/** Timers the test fires by hand: no sleeping. */
function manualTimers(): MonitorTimers & { pending: { fn: () => void; ms: number }[]; fire(): void; cleared: number } {
  const pending: { fn: () => void; ms: number }[] = [];
  const timers = {
    pending,
    cleared: 0,
    setTimeout(fn: () => void, ms: number) {
      const h = { fn, ms };
      pending.push(h);
      return h;
    },
    clearTimeout(h: unknown) {
      const i = pending.indexOf(h as { fn: () => void; ms: number });
      if (i >= 0) pending.splice(i, 1);
      timers.cleared++;
    },
    fire() {
      const h = pending.shift();
      if (!h) throw new Error('no timer pending');
      h.fn();
    },
  };
  return timers;
}

/** Lets a fired reading (an already resolved diskUsage) run to its end. */
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

t.test('the monitor reads the disk on its timer and emits each change of level once', async (t) => {
  const readings = [0.5, 0.85, 0.86, 0.95, 0.975, 0.965, 0.955, 0.3];
  const paths: string[] = [];
  const timers = manualTimers();
  const monitor = new PressureMonitor({
    path: '/srv/rec',
    pressure: new StoragePressure(new ManualClock(D0)),
    intervalMs: 30_000,
    timers,
    diskUsage: async (path) => {
      paths.push(path);
      return disk(readings.shift()!);
    },
  });
  const levels: [PressureLevel, PressureLevel][] = [];
  const refusing: boolean[] = [];
  monitor.on('level', (a: PressureAssessment, previous: PressureLevel) => levels.push([previous, a.level]));
  monitor.on('assessment', () => refusing.push(monitor.refuseNewRecordings));
  t.equal(monitor.last, undefined);
  const first = await monitor.start();
  t.equal(first?.level, 'ok', 'start() reads at once');
  t.same(levels, [], 'starting at ok is no change');
  t.same(timers.pending.map((p) => p.ms), [30_000], 'the next reading is scheduled');
  while (readings.length) {
    timers.fire();
    await settle();
    t.equal(timers.pending.length, 1, 'one reading scheduled at a time');
  }
  t.same(levels, [
    ['ok', 'warning'],
    ['warning', 'alarm'],
    ['alarm', 'floor'],
    ['floor', 'alarm'],
    ['alarm', 'ok'],
  ]);
  t.same(refusing, [false, false, false, false, true, true, false, false], 'refuses while at the floor (held one point below it)');
  t.same(new Set(paths), new Set(['/srv/rec']));
  t.equal(monitor.last?.level, 'ok');
  await monitor.stop();
  t.same(timers.pending, [], 'stop() clears the timer');
  t.equal(timers.cleared, 1);
});

t.test('a box that starts above ok hears of it at the first reading, even with the level restored', async (t) => {
  const clock = new ManualClock(D0);
  const pressure = new StoragePressure(clock);
  pressure.restore({ v: 1, since: D0 - DAY_MS, days: [], level: 'alarm' });
  const monitor = new PressureMonitor({ path: '/x', pressure, timers: manualTimers(), diskUsage: async () => disk(0.895) });
  const levels: PressureLevel[] = [];
  monitor.on('level', (a: PressureAssessment) => levels.push(a.level));
  await monitor.start();
  t.same(levels, ['alarm']);
  await monitor.stop();
});

t.test('check() reads now and joins a reading under way; a failed reading is reported and the readings go on', async (t) => {
  let release!: (d: DiskSpace) => void;
  let calls = 0;
  let fail: Error | undefined;
  const timers = manualTimers();
  const monitor = new PressureMonitor({
    path: '/x',
    pressure: new StoragePressure(new ManualClock(D0)),
    timers,
    diskUsage: (path) => {
      calls++;
      if (fail) return Promise.reject(fail);
      return new Promise((r) => (release = r));
    },
  });
  const a = monitor.check();
  const b = monitor.check();
  t.equal(a, b, 'the same reading');
  t.equal(calls, 1);
  release(disk(0.99));
  t.equal((await a)?.level, 'floor');
  t.equal(monitor.refuseNewRecordings, true);

  const errors: Error[] = [];
  monitor.on('disk-error', (e: Error) => errors.push(e));
  fail = Object.assign(new Error('ENOENT: no such file or directory, statfs \'/x\''), { code: 'ENOENT' });
  t.equal(await monitor.start(), undefined, 'an unreadable disk gives no assessment');
  t.equal(errors.length, 1);
  t.match(errors[0], { code: 'ENOENT' });
  t.equal(monitor.last?.level, 'floor', 'the level stays as it was');
  t.equal(monitor.refuseNewRecordings, true);
  t.equal(timers.pending.length, 1, 'the next reading is still scheduled');

  fail = undefined;
  monitor.on('level', () => {
    throw new Error('a listener broke');
  });
  timers.fire();
  await settle();
  release(disk(0.1));
  await settle();
  t.match(errors[1], { message: 'a listener broke' }, 'a listener that throws is reported, not a crash');
  t.equal(timers.pending.length, 1, 'and the readings go on');
  await monitor.stop();
  t.throws(() => new PressureMonitor({ path: '/x', pressure: new StoragePressure(new ManualClock(0)), intervalMs: 0 }), TypeError);
});

t.test('the monitor reads the real disk by default', async (t) => {
  const monitor = new PressureMonitor({ path: t.testdir({}), pressure: new StoragePressure(new ManualClock(D0)), timers: manualTimers() });
  const a = await monitor.check();
  t.ok(a && a.totalBytes > 0);
});
