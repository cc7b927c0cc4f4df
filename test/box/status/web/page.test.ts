// The page as a browser with scripts off gets it: line states, alarms and what to do about
// them are in the HTML itself, found by stable data-line / data-field names; it reloads itself
// only when scripts are off; the live script reads the same names from /status.json.
import t from 'tap';
import { escapeHtml, html, raw } from '../../../../src/core/html.js';
import { ADVICE } from '../../../../src/box/status/web/advice.js';
import { Browser, liveCall, loggedIn, NOW, STAFF, TECH, web } from './fixture.js';

t.setTimeout(120_000);

const field = (body: string, name: string) => new RegExp(`data-field="${name}"[^>]*>([^<]*)<`).exec(body)?.[1];
const lineBlock = (body: string, id: string) => new RegExp(`<li class="line" data-line="${id}"[\\s\\S]*?</li>`).exec(body)?.[0] ?? '';

t.test('with scripts off, the HTML holds every line\'s state and every alarm with what to do', async (t) => {
  const w = await web(t, {}, 3);
  liveCall(w.box, 'line-2');
  w.box.lastCallEnd.set('line-3', NOW - 3_600_000);
  // The device is gone, as the capture reports it.
  w.box.capture.stats.state = 'lost';
  w.box.capture.emit('state', 'lost');
  const tech = await loggedIn(w.app, TECH);
  const body = (await tech.get('/')).body;

  t.match(body, /<noscript><meta http-equiv="refresh" content="15"><\/noscript>/, 'a reload, only when scripts are off');
  t.notMatch(body.replace(/<noscript>[\s\S]*?<\/noscript>/g, ''), /http-equiv="refresh"/, 'no reload outside noscript');
  t.match(body, /<noscript><p class="hint">Scripts are off: this page reloads itself every 15 seconds\.<\/p><\/noscript>/);
  t.match(body, /<script src="\/assets\/status\.js" defer><\/script>/);

  t.match(body, /data-field="summary-box" data-level="fault"/);
  t.equal(field(body, 'summary-word'), 'FAULT');
  t.equal(field(body, 'summary'), 'NOT RECORDING: Audio capture lost');

  t.match(lineBlock(body, 'line-1'), /data-state="idle"[\s\S]*data-field="state">idle</);
  const since = w.box.lines[1]!.recordingSince!;
  const hms = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Helsinki', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(since);
  t.match(lineBlock(body, 'line-2'), new RegExp(`data-state="recording"[\\s\\S]*data-field="state">recording since ${hms}<`));
  t.match(lineBlock(body, 'line-2'), /<meter data-field="level" min="-90" max="0"[^>]*value="-?\d+">/, 'a level meter');
  t.match(lineBlock(body, 'line-3'), /data-field="last-call">11:00:00</, 'the last call\'s end, Helsinki time');
  t.match(lineBlock(body, 'line-1'), /data-field="last-call">none yet</);

  t.match(body, /<li class="alarm" data-alarm="capture-lost" data-severity="fault">/);
  t.match(body, /<strong>FAULT<\/strong> <span data-field="title">Audio capture lost: calls are NOT being recorded<\/span>/);
  t.ok(body.includes(`<span data-field="todo">${escapeHtml(ADVICE['capture-lost'].todo)}</span>`), 'what to do, in words');
  t.match(body, /<p data-field="no-alarms" hidden>/);

  t.equal(field(body, 'capture'), 'LOST: not recording');
  t.equal(field(body, 'sync'), 'not configured');
  t.equal(field(body, 'clock'), 'synchronised');
  t.match(field(body, 'version'), /^\d+\.\d+\.\d+/);
  t.match(body, /<form method="post" action="\/actions\/led-test">/, 'a technician\'s actions');
  t.notMatch(body, /action="\/actions\/stop"/, 'but no stop button');

  const staff = await loggedIn(w.app, STAFF);
  const staffBody = (await staff.get('/')).body;
  t.notMatch(staffBody, /action="\/actions\/led-test"/, 'site staff have no technician actions');
  t.match(lineBlock(staffBody, 'line-2'), /<form method="post" action="\/actions\/stop" class="stop" data-field="stop">/);
});

t.test('a quiet box says so at a glance', async (t) => {
  const w = await web(t);
  const body = (await (await loggedIn(w.app, TECH)).get('/')).body;
  t.equal(field(body, 'summary-word'), 'OK');
  t.equal(field(body, 'summary'), 'Recording every line (2 lines)');
  t.match(body, /<p data-field="no-alarms">No alarms\.<\/p>/);
  t.match(body, /<title>Call recorder test-1: OK<\/title>/);
});

t.test('status.json carries the same snapshot for the live script, every field the page names', async (t) => {
  const w = await web(t);
  liveCall(w.box, 'line-1');
  const b = await loggedIn(w.app, TECH);
  const body = (await b.get('/')).body;
  const res = await b.get('/status.json', { accept: 'application/json' });
  t.equal(res.statusCode, 200);
  const v = res.json();
  t.match(v, { box: { id: 'test-1', site: 'testsite' }, summary: { level: 'ok' }, recording: 1, sync: { state: 'none', backlog: 0 }, alarms: [] });
  t.match(v.lines, [{ id: 'line-1', state: 'recording', words: /^recording since \d\d:\d\d:\d\d$/, level: Number, lastCall: 'none yet' }, { id: 'line-2', state: 'idle', words: 'idle' }]);
  for (const name of Object.keys(v.fields)) t.match(body, new RegExp(`data-field="${name}"`), `the page has the field ${name}`);
  const script = (await b.get('/assets/status.js')).body;
  t.match(script, /fetch\('\/status\.json'/);
  t.match(script, /PERIOD_MS = 1000/);
  t.notMatch(script, /innerHTML/, 'the script writes text, never markup');
});

t.test('the template escapes everything it did not build itself', async (t) => {
  const hostile = `<script>alert("x")</script>&'`;
  t.equal(html`<p title="${hostile}">${hostile}</p>`.text,
    '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</p>');
  t.equal(html`<ul>${['a<', 'b'].map((x) => html`<li>${x}</li>`)}</ul>`.text, '<ul><li>a&lt;</li><li>b</li></ul>');
  t.equal(html`${null}${undefined}${false}${0}${raw('<br>')}`.text, '0<br>');
});

t.test('a name typed at the login is shown back escaped', async (t) => {
  const w = await web(t);
  const anon = new Browser(w.app);
  await anon.get('/login');
  const res = await anon.post('/login', { name: '"><script>alert(1)</script>', password: 'whatever it is' });
  t.equal(res.statusCode, 401);
  t.notMatch(res.body, /<script>alert/);
  t.match(res.body, /value="&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;"/);
});
