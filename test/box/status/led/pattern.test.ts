// The LED's rules as a table: which state shows which pattern, most urgent first.
import t from 'tap';
import { ADVISORY_ALARMS, FAULT_ALARMS, isFault, ledInputs, ledPattern, type LedInputs } from '../../../../src/box/status/led/pattern.js';

const calm: LedInputs = { faults: [], recording: false, mqtt: 'up', backlog: 0 };

t.test('each state and its pattern', async (t) => {
  const cases: [string, Partial<LedInputs>, string][] = [
    ['idle, synced', {}, 'steady'],
    ['idle, no MQTT configured', { mqtt: 'none' }, 'steady'],
    ['idle, MQTT up with a backlog draining', { backlog: 40 }, 'steady'],
    ['recording', { recording: true }, 'slow-blink'],
    ['capture lost', { faults: ['capture-lost'] }, 'fast-blink'],
    ['storage alarm', { faults: ['storage-alarm'] }, 'fast-blink'],
    ['two faults', { faults: ['capture-lost', 'storage-floor'] }, 'fast-blink'],
    ['MQTT down with a backlog', { mqtt: 'down', backlog: 3 }, 'heartbeat'],
    ['MQTT down, nothing waiting', { mqtt: 'down', backlog: 0 }, 'steady'],
    ['no MQTT configured, a backlog (nothing will drain it, nothing is lost to a link)', { mqtt: 'none', backlog: 3 }, 'steady'],
    ['fault beats heartbeat', { faults: ['storage-write'], mqtt: 'down', backlog: 3 }, 'fast-blink'],
    ['heartbeat beats recording', { recording: true, mqtt: 'down', backlog: 3 }, 'heartbeat'],
    ['fault beats recording', { recording: true, faults: ['capture-lost'] }, 'fast-blink'],
  ];
  for (const [what, i, want] of cases) t.equal(ledPattern({ ...calm, ...i }), want, what);
});

t.test('which alarms are faults', async (t) => {
  for (const kind of FAULT_ALARMS) t.ok(isFault(kind), kind);
  t.same([...FAULT_ALARMS].sort(), ['capture-lost', 'seal-key-missing', 'storage-alarm', 'storage-floor', 'storage-write']);
  t.notOk(isFault('storage-warning'), 'a storage warning is advisory (docs/storage.md: status page and MQTT)');
  t.same(ADVISORY_ALARMS, ['storage-warning']);
  t.ok(isFault('clock-unsynced'), 'a kind added later counts as a fault until listed as advisory');
});

t.test('inputs from a box', async (t) => {
  const box = {
    alarms: new Map<string, unknown>([['storage-warning', {}], ['storage-alarm', {}], ['capture-lost', {}]]),
    lines: [{ state: 'idle' }, { state: 'active' }, { state: 'ringing' }],
  };
  t.same(ledInputs(box, undefined, 0), { faults: ['capture-lost', 'storage-alarm'], recording: true, mqtt: 'none', backlog: 0 });
  t.equal(ledInputs(box, { connected: true }, 5).mqtt, 'up');
  t.same(ledInputs({ alarms: new Map(), lines: [{ state: 'stopped' }, { state: 'ringing' }] }, { connected: false }, 5), {
    faults: [],
    recording: false,
    mqtt: 'down',
    backlog: 5,
  }, 'a stopped recording (R13) and a ringing line are not recording');
});
