// One call: what is known of it, its holds, and listening. Listening asks for a purpose and a
// case first (R2) and says it is logged; a hold says how far it can reach (R4).
import { html, type Html } from '../../../core/html.js';
import { HOLD_REASONS } from '../../../core/protocol/messages.js';
import type { Translator } from '../i18n/catalogue.js';
import { checkboxField, inputField, selectField, textareaField } from './fields.js';
import { localDateValue } from './form-values.js';
import { csrfField, layout } from './layout.js';
import { PATHS } from './paths.js';
import { LISTEN_PURPOSES, type CallPageData, type CallView } from './types.js';
import { clipText, directionText, endReasonText, holdReasonText, noticeText, purposeText, stateText, stopByText } from './words.js';
import { dataTable } from './table.js';
import { registerOfHold } from '../../registers/register-holds.js';

const CASE_MAX = 64;
/** An early deletion's reason: plain text, at most this long (the box takes 512). */
export const DELETE_REASON_MAX = 500;

function facts(t: Translator, c: CallView, expiry: number): Html {
  const rows: [string, string][] = [
    ['call.site', c.site],
    ['call.box', c.box],
    ['call.line', c.line],
    ['call.start', t.fmt.dateTime(c.start)],
    ['call.end', t.fmt.dateTime(c.end)],
    ['call.duration', t.fmt.duration(c.durationMs)],
    ['call.direction', directionText(t, c.direction)],
    ['call.clip', clipText(t, c.clip)],
    ['call.state', stateText(t, c.state)],
  ];
  if (c.endReason !== undefined) rows.push(['call.endReason', endReasonText(t, c.endReason)]);
  if (c.stopped) rows.push(['call.stopped', t('call.stopped.value', { time: t.fmt.dateTime(c.stopped.at), by: stopByText(t, c.stopped.by) })]);
  rows.push(['call.notice', noticeText(t, c.notice)]);
  rows.push(['call.retention', t('call.retention.value', { months: c.retentionMonths })]);
  if (c.deleted) rows.push(['call.deleted', t(`call.deleted.${c.deleted.reason}`, { date: t.fmt.dateTime(c.deleted.at) })]);
  else rows.push(['call.expiry', t.fmt.dateTime(expiry)]);
  return html`<dl class="facts">${rows.map(([k, v]) => html`<dt>${t(k)}</dt><dd>${v}</dd>`)}</dl>`;
}

/** A quality-project hold of a project the recording is in: released by taking it out of the project. */
function projectOf(d: CallPageData, h: CallPageData['holds'][number]) {
  return h.reason === 'quality-project' ? d.training?.in.find((p) => p.caseRef === h.caseRef) : undefined;
}

function releaseCell(t: Translator, d: CallPageData, h: CallPageData['holds'][number]): Html {
  const project = projectOf(d, h);
  if (project) return html`<td><a href="${PATHS.project(project.id)}">${t('holds.inProject')}</a></td>`;
  if (registerOfHold(h)) return html`<td><a href="${PATHS.registers}">${t('holds.inRegister')}</a></td>`;
  return html`<td><form method="post" action="${PATHS.release(d.call.id)}">${csrfField(d.csrf)}<input type="hidden" name="caseRef" value="${h.caseRef}"><button type="submit">${t('holds.release', { caseRef: h.caseRef })}</button></form></td>`;
}

function holdsList(t: Translator, d: CallPageData): Html {
  if (d.holds.length === 0) return html`<p>${t('holds.none')}</p>`;
  const release = d.canHold && !d.call.deleted;
  const columns = [...['reason', 'caseRef', 'by', 'at', 'until'].map((c) => t(`holds.col.${c}`)), ...(release ? [t('holds.col.action')] : [])];
  const rows = d.holds.map(
    (h) => html`<tr>
<td>${holdReasonText(t, h.reason)}</td><td>${h.caseRef}</td><td>${h.by}</td><td class="num">${t.fmt.dateTime(h.at)}</td><td class="num">${t.fmt.dateTime(h.until)}</td>
${release ? releaseCell(t, d, h) : ''}
</tr>`,
  );
  return html`${dataTable({ id: 'holds-caption', caption: t('holds.caption'), columns, rows })}
${release ? html`<p class="muted">${t('holds.release.note')}</p>` : ''}`;
}

function copyNote(t: Translator, d: CallPageData): Html {
  if (d.call.deleted || d.holds.length === 0) return html``;
  if (d.copyUntil !== undefined) return html`<p class="note-box">${t('copy.kept', { date: t.fmt.dateTime(d.copyUntil) })}</p>`;
  return html`<p class="muted">${t('copy.missing')}</p>`;
}

/** Forms beyond this many go to the projects page instead: a page of buttons helps nobody. */
const MAX_PROJECT_FORMS = 10;

function training(t: Translator, d: CallPageData): Html {
  const tr = d.training;
  if (!tr) return html``;
  const inList = tr.in.length === 0
    ? html`<p>${t('call.training.none')}</p>`
    : html`<p>${t('call.training.in')}</p><ul>${tr.in.map((p) => html`<li><a href="${PATHS.project(p.id)}">${p.name}</a></li>`)}</ul>`;
  const add = d.call.deleted || tr.canAdd.length === 0 ? html`` : html`<p class="muted">${t('call.training.addNote', { date: t.fmt.date(d.maxHoldUntil) })}</p>
<ul class="actions">${tr.canAdd.slice(0, MAX_PROJECT_FORMS).map((p) => html`<li><form method="post" action="${PATHS.projectRecordings(p.id)}">${csrfField(d.csrf)}<input type="hidden" name="recording" value="${d.call.id}"><input type="hidden" name="until" value="${localDateValue(d.maxHoldUntil)}"><button type="submit">${t('call.training.add', { name: p.name })}</button></form></li>`)}</ul>
${tr.canAdd.length > MAX_PROJECT_FORMS ? html`<p><a href="${PATHS.projects}">${t('call.training.more')}</a></p>` : ''}`;
  return html`<section aria-labelledby="training-heading"><h2 id="training-heading">${t('call.training.heading')}</h2>${inList}${add}</section>`;
}

function holdForm(t: Translator, d: CallPageData): Html {
  return html`<form method="post" action="${PATHS.hold(d.call.id)}" class="stack" aria-labelledby="hold-heading">
<h3 id="hold-heading">${t('hold.heading')}</h3>
<p id="hold-cap">${t('hold.cap', { date: t.fmt.dateTime(d.maxHoldUntil) })}</p>
${csrfField(d.csrf)}
${selectField({ id: 'hold-reason', name: 'reason', label: t('hold.reason'), empty: t('form.choose'), required: true, options: HOLD_REASONS.map((r) => ({ value: r, text: holdReasonText(t, r) })) })}
${inputField({ id: 'hold-case', name: 'caseRef', label: t('hold.caseRef'), hint: t('form.caseRef.hint'), maxlength: CASE_MAX, required: true, autocomplete: 'off' })}
${inputField({ id: 'hold-until', name: 'until', type: 'date', label: t('hold.until'), hint: t('hold.until.hint', { date: t.fmt.date(d.maxHoldUntil) }), min: localDateValue(d.call.start), max: localDateValue(d.maxHoldUntil), required: true })}
<button type="submit" class="primary">${t('hold.submit')}</button>
</form>`;
}

function offline(t: Translator, d: CallPageData): Html {
  const seen = d.boxOnline.lastSeen !== undefined ? t('box.lastSeen', { time: t.fmt.dateTime(d.boxOnline.lastSeen) }) : t('box.neverSeen');
  return html`<div class="offline" role="status"><strong>${t('box.offline.title')}</strong>
<p>${t('box.offline', { box: d.call.box })}</p><p>${seen}</p></div>`;
}

function player(t: Translator, d: CallPageData): Html {
  const l = d.listen!;
  // The address comes from the route; a page that could be told to load audio from elsewhere
  // would defeat the CSP and the audit, so anything but a path here is a bug.
  if (!/^\/(?!\/)/.test(l.audioUrl)) throw new TypeError('listen.audioUrl must be a path on this server');
  return html`<p>${t('listen.now', { purpose: purposeText(t, l.purpose), caseRef: l.caseRef })}</p>
${l.fromCopy ? html`<p class="muted">${t('listen.source.copy')}</p>` : ''}
<audio controls preload="auto" src="${l.audioUrl}" aria-label="${t('listen.audio')}">${t('listen.noAudio')}</audio>
<p class="note-box">${t('listen.logged')}</p>`;
}

function listenForm(t: Translator, d: CallPageData): Html {
  return html`<p>${t('listen.intro')}</p>
<form method="post" action="${PATHS.listen(d.call.id)}" class="stack">
${csrfField(d.csrf)}
${selectField({ id: 'listen-purpose', name: 'purpose', label: t('listen.purpose'), empty: t('form.choose'), required: true, options: (d.purposes ?? LISTEN_PURPOSES).map((p) => ({ value: p, text: purposeText(t, p) })) })}
${inputField({ id: 'listen-case', name: 'caseRef', label: t('listen.caseRef'), hint: t('form.caseRef.hint'), maxlength: CASE_MAX, required: true, autocomplete: 'off' })}
<p class="muted">${t('listen.logged')}</p>
<button type="submit" class="primary">${t('listen.submit')}</button>
</form>`;
}

function listening(t: Translator, d: CallPageData): Html {
  let body: Html;
  if (d.call.deleted) body = html`<p>${t('listen.destroyed')}</p>`;
  else if (!d.canListen) body = html`<p>${t('listen.notAllowed')}</p>`;
  else if (d.listen) body = player(t, d);
  else if (!d.boxOnline.online && d.copyUntil === undefined) body = offline(t, d);
  else body = listenForm(t, d);
  return html`<section aria-labelledby="listen-heading"><h2 id="listen-heading">${t('listen.heading')}</h2>${body}</section>`;
}

/**
 * Early deletion (issue 9), for privacy officers: a reason and a confirmation, then the box
 * destroys the recording. Offered only while its box is connected: the deletion is the box's.
 */
function deletion(t: Translator, d: CallPageData): Html {
  if (!d.canDelete || d.call.deleted) return html``;
  const body = !d.boxOnline.online
    ? html`<p>${t('delete.offline', { box: d.call.box })}</p>`
    : html`<form method="post" action="${PATHS.call(d.call.id)}/delete" class="stack">
${csrfField(d.csrf)}
${d.holds.length > 0 ? html`<p class="note-box">${t('delete.holds', { count: d.holds.length })}</p>` : ''}
${textareaField({ id: 'delete-reason', name: 'reason', label: t('delete.reason'), hint: t('delete.reason.hint', { max: DELETE_REASON_MAX }), maxlength: DELETE_REASON_MAX, rows: 3, required: true })}
${checkboxField({ id: 'delete-confirm', name: 'confirm', label: t('delete.confirm'), required: true })}
<button type="submit" class="danger">${t('delete.submit')}</button>
</form>`;
  return html`<section aria-labelledby="delete-heading" class="deletion"><h2 id="delete-heading">${t('delete.heading')}</h2>
<p>${t('delete.intro')}</p>
${body}
</section>`;
}

export function callPage(t: Translator, d: CallPageData): Html {
  const title = t('call.heading', { date: t.fmt.dateTime(d.call.start) });
  const back = d.via === 'projects' ? html`<a href="${PATHS.projects}">${t('call.back.projects')}</a>` : html`<a href="${PATHS.search}">${t('call.back')}</a>`;
  return layout(t, {
    title,
    user: d.user,
    nav: d.via === 'projects' ? 'projects' : 'search',
    csrf: d.csrf,
    here: PATHS.call(d.call.id),
    main: html`<p>${back}</p>
<h1>${title}</h1>
${d.error ? html`<p class="alert" role="alert">${d.error}</p>` : ''}
${d.notice ? html`<p class="note-box" role="status">${d.notice}</p>` : ''}
<div class="columns">
<section aria-labelledby="facts-heading"><h2 id="facts-heading">${t('call.facts')}</h2>${facts(t, d.call, d.expiry)}</section>
${listening(t, d)}
</div>
<section aria-labelledby="holds-heading">
<h2 id="holds-heading">${t('holds.heading')}</h2>
${holdsList(t, d)}
${copyNote(t, d)}
${d.canHold && !d.call.deleted ? holdForm(t, d) : ''}
</section>
${training(t, d)}
${deletion(t, d)}`,
  });
}
