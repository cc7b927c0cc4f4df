// GET /healthz for a monitoring tool: no login, a fixed small shape, nothing that helps an
// attacker, and 503 while calls are not being recorded.
import t from 'tap';
import type { BoxSync } from '../../../../src/box/sync/start-sync.js';
import { recordSealed } from '../../../helpers/sealed-recording.js';
import { liveCall, NOW, web } from './fixture.js';

t.setTimeout(120_000);

t.test('healthz: the shape, and nothing about the software, its paths or the box', async (t) => {
  const w = await web(t);
  liveCall(w.box, 'line-2');
  const res = await w.app.inject({ method: 'GET', url: '/healthz' });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^application\/json/);
  t.same(res.json(), { ok: true, recording: 1, alarms: [], capture: 'starting', mqtt: 'none', backlog: 0 });
  const pkg = (await import('../../../../package.json', { with: { type: 'json' } })).default as { version: string };
  for (const secret of [pkg.version, w.dir, w.config.box.id, w.config.box.site, 'line-2', '/dev/null', 'trunk', 'tallennin']) {
    t.notOk(res.body.includes(secret), `no ${JSON.stringify(secret)}`);
  }
  t.notOk(res.headers.server, 'no server header');
  t.notOk(res.headers['x-powered-by']);
  t.notOk(res.cookies.length, 'no cookie is set');
});

t.test('healthz answers 503 while a fault keeps calls from being recorded, and 200 again after', async (t) => {
  const w = await web(t);
  // The device is gone, as the capture reports it.
  w.box.capture.stats.state = 'lost';
  w.box.capture.emit('state', 'lost');
  const down = await w.app.inject({ method: 'GET', url: '/healthz' });
  t.equal(down.statusCode, 503);
  t.same(down.json(), { ok: false, recording: 0, alarms: ['capture-lost'], capture: 'lost', mqtt: 'none', backlog: 0 });
  w.box.capture.stats.state = 'running';
  w.box.capture.emit('state', 'running');
  const up = await w.app.inject({ method: 'GET', url: '/healthz' });
  t.equal(up.statusCode, 200);
  t.same(up.json().alarms, []);
});

t.test('a link that is down with events waiting is a warning, not a fault', async (t) => {
  const link = { connected: false };
  const sync = { link, publisher: { lastAckAt: undefined } } as unknown as BoxSync;
  const w = await web(t, { sync });
  await recordSealed(w.box.store, w.sealTo, { ms: 2000, startMs: NOW - 60_000 });
  const res = await w.app.inject({ method: 'GET', url: '/healthz' });
  t.equal(res.statusCode, 200, 'calls are still recorded');
  t.same(res.json(), { ok: true, recording: 0, alarms: ['sync-down'], capture: 'starting', mqtt: 'down', backlog: 1 });
  link.connected = true;
  t.same((await w.app.inject({ method: 'GET', url: '/healthz' })).json(), { ok: true, recording: 0, alarms: [], capture: 'starting', mqtt: 'up', backlog: 1 });
});
