import t from 'tap';
import { EventEmitter } from 'node:events';
import type { CaptureBinding, CaptureParams, CaptureSource } from '../../../src/box/capture/binding.js';
import { Capture } from '../../../src/box/capture/capture.js';
import { ManualClock } from '../../../src/core/clock.js';
import { memoryLog } from '../../helpers/log.js';

// A scripted binding for the logic around a device; the real device is tested through ALSA
// in test/box/capture/alsa.test.ts.
class ScriptedSource extends EventEmitter implements CaptureSource {
  closed = false;
  async close(): Promise<void> {
    this.closed = true;
  }
}

function scripted(failures: number) {
  const opened: ScriptedSource[] = [];
  let attempts = 0;
  const binding: CaptureBinding = {
    name: 'scripted',
    open(_p: CaptureParams) {
      attempts++;
      if (attempts <= failures) throw new Error(`Unable to open PCM device: No such device (attempt ${attempts})`);
      const s = new ScriptedSource();
      opened.push(s);
      return s;
    },
  };
  return { binding, opened, attempts: () => attempts };
}

function harness(failures = 0) {
  const clock = new ManualClock(1_700_000_000_000);
  const timers: { fn: () => void; ms: number }[] = [];
  const frames: { position: number; frames: Int16Array[] }[] = [];
  const breaks: [number, number][] = [];
  const b = scripted(failures);
  const { log, lines } = memoryLog();
  const capture = new Capture({
    binding: b.binding,
    params: { device: 'hw:9,0', rate: 8000, channels: 2, periodFrames: 160 },
    frameSamples: 160,
    sink: { frames: (position, f) => frames.push({ position, frames: f }), discontinuity: (p, n) => breaks.push([p, n]) },
    clock,
    log,
    backoff: { initialMs: 500, maxMs: 4000 },
    setTimer: (fn, ms) => {
      const entry = { fn, ms };
      timers.push(entry);
      return { cancel: () => timers.splice(timers.indexOf(entry), 1) };
    },
  });
  const period = (value: number) => {
    const p = Buffer.alloc(160 * 2 * 2);
    for (let i = 0; i < 320; i++) p.writeInt16LE(value, i * 2);
    return p;
  };
  return { capture, clock, timers, frames, breaks, b, period, lines };
}

t.test('stale periods after an overrun, short read or wrong size become silence, counted, on an unbroken timeline', async (t) => {
  const h = harness();
  h.capture.start();
  const src = h.b.opened[0]!;
  src.emit('audio', h.period(100));
  src.emit('discard', 'overrun', 160);
  src.emit('audio', h.period(200));
  src.emit('discard', 'short-read', 160);
  src.emit('discard', 'wrong-size', 160);
  src.emit('audio', h.period(300));
  t.same(h.frames.map((f) => f.position), [0, 160, 320, 480, 640, 800]);
  t.same(h.frames.map((f) => f.frames[0]![0]), [100, 0, 200, 0, 0, 300], 'no stale byte reaches a line');
  t.match(h.capture.stats, { state: 'running', periods: 3, overruns: 1, shortReads: 1, wrongSize: 1, discardedSamples: 480 });
});

t.test('the timeline is anchored on the first period, in samples', async (t) => {
  const h = harness();
  h.capture.start();
  h.b.opened[0]!.emit('audio', h.period(1));
  // the first period was captured during the 20 ms before it arrived
  t.equal(h.capture.timeOf(0), 1_700_000_000_000 - 20);
  t.equal(h.capture.timeOf(8000), 1_700_000_000_000 - 20 + 1000);
});

t.test('a device missing at start is retried with doubling back-off, and recording resumes by itself', async (t) => {
  const h = harness(3);
  const states: string[] = [];
  h.capture.on('state', (s) => states.push(s));
  h.capture.start();
  t.equal(h.capture.stats.state, 'lost');
  const delays: number[] = [];
  while (h.timers.length) {
    const next = h.timers.shift()!;
    delays.push(next.ms);
    next.fn();
  }
  t.same(delays, [500, 1000, 2000]);
  t.equal(h.b.attempts(), 4);
  h.b.opened[0]!.emit('audio', h.period(5));
  t.equal(h.capture.stats.state, 'running');
  t.equal(h.capture.stats.reopens, 3);
  t.match(h.capture.stats.lastError, /No such device/);
  t.same(states, ['starting', 'lost', 'running']);
  t.ok(h.lines.some((l) => l['msg'] === 'capture device lost; reopening' && l['retryInMs'] === 500), 'logged clearly');
});

t.test('a device that vanishes mid-run: calls end at once, the gap is accounted on return, back-off resets', async (t) => {
  const h = harness();
  h.capture.start();
  const first = h.b.opened[0]!;
  first.emit('audio', h.period(1));
  first.emit('audio', h.period(1));
  first.emit('error', new Error('ALSA read error on hw:9,0: No such device'));
  t.equal(h.capture.stats.state, 'lost');
  t.same(h.breaks, [[320, 0]], 'lines are told at once where audio ended');
  h.clock.advance(3000);
  h.timers.shift()!.fn();
  const second = h.b.opened[1]!;
  second.emit('audio', h.period(2));
  // 3 s passed; 40 ms of audio had arrived after the anchor
  const [, missing] = h.breaks[1]!;
  t.ok(Math.abs(missing - (3000 - 20) * 8) <= 160, `gap of ${missing} samples accounted`);
  t.equal(h.frames.at(-1)!.position, 320 + missing);
  // after a good period the back-off starts again from its initial value
  second.emit('error', new Error('ALSA read error on hw:9,0: Input/output error'));
  t.equal(h.timers[0]!.ms, 500);
});

t.test('stop cancels a pending reopen and closes the device', async (t) => {
  const h = harness(1);
  h.capture.start();
  t.equal(h.timers.length, 1);
  await h.capture.stop();
  t.equal(h.timers.length, 0);
  t.equal(h.capture.stats.state, 'stopped');
  const h2 = harness();
  h2.capture.start();
  await h2.capture.stop();
  t.ok(h2.b.opened[0]!.closed);
});
