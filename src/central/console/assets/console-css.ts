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
`;
