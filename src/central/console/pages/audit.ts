// The audit viewer for the privacy officer (R9): a GET form to narrow the log (so a view is a link
// that can be bookmarked and paged), the entries newest first, the chain's verification, and the
// chain head each box published with whether it continued the one before. Everything in an entry
// that people typed (case references, names, reasons, details) is text here: the template escapes it.
import type { AuditDetail, AuditEntry, VerifyResult } from '../../../core/audit/index.js';
import { auditActions } from '../../../core/audit/index.js';
import { html, type Html } from '../../../core/html.js';
import type { BoxAuditHead, HeadRegression } from '../../ingest/audit-heads.js';
import type { Translator } from '../i18n/catalogue.js';
import { inputField, selectField } from './fields.js';
import { csrfField, layout } from './layout.js';
import { PATHS } from './paths.js';
import type { FieldError, Viewer } from './types.js';
import { purposeText } from './words.js';
import { dataTable } from './table.js';

export const AUDIT_FORM_FIELDS = ['actor', 'target', 'caseRef', 'action', 'from', 'to', 'cursor'] as const;
export type AuditFormField = (typeof AUDIT_FORM_FIELDS)[number];
/** The filters as typed (all text, as a browser sends them): echoed into the form and the next-page link. */
export type AuditForm = Partial<Record<AuditFormField, string>>;

/** What the action select offers: what people do first, then the rest the programs write. */
export const AUDIT_FILTER_ACTIONS: readonly string[] = [
  ...new Set([
    'search', 'view-call', 'listen', 'export', 'disclosure', 'hold', 'release', 'delete', 'login', 'login-failed', 'lockout', 'logout',
    'stop-recording', 'stop-request', 'command', 'fetch', 'central-copy', 'verify', ...auditActions, 'view-audit', 'view-fleet', 'view-alarms',
    'view-project', 'view-register', 'access-request', 'view-access-request', 'view-disclosure',
    'rectification-list', 'rectification-request', 'rectification-view', 'rectification-decision', 'rectification-certificate',
  ]),
];

export const AUDIT_VERIFY_PATH = `${PATHS.audit}/verify`;

/** The command a technician runs on a box to verify its own log (src/commands/audit.ts). */
export const BOX_VERIFY_COMMAND = 'tallennin audit verify --config box.yaml --head SEQ:HASH';

export interface AuditPageData {
  user: Viewer;
  csrf: string;
  query: AuditForm;
  /** ms since the epoch: what "how long ago" counts from */
  now: number;
  /** the entries of this page, newest first; undefined: the log was not read for this page */
  entries?: readonly AuditEntry[] | undefined;
  /** the cursor of the next page (entries below this seq) */
  next?: number | undefined;
  /** how the scan went: the seq it stopped at when it read its most before the page filled */
  scan?: { read: number; stoppedAt?: number | undefined } | undefined;
  /** a refused filter, or a log that could not be read */
  error?: FieldError | undefined;
  /** the result of verifying the chain, when one was asked for */
  verify?: VerifyResult | undefined;
  heads: readonly BoxAuditHead[];
}

const known = (t: Translator, prefix: string, code: string): string => (t.has(`${prefix}.${code}`) ? t(`${prefix}.${code}`) : code);
export const actionText = (t: Translator, a: string) => known(t, 'auditAction', a);
const resultText = (t: Translator, r: string) => known(t, 'audit.result', r);

/** The audit address for these filters (and a page cursor). */
export function auditUrl(query: AuditForm, cursor?: number): string {
  const params = new URLSearchParams();
  for (const k of AUDIT_FORM_FIELDS) {
    const v = query[k];
    if (k !== 'cursor' && v !== undefined && v !== '') params.set(k, v);
  }
  if (cursor !== undefined) params.set('cursor', String(cursor));
  const qs = params.toString();
  return qs ? `${PATHS.audit}?${qs}` : PATHS.audit;
}

const DETAIL_MAX = 160;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** An entry's detail in one short line (`key=value, …`): text, cut at 160 characters. */
export function detailText(d: AuditDetail | undefined): string {
  if (!d) return '';
  const text = Object.entries(d)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ')
    .replace(CONTROL, ' ');
  const chars = Array.from(text);
  return chars.length > DETAIL_MAX ? `${chars.slice(0, DETAIL_MAX - 1).join('')}…` : text;
}

const shortHash = (hash: string) => `${hash.slice(0, 12)}…`;
const ERROR_ID = 'audit-error';
type FilterName = Exclude<AuditFormField, 'cursor'>;

function filterFields(t: Translator, q: AuditForm, bad: string | undefined): [FilterName, string, Html][] {
  const invalid = (name: FilterName) => (bad === name ? ERROR_ID : undefined);
  const text = (name: 'actor' | 'target' | 'caseRef', maxlength: number) =>
    inputField({ id: `a-${name}`, name, label: t(`audit.${name}`), hint: t(`audit.${name}.hint`), value: q[name], autocomplete: 'off', maxlength, invalid: invalid(name) });
  const time = (name: 'from' | 'to') => inputField({ id: `a-${name}`, name, type: 'datetime-local', label: t(`audit.${name}`), hint: t('audit.time.hint'), value: q[name], invalid: invalid(name) });
  return [
    ['actor', 'a-actor', text('actor', 128)],
    ['target', 'a-target', text('target', 256)],
    ['caseRef', 'a-caseRef', text('caseRef', 64)],
    ['action', 'a-action', selectField({ id: 'a-action', name: 'action', label: t('audit.action'), empty: t('audit.action.any'), value: q.action, options: AUDIT_FILTER_ACTIONS.map((a) => ({ value: a, text: actionText(t, a) })), invalid: invalid('action') })],
    ['from', 'a-from', time('from')],
    ['to', 'a-to', time('to')],
  ];
}

function filters(t: Translator, q: AuditForm, bad: string | undefined): Html {
  return html`<form method="get" action="${PATHS.audit}" class="filters" role="search" aria-labelledby="filters-heading">
<h2 id="filters-heading" class="visually-hidden">${t('audit.filters')}</h2>
${filterFields(t, q, bad).map(([, , control]) => html`${control}\n`)}<div class="actions"><button type="submit" class="primary">${t('audit.submit')}</button> <a href="${PATHS.audit}">${t('audit.reset')}</a></div>
</form>`;
}

function refusal(t: Translator, d: AuditPageData): Html {
  if (!d.error) return html``;
  const field = filterFields(t, d.query, undefined).find(([name]) => name === d.error!.field);
  return html`<p class="alert" role="alert" id="${ERROR_ID}">${d.error.message}${field ? html` <a href="#${field[1]}">${t('form.error.field', { field: t(`audit.${field[0]}`) })}</a>` : ''}</p>`;
}

function row(t: Translator, e: AuditEntry): Html {
  const filterLink = (q: AuditForm, text: string) => html`<a href="${auditUrl(q)}">${text}</a>`;
  const result = e.result === 'ok' ? html`<span class="muted">${resultText(t, e.result)}</span>` : html`<span class="flag ${e.result === 'error' ? 'bad' : 'refused'}">${resultText(t, e.result)}</span>`;
  const why = [e.purpose !== undefined ? html`${purposeText(t, e.purpose)}` : '', e.caseRef !== undefined ? filterLink({ caseRef: e.caseRef }, e.caseRef) : ''].filter((x) => x !== '');
  return html`<tr>
<td class="num">${e.seq}</td>
<td class="num"><time datetime="${new Date(e.ts).toISOString()}">${t.fmt.dateTime(e.ts)}</time></td>
<td class="id">${filterLink({ actor: e.actor }, e.actor)}</td>
<td>${actionText(t, e.action)}<br>${result}</td>
<td class="target">${e.target !== undefined ? filterLink({ target: e.target }, e.target) : ''}</td>
<td class="why">${why.map((x, i) => html`${i > 0 ? html`<br>` : ''}${x}`)}</td>
<td class="detail">${detailText(e.detail)}</td>
</tr>`;
}

function results(t: Translator, d: AuditPageData): Html {
  if (d.entries === undefined) return html`<p>${t('audit.notRead')} <a href="${auditUrl(d.query)}">${t('audit.showLatest')}</a></p>`;
  const stopped = d.scan?.stoppedAt !== undefined ? html`<p class="note-box" role="status">${t('audit.scanStopped', { seq: d.scan.stoppedAt, read: d.scan.read })}</p>` : '';
  const next = d.next !== undefined ? html`<p class="pager"><a href="${auditUrl(d.query, d.next)}" rel="next">${t('audit.next')}</a></p>` : '';
  if (d.entries.length === 0) return html`<p>${t('audit.none')}</p>\n${stopped}${next}`;
  const columns = ['seq', 'time', 'actor', 'action', 'target', 'why', 'detail'].map((c) => t(`audit.col.${c}`));
  const table = dataTable({ id: 'results-caption', className: 'audit', caption: t('audit.caption', { count: d.entries.length }), columns, rows: d.entries.map((e) => row(t, e)) });
  return html`${table}
${stopped}${next}`;
}

function verifyResult(t: Translator, r: VerifyResult | undefined): Html {
  if (!r) return html``;
  if (r.ok) {
    return html`<p class="note-box" role="status">${t('audit.verify.ok', { count: r.count, seq: r.head.seq })} <code class="hash">${r.head.hash}</code></p>`;
  }
  return html`<p class="alert" role="alert">${t('audit.verify.broken', { at: r.at, problem: known(t, 'audit.problem', r.problem) })}<br>${t('audit.verify.detail')} <span lang="en">${r.detail}</span></p>`;
}

function verifySection(t: Translator, d: AuditPageData): Html {
  return html`<section aria-labelledby="verify-heading">
<h2 id="verify-heading">${t('audit.verify.heading')}</h2>
<p>${t('audit.verify.intro')}</p>
${verifyResult(t, d.verify)}
<form method="post" action="${AUDIT_VERIFY_PATH}">${csrfField(d.csrf)}<button type="submit">${t('audit.verify.submit')}</button></form>
</section>`;
}

function ago(t: Translator, now: number, ts: number): string {
  return now - ts < 1000 ? t('audit.heads.justNow') : t('audit.heads.ago', { duration: t.fmt.duration(now - ts) });
}

function headRow(t: Translator, h: BoxAuditHead, now: number): Html {
  const status =
    h.status === 'consistent'
      ? html`<span class="flag ok">${t('audit.heads.status.consistent')}</span>`
      : html`<span class="flag bad">${t(`audit.heads.status.${h.status}`)}</span><br><span class="muted">${t('audit.heads.highest', { seq: h.highest.seq })}</span>`;
  return html`<tr>
<td class="id">${h.site}</td>
<td class="id">${h.box}</td>
<td class="num">${h.seq}</td>
<td><details><summary><code>${shortHash(h.hash)}</code></summary><code class="hash">${h.hash}</code></details></td>
<td class="num"><time datetime="${new Date(h.ts).toISOString()}">${t.fmt.dateTime(h.ts)}</time><br><span class="muted">${ago(t, now, h.ts)}</span></td>
<td>${status}</td>
</tr>`;
}

function regressionItem(t: Translator, h: BoxAuditHead, r: HeadRegression): Html {
  const params = { site: h.site, box: h.box, seq: r.head.seq, time: t.fmt.dateTime(r.head.ts), previousSeq: r.previous.seq, previousTime: t.fmt.dateTime(r.previous.ts) };
  return html`<li>${t(`audit.heads.regression.${r.reason}`, params)}</li>`;
}

function headsSection(t: Translator, d: AuditPageData): Html {
  const table =
    d.heads.length === 0
      ? html`<p>${t('audit.heads.none')}</p>`
      : dataTable({
          id: 'heads-caption',
          caption: t('audit.heads.caption'),
          columns: ['site', 'box', 'seq', 'hash', 'published', 'status'].map((c) => t(`audit.heads.col.${c}`)),
          rows: d.heads.map((h) => headRow(t, h, d.now)),
        });
  const regressions = d.heads.flatMap((h) => h.regressions.map((r) => ({ h, r }))).sort((a, b) => b.r.head.ts - a.r.head.ts);
  return html`<section aria-labelledby="heads-heading">
<h2 id="heads-heading">${t('audit.heads.heading')}</h2>
<p>${t('audit.heads.intro')}</p>
${table}
${regressions.length > 0 ? html`<h3 id="regressions-heading">${t('audit.heads.regressions')}</h3>\n<ul class="regressions" aria-labelledby="regressions-heading">${regressions.map(({ h, r }) => regressionItem(t, h, r))}</ul>` : ''}
<p class="muted">${t('audit.heads.memory')}</p>
<h3 id="check-heading">${t('audit.heads.check.heading')}</h3>
<ol class="steps" aria-labelledby="check-heading">
<li>${t('audit.heads.check.run')}<pre><code>${BOX_VERIFY_COMMAND}</code></pre>${t('audit.heads.check.prints')}</li>
</ol>
</section>`;
}

export function auditPage(t: Translator, d: AuditPageData): Html {
  return layout(t, {
    title: t('audit.title'),
    user: d.user,
    nav: 'audit',
    csrf: d.csrf,
    here: auditUrl(d.query),
    main: html`<h1>${t('audit.title')}</h1>
<p>${t('audit.intro')}</p>
${refusal(t, d)}
${filters(t, d.query, d.error?.field)}
<section aria-labelledby="results-heading">
<h2 id="results-heading">${t('audit.results')}</h2>
${results(t, d)}
</section>
${verifySection(t, d)}
${headsSection(t, d)}`,
  });
}
