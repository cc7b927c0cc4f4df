// BoxLed end to end over a fake LED class: every change of the box's state reaches the files
// within one poll, the LED test overrides and then restores, stop leaves the LED off. Time is
// a manual clock with fake timers: nothing sleeps.
import t, { type Test } from 'tap';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { ManualClock } from '../../../../src/core/clock.js';
import { BoxLed, MAX_TEST_SECONDS, type BoxLedOptions } from '../../../../src/box/status/led/box-led.js';
import type { LedShow } from '../../../../src/box/status/led/pattern.js';
import { SysfsLed } from '../../../../src/box/status/led/sysfs-led.js';
import { memoryLog } from '../../../helpers/log.js';
import { FakeSysfs, warnings, type LedState } from './fixtures/fake-sysfs.js';

class FakeBox extends EventEmitter {
  readonly alarms = new Map<string, unknown>();
  readonly lines = [{ state: 'idle' }, { state: 'idle' }];
}

/** setTimeout and clearTimeout over a ManualClock; `advance` fires what falls due, in order. */
class FakeTimers {
  private next = 1;
  private readonly due = new Map<number, { at: number; fn: () => void }>();
  constructor(private readonly clock: ManualClock) {}
  readonly set = (fn: () => void, ms: number): unknown => {
    const id = this.next++;
    this.due.set(id, { at: this.clock.now() + ms, fn });
    return id;
  };
  readonly clear = (h: unknown): void => void this.due.delete(h as number);
  get pending(): number {
    return this.due.size;
  }
  async advance(ms: number, settle: () => Promise<void>): Promise<void> {
    const until = this.clock.now() + ms;
    for (;;) {
      const [id, first] = [...this.due].sort((a, b) => a[1].at - b[1].at)[0] ?? [];
      if (id === undefined || first!.at > until) break;
      this.due.delete(id);
      this.clock.set(first!.at);
      first!.fn();
      await settle();
    }
    this.clock.set(until);
  }
}

const STEADY: LedState = { trigger: 'default-on', brightness: 255 };
const SLOW: LedState = { trigger: 'timer', brightness: 0, delayOn: 1000, delayOff: 1000 };
const FAST: LedState = { trigger: 'timer', brightness: 0, delayOn: 100, delayOff: 100 };
const HEARTBEAT: LedState = { trigger: 'heartbeat', brightness: 0 };
const TEST: LedState = { trigger: 'timer', brightness: 0, delayOn: 50, delayOff: 50 };
const OFF: LedState = { trigger: 'none', brightness: 0 };

function setup(t: Test, extra: Partial<BoxLedOptions> = {}, names = ['led0']) {
  const fake = new FakeSysfs(join(t.testdir({}), 'leds'));
  for (const n of names) fake.addLed(n);
  const { log, lines } = memoryLog();
  const clock = new ManualClock(1_700_000_000_000);
  const timers = new FakeTimers(clock);
  const box = new FakeBox();
  const link = { connected: true };
  let backlog: number | Error = 0;
  const sysfs = new SysfsLed({ root: fake.root, names, log, io: fake, sleep: async () => {} });
  const led = new BoxLed({
    source: box,
    link,
    backlog: async () => {
      if (backlog instanceof Error) throw backlog;
      return backlog;
    },
    led: sysfs,
    clock,
    setTimer: timers.set,
    clearTimer: timers.clear,
    log,
    ...extra,
  });
  const settle = async () => {
    await led.idle();
    await new Promise((r) => setImmediate(r));
  };
  /** one poll period later, as the running service would see it */
  const poll = () => timers.advance(1000, settle);
  return { fake, led, box, link, clock, timers, lines, poll, settle, setBacklog: (n: number | Error) => (backlog = n) };
}

t.test('every change of state reaches the LED within one poll', async (t) => {
  const { fake, led, box, link, poll, settle, lines, setBacklog } = setup(t);
  const state = () => fake.state('led0');
  led.start();
  await settle();
  t.same(state(), STEADY, 'idle, armed and synced: steady');

  box.lines[0]!.state = 'active';
  await poll();
  t.same(state(), SLOW, 'recording: slow blink');

  box.alarms.set('capture-lost', {});
  await poll();
  t.same(state(), FAST, 'capture lost: fast blink');
  box.alarms.delete('capture-lost');
  box.lines[0]!.state = 'idle';
  await poll();
  t.same(state(), STEADY, 'recovered: steady');

  box.alarms.set('storage-alarm', {});
  await poll();
  t.same(state(), FAST, 'storage alarm: fast blink');

  box.alarms.set('capture-lost', {});
  await poll();
  t.same(state(), FAST, 'two faults at once');
  box.alarms.delete('storage-alarm');
  await poll();
  t.same(state(), FAST, 'one cleared, one left: still fast');
  box.alarms.delete('capture-lost');
  await poll();
  t.same(state(), STEADY, 'both cleared: steady again');

  box.alarms.set('storage-warning', {});
  await poll();
  t.same(state(), STEADY, 'a storage warning alone does not blink');

  link.connected = false;
  setBacklog(12);
  await poll();
  t.same(state(), HEARTBEAT, 'MQTT down with a backlog: heartbeat');
  setBacklog(0);
  await poll();
  t.same(state(), STEADY, 'MQTT down, nothing waiting: steady');

  setBacklog(12);
  box.lines[1]!.state = 'active';
  box.alarms.set('storage-floor', {});
  await poll();
  t.same(state(), FAST, 'fault + backlog + recording: the fault shows');
  box.alarms.delete('storage-floor');
  await poll();
  t.same(state(), HEARTBEAT, 'backlog + recording: heartbeat');
  link.connected = true;
  await poll();
  t.same(state(), SLOW, 'link back: recording shows');
  box.lines[1]!.state = 'stopped';
  await poll();
  t.same(state(), STEADY, 'recording stopped on request, all clear: steady');

  t.same(warnings(lines), []);
  await led.stop();
});

t.test('no write while nothing changes', async (t) => {
  const { fake, led, poll, settle } = setup(t);
  led.start();
  await settle();
  const n = fake.writes.length;
  for (let i = 0; i < 5; i++) await poll();
  t.equal(fake.writes.length, n);
  await led.stop();
});

t.test('an unreadable backlog keeps the last count', async (t) => {
  const { fake, led, link, poll, settle, setBacklog } = setup(t);
  link.connected = false;
  setBacklog(4);
  led.start();
  await settle();
  t.same(fake.state('led0'), HEARTBEAT);
  setBacklog(new Error('store closed'));
  await poll();
  t.same(fake.state('led0'), HEARTBEAT);
  await led.stop();
});

t.test('without a link the backlog does not matter', async (t) => {
  const { fake, led, settle, setBacklog } = setup(t, { link: undefined as never });
  setBacklog(99);
  led.start();
  await settle();
  t.same(fake.state('led0'), STEADY);
  await led.stop();
});

t.test("the box's led-test event shows the test pattern for that long, then the status again", async (t) => {
  const { fake, led, box, clock, timers, settle, poll } = setup(t);
  box.alarms.set('capture-lost', {});
  led.start();
  await settle();
  t.same(fake.state('led0'), FAST);

  const start = clock.now();
  box.emit('led-test', 5);
  await settle();
  t.same(fake.state('led0'), TEST, 'test pattern at once');
  t.equal(led.testEnds, start + 5000);
  for (let s = 1; s < 5; s++) {
    await poll();
    t.same(fake.state('led0'), TEST, `still testing after ${s} s, polls notwithstanding`);
  }
  box.alarms.delete('capture-lost');
  await timers.advance(999, settle);
  t.same(fake.state('led0'), TEST, 'until the last moment');
  await timers.advance(1, settle);
  t.same(fake.state('led0'), STEADY, 'then the status, as it is now');
  t.equal(led.testEnds, undefined);
  await led.stop();
});

t.test('a new test replaces the one in progress; 0 ends it; a long one is capped', async (t) => {
  const { fake, led, clock, settle, timers } = setup(t);
  led.start();
  await settle();
  led.test(10);
  await settle();
  await timers.advance(4000, settle);
  led.test(3);
  await settle();
  t.equal(led.testEnds, clock.now() + 3000, 'the new length counts from now');
  await timers.advance(3000, settle);
  t.same(fake.state('led0'), STEADY, 'ended by the second test, not the first');
  await timers.advance(10_000, settle);
  t.same(fake.state('led0'), STEADY);

  led.test(60);
  await settle();
  t.same(fake.state('led0'), TEST);
  led.test(0);
  await settle();
  t.same(fake.state('led0'), STEADY, 'test(0) ends it');

  led.test(86_400);
  t.equal(led.testEnds, clock.now() + MAX_TEST_SECONDS * 1000);
  led.test(Number.NaN);
  t.equal(led.testEnds, undefined, 'nonsense ends it too');
  await led.stop();
});

t.test('stop leaves the LED off, stops polling and stops listening', async (t) => {
  const { fake, led, box, timers, settle, poll } = setup(t, {}, ['led0', 'led1']);
  led.start();
  await settle();
  t.same(fake.state('led0'), STEADY);
  t.same(fake.state('led1'), STEADY);
  await led.stop();
  t.same(fake.state('led0'), OFF, 'a box that is not running must not look healthy');
  t.same(fake.state('led1'), OFF);
  t.equal(led.showing, 'off');
  t.equal(timers.pending, 0, 'no timer left');
  t.equal(box.listenerCount('led-test'), 0);
  box.alarms.set('capture-lost', {});
  await poll();
  t.same(fake.state('led0'), OFF);
});

t.test('stop during a test, and stop while an update is in flight, still end off', async (t) => {
  const applied: LedShow[] = [];
  let release: () => void = () => {};
  const slow = {
    apply: async (p: LedShow) => {
      if (applied.length === 1) await new Promise<void>((r) => (release = r));
      applied.push(p);
    },
  };
  const { led, box, settle } = setup(t, { led: slow });
  led.start();
  await settle();
  box.emit('led-test', 30);
  await new Promise((r) => setImmediate(r));
  t.equal(applied.length, 1, "the test pattern's write is under way");
  const stopping = led.stop();
  release();
  await stopping;
  t.equal(applied.at(-1), 'off');
  t.same(applied, ['steady', 'test', 'off']);
});

t.test('start again after stop polls once, not twice', async (t) => {
  const { led, timers, settle } = setup(t);
  led.start();
  await settle();
  await led.stop();
  led.start();
  await settle();
  t.equal(timers.pending, 1);
  await led.stop();
});

t.test('a missing LED does not stop the box: warned once, shown once it appears', async (t) => {
  const { fake, led, box, poll, settle, lines } = setup(t);
  fake.removeLed('led0');
  led.start();
  await settle();
  box.alarms.set('capture-lost', {});
  await poll();
  await poll();
  t.equal(warnings(lines).length, 1);
  fake.addLed('led0');
  await poll();
  t.same(fake.state('led0'), FAST, 'picked up on the next poll');
  await led.stop();
});

t.test('pollMs must be positive', async (t) => {
  const { led } = setup(t);
  void led;
  t.throws(() => new BoxLed({ source: new FakeBox(), led: { apply: async () => {} }, clock: new ManualClock(), pollMs: 0 }), TypeError);
});
