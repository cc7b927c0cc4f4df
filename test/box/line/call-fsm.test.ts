import t from 'tap';
import { callStep, createCallFsm, stopCodePending, type CallFsmOptions, type LineAction, type LineInput } from '../../../src/box/line/call-fsm.js';

const R = 8000;
const s = (seconds: number) => Math.round(seconds * R);
const base: CallFsmOptions = {
  sampleRate: R, hookSignalling: false, ringTimeoutMs: 8000, clipValidMs: 10_000, leadMs: 300, dialGapMs: 4000, stopCode: '*0#', stopCodeGapMs: 2000,
};

/** A VOX start and the moment it is confirmed as a voice (600 ms after its onset, if no caller-ID tones came). */
function voxStart(f: ReturnType<typeof createCallFsm>, at: number): LineAction[] {
  return [...callStep(f, { type: 'vox-start', at }), ...callStep(f, { type: 'tick', at: at + s(0.6) })];
}

function run(inputs: LineInput[], opts: Partial<CallFsmOptions> = {}) {
  const f = createCallFsm({ ...base, ...opts });
  const actions: LineAction[] = [];
  for (const i of inputs) actions.push(...(i.type === 'vox-start' ? voxStart(f, i.at) : callStep(f, i)));
  return { f, actions };
}

t.test('VOX alone records a call of unknown direction, from its onset to its end', async (t) => {
  const { actions, f } = run([{ type: 'vox-start', at: s(2) }, { type: 'vox-end', at: s(9) }]);
  t.same(actions, [
    { type: 'start', at: s(2), call: { direction: 'unknown', source: 'vox', clip: 'none' } },
    { type: 'end', at: s(9), reason: 'silence' },
  ]);
  t.equal(f.state, 'idle');
});

t.test('Finnish DTMF caller ID before the first ring goes with the call it announces', async (t) => {
  const { actions } = run(
    [
      { type: 'caller-id', at: s(1), source: 'dtmf-clip', status: 'ok', number: '0401234567' },
      { type: 'ring', at: s(1.5), source: 'line-unit' },
      { type: 'off-hook', at: s(6), source: 'line-unit' },
      { type: 'vox-end', at: s(20) },
      { type: 'on-hook', at: s(30), source: 'line-unit' },
    ],
    { hookSignalling: true },
  );
  t.same(actions, [
    { type: 'start', at: s(6) - s(0.3), call: { direction: 'incoming', source: 'line-unit', clip: 'ok', numberSource: 'dtmf-clip', calling: '0401234567' } },
    { type: 'end', at: s(30), reason: 'on-hook' },
  ], 'with hook signalling, silence alone does not end the call');
});

t.test('stale caller ID does not stick to a later call; an unanswered call records nothing', async (t) => {
  const stale = run([
    { type: 'caller-id', at: s(1), source: 'dtmf-clip', status: 'ok', number: '0401234567' },
    { type: 'ring', at: s(30), source: 'line-unit' },
    { type: 'off-hook', at: s(33), source: 'line-unit' },
  ]);
  t.same(stale.actions[0], { type: 'start', at: s(32.7), call: { direction: 'incoming', source: 'line-unit', clip: 'none' } });
  const missed = run([
    { type: 'ring', at: s(1), source: 'line-unit' },
    { type: 'ring', at: s(6), source: 'line-unit' },
    { type: 'tick', at: s(13) },
    { type: 'tick', at: s(14.1) },
  ]);
  t.same(missed.actions, []);
  t.equal(missed.f.state, 'idle');
});

t.test('withheld and unavailable numbers are a status, not a number', async (t) => {
  const { actions } = run([
    { type: 'ring', at: s(1), source: 'modem' },
    { type: 'caller-id', at: s(1.5), source: 'modem', status: 'withheld' },
    { type: 'vox-start', at: s(4) },
  ]);
  t.same(actions, [{ type: 'start', at: s(4), call: { direction: 'incoming', source: 'modem', clip: 'withheld', numberSource: 'modem' } }]);
});

t.test('off-hook without a ring is outgoing; dialled digits make the called number, later digits do not', async (t) => {
  const digits = '0401234567'.split('').map((d, i) => ({ type: 'digit' as const, at: s(2 + i * 0.2), digit: d }));
  const { actions, f } = run([{ type: 'off-hook', at: s(1), source: 'line-unit' }, ...digits, { type: 'digit', at: s(30), digit: '5' }], { hookSignalling: true });
  t.equal(actions[0]!.type, 'start');
  t.match(actions[0], { call: { direction: 'outgoing' } });
  t.match(actions.at(-1), { type: 'update', call: { called: '0401234567', numberSource: 'dialled' } });
  t.equal(f.call!.called, '0401234567', 'a menu choice 20 s later is not part of the number');
});

t.test('VOX on caller-ID tones is no call: VOX is re-armed and the answer starts the recording', async (t) => {
  const f = createCallFsm(base);
  // an FSK burst: VOX starts on its seizure, the carrier is recognised a little later
  t.same(callStep(f, { type: 'vox-start', at: s(1) }), []);
  t.same(callStep(f, { type: 'signalling', at: s(1.26), until: s(1.3) }), []);
  t.same(callStep(f, { type: 'tick', at: s(1.6) }), [{ type: 'rearm-vox', at: s(1.6) }]);
  t.same(callStep(f, { type: 'caller-id', at: s(1.7), source: 'fsk-clip', status: 'ok', number: '0509876543' }), []);
  t.match(voxStart(f, s(6)), [{ type: 'start', at: s(6), call: { direction: 'incoming', clip: 'ok', calling: '0509876543' } }]);
});

t.test('dialling that began before VOX noticed the call still makes the called number', async (t) => {
  const f = createCallFsm(base);
  const digits = '0295020000'.split('').map((d, i) => ({ type: 'digit' as const, at: s(1.05 + i * 0.14), digit: d }));
  callStep(f, digits[0]!);
  callStep(f, digits[1]!);
  callStep(f, { type: 'vox-start', at: s(1) });
  for (const d of digits.slice(2)) callStep(f, d);
  callStep(f, { type: 'tick', at: s(3) });
  t.match(f.call, { direction: 'outgoing', called: '0295020000', numberSource: 'dialled' });
  const clipFirst = createCallFsm(base);
  for (const [i, d] of [...'A0401234567C'].entries()) callStep(clipFirst, { type: 'digit', at: s(1 + i * 0.14), digit: d });
  t.same(clipFirst.idleDigits, [], 'caller-ID digits are not dialling');
});

t.test('with VOX alone, a call that opens with keyed digits is outgoing to that number', async (t) => {
  const digits = '0295020000'.split('').map((d, i) => ({ type: 'digit' as const, at: s(1.1 + i * 0.14), digit: d }));
  const { f } = run([{ type: 'vox-start', at: s(1) }, ...digits]);
  t.match(f.call, { direction: 'outgoing', source: 'vox', called: '0295020000', numberSource: 'dialled' });
  const late = run([{ type: 'vox-start', at: s(1) }, { type: 'digit', at: s(9), digit: '5' }]);
  t.match(late.f.call, { direction: 'unknown' }, 'a digit well into a call is not dialling');
  t.notOk(late.f.call!.called);
});

t.test('ISDN SETUP/CONNECT/DISCONNECT: both directions with numbers', async (t) => {
  const incoming = run([
    { type: 'setup', at: s(1), source: 'isdn', direction: 'incoming', calling: '0401234567', called: '0295020000' },
    { type: 'connect', at: s(5), source: 'isdn' },
    { type: 'disconnect', at: s(40), source: 'isdn' },
  ], { hookSignalling: true });
  t.same(incoming.actions, [
    { type: 'start', at: s(4.7), call: { direction: 'incoming', source: 'isdn', numberSource: 'isdn', clip: 'ok', calling: '0401234567', called: '0295020000' } },
    { type: 'end', at: s(40), reason: 'disconnect' },
  ]);
  const outgoing = run([{ type: 'setup', at: s(1), source: 'isdn', direction: 'outgoing', called: '0401234567', clip: 'none' }], { hookSignalling: true });
  t.match(outgoing.actions, [{ type: 'start', at: s(0.7), call: { direction: 'outgoing', called: '0401234567' } }]);
});

t.test('a far-end busy tone ends the call; so does on-hook', async (t) => {
  const { actions } = run([{ type: 'vox-start', at: s(1) }, { type: 'far-end-clear', at: s(12) }]);
  t.same(actions.at(-1), { type: 'end', at: s(12), reason: 'far-end-clear' });
});

t.test('the stop code *0# stops recording from its first digit; the call goes on and VOX does not restart it', async (t) => {
  const f = createCallFsm(base);
  const acts = (i: LineInput) => callStep(f, i);
  t.same(voxStart(f, s(1)).map((a) => a.type), ['start']);
  t.same(acts({ type: 'digit', at: s(10), digit: '*' }), []);
  t.ok(stopCodePending(f, s(10.1)), 'audio is held back while the code may be under way');
  t.same(acts({ type: 'digit', at: s(10.15), digit: '0' }), []);
  t.same(acts({ type: 'digit', at: s(10.3), digit: '#' }), [{ type: 'stop', at: s(10), by: 'dtmf' }]);
  t.equal(f.state, 'stopped');
  t.same(voxStart(f, s(12)), [], 'VOX does not start a new recording during the same call');
  t.same(acts({ type: 'vox-end', at: s(20) }), [{ type: 'end', at: s(20), reason: 'silence' }]);
  t.same(voxStart(f, s(40)).map((a) => a.type), ['start'], 'the line re-arms for its next call');
});

t.test('near misses of the stop code release the held audio and stop nothing', async (t) => {
  const cases: [string, number[]][] = [
    ['*01', [0, 0.15, 0.3]],
    ['*0', [0, 0.15]],
    ['*0#', [0, 0.15, 3]],
  ];
  for (const [digits, times] of cases) {
    const f = createCallFsm(base);
    voxStart(f, s(1));
    const actions = digits.split('').flatMap((d, i) => callStep(f, { type: 'digit', at: s(10 + times[i]!), digit: d }));
    callStep(f, { type: 'tick', at: s(14) });
    t.same(actions, [], `${digits} with gaps ${times.join('/')} does not stop`);
    t.notOk(stopCodePending(f, s(14)), 'nothing held any more');
    t.equal(f.state, 'active');
  }
  const overlap = createCallFsm(base);
  voxStart(overlap, s(1));
  const acts = '**0#'.split('').flatMap((d, i) => callStep(overlap, { type: 'digit', at: s(10 + i * 0.15), digit: d }));
  t.same(acts, [{ type: 'stop', at: s(10.15), by: 'dtmf' }], 'a repeated first digit restarts the match');
});

t.test('a stop request from the status page or the console stops at that instant, once', async (t) => {
  const f = createCallFsm(base);
  voxStart(f, s(1));
  t.same(callStep(f, { type: 'stop-request', at: s(5), by: 'status-page' }), [{ type: 'stop', at: s(5), by: 'status-page' }]);
  t.same(callStep(f, { type: 'stop-request', at: s(6), by: 'console' }), []);
  const idle = createCallFsm(base);
  t.same(callStep(idle, { type: 'stop-request', at: s(1), by: 'mqtt' }), [], 'no call, nothing to stop');
});

t.test('a bad stop code is refused', async (t) => {
  t.throws(() => createCallFsm({ ...base, stopCode: '*x#' }), /stopCode must be 1–8 DTMF digits/);
});

t.test('a call VOX found first is taken over by the signalling that catches up with it', async (t) => {
  const { f, actions } = run(
    [
      { type: 'vox-start', at: s(1) },
      { type: 'setup', at: s(3), source: 'isdn', direction: 'outgoing', called: '0401234567', clip: 'none' },
      { type: 'connect', at: s(6), source: 'isdn' },
      { type: 'vox-end', at: s(20) },
      { type: 'disconnect', at: s(30), source: 'isdn' },
    ],
    { hookSignalling: true },
  );
  t.match(actions, [{ type: 'start', at: s(1) }, { type: 'update', call: { direction: 'outgoing', source: 'isdn', called: '0401234567' } }, { type: 'end', at: s(30), reason: 'disconnect' }]);
  t.equal(f.state, 'idle');
});
