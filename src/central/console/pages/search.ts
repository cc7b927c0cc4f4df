// Finding calls: a GET form (so a search is a link that can be bookmarked and paged), the
// results newest first, and the calls in progress. No number is ever shown: a row has none,
// and a number searched for is found through the blind index, not read back from a call (R3).
import { html, type Html } from '../../../core/html.js';
import { NOTICE_STATUSES, noticeMissed } from '../../../core/protocol/messages.js';
import type { Translator } from '../i18n/catalogue.js';
import { inputField, selectField } from './fields.js';
import { layout } from './layout.js';
import { PATHS } from './paths.js';
import { SEARCH_FIELDS } from '../search-form.js';
import { DIRECTIONS, HELD_CHOICES, type CallRow, type LiveCall, type SearchForm, type SearchPageData } from './types.js';
import { directionText, noticeStatusText, stateText } from './words.js';
import { dataTable } from './table.js';

/** The search address for these filters (and a page cursor): what "next page" and "refresh" link to. */
export function searchUrl(query: SearchForm, cursor?: string): string {
  const params = new URLSearchParams();
  for (const k of SEARCH_FIELDS) {
    const v = query[k];
    if (k !== 'cursor' && v !== undefined && v !== '') params.set(k, v);
  }
  if (cursor !== undefined) params.set('cursor', cursor);
  const qs = params.toString();
  return qs ? `${PATHS.search}?${qs}` : PATHS.search;
}

type FilterName = Exclude<(typeof SEARCH_FIELDS)[number], 'cursor'>;
const ERROR_ID = 'search-error';

/** The filters in form order: id, label and control of each, so a refusal can point at its field. */
function filterFields(t: Translator, q: SearchForm, sites: readonly string[], bad: string | undefined): [FilterName, string, Html][] {
  const any = t('search.any');
  const invalid = (name: FilterName) => (bad === name ? ERROR_ID : undefined);
  const time = (name: 'from' | 'to') => inputField({ id: `q-${name}`, name, type: 'datetime-local', label: t(`search.${name}`), hint: t('search.time.hint'), value: q[name], invalid: invalid(name) });
  const secs = (name: 'minSeconds' | 'maxSeconds') => inputField({ id: `q-${name}`, name, type: 'number', label: t(`search.${name}`), value: q[name], min: '0', inputmode: 'numeric', invalid: invalid(name) });
  const choice = (name: 'site' | 'direction' | 'held' | 'notice', empty: string, options: { value: string; text: string }[]) =>
    selectField({ id: `q-${name}`, name, label: t(`search.${name}`), empty, value: q[name], options, invalid: invalid(name) });
  return [
    ['from', 'q-from', time('from')],
    ['to', 'q-to', time('to')],
    ['site', 'q-site', choice('site', t('search.site.any'), sites.map((s) => ({ value: s, text: s })))],
    ['line', 'q-line', inputField({ id: 'q-line', name: 'line', label: t('search.line'), value: q.line, maxlength: 64, invalid: invalid('line') })],
    ['direction', 'q-direction', choice('direction', any, DIRECTIONS.map((d) => ({ value: d, text: directionText(t, d) })))],
    ['number', 'q-number', inputField({ id: 'q-number', name: 'number', type: 'tel', label: t('search.number'), hint: t('search.number.hint'), value: q.number, autocomplete: 'off', maxlength: 32, wide: true, invalid: invalid('number') })],
    ['minSeconds', 'q-minSeconds', secs('minSeconds')],
    ['maxSeconds', 'q-maxSeconds', secs('maxSeconds')],
    ['held', 'q-held', choice('held', any, HELD_CHOICES.map((h) => ({ value: h, text: t(`search.held.${h}`) })))],
    ['notice', 'q-notice', choice('notice', any, NOTICE_STATUSES.map((s) => ({ value: s, text: noticeStatusText(t, s) })))],
  ];
}

function filters(t: Translator, q: SearchForm, sites: readonly string[], bad: string | undefined): Html {
  return html`<form method="get" action="${PATHS.search}" class="filters" role="search" aria-labelledby="filters-heading">
<h2 id="filters-heading" class="visually-hidden">${t('search.filters')}</h2>
${filterFields(t, q, sites, bad).map(([, , control]) => html`${control}\n`)}<div class="actions"><button type="submit" class="primary">${t('search.submit')}</button> <a href="${PATHS.search}">${t('search.reset')}</a></div>
</form>`;
}

/** The refusal, with a link to the field it is about (the field is marked invalid and points back here). */
function refusal(t: Translator, d: SearchPageData): Html {
  if (!d.error) return html``;
  const e = typeof d.error === 'string' ? { message: d.error } : d.error;
  const field = filterFields(t, d.query, d.sites, undefined).find(([name]) => name === e.field);
  const label = field ? t(`search.${field[0]}`) : undefined;
  return html`<p class="alert" role="alert" id="${ERROR_ID}">${e.message}${field ? html` <a href="#${field[1]}">${t('form.error.field', { field: label! })}</a>` : ''}</p>`;
}

function retention(t: Translator, r: CallRow): Html {
  if (r.deleted) return html`${t('search.deleted', { date: t.fmt.date(r.deleted.at) })}`;
  if (r.holds.length > 0) return html`<span class="flag held">${t('search.heldUntil', { date: t.fmt.date(r.expiresAt) })}</span>`;
  return html`${t('search.expires', { date: t.fmt.date(r.expiresAt) })}`;
}

function row(t: Translator, r: CallRow): Html {
  const notice = r.notice ? noticeStatusText(t, r.notice.status) : t('notice.unknown');
  return html`<tr>
<td class="num"><a href="${PATHS.call(r.id)}">${t.fmt.dateTime(r.start)}</a></td>
<td class="id">${r.site}</td>
<td class="id">${r.line}</td>
<td>${directionText(t, r.direction)}</td>
<td class="num">${t.fmt.duration(r.durationMs)}${r.state === 'truncated' ? html`<br><span class="muted">${stateText(t, r.state)}</span>` : ''}</td>
<td>${noticeMissed(r.notice) ? html`<span class="flag missed">${notice}</span>` : notice}</td>
<td>${retention(t, r)}</td>
</tr>`;
}

function results(t: Translator, d: SearchPageData): Html {
  if (d.results.length === 0) return html`<p>${t('search.none')}</p>`;
  const columns = ['start', 'site', 'line', 'direction', 'duration', 'notice', 'retention'].map((c) => t(`search.col.${c}`));
  return html`${dataTable({ id: 'results-caption', caption: t('search.caption', { count: d.results.length }), columns, rows: d.results.map((r) => row(t, r)) })}
${d.next !== undefined ? html`<p class="pager"><a href="${searchUrl(d.query, d.next)}" rel="next">${t('search.next')}</a></p>` : ''}`;
}

/** The calls in progress: where and since when, nothing about who. Also a fragment on its own, for a page that refreshes just this part. */
export function liveSection(t: Translator, live: readonly LiveCall[], liveAt: number | undefined, refresh: string): Html {
  const items = live.map(
    (c) => html`<li>${t('live.item', { site: c.site, box: c.box, line: c.line, since: t.fmt.time(c.since) })}</li>`,
  );
  return html`<section id="live" aria-labelledby="live-heading">
<h2 id="live-heading">${t('live.heading')}</h2>
<div aria-live="polite">
${live.length === 0 ? html`<p>${t('live.none')}</p>` : html`<ul class="live">${items}</ul>`}
${liveAt !== undefined ? html`<p class="muted">${t('live.asOf', { time: t.fmt.time(liveAt) })}</p>` : ''}
</div>
<p><a href="${refresh}">${t('live.refresh')}</a></p>
</section>`;
}

export function searchPage(t: Translator, d: SearchPageData): Html {
  const here = searchUrl(d.query);
  return layout(t, {
    title: t('search.title'),
    user: d.user,
    nav: 'search',
    csrf: d.csrf,
    here,
    main: html`<h1>${t('search.title')}</h1>
${refusal(t, d)}
${filters(t, d.query, d.sites, typeof d.error === 'object' ? d.error.field : undefined)}
<section aria-labelledby="results-heading">
<h2 id="results-heading">${t('search.results')}</h2>
${results(t, d)}
</section>
${liveSection(t, d.live, d.liveAt, here)}`,
  });
}
