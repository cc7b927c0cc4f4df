// Logging in, in two steps: name and password, then the authenticator's code. The page names
// no account but the one being logged in, and says that logins are logged (R9).
import { html, type Html } from '../../../core/html.js';
import type { Translator } from '../i18n/catalogue.js';
import { inputField } from './fields.js';
import { csrfField, layout } from './layout.js';
import { PATHS } from './paths.js';
import type { LoginPageData } from './types.js';

function passwordStep(t: Translator, d: LoginPageData): Html {
  return html`<form method="post" action="${PATHS.login}" class="stack">
${csrfField(d.csrf)}
${inputField({ id: 'login-name', name: 'name', label: t('login.name'), value: d.name ?? '', autocomplete: 'username', maxlength: 64, required: true })}
${inputField({ id: 'login-password', name: 'password', type: 'password', label: t('login.password'), autocomplete: 'current-password', maxlength: 1024, required: true })}
<button type="submit" class="primary">${t('login.submit')}</button>
</form>`;
}

function codeStep(t: Translator, d: LoginPageData): Html {
  return html`${d.name ? html`<p>${t('login.code.as', { name: d.name })}</p>` : ''}
<form method="post" action="${PATHS.loginCode}" class="stack">
${csrfField(d.csrf)}
${inputField({ id: 'login-code', name: 'code', label: t('login.code'), hint: t('login.code.hint'), autocomplete: 'one-time-code', inputmode: 'numeric', pattern: '[0-9]{6}', maxlength: 6, required: true })}
<button type="submit" class="primary">${t('login.code.submit')}</button>
</form>
<p><a href="${PATHS.login}">${t('login.code.restart')}</a></p>`;
}

export function loginPage(t: Translator, d: LoginPageData): Html {
  const heading = d.step === 'password' ? t('login.heading') : t('login.code.heading');
  return layout(t, {
    title: t('login.title'),
    csrf: d.csrf,
    here: PATHS.login,
    main: html`<div class="narrow-inner">
<h1>${heading}</h1>
${d.error ? html`<p class="alert" role="alert">${d.error}</p>` : ''}
${d.step === 'password' ? passwordStep(t, d) : codeStep(t, d)}
<p class="muted">${t('login.notice')}</p>
</div>`,
  });
}
