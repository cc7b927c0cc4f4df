// What the recorder's watchdog counts as alive: audio still arriving, a store that reads and has
// refused no write. Alarms restarting cannot cure leave it alive.
import t from 'tap';
import { boxLiveness, summary } from '../../src/box/liveness.js';
import type { Box } from '../../src/box/box.js';

function fakeBox() {
  const state = { periods: 0, failure: undefined as Error | undefined, probe: async () => {} };
  const box = {
    capture: { stats: { get periods() { return state.periods; }, state: 'running' } },
    store: { get failure() { return state.failure; }, probe: () => state.probe() },
    lines: [{ recordingSince: 1 }, { recordingSince: undefined }],
    alarms: new Map([['storage-floor', {}]]),
  } as unknown as Box;
  return { box, state };
}

t.test('alive while periods arrive; dead when they stop; alive again when they resume', async (t) => {
  const { box, state } = fakeBox();
  const check = boxLiveness(box);
  state.periods = 40;
  t.same(await check(), { ok: true, status: 'recording 1 of 2 lines; alarms: storage-floor' }, 'an alarm restarting cannot cure keeps it alive');
  const dead = await check();
  t.equal(dead.ok, false);
  t.match(dead.status, /^capture dead: no audio from the device since the last check \(capture running\)$/);
  state.periods = 41;
  t.equal((await check()).ok, true);
});

t.test('a store that refused a write, or does not read, is dead', async (t) => {
  const { box, state } = fakeBox();
  const check = boxLiveness(box);
  state.periods = 1;
  state.failure = new Error('IO error: disk full');
  t.same(await check(), { ok: false, status: 'storage failed: IO error: disk full' });
  state.failure = undefined;
  state.periods = 2;
  state.probe = async () => {
    throw new Error('Database is not open');
  };
  await t.rejects(check(), /Database is not open/, 'the watchdog turns the throw into a failure');
});

t.test('the summary carries counts and alarm kinds only', async (t) => {
  const { box } = fakeBox();
  t.equal(summary(box), 'recording 1 of 2 lines; alarms: storage-floor');
  t.equal(summary({ lines: [{}] as Box['lines'], alarms: new Map() }), 'recording 0 of 1 line; no alarms');
});
