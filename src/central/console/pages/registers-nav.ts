// The registers' own menu (issue 9): access requests, rectifications and disclosures are three
// registers of one section, and the privacy notice they answer to is a link away.
import { html, type Html } from '../../../core/html.js';
import type { Translator } from '../i18n/catalogue.js';
import { PATHS } from './paths.js';

export type RegisterPart = 'access' | 'rectification' | 'disclosure';

const PART_PATH: Record<RegisterPart, string> = { access: PATHS.accessRequests, rectification: PATHS.rectifications, disclosure: PATHS.disclosures };

export function registersNav(t: Translator, current: RegisterPart): Html {
  const items = (Object.keys(PART_PATH) as RegisterPart[]).map(
    (p) => html`<li><a href="${PART_PATH[p]}"${p === current ? html` aria-current="page"` : ''}>${t(`registers.nav.${p}`)}</a></li>`,
  );
  return html`<nav class="subnav" aria-label="${t('registers.nav.label')}"><ul>${items}<li><a href="${PATHS.privacyNotice}">${t('registers.nav.notice')}</a></li></ul></nav>`;
}
