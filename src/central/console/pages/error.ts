// A refusal or a failure, in words, with the way back. The message is the route's; the page
// only frames it.
import { html, type Html } from '../../../core/html.js';
import type { Translator } from '../i18n/catalogue.js';
import { layout } from './layout.js';
import { homeOf } from '../rights.js';
import { PATHS } from './paths.js';
import type { ErrorPageData } from './types.js';

const TITLED = new Set([400, 403, 404, 409, 429, 500, 503]);

export function errorPage(t: Translator, d: ErrorPageData): Html {
  const title = t(TITLED.has(d.status) ? `error.${d.status}` : d.status >= 500 ? 'error.500' : 'error.other');
  const back = d.user ? html`<a href="${homeOf(d.user.role)}">${t('error.back')}</a>` : html`<a href="${PATHS.login}">${t('error.login')}</a>`;
  return layout(t, {
    title,
    user: d.user,
    csrf: d.csrf,
    main: html`<h1>${title}</h1>
<p class="alert" role="alert">${d.message}</p>
<p class="muted">${t('error.status', { status: d.status })}</p>
<p>${back}</p>`,
  });
}
