// The frame of every console page: a skip link, a banner with the sections this role may open,
// the language switch and logout, then the page's <main>. One stylesheet, no script, nothing
// inline, so the CSP can forbid inline code and the pages work with scripts off.
import { html, type Html } from '../../../core/html.js';
import type { Translator } from '../i18n/catalogue.js';
import { CSRF_FIELD, PATHS, SECTION_PATH, sectionsOf } from './paths.js';
import type { LayoutData, NavSection, Viewer } from './types.js';
import { roleText } from './words.js';

export const csrfField = (csrf: string): Html => html`<input type="hidden" name="${CSRF_FIELD}" value="${csrf}">`;

function sections(t: Translator, user: Viewer, current: NavSection | undefined): Html {
  const links = sectionsOf(user.role).map(
    (s) => html`<li><a href="${SECTION_PATH[s]}"${s === current ? html` aria-current="page"` : ''}>${t(`layout.nav.${s}`)}</a></li>`,
  );
  if (links.length === 0) return html``;
  return html`<nav class="sections" aria-label="${t('layout.nav.label')}"><ul>${links}</ul></nav>`;
}

/** One button per other language, each named in its own language, so anyone can find theirs. */
function languageSwitch(t: Translator, csrf: string | undefined, here: string | undefined): Html {
  const others = t.languages.filter((l) => l.code !== t.lang);
  if (others.length === 0 || csrf === undefined) return html``;
  return html`<form method="post" action="${PATHS.language}" class="inline" aria-label="${t('layout.language')}">
${csrfField(csrf)}${here !== undefined ? html`<input type="hidden" name="back" value="${here}">` : ''}
${others.map((l) => html`<button type="submit" name="lang" value="${l.code}" lang="${l.code}">${l.name}</button>`)}
</form>`;
}

export function layout(t: Translator, d: LayoutData): Html {
  const account = d.user
    ? html`<p>${t('layout.user', { name: d.user.name, role: roleText(t, d.user.role) })}</p>
${d.csrf !== undefined ? html`<form method="post" action="${PATHS.logout}" class="inline">${csrfField(d.csrf)}<button type="submit">${t('layout.logout')}</button></form>` : ''}`
    : '';
  return html`<!doctype html>
<html lang="${t.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${t('layout.title', { page: d.title })}</title>
<link rel="stylesheet" href="${PATHS.css}">
<link rel="icon" href="${PATHS.icon}">
</head>
<body>
<a class="skip" href="#main">${t('layout.skip')}</a>
<header class="top" role="banner">
<p class="app">${t('app.name')}</p>
${d.user ? sections(t, d.user, d.nav) : ''}
<div class="account">
${account}
${languageSwitch(t, d.csrf, d.here)}
</div>
</header>
<main id="main" role="main" tabindex="-1">
${d.main}
</main>
<footer role="contentinfo" class="muted"><p>${t('layout.footer')}</p></footer>
</body>
</html>
`;
}
