// The pages' stylesheet, served as /assets/status.css. Phone first: one column, large state
// words; colour always doubles text that says the same thing.
export const STATUS_CSS = String.raw`:root { color-scheme: light; --ok: #1b6e20; --warn: #8a5a00; --fault: #b00020; --muted: #555; }
* { box-sizing: border-box; }
body { margin: 0; font: 17px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111; background: #f6f6f4; }
main { padding: 0 1rem 2rem; max-width: 60rem; margin: 0 auto; }
main.narrow { max-width: 26rem; padding-top: 2rem; }
h1 { font-size: 1.4rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
.top { display: flex; flex-wrap: wrap; gap: .5rem; justify-content: space-between; align-items: center; padding: .5rem 1rem; background: #222; color: #fff; }
.top p { margin: 0; }
button { font: inherit; padding: .6rem 1rem; min-height: 44px; border-radius: 6px; border: 1px solid #444; background: #fff; cursor: pointer; }
button.danger { background: var(--fault); color: #fff; border-color: var(--fault); font-weight: 600; }
.logout button { background: transparent; color: #fff; border-color: #888; }
label { display: block; margin: .75rem 0; }
input { display: block; width: 100%; font: inherit; padding: .5rem; margin-top: .25rem; }
.login button { width: 100%; margin-top: .5rem; }
.message, .flash, .hint, .conn { padding: .6rem .8rem; border-radius: 6px; background: #fff3cd; border: 1px solid #e0c060; }
.summary { margin: 1rem 0; padding: 1rem; border-radius: 8px; color: #fff; font-size: 1.3rem; }
.summary p { margin: 0; }
.summary-word { display: inline-block; margin-right: .5rem; font-size: 1.6rem; letter-spacing: .05em; }
.summary[data-level="ok"] { background: var(--ok); }
.summary[data-level="warning"] { background: var(--warn); }
.summary[data-level="fault"] { background: var(--fault); }
ul { list-style: none; padding: 0; margin: 0; }
.alarm { margin: .5rem 0; padding: .75rem; border-radius: 8px; background: #fff; border-left: 8px solid var(--warn); }
.alarm[data-severity="fault"] { border-left-color: var(--fault); }
.alarm p { margin: .25rem 0; }
.alarm-detail { color: var(--muted); }
.lines { display: grid; gap: .75rem; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); }
.line { padding: .75rem; border-radius: 8px; background: #fff; border-left: 8px solid #999; }
.line p { margin: .25rem 0; }
.line-id { font-weight: 600; }
.state { display: block; font-size: 1.4rem; font-weight: 700; }
.line[data-state="recording"] { border-left-color: var(--ok); }
.line[data-state="recording"] .state { color: var(--ok); }
.line[data-state="ringing"] { border-left-color: var(--warn); }
.line[data-state="stopped"] { border-left-color: var(--fault); }
.line[data-state="stopped"] .state { color: var(--fault); }
meter { width: 60%; height: 1.2rem; vertical-align: middle; }
.last { color: var(--muted); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; background: #fff; padding: .75rem; border-radius: 8px; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
.actions form { display: inline-block; margin: 0 .5rem .5rem 0; }
.note { color: var(--muted); font-size: .9rem; }
@media (max-width: 30rem) { .facts { grid-template-columns: 1fr; } .facts dd { margin-bottom: .4rem; } }
[hidden] { display: none !important; }
`;
