// The status page as the server renders it: everything a technician needs is in this HTML, so
// it reads the same with scripts off (it then reloads itself). With scripts on, status.js finds
// the same elements by their data-line / data-field names and keeps them current. State is
// always in words as well as colour.
import { html, type Html } from '../../../../core/html.js';
import type { AlarmView, LineView, StatusView } from '../view.js';
import { METER_FLOOR_DBFS } from '../view.js';
import { layout } from './layout.js';

export const RELOAD_WITHOUT_SCRIPT_S = 15;

export interface StatusPage {
  view: StatusView;
  csrf: string;
  user: { name: string; role: string };
  /** the answer to the last action, once */
  flash?: string | undefined;
}

const SUMMARY_WORD = { ok: 'OK', warning: 'WARNING', fault: 'FAULT' } as const;

function alarmItem(a: AlarmView): Html {
  return html`<li class="alarm" data-alarm="${a.kind}" data-severity="${a.severity}">
<p class="alarm-title"><strong>${a.severity === 'fault' ? 'FAULT' : 'WARNING'}</strong> <span data-field="title">${a.title}</span></p>
<p class="alarm-detail"><span data-field="detail">${a.message}</span> (since <span data-field="since">${a.sinceText}</span>)</p>
<p class="todo"><strong>What to do:</strong> <span data-field="todo">${a.todo}</span></p>
</li>`;
}

function lineItem(l: LineView, p: StatusPage): Html {
  const staff = p.user.role === 'site-staff';
  return html`<li class="line" data-line="${l.id}" data-state="${l.state}">
<p class="line-head"><span class="line-id">${l.id}</span> <span class="state" data-field="state">${l.words}</span></p>
<p class="level"><meter data-field="level" min="${METER_FLOOR_DBFS}" max="0" low="-60" high="-6" optimum="-30" value="${l.level}">${l.level} dBFS</meter>
<span data-field="level-text">${l.level} dBFS</span></p>
<p class="last">Last call ended: <span data-field="last-call">${l.lastCall}</span></p>
${staff ? html`<form method="post" action="/actions/stop" class="stop" data-field="stop"${l.state === 'recording' ? '' : html` hidden`}>
<input type="hidden" name="_csrf" value="${p.csrf}">
<input type="hidden" name="line" value="${l.id}">
<button type="submit" class="danger">Stop recording ${l.id} (caller's request)</button>
</form>` : ''}
</li>`;
}

function row(label: string, field: string, text: string | undefined): Html {
  return html`<dt>${label}</dt><dd data-field="${field}">${text ?? ''}</dd>`;
}

export function statusPage(p: StatusPage): Html {
  const v = p.view;
  const f = v.fields;
  const technician = p.user.role === 'technician';
  return layout(
    { title: `Call recorder ${v.box.id}: ${SUMMARY_WORD[v.summary.level]}`, live: { reloadS: RELOAD_WITHOUT_SCRIPT_S } },
    html`<header class="top">
<p class="who">Box <strong data-field="box">${v.box.id}</strong> at <span data-field="site">${v.box.site}</span></p>
<form method="post" action="/logout" class="logout">
<input type="hidden" name="_csrf" value="${p.csrf}">
<button type="submit">Log out ${p.user.name}</button>
</form>
</header>
<main>
<noscript><p class="hint">Scripts are off: this page reloads itself every ${RELOAD_WITHOUT_SCRIPT_S} seconds.</p></noscript>
<p class="conn" data-field="conn" hidden></p>
${p.flash ? html`<p class="flash" role="status" data-field="flash">${p.flash}</p>` : ''}
<section class="summary" data-field="summary-box" data-level="${v.summary.level}">
<p><strong class="summary-word" data-field="summary-word">${SUMMARY_WORD[v.summary.level]}</strong>
<span class="summary-text" data-field="summary">${f.summary}</span></p>
</section>

<section class="alarms">
<h2>Alarms</h2>
<ul data-field="alarms">
${v.alarms.map(alarmItem)}
</ul>
<p data-field="no-alarms"${v.alarms.length > 0 ? html` hidden` : ''}>No alarms.</p>
</section>

<section>
<h2>Lines</h2>
<ul class="lines">
${v.lines.map((l) => lineItem(l, p))}
</ul>
</section>

<section>
<h2>Box</h2>
<dl class="facts">
${row('Audio capture', 'capture', f.capture)}
${row('Capture errors', 'xruns', f.xruns)}
${row('Link to central', 'sync', f.sync)}
${row('Waiting to send', 'backlog', f.backlog)}
${row('Last sync', 'last-sync', f['last-sync'])}
${row('Disk', 'disk', f.disk)}
${row('Forecast', 'forecast', f.forecast)}
${row('Calls refused (disk full)', 'refused', f.refused)}
${row('Recording announcement', 'announcement', f.announcement)}
${row('CPU', 'cpu', f.cpu)}
${row('Memory', 'memory', f.memory)}
${row('Clock', 'clock', f.clock)}
${row('Running for', 'uptime', f.uptime)}
${row('Software', 'version', v.version)}
${row('Updated', 'updated', f.updated)}
</dl>
</section>

${technician ? html`<section class="actions">
<h2>Actions</h2>
<form method="post" action="/actions/led-test">
<input type="hidden" name="_csrf" value="${p.csrf}">
<button type="submit">Test the LED (10 s)</button>
</form>
<form method="post" action="/actions/capture-restart">
<input type="hidden" name="_csrf" value="${p.csrf}">
<button type="submit">Restart capture</button>
</form>
<p class="note">Restarting capture cuts any call being recorded: its recording ends there.</p>
</section>` : ''}
</main>`,
  );
}
