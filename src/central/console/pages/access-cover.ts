// The cover sheet handed over with the copies of a person's recordings (R10): who the controller
// is, whose request it answers, and each file with its call's time, length and SHA-256, so the
// person (or anyone they show the files to) can check that the files are the ones handed over.
// Printed from the browser: the print style leaves out the console's header and forms.
import { html, type Html } from '../../../core/html.js';
import type { Translator } from '../i18n/catalogue.js';
import { ACCESS_PATHS } from './access-paths.js';
import { dayText } from './access-requests.js';
import { layout } from './layout.js';
import { dataTable } from './table.js';
import type { Viewer } from './types.js';

export interface AccessCoverFile {
  name: string;
  start: number;
  durationMs: number;
  /** absent: the recording could not be opened now (its box offline, no central copy) */
  sha256?: string | undefined;
  bytes?: number | undefined;
}

export interface AccessCoverData {
  user: Viewer;
  csrf: string;
  /** the controller as the privacy notice names it; absent: not configured */
  controller?: { name: string; businessId: string; address: string; registerName: string } | undefined;
  request: { id: string; receivedOn: string };
  requester: string;
  files: readonly AccessCoverFile[];
  preparedBy: string;
  preparedAt: number;
}

function controllerBlock(t: Translator, d: AccessCoverData): Html {
  const c = d.controller;
  if (!c) return html`<p class="alert">${t('access.cover.noController')}</p>`;
  return html`<dl class="facts">
<dt>${t('access.cover.controller')}</dt><dd>${c.name} (${c.businessId})</dd>
<dt>${t('access.cover.address')}</dt><dd>${c.address}</dd>
<dt>${t('access.cover.register')}</dt><dd>${c.registerName}</dd>
</dl>`;
}

function files(t: Translator, d: AccessCoverData): Html {
  if (d.files.length === 0) return html`<p>${t('access.cover.none')}</p>`;
  const cols = ['name', 'start', 'duration', 'sha256'].map((c) => t(`access.cover.col.${c}`));
  const rows = d.files.map(
    (f) => html`<tr>
<td class="id">${f.name}</td>
<td class="num">${t.fmt.dateTime(f.start)}</td>
<td class="num">${t.fmt.duration(f.durationMs)}</td>
<td>${f.sha256 ? html`<code class="hash">${f.sha256}</code>` : html`<span class="flag bad">${t('access.cover.unavailable')}</span>`}</td>
</tr>`,
  );
  return dataTable({ id: 'files-caption', caption: t('access.cover.caption', { count: d.files.length }), columns: cols, rows, className: 'cover' });
}

export function accessCoverPage(t: Translator, d: AccessCoverData): Html {
  const title = t('access.cover.title', { id: d.request.id });
  return layout(t, {
    title,
    user: d.user,
    nav: 'registers',
    csrf: d.csrf,
    here: ACCESS_PATHS.cover(d.request.id),
    main: html`<p class="no-print"><a href="${ACCESS_PATHS.request(d.request.id)}">${t('access.cover.back')}</a></p>
<article class="cover-sheet">
<h1>${title}</h1>
${controllerBlock(t, d)}
<p>${t('access.cover.to', { name: d.requester, date: dayText(t, d.request.receivedOn) })}</p>
<p>${t('access.cover.what')}</p>
${files(t, d)}
<p>${t('access.cover.verify')}</p>
<p>${t('access.cover.prepared', { by: d.preparedBy, time: t.fmt.dateTime(d.preparedAt) })}</p>
<p class="signature">${t('access.cover.received')}</p>
</article>`,
  });
}
