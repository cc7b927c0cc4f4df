// The console's one stylesheet, served by the indexer itself (the CSP allows self only: no web
// fonts, no CDN). Laptop and 1024px tablet first, still usable narrower; every focus is visible;
// a state's colour always sits beside words that say the same.
export const CONSOLE_CSS = String.raw`:root { color-scheme: light; --ink: #1a1a1a; --muted: #555; --line: #c8c8c8; --accent: #0b4f9c; --focus: #c25e00; --warn-bg: #fff3cd; --warn: #7a4d00; --bad: #a4001b; --ok: #1b6e20; }
* { box-sizing: border-box; }
html { font-size: 100%; }
body { margin: 0; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #f5f5f2; }
a { color: var(--accent); }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: .5rem; top: -10rem; padding: .5rem 1rem; background: #fff; border: 2px solid var(--accent); z-index: 10; }
.skip:focus { top: .5rem; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; }
header.top { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; padding: .5rem 1.25rem; background: #1f2a36; color: #fff; }
header.top a, header.top .app { color: #fff; }
.app { font-weight: 700; font-size: 1.1rem; margin: 0; }
nav.sections ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
nav.sections a { display: inline-block; padding: .5rem .25rem; }
nav.sections a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
.account { margin-left: auto; display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; }
.account p { margin: 0; }
.inline { display: inline-flex; flex-wrap: wrap; gap: .25rem; margin: 0; }
header.top button { background: transparent; color: #fff; border-color: #aab; }
main { display: block; max-width: 78rem; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
main .narrow-inner { max-width: 28rem; margin: 1rem auto 0; }
footer { max-width: 78rem; margin: 0 auto; padding: 0 1.25rem 2rem; font-size: .9rem; }
h1 { font-size: 1.5rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .75rem; }
section { margin-bottom: 1.5rem; }
button, .button { font: inherit; display: inline-block; min-height: 44px; padding: .5rem 1rem; border-radius: 6px; border: 1px solid #556; background: #fff; color: var(--ink); cursor: pointer; text-decoration: none; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 600; }
label { display: block; font-weight: 600; margin-bottom: .25rem; }
input, select { font: inherit; width: 100%; min-height: 44px; padding: .4rem .5rem; border: 1px solid #777; border-radius: 4px; background: #fff; color: var(--ink); }
.hint { display: block; font-weight: 400; color: var(--muted); font-size: .9rem; margin-top: .25rem; }
.field { margin-bottom: 1rem; }
.filters { display: grid; gap: 0 1rem; grid-template-columns: repeat(auto-fill, minmax(13.5rem, 1fr)); background: #fff; padding: 1rem; border: 1px solid var(--line); border-radius: 8px; }
.filters .actions { grid-column: 1 / -1; display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; }
.filters .wide { grid-column: span 2; }
.stack { background: #fff; padding: 1rem; border: 1px solid var(--line); border-radius: 8px; max-width: 40rem; }
.alert, .note-box, .offline { padding: .75rem 1rem; border-radius: 6px; border: 1px solid; margin: 1rem 0; }
.alert { background: #fde8eb; border-color: var(--bad); }
.alert::before { content: "\26A0\FE0E  "; }
.note-box { background: #e8f1fb; border-color: var(--accent); }
.offline { background: var(--warn-bg); border-color: #c9a227; }
.offline strong { display: block; }
.table-wrap { overflow-x: auto; background: #fff; border: 1px solid var(--line); border-radius: 8px; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; font-weight: 600; padding: .75rem; }
th, td { text-align: left; padding: .5rem .75rem; border-top: 1px solid var(--line); vertical-align: top; }
thead th { background: #eef0f3; border-top: 0; white-space: nowrap; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
td.id { white-space: nowrap; }
tbody tr:hover { background: #f3f6fa; }
.flag { font-weight: 600; }
.flag.missed { color: var(--bad); }
.flag.missed::before { content: "! "; }
.flag.held { color: var(--warn); }
.pager { margin: 1rem 0; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1.25rem; background: #fff; padding: 1rem; border: 1px solid var(--line); border-radius: 8px; margin: 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
.columns { display: grid; gap: 1.5rem; grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr)); align-items: start; }
audio { width: 100%; margin: .5rem 0; }
.live { list-style: none; padding: 0; margin: 0; }
.muted { color: var(--muted); }
@media (max-width: 40rem) {
  .facts { grid-template-columns: 1fr; }
  .facts dd { margin-bottom: .5rem; }
  .filters .wide { grid-column: auto; }
  .account { margin-left: 0; }
}
@media (prefers-reduced-motion: reduce) { * { scroll-behavior: auto !important; transition: none !important; } }
@media print { header.top, .skip, form { display: none; } body { background: #fff; } }
/* fleet */
tr.attention > * { background: #fdf0f2; }
tr.attention > :first-child { box-shadow: inset 4px 0 0 var(--bad); }
.flag.bad { color: var(--bad); }
.flag.bad::before { content: "! "; }
.flag.warn { color: var(--warn); }
.flag.good { color: var(--ok); }
ul.plain { list-style: none; margin: 0; padding: 0; }
ul.plain li + li { margin-top: .35rem; }
.command-forms { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); background: #fff; padding: 1rem; border: 1px solid var(--line); border-radius: 8px; }
.commands h3 { font-size: 1.05rem; margin: 1.25rem 0 .5rem; }
.outcome p { margin: .35rem 0 0; }
table.fleet { font-size: .9rem; }
table.fleet th, table.fleet td { padding: .45rem .5rem; }
table.fleet td:nth-child(5) { min-width: 12rem; }
form.command { display: flex; flex-direction: column; }
form.command button { margin-top: auto; align-self: flex-start; }
input[aria-invalid="true"] { border: 2px solid var(--bad); }
/* audit viewer */
table.audit td.detail { font-size: .9rem; color: var(--muted); overflow-wrap: anywhere; min-width: 10rem; }
table.audit thead th { white-space: normal; }
table.audit td.target, table.audit td.why { overflow-wrap: anywhere; min-width: 8rem; }
code.hash { overflow-wrap: anywhere; word-break: break-all; font-size: .9rem; }
details summary { cursor: pointer; white-space: nowrap; }
pre { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; overflow-x: auto; }
.flag.ok { color: var(--ok); }
.flag.bad, .flag.refused { color: var(--bad); }
.flag.bad::before { content: "! "; }
.regressions li, .steps li { margin-bottom: .5rem; }
/* training projects */
.project-form { margin-top: 1.5rem; }
.project-form > h2:first-child, .project-form > h3:first-child { margin-top: 0; }
/* privacy notice: on screen a sheet of paper; in print only the notice, black on white */
.privacy-notice { max-width: 50rem; background: #fff; padding: 1.5rem 2rem 2rem; border: 1px solid var(--line); border-radius: 8px; page: notice; }
.privacy-notice h1 { margin-top: .25rem; }
.privacy-notice h2 { font-size: 1.15rem; margin: 1.75rem 0 .5rem; }
.privacy-notice h3 { font-size: 1rem; margin: 1rem 0 .25rem; }
.privacy-notice ul { margin: .25rem 0 .75rem; padding-left: 1.5rem; }
.privacy-notice ul.plain { padding-left: 0; }
.privacy-notice .notice-lead { margin: 0; font-size: .95rem; }
.privacy-notice .notice-subtitle { font-weight: 600; }
.privacy-notice .notice-no { display: inline-block; min-width: 2rem; }
@media print {
  @page notice { size: A4; margin: 20mm 20mm 22mm; }
  html, body { background: #fff !important; color: #000 !important; }
  header.top, nav, .skip, button, form, .print-hint { display: none !important; }
  main:has(.privacy-notice) { max-width: none; padding: 0; margin: 0; }
  main:has(.privacy-notice) + footer { display: none; }
  .privacy-notice { max-width: none; border: 0; border-radius: 0; padding: 0; font-size: 11pt; line-height: 1.4; }
  .privacy-notice *, .privacy-notice .muted { color: #000 !important; background: transparent !important; }
  .privacy-notice h2, .privacy-notice h3 { break-after: avoid; page-break-after: avoid; }
  .privacy-notice li, .privacy-notice p { break-inside: avoid; page-break-inside: avoid; }
  .privacy-notice a { color: #000; text-decoration: none; }
}
/* rectification register: forms, and a refusal's certificate as a letter (printed: A4, only the letter) */
.rect-form { margin-top: 1.5rem; }
.rect-form > h2:first-child, .rect-form > h3:first-child { margin-top: 0; }
.rect-form textarea { font: inherit; width: 100%; padding: .4rem .5rem; border: 1px solid #777; border-radius: 4px; background: #fff; color: var(--ink); resize: vertical; }
.rect-form textarea[aria-invalid="true"] { border: 2px solid var(--bad); }
.field.check { display: flex; gap: .5rem; align-items: flex-start; }
.field.check input { width: auto; min-height: 0; margin: .3rem 0 0; inline-size: 1.25rem; block-size: 1.25rem; }
.field.check label { margin: 0; }
.field-error { display: block; color: var(--bad); font-weight: 600; margin-bottom: .25rem; }
.alert ul { margin: .25rem 0 0; padding-left: 1.25rem; }
.pre-line { white-space: pre-line; overflow-wrap: anywhere; }
.letter { max-width: 50rem; background: #fff; padding: 2rem 2.5rem; border: 1px solid var(--line); border-radius: 8px; line-height: 1.45; page: certificate; }
.letter address { font-style: normal; }
.letter .letter-head { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 1rem 2rem; }
.letter .letter-meta { display: grid; grid-template-columns: max-content auto; gap: 0 .75rem; margin: 0; }
.letter .letter-meta dd { margin: 0; }
.letter .recipient { margin: 2rem 0 1.5rem; }
.letter h1 { font-size: 1.3rem; margin: 1.5rem 0 1rem; }
.letter h2 { font-size: 1.05rem; margin: 1.25rem 0 .35rem; }
.letter .letter-facts dt { font-weight: 600; }
.letter .letter-facts dd { margin: 0 0 .5rem; }
.letter .contacts { padding-left: 1.25rem; margin: .25rem 0; }
.letter .signed { margin-top: 2rem; }
.letter .signature { margin-top: 3.5rem; padding-top: .25rem; border-top: 1px solid #000; max-width: 20rem; font-size: .9rem; }
@media print {
  @page certificate { size: A4; margin: 20mm 20mm 22mm 25mm; }
  header.top, nav, .skip, form, button, .no-print { display: none !important; }
  html, body { background: #fff !important; color: #000 !important; }
  main:has(.letter) { max-width: none; padding: 0; margin: 0; }
  main:has(.letter) + footer { display: none; }
  .letter { max-width: none; border: 0; border-radius: 0; padding: 0; font-size: 11pt; }
  .letter, .letter * { color: #000 !important; background: transparent !important; }
  .letter h1, .letter h2 { break-after: avoid; page-break-after: avoid; }
  .letter p, .letter dd, .letter li, .letter .signature { break-inside: avoid; page-break-inside: avoid; }
}
/* access requests: the register, a request's page, and the cover sheet handed over with the copies */
/* the registers' own menu (pages/registers-nav.ts), which every register page opens with */
nav.subnav ul { display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; list-style: none; margin: 0 0 .5rem; padding: 0; border-bottom: 1px solid var(--line); }
nav.subnav a { display: inline-block; padding: .5rem .25rem; }
nav.subnav a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
.button.primary { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 600; }
.access-form textarea { font: inherit; width: 100%; padding: .4rem .5rem; border: 1px solid #777; border-radius: 4px; background: #fff; color: var(--ink); resize: vertical; }
.access-form textarea[aria-invalid="true"], main select[aria-invalid="true"] { border: 2px solid var(--bad); }
.access-form fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 1rem; padding: .75rem 1rem 0; }
.access-form legend { font-weight: 700; padding: 0 .35rem; }
.access-form .field.check { display: flex; gap: .6rem; align-items: flex-start; }
.access-form .field.check label { margin: 0; }
.access-form .field.check input { width: 1.4rem; min-height: 1.4rem; height: 1.4rem; margin: .1rem 0 0; flex: none; }
.access-form { max-width: 48rem; }
.inline-form { display: flex; flex-wrap: wrap; gap: 0 1rem; align-items: flex-end; max-width: none; }
.inline-form .field { min-width: 16rem; }
.inline-form button { margin-bottom: 1rem; }
.pre { white-space: pre-line; overflow-wrap: anywhere; }
.flag.overdue { color: var(--bad); }
.flag.overdue::before { content: "! "; }
tr.overdue > * { background: #fdf0f2; }
tr.overdue > :first-child { box-shadow: inset 4px 0 0 var(--bad); }
.alert.overdue { font-weight: 600; }
.flag.fee { color: var(--warn); }
.flag.fee::before { content: "\20AC  "; }
.cover-sheet { max-width: 56rem; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.5rem; }
.cover-sheet .signature { margin-top: 2.5rem; }
table.cover code.hash { font-size: .8rem; }
@media print {
  .no-print { display: none !important; }
  main:has(.cover-sheet) { max-width: none; padding: 0; margin: 0; }
  main:has(.cover-sheet) + footer { display: none; }
  .cover-sheet { max-width: none; border: 0; padding: 0; }
  .cover-sheet, .cover-sheet * { color: #000 !important; background: transparent !important; }
}
/* disclosures and early deletion */
.disclosure-form { max-width: 48rem; margin-top: 1.5rem; }
.disclosure-form > h2:first-child { margin-top: 0; }
.prewrap { white-space: pre-wrap; overflow-wrap: anywhere; }
.status.open { color: var(--warn); font-weight: 600; }
.status.complete { color: var(--ok); }
td.hold.not-held, td.hold.not-released { color: var(--bad); }
td.hold.not-held::before, td.hold.not-released::before { content: "! "; }
.deletion { margin-top: 2rem; }
.deletion .stack { border-color: var(--bad); }
button.danger { background: var(--bad); border-color: var(--bad); color: #fff; font-weight: 600; }
`;
