// The snapshot's judgement: which alarms stop recording (faults) and which only need
// attention (warnings), and that every kind of alarm the box raises has its advice.
import t from 'tap';
import { ADVICE } from '../../../../src/box/status/web/advice.js';
import { loggedIn, TECH, web } from './fixture.js';

t.setTimeout(120_000);

t.test('every alarm has a title and advice; faults are the ones that stop recording', async (t) => {
  const faults = Object.entries(ADVICE).filter(([, a]) => a.severity === 'fault').map(([k]) => k).sort();
  t.same(faults, ['capture-lost', 'storage-floor', 'storage-write']);
  for (const [kind, a] of Object.entries(ADVICE)) {
    t.ok(a.title.length > 5 && a.todo.length > 30, `${kind} has words`);
  }
});

t.test('an unsynchronised clock is a warning with advice; healthz stays 200', async (t) => {
  const w = await web(t, { clockSynced: async () => false });
  const b = await loggedIn(w.app, TECH);
  const v = (await b.get('/status.json')).json();
  t.match(v.summary, { level: 'warning', text: 'Recording every line, but something needs attention' });
  t.match(v.alarms, [{ kind: 'clock-unsynced', severity: 'warning', todo: /NTP/ }]);
  t.equal(v.fields.clock, 'NOT synchronised');
  const h = await w.app.inject({ method: 'GET', url: '/healthz' });
  t.equal(h.statusCode, 200);
  t.same(h.json().alarms, ['clock-unsynced']);
});

t.test('a storage alarm shows the box\'s own message with what to do; a fault comes first', async (t) => {
  const w = await web(t);
  // The monitor's assessment as the disk fills: the box raises its alarms from it.
  const assess = (level: 'alarm' | 'floor', message: string) =>
    w.box.monitor.emit('level', { level, usedFraction: 0.95, totalBytes: 1e10, freeBytes: 5e8, reserveBytes: 3e8, bytesPerDay: 1e8, daysLeft: 2, refuseNewRecordings: level === 'floor', message });
  assess('alarm', 'disk 95 % full (500 MB free)');
  w.box.capture.stats.state = 'lost';
  w.box.capture.emit('state', 'lost');
  const b = await loggedIn(w.app, TECH);
  const v = (await b.get('/status.json')).json();
  t.match(v.alarms, [
    { kind: 'capture-lost', severity: 'fault' },
    { kind: 'storage-alarm', severity: 'warning', message: 'disk 95 % full (500 MB free)', todo: /Add storage soon/ },
  ]);
  t.equal(v.summary.level, 'fault');
  assess('floor', 'disk full');
  const v2 = (await b.get('/status.json')).json();
  t.same(v2.alarms.map((a: { kind: string }) => a.kind), ['capture-lost', 'storage-floor']);
});
