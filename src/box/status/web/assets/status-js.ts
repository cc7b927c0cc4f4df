// The status page's live script, served as /assets/status.js (from the app itself, no CDN; a
// string here so that it ships inside the compiled program). It asks GET /status.json once a
// second and updates the elements the server rendered, found by their data-line / data-field
// names; text only (textContent), never markup. Polling rather than server-sent events: one
// short request a second costs a small box nothing, passes any proxy, needs no connection
// kept per phone, and a session that ends is seen at the next poll (401 → the login page).
export const STATUS_JS = String.raw`'use strict';
(function () {
  var PERIOD_MS = 1000;
  var WORD = { ok: 'OK', warning: 'WARNING', fault: 'FAULT' };
  var lastOk = Date.now();
  var alarmsKey = null;
  var timer = null;

  function q(sel, root) { return (root || document).querySelector(sel); }
  function attr(name, value) { return '[' + name + '="' + String(value).replace(/["\\]/g, '\\$&') + '"]'; }
  function setText(el, text) { if (el && el.textContent !== text) el.textContent = text; }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function alarmItem(a) {
    var li = el('li', 'alarm');
    li.setAttribute('data-alarm', a.kind);
    li.setAttribute('data-severity', a.severity);
    var title = el('p', 'alarm-title');
    title.appendChild(el('strong', '', a.severity === 'fault' ? 'FAULT' : 'WARNING'));
    title.appendChild(document.createTextNode(' '));
    var t = el('span', '', a.title); t.setAttribute('data-field', 'title'); title.appendChild(t);
    var detail = el('p', 'alarm-detail');
    var d = el('span', '', a.message); d.setAttribute('data-field', 'detail'); detail.appendChild(d);
    detail.appendChild(document.createTextNode(' (since '));
    var s = el('span', '', a.sinceText); s.setAttribute('data-field', 'since'); detail.appendChild(s);
    detail.appendChild(document.createTextNode(')'));
    var todo = el('p', 'todo');
    todo.appendChild(el('strong', '', 'What to do:'));
    todo.appendChild(document.createTextNode(' '));
    var w = el('span', '', a.todo); w.setAttribute('data-field', 'todo'); todo.appendChild(w);
    li.appendChild(title); li.appendChild(detail); li.appendChild(todo);
    return li;
  }

  function apply(v) {
    Object.keys(v.fields).forEach(function (k) { setText(q(attr('data-field', k)), v.fields[k]); });
    var box = q('[data-field="summary-box"]');
    if (box) box.setAttribute('data-level', v.summary.level);
    setText(q('[data-field="summary-word"]'), WORD[v.summary.level]);
    var title = 'Call recorder ' + v.box.id + ': ' + WORD[v.summary.level];
    if (document.title !== title) document.title = title;

    v.lines.forEach(function (l) {
      var row = q(attr('data-line', l.id));
      if (!row) return;
      row.setAttribute('data-state', l.state);
      setText(q('[data-field="state"]', row), l.words);
      var meter = q('[data-field="level"]', row);
      if (meter) { meter.value = l.level; setText(meter, l.level + ' dBFS'); }
      setText(q('[data-field="level-text"]', row), l.level + ' dBFS');
      setText(q('[data-field="last-call"]', row), l.lastCall);
      var stop = q('[data-field="stop"]', row);
      if (stop) stop.hidden = l.state !== 'recording';
    });

    var key = JSON.stringify(v.alarms.map(function (a) { return [a.kind, a.message, a.sinceText]; }));
    if (key !== alarmsKey) {
      alarmsKey = key;
      var list = q('[data-field="alarms"]');
      if (list) {
        while (list.firstChild) list.removeChild(list.firstChild);
        v.alarms.forEach(function (a) { list.appendChild(alarmItem(a)); });
      }
      var none = q('[data-field="no-alarms"]');
      if (none) none.hidden = v.alarms.length > 0;
    }
  }

  function connection(ok) {
    var c = q('[data-field="conn"]');
    if (!c) return;
    if (ok) { lastOk = Date.now(); c.hidden = true; return; }
    c.hidden = false;
    setText(c, 'No answer from the box for ' + Math.round((Date.now() - lastOk) / 1000) + ' s: the page may be out of date. Retrying.');
  }

  function schedule() {
    clearTimeout(timer);
    if (!document.hidden) timer = setTimeout(poll, PERIOD_MS);
  }

  function poll() {
    fetch('/status.json', { credentials: 'same-origin', cache: 'no-store', headers: { accept: 'application/json' } })
      .then(function (res) {
        if (res.status === 401) { window.location.assign('/login?m=ended'); return null; }
        if (!res.ok) throw new Error('status ' + res.status);
        return res.json();
      })
      .then(function (v) { if (v) { apply(v); connection(true); } })
      .catch(function () { connection(false); })
      .then(schedule);
  }

  // A phone in a pocket does not poll: the page catches up when it is looked at again.
  document.addEventListener('visibilitychange', function () { if (!document.hidden) poll(); else clearTimeout(timer); });
  schedule();
})();
`;
