// The login page. It names no box and no account: it is shown to anyone on the LAN.
import { html, type Html } from '../../../../core/html.js';
import { layout } from './layout.js';

/** Notes the login page may show by a code in its address (never text from the address itself). */
export const LOGIN_NOTES = {
  ended: 'Your session has ended. Log in again.',
  out: 'You have logged out.',
} as const;
export type LoginNote = keyof typeof LOGIN_NOTES;

export interface LoginPage {
  csrf: string;
  /** a refusal or a note, in words */
  message?: string | undefined;
  /** the name as typed, so a phone user need not type it again */
  name?: string | undefined;
}

export function loginPage(p: LoginPage): Html {
  return layout(
    { title: 'Log in: call recorder status' },
    html`<main class="narrow">
<h1>Call recorder status</h1>
${p.message ? html`<p class="message" role="alert" data-field="message">${p.message}</p>` : ''}
<form method="post" action="/login" class="login">
<input type="hidden" name="_csrf" value="${p.csrf}">
<label>Name <input name="name" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="64" value="${p.name ?? ''}"></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required maxlength="1024"></label>
<button type="submit">Log in</button>
</form>
</main>`,
  );
}
