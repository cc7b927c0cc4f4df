// One disclosure (issue 9, R6): to whom, on what basis, what, who decided and when; its recordings
// with their `disclosure` holds and a download each (an audited export), the calls' metadata as a
// file when that was disclosed, and "mark complete", which lifts the holds. The request's
// particulars are opened for this page only, and escaped like any other value.
import { html, type Html } from '../../../core/html.js';
import type { DisclosedRecording, DisclosureEntry } from '../../registers/disclosure-types.js';
import type { Translator } from '../i18n/catalogue.js';
import { DISCLOSURE_PATHS, statusText } from './disclosure.js';
import { csrfField, layout } from './layout.js';
import { PATHS } from './paths.js';
import { registersNav } from './registers-nav.js';
import { dataTable } from './table.js';
import type { Viewer } from './types.js';

/** What just happened, after a form's redirect (`?done=`). */
export const DISCLOSURE_NOTICES = ['created', 'holds', 'completed'] as const;
export type DisclosureNotice = (typeof DISCLOSURE_NOTICES)[number];

/** Why an export was not given, each said by `disclosure.error.<code>`. */
export const EXPORT_PROBLEMS = ['export-complete', 'export-not-disclosed', 'export-destroyed', 'export-timeout', 'export-failed'] as const;
export type ExportProblemCode = (typeof EXPORT_PROBLEMS)[number];

/** Box reasons the catalogue says in words; any other is shown as it came. */
export const DISCLOSURE_BOX_REASONS = ['timeout', 'send-failed', 'TAL_RECORDING_NOT_FOUND', 'TAL_RECORDING_DESTROYED', 'TAL_HOLD_INVALID'] as const;

export interface DisclosureRecordingRow extends DisclosedRecording {
  /** the index's entry now (absent: the index does not know it) */
  call?: { durationMs: number; deleted?: { at: number } | undefined } | undefined;
}

export interface DisclosurePageData {
  user: Viewer;
  csrf: string;
  entry: Omit<DisclosureEntry, 'details' | 'recordings'>;
  /** the request's particulars, opened */
  details?: string | undefined;
  recordings: readonly DisclosureRecordingRow[];
  /** the hold's cap of each recording (call start + 12 months), by id */
  caps: Readonly<Record<string, number>>;
  notice?: DisclosureNotice | undefined;
  error?: { code: ExportProblemCode; box?: string | undefined } | undefined;
}

const problemText = (t: Translator, p: string | undefined) =>
  p === undefined ? t('disclosure.problem.unknown') : (DISCLOSURE_BOX_REASONS as readonly string[]).includes(p) ? t(`disclosure.problem.${p}`) : p;

function whatText(t: Translator, w: DisclosureEntry['disclosed']): string {
  return t(w.recordings && w.metadata ? 'disclosure.what.both' : w.recordings ? 'disclosure.what.recordings' : 'disclosure.what.metadata');
}

function facts(t: Translator, d: DisclosurePageData): Html {
  const e = d.entry;
  const preset = (text: string, isPreset: boolean) => (isPreset ? html`${text} <span class="muted">(${t('disclosure.fact.preset')})</span>` : html`${text}`);
  const rows: [string, Html | string][] = [
    ['disclosure.fact.caseRef', e.caseRef],
    ['disclosure.fact.recipient', preset(e.recipient, e.recipientPreset)],
    ['disclosure.fact.basis', preset(e.basis, e.basisPreset)],
    ['disclosure.fact.what', whatText(t, e.disclosed)],
    ['disclosure.fact.decided', t('disclosure.decided.value', { time: t.fmt.dateTime(e.decidedAt), by: e.decidedBy })],
    ['disclosure.fact.status', statusText(t, e.status)],
  ];
  if (e.status === 'complete' && e.completedAt !== undefined) rows.push(['disclosure.fact.completed', t('disclosure.decided.value', { time: t.fmt.dateTime(e.completedAt), by: e.completedBy ?? '' })]);
  if (d.details !== undefined) rows.push(['disclosure.fact.details', html`<span class="prewrap">${d.details}</span>`]);
  return html`<dl class="facts">${rows.map(([k, v]) => html`<dt>${t(k)}</dt><dd>${v}</dd>`)}</dl>`;
}

function holdText(t: Translator, d: DisclosurePageData, r: DisclosureRecordingRow): string {
  switch (r.hold) {
    case 'held':
      return t('disclosure.hold.held', { date: t.fmt.dateTime(r.until ?? d.caps[r.id] ?? r.start) });
    case 'not-held':
      return t('disclosure.hold.not-held', { problem: problemText(t, r.problem) });
    case 'released':
      return t('disclosure.hold.released');
    case 'not-released':
      return t('disclosure.hold.not-released', { problem: problemText(t, r.problem), date: t.fmt.dateTime(r.until ?? d.caps[r.id] ?? r.start) });
    case 'gone':
      return t('disclosure.hold.gone');
  }
}

const exportable = (d: DisclosurePageData, r: DisclosureRecordingRow) => d.entry.status === 'open' && d.entry.disclosed.recordings && r.call !== undefined && !r.call.deleted;

function recordingTable(t: Translator, d: DisclosurePageData): Html {
  const audio = d.entry.status === 'open' && d.entry.disclosed.recordings;
  const names = ['start', 'site', 'duration', 'hold', ...(audio ? ['export'] : [])];
  const rows = d.recordings.map((r) => {
    const when = t.fmt.dateTime(r.start);
    const start = r.call ? html`<a href="${PATHS.call(r.id)}">${when}</a>` : html`${when}<br><span class="muted">${t('disclosure.recordings.unknown', { id: r.id })}</span>`;
    const duration = r.call ? (r.call.deleted ? t('disclosure.recordings.destroyed', { date: t.fmt.date(r.call.deleted.at) }) : t.fmt.duration(r.call.durationMs)) : '';
    const download = exportable(d, r) ? html`<a href="${DISCLOSURE_PATHS.exportAudio(d.entry.id, r.id)}" download>${t('disclosure.export.audio', { start: when })}</a>` : '';
    return html`<tr><td class="num">${start}</td><td class="id">${r.site}</td><td class="num">${duration}</td><td class="hold ${r.hold}">${holdText(t, d, r)}</td>${audio ? html`<td>${download}</td>` : ''}</tr>`;
  });
  return html`${dataTable({ id: 'disclosed-caption', caption: t('disclosure.recordings.caption', { count: d.recordings.length }), columns: names.map((c) => t(`disclosure.recordings.col.${c}`)), rows })}
${audio ? html`<p class="muted">${t('disclosure.export.note')}</p>` : ''}`;
}

function metadata(t: Translator, d: DisclosurePageData): Html {
  if (!d.entry.disclosed.metadata || d.entry.status !== 'open') return html``;
  return html`<section aria-labelledby="metadata-heading"><h2 id="metadata-heading">${t('disclosure.metadata.heading')}</h2>
<p><a href="${DISCLOSURE_PATHS.exportMetadata(d.entry.id)}" download>${t('disclosure.metadata.link')}</a></p>
<p class="muted">${t('disclosure.metadata.note')}</p></section>`;
}

function actions(t: Translator, d: DisclosurePageData): Html {
  const e = d.entry;
  if (e.status === 'open') {
    const missing = d.recordings.filter((r) => r.hold === 'not-held' && r.call && !r.call.deleted).length;
    const retry = missing > 0
      ? html`<form method="post" action="${DISCLOSURE_PATHS.holds(e.id)}" class="stack">${csrfField(d.csrf)}<p>${t('disclosure.holds.retry.note', { count: missing })}</p><button type="submit">${t('disclosure.holds.retry')}</button></form>`
      : '';
    return html`<section aria-labelledby="complete-heading"><h2 id="complete-heading">${t('disclosure.complete.heading')}</h2>
${retry}
<form method="post" action="${DISCLOSURE_PATHS.complete(e.id)}" class="stack">${csrfField(d.csrf)}<p>${t('disclosure.complete.intro')}</p><button type="submit" class="primary">${t('disclosure.complete.submit')}</button></form>
</section>`;
  }
  const left = d.recordings.filter((r) => r.hold === 'not-released').length;
  if (left === 0) return html``;
  return html`<section aria-labelledby="complete-heading"><h2 id="complete-heading">${t('disclosure.complete.heading')}</h2>
<form method="post" action="${DISCLOSURE_PATHS.complete(e.id)}" class="stack">${csrfField(d.csrf)}<p>${t('disclosure.release.retry.note', { count: left })}</p><button type="submit">${t('disclosure.release.retry')}</button></form>
</section>`;
}

export function disclosurePage(t: Translator, d: DisclosurePageData): Html {
  const title = t('disclosure.entry.title', { caseRef: d.entry.caseRef });
  const error = d.error ? t(`disclosure.error.${d.error.code}`, d.error.code === 'export-timeout' ? { box: d.error.box ?? '' } : {}) : undefined;
  return layout(t, {
    title,
    user: d.user,
    nav: 'registers',
    csrf: d.csrf,
    here: DISCLOSURE_PATHS.entry(d.entry.id),
    main: html`${registersNav(t, 'disclosure')}
<p><a href="${DISCLOSURE_PATHS.list}">${t('disclosure.back')}</a></p>
<h1>${title}</h1>
${error ? html`<p class="alert" role="alert">${error}</p>` : ''}
${d.notice ? html`<p class="note-box" role="status">${t(`disclosure.done.${d.notice}`)}</p>` : ''}
<section aria-labelledby="facts-heading"><h2 id="facts-heading">${t('disclosure.facts')}</h2>${facts(t, d)}</section>
<section aria-labelledby="disclosed-heading"><h2 id="disclosed-heading">${t('disclosure.recordings.heading')}</h2>${recordingTable(t, d)}</section>
${metadata(t, d)}
${actions(t, d)}`,
  });
}
