// What a person at the box may do, by role, each audited with the account as actor: a
// technician tests the LED and restarts capture; only site staff stop a recording on a
// caller's request (R13), through the box's own stop call.
import t from 'tap';
import { liveCall, loggedIn, STAFF, TECH, web } from './fixture.js';

t.setTimeout(120_000);

t.test('a technician tests the LED and restarts capture; each is audited with the account', async (t) => {
  const w = await web(t);
  const tech = await loggedIn(w.app, TECH);
  const seconds: number[] = [];
  w.box.on('led-test', (s: number) => seconds.push(s));
  const led = await tech.post('/actions/led-test');
  t.equal(led.statusCode, 303);
  t.equal(led.headers.location, '/');
  t.same(seconds, [10], 'the LED is asked for 10 s');
  const page = await tech.get('/');
  t.match(page.body, /data-field="flash">The LED shows its test pattern for 10 seconds\.</, 'the answer, once');
  t.notMatch((await tech.get('/')).body, /data-field="flash"/, 'and only once');

  const restart = await tech.post('/actions/capture-restart', {}, { headers: { accept: 'application/json' } });
  t.equal(restart.statusCode, 200);
  t.same(restart.json(), { ok: true, message: 'Capture restarted.' });
  const entries = await w.audit();
  t.match(entries.filter((e) => e.action === 'led-test'), [{ actor: 'tech', result: 'ok', detail: { seconds: 10 } }]);
  t.match(entries.filter((e) => e.action === 'capture-restart'), [{ actor: 'technician:tech', result: 'ok' }]);
});

t.test('roles: a technician cannot stop a recording; site staff cannot test the LED or restart capture; each refusal is a 403, audited', async (t) => {
  const w = await web(t);
  liveCall(w.box, 'line-1');
  t.equal(w.box.lines[0]!.state, 'active', 'a call is being recorded');
  const tech = await loggedIn(w.app, TECH);
  const staff = await loggedIn(w.app, STAFF);
  t.notMatch((await tech.get('/')).body, /action="\/actions\/stop"/, 'no stop button for a technician');

  const refusedStop = await tech.post('/actions/stop', { line: 'line-1' });
  t.equal(refusedStop.statusCode, 403);
  t.match(refusedStop.body, /Your role \(technician\) may not do this; it is for site staff\./);
  t.equal(w.box.lines[0]!.state, 'active', 'still recording');

  let led = 0;
  w.box.on('led-test', () => led++);
  t.equal((await staff.post('/actions/led-test')).statusCode, 403);
  t.equal((await staff.post('/actions/capture-restart', {}, { headers: { accept: 'application/json' } })).statusCode, 403);
  t.equal(led, 0, 'no LED test');

  const entries = await w.audit();
  t.match(entries.filter((e) => e.result === 'refused' && e.detail?.reason === 'role'), [
    { actor: 'tech', action: 'stop-request', target: 'line-1', detail: { role: 'technician' } },
    { actor: 'staff', action: 'led-test', detail: { role: 'site-staff' } },
    { actor: 'staff', action: 'capture-restart', detail: { role: 'site-staff' } },
  ]);
  t.notOk(entries.some((e) => e.action === 'capture-restart' && e.result === 'ok'), 'capture was not restarted');
});

t.test('site staff stop the recording of a call at once; the same stop as the DTMF code, audited twice over', async (t) => {
  const w = await web(t);
  liveCall(w.box, 'line-2');
  const staff = await loggedIn(w.app, STAFF);
  const page = (await staff.get('/')).body;
  t.match(page, /<li class="line" data-line="line-2" data-state="recording">/);
  t.match(page, /<form method="post" action="\/actions\/stop" class="stop" data-field="stop">\s*<input type="hidden" name="_csrf" value="[^"]+">\s*<input type="hidden" name="line" value="line-2">/, 'a stop button for the recording line');
  t.match(page, /<form method="post" action="\/actions\/stop" class="stop" data-field="stop" hidden>\s*<input type="hidden" name="_csrf" value="[^"]+">\s*<input type="hidden" name="line" value="line-1">/, 'hidden for the idle line');

  const res = await staff.post('/actions/stop', { line: 'line-2' });
  t.equal(res.statusCode, 303);
  t.equal(w.box.lines[1]!.state, 'stopped', 'stopped at once');
  const after = (await staff.get('/')).body;
  t.match(after, /data-field="flash">Recording on line-2 stopped: nothing said from now on is stored\.</);
  t.match(after, /data-line="line-2" data-state="stopped">[\s\S]*?data-field="state">stopped on request</);

  const entries = await w.audit();
  t.match(entries.filter((e) => e.action === 'stop-request'), [{ actor: 'staff', target: 'line-2', result: 'ok' }]);
  t.match(entries.filter((e) => e.action === 'stop-recording'), [{ actor: 'stop:status-page', result: 'ok', detail: { line: 'line-2' } }]);
});

t.test('a stop is refused, in words, when no call is being recorded', async (t) => {
  const w = await web(t);
  const staff = await loggedIn(w.app, STAFF);
  const json = await staff.post('/actions/stop', { line: 'line-1' }, { headers: { accept: 'application/json' } });
  t.equal(json.statusCode, 409);
  t.same(json.json(), { ok: false, message: 'Not stopped on line-1: no call is being recorded.' });
  const form = await staff.post('/actions/stop', { line: 'line-9' });
  t.equal(form.statusCode, 303);
  t.match((await staff.get('/')).body, /data-field="flash">Not stopped on line-9: no line line-9\.</);
  t.match((await w.audit()).filter((e) => e.action === 'stop-request'), [
    { actor: 'staff', target: 'line-1', result: 'refused', detail: { reason: 'no call is being recorded' } },
    { actor: 'staff', target: 'line-9', result: 'refused', detail: { reason: 'no line line-9' } },
  ]);
});
