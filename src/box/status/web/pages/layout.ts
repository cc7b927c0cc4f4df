// The frame every page shares: phone-first viewport, one stylesheet and (on the status page)
// one script, both served by the app itself; nothing inline, so the CSP can forbid inline code.
import { html, type Html } from '../../../../core/html.js';

export interface LayoutOptions {
  title: string;
  /** the status page: its live script, and a reload every `reloadS` when scripts are off */
  live?: { reloadS: number };
}

export function layout(o: LayoutOptions, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${o.title}</title>
<link rel="stylesheet" href="/assets/status.css">
<link rel="icon" href="/assets/icon.svg" type="image/svg+xml">
${o.live ? html`<noscript><meta http-equiv="refresh" content="${o.live.reloadS}"></noscript>
<script src="/assets/status.js" defer></script>` : ''}
</head>
<body>
${body}
</body>
</html>
`;
}

/** A short page for a refusal or an error: what happened and where to go next. */
export function messagePage(title: string, message: string, back: { href: string; label: string }): Html {
  return layout(
    { title },
    html`<main class="narrow">
<h1>${title}</h1>
<p class="message" data-field="message">${message}</p>
<p><a href="${back.href}">${back.label}</a></p>
</main>`,
  );
}
