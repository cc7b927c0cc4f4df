// Runs of incoming calls without the announcement (R12), per line: the alarm's logic.
import t from 'tap';
import { NoticeMissRuns } from '../../../src/box/notice/miss-run.js';
import type { Notice } from '../../../src/core/protocol/messages.js';

const notHeard: Notice = { status: 'not-heard', score: 0.1, threshold: 0.5, offsetMs: 0 };
const heard: Notice = { status: 'heard', score: 0.9, threshold: 0.5, offsetMs: 300 };
const failed: Notice = { status: 'not-played', error: 'audio open error: No such device' };
const played: Notice = { status: 'played', at: 1, durationMs: 4000 };
const call = (line: string, notice?: Notice, direction: 'incoming' | 'outgoing' | 'unknown' = 'incoming') => ({ line, direction, ...(notice ? { notice } : {}) });

t.test('three misses in a row on a line raise it; one call told clears it', async (t) => {
  const runs = new NoticeMissRuns(3);
  t.ok(runs.observe(call('line-1', notHeard)));
  t.ok(runs.observe(call('line-1', failed)));
  t.same(runs.alarming, [], 'two misses: not yet');
  t.ok(runs.observe(call('line-1', notHeard)));
  t.same(runs.alarming, [{ line: 'line-1', run: 3 }]);
  t.ok(runs.observe(call('line-1', notHeard)));
  t.same(runs.alarming, [{ line: 'line-1', run: 4 }], 'the run keeps counting');
  t.ok(runs.observe(call('line-1', heard)));
  t.same(runs.alarming, [], 'cleared by a call that heard it');
  t.notOk(runs.observe(call('line-1', played)), 'a run already at 0 does not change');
});

t.test('only incoming calls with evidence count; lines are counted apart', async (t) => {
  const runs = new NoticeMissRuns(2);
  t.notOk(runs.observe(call('line-1', notHeard, 'outgoing')), 'an outgoing call is never announced');
  t.notOk(runs.observe(call('line-1', notHeard, 'unknown')), 'a call of unknown direction may be outgoing: not counted');
  t.notOk(runs.observe(call('line-1')), 'a recording cut by a crash has no evidence: not counted');
  t.notOk(runs.observe(call('line-1', { status: 'not-applicable', reason: 'continuation' })), 'a continuation neither counts nor clears');
  runs.observe(call('line-1', notHeard));
  runs.observe(call('line-2', notHeard));
  runs.observe(call('line-2', notHeard));
  t.same(runs.alarming, [{ line: 'line-2', run: 2 }]);
});

t.test('missAlarm 0: never; the runs survive a restart through the snapshot', async (t) => {
  const never = new NoticeMissRuns(0);
  for (let i = 0; i < 10; i++) never.observe(call('line-1', notHeard));
  t.same(never.alarming, []);
  const restored = new NoticeMissRuns(3, { ...never.snapshot(), junk: -1, bad: 1.5 } as Record<string, number>);
  t.same(restored.alarming, [{ line: 'line-1', run: 10 }], 'kept; nonsense in the saved state is dropped');
  t.same(restored.snapshot(), { 'line-1': 10 });
});
