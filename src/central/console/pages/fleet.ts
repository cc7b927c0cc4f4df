// The fleet (issue 8): every box the person may see, from its retained `$state` and `status`:
// state, last seen, alarms, outbox backlog, disk and its forecast, clock and each line's state.
// For admins, three signed commands per box and the box's own answer to the last one sent.
// Everything a box says is shown as text (the template escapes it); only named fields of the
// status are read, so nothing else a status might carry reaches the page (it carries no number
// or name, and a page built field by field cannot start showing one).
import { html, type Html } from '../../../core/html.js';
import { MAX_RETENTION_MONTHS, MIN_RETENTION_MONTHS } from '../../../core/retention/index.js';
import type { StatusPayload } from '../../../core/protocol/messages.js';
import type { BoxView } from '../../fleet/types.js';
import type { Translator } from '../i18n/catalogue.js';
import { inputField } from './fields.js';
import { csrfField, layout } from './layout.js';
import { PATHS } from './paths.js';
import type { Viewer } from './types.js';
import { dataTable } from './table.js';

export type { BoxView };

/** The commands an admin sends from the console, each with its one argument (what the box's command-args takes). */
export const FLEET_VERBS = ['led-test', 'resync', 'set-retention'] as const;
export type FleetVerb = (typeof FLEET_VERBS)[number];

export interface CommandField {
  /** the form field, sent to the box as the arg of the same name */
  name: 'seconds' | 'from' | 'months';
  min: number;
  max: number;
  /** the form's starting value; none where a value must be chosen on purpose */
  initial?: number;
}

export const FLEET_COMMANDS: Readonly<Record<FleetVerb, CommandField>> = Object.freeze({
  'led-test': { name: 'seconds', min: 1, max: 300, initial: 10 },
  resync: { name: 'from', min: 0, max: Number.MAX_SAFE_INTEGER, initial: 0 },
  'set-retention': { name: 'months', min: MIN_RETENTION_MONTHS, max: MAX_RETENTION_MONTHS },
});

export const isFleetVerb = (v: string): v is FleetVerb => (FLEET_VERBS as readonly string[]).includes(v);

/** What came of a command sent: the box's reply, or no reply. */
export type CommandOutcome = { site: string; box: string; verb: FleetVerb } & (
  | { answer: 'ok'; result: Readonly<Record<string, unknown>> }
  | { answer: 'refused'; reason: string; detail: string }
  | { answer: 'timeout'; lastSeen?: number | undefined }
  | { answer: 'failed' }
);

/** A command not sent because its form was wrong: the message, and the field (with the value as typed) to mark. */
export interface CommandRefusal {
  message: string;
  site?: string | undefined;
  box?: string | undefined;
  verb?: FleetVerb | undefined;
  field?: string | undefined;
  value?: string | undefined;
}

export interface FleetPageData {
  user: Viewer;
  csrf: string;
  /** the boxes this person may see, in the order to show them */
  boxes: readonly BoxView[];
  /** when the fleet was read, ms since epoch */
  now: number;
  /** the command forms (admins) */
  canCommand: boolean;
  outcome?: CommandOutcome | undefined;
  refusal?: CommandRefusal | undefined;
}

const DAY_MS = 86_400_000;
const ERROR_ID = 'command-error';
const ATTENTION: ReadonlySet<string> = new Set(['alert', 'lost']);
const DISK_TROUBLE: ReadonlySet<string> = new Set(['warning', 'alarm', 'floor']);

/** A code in the reader's words when the catalogue knows it, else as it came (escaped by the template). */
const known = (t: Translator, prefix: string, code: string): string => (t.has(`${prefix}.${code}`) ? t(`${prefix}.${code}`) : code);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
// A status is the box's JSON: a field a newer (or broken) box sends in another shape shows as unknown, never as NaN or a failed page.
const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : '?');
const when = (t: Translator, ms: unknown): string => (isNumber(ms) && Math.abs(ms) < 8.64e15 ? t.fmt.dateTime(ms) : t('fleet.unknown'));

export const boxStateText = (t: Translator, s: string): string => known(t, 'fleet.state', s);
export const verbText = (t: Translator, v: string): string => known(t, 'fleet.verb', v);

/** "3 min ago", "2 d ago": how long since `at`. */
export function agoText(t: Translator, at: number, now: number): string {
  const ms = Math.max(0, now - at);
  const time = ms >= DAY_MS ? t('fleet.days', { days: Math.floor(ms / DAY_MS) }) : t.fmt.duration(ms);
  return t('fleet.ago', { time });
}

function bytesText(t: Translator, n: number): string {
  return n >= 1e9 ? t('fleet.bytes.gb', { n: t.fmt.decimal(n / 1e9, 1) }) : t('fleet.bytes.mb', { n: t.fmt.decimal(n / 1e6, 0) });
}

const fieldId = (i: number, verb: FleetVerb) => `box-${i}-${verb}-${FLEET_COMMANDS[verb].name}`;
const commandsId = (i: number) => `box-${i}-commands`;

function stateCell(t: Translator, b: BoxView): Html {
  const word = boxStateText(t, b.state);
  if (ATTENTION.has(b.state)) return html`<td><strong class="flag bad">${word}</strong></td>`;
  return html`<td>${b.state === 'ready' ? html`<span class="flag good">${word}</span>` : word}</td>`;
}

function lastSeenCell(t: Translator, b: BoxView, now: number): Html {
  const seen = b.lastSeen > 0 ? html`${t.fmt.dateTime(b.lastSeen)}<br><span class="muted">${agoText(t, b.lastSeen, now)}</span>` : html`${t('fleet.never')}`;
  const report = b.status ? html`<br><span class="muted">${t('fleet.statusAt', { time: when(t, b.status.ts) })}</span>` : '';
  return html`<td>${seen}${report}</td>`;
}

function alarmsCell(t: Translator, s: StatusPayload): Html {
  const alarms = Array.isArray(s.alarms) ? s.alarms.filter((a) => typeof a === 'object' && a !== null) : [];
  if (alarms.length === 0) return html`<td>${t('fleet.alarms.none')}</td>`;
  const items = alarms.map(
    (a) => html`<li><strong class="flag bad">${known(t, 'fleet.alarm', text(a.kind))}</strong>: <span lang="en">${text(a.message)}</span> <span class="muted">${t('fleet.alarm.since', { time: when(t, a.since) })}</span></li>`,
  );
  return html`<td><ul class="plain">${items}</ul></td>`;
}

function outboxCell(t: Translator, s: StatusPayload): Html {
  const o = s.outbox;
  if (!o || !isCount(o.backlog)) return html`<td>${t('fleet.unknown')}</td>`;
  const backlog = o.backlog === 0 ? t('fleet.outbox.empty') : t('fleet.outbox.waiting', { count: o.backlog });
  return html`<td>${backlog}${isCount(o.lastAckedSeq) ? html`<br><span class="muted">${t('fleet.outbox.acked', { seq: o.lastAckedSeq })}</span>` : ''}</td>`;
}

function diskCell(t: Translator, s: StatusPayload): Html {
  const d = s.disk;
  if (!d || d.level === 'unknown' || !isNumber(d.totalBytes) || !(d.totalBytes > 0) || !isNumber(d.usedPercent) || !isNumber(d.freeBytes)) return html`<td>${t('fleet.disk.unknown')}</td>`;
  const level = DISK_TROUBLE.has(d.level) ? html`<br><strong class="flag warn">${known(t, 'fleet.disk.level', d.level)}</strong>` : '';
  // Beyond a year a count of days says nothing a technician can act on (an idle box forecasts millions).
  const forecast = !isCount(d.daysLeft) ? t('fleet.disk.noForecast') : d.daysLeft > 365 ? t('fleet.disk.overYear') : t('fleet.disk.daysLeft', { days: d.daysLeft });
  return html`<td>${t('fleet.disk.used', { percent: t.fmt.decimal(d.usedPercent, 1) })}<br><span class="muted">${t('fleet.disk.free', { free: bytesText(t, d.freeBytes), total: bytesText(t, d.totalBytes) })}</span>${level}<br>${forecast}</td>`;
}

function clockCell(t: Translator, s: StatusPayload): Html {
  const c = s.clock ?? {};
  const state =
    c.synced === true ? html`${t('fleet.clock.synced')}` : c.synced === false ? html`<strong class="flag warn">${t('fleet.clock.unsynced')}</strong>` : html`${t('fleet.clock.unknown')}`;
  return html`<td>${state}${typeof c.source === 'string' && c.source !== '' ? html`<br><span class="muted">${t('fleet.clock.source', { source: c.source })}</span>` : ''}</td>`;
}

function linesCell(t: Translator, s: StatusPayload): Html {
  const lines = Array.isArray(s.lines) ? s.lines.filter((l) => typeof l === 'object' && l !== null) : [];
  if (lines.length === 0) return html`<td>${t('fleet.lines.none')}</td>`;
  const items = lines.map((l) => {
    const p = { line: text(l.id), state: known(t, 'fleet.line', text(l.state)) };
    return html`<li>${isNumber(l.since) && Math.abs(l.since) < 8.64e15 ? t('fleet.line.since', { ...p, time: t.fmt.time(l.since) }) : t('fleet.line', p)}</li>`;
  });
  return html`<td><ul class="plain">${items}</ul></td>`;
}

function row(t: Translator, d: FleetPageData, b: BoxView, i: number): Html {
  const status = b.status
    ? html`${alarmsCell(t, b.status)}
${outboxCell(t, b.status)}
${diskCell(t, b.status)}
${clockCell(t, b.status)}
${linesCell(t, b.status)}`
    : html`<td colspan="5">${t('fleet.noStatus')}</td>`;
  return html`<tr${ATTENTION.has(b.state) ? html` class="attention"` : ''}>
<td class="id">${b.site}</td>
<th scope="row" class="id">${b.box}</th>
${stateCell(t, b)}
${lastSeenCell(t, b, d.now)}
${status}
${d.canCommand ? html`<td><a href="#${commandsId(i)}">${t('fleet.commands.link')}<span class="visually-hidden"> ${t('fleet.commands.box', { site: b.site, box: b.box })}</span></a></td>` : ''}
</tr>`;
}

function table(t: Translator, d: FleetPageData): Html {
  if (d.boxes.length === 0) return html`<p>${t('fleet.none')}</p>`;
  const columns = ['site', 'box', 'state', 'lastSeen', 'alarms', 'outbox', 'disk', 'clock', 'lines', ...(d.canCommand ? ['commands'] : [])].map((c) => t(`fleet.col.${c}`));
  return dataTable({ id: 'fleet-caption', className: 'fleet', caption: t('fleet.caption', { count: d.boxes.length }), columns, rows: d.boxes.map((b, i) => row(t, d, b, i)) });
}

/** The box's answer (or its silence) to the command just sent: a status when it did it, an alert otherwise. */
function outcome(t: Translator, d: FleetPageData): Html {
  const o = d.outcome;
  if (!o) return html``;
  const who = { site: o.site, box: o.box, verb: verbText(t, o.verb) };
  switch (o.answer) {
    case 'ok': {
      const r = o.result;
      const said =
        o.verb === 'led-test' && isCount(r['seconds']) ? t('fleet.result.led-test', { seconds: r['seconds'] })
        : o.verb === 'resync' && isCount(r['republished']) ? t('fleet.result.resync', { count: r['republished'] })
        : o.verb === 'set-retention' && isCount(r['months']) ? t('fleet.result.set-retention', { months: r['months'] })
        : undefined;
      return html`<div class="note-box outcome" role="status" id="command-outcome"><strong>${t('fleet.outcome.ok', who)}</strong>${said !== undefined ? html`<p>${said}</p>` : ''}</div>`;
    }
    case 'refused':
      return html`<div class="alert outcome" role="alert" id="command-outcome"><strong>${t('fleet.outcome.refused', who)}</strong>
<p>${t('fleet.outcome.reason', { reason: known(t, 'fleet.reason', o.reason) })}</p>
${o.detail ? html`<p>${t('fleet.outcome.detail')} <span lang="en">${o.detail}</span></p>` : ''}</div>`;
    case 'timeout': {
      const seen = o.lastSeen !== undefined && o.lastSeen > 0
        ? t('fleet.outcome.lastSeen', { time: t.fmt.dateTime(o.lastSeen), ago: agoText(t, o.lastSeen, d.now) })
        : t('fleet.outcome.lastSeenUnknown');
      return html`<div class="alert outcome" role="alert" id="command-outcome"><strong>${t('fleet.outcome.timeout', who)}</strong>
<p>${seen}</p><p>${t('fleet.outcome.maybeLater')}</p></div>`;
    }
    case 'failed':
      return html`<div class="alert outcome" role="alert" id="command-outcome"><strong>${t('fleet.outcome.failed', who)}</strong></div>`;
  }
}

/** A form refused before anything was sent, with a link to the field it is about. */
function refusal(t: Translator, d: FleetPageData): Html {
  const r = d.refusal;
  if (!r) return html``;
  const i = d.boxes.findIndex((b) => b.site === r.site && b.box === r.box);
  const link = d.canCommand && i >= 0 && r.verb && r.field === FLEET_COMMANDS[r.verb].name
    ? html` <a href="#${fieldId(i, r.verb)}">${t('form.error.field', { field: t(`fleet.cmd.${r.verb}.field`) })}</a>`
    : '';
  return html`<p class="alert" role="alert" id="${ERROR_ID}">${r.message}${link}</p>`;
}

function commandForm(t: Translator, d: FleetPageData, b: BoxView, i: number, verb: FleetVerb): Html {
  const f = FLEET_COMMANDS[verb];
  const refused = d.refusal && d.refusal.site === b.site && d.refusal.box === b.box && d.refusal.verb === verb && d.refusal.field === f.name ? d.refusal : undefined;
  const value = refused ? refused.value : f.initial !== undefined ? String(f.initial) : undefined;
  const hint = t(`fleet.cmd.${verb}.hint`, { min: f.min, max: f.max });
  return html`<form method="post" action="${PATHS.fleetCommand(b.site, b.box, verb)}" class="command">
${csrfField(d.csrf)}
${inputField({
  id: fieldId(i, verb), name: f.name, type: 'number', label: t(`fleet.cmd.${verb}.field`), hint, value, inputmode: 'numeric', required: true,
  min: String(f.min), max: f.max === Number.MAX_SAFE_INTEGER ? undefined : String(f.max), invalid: refused ? ERROR_ID : undefined,
})}
<button type="submit">${t(`fleet.cmd.${verb}.submit`)}<span class="visually-hidden"> ${t('fleet.commands.box', { site: b.site, box: b.box })}</span></button>
</form>`;
}

function commands(t: Translator, d: FleetPageData): Html {
  if (!d.canCommand || d.boxes.length === 0) return html``;
  const boxes = d.boxes.map(
    (b, i) => html`<section id="${commandsId(i)}" class="commands" aria-labelledby="${commandsId(i)}-heading">
<h3 id="${commandsId(i)}-heading">${t('fleet.commands.box', { site: b.site, box: b.box })}</h3>
<div class="command-forms">
${FLEET_VERBS.map((v) => commandForm(t, d, b, i, v))}
</div>
</section>`,
  );
  return html`<section aria-labelledby="commands-heading">
<h2 id="commands-heading">${t('fleet.commands.heading')}</h2>
<p>${t('fleet.commands.intro')}</p>
${boxes}
</section>`;
}

export function fleetPage(t: Translator, d: FleetPageData): Html {
  const attention = d.boxes.filter((b) => ATTENTION.has(b.state)).length;
  return layout(t, {
    title: t('fleet.title'),
    user: d.user,
    nav: 'fleet',
    csrf: d.csrf,
    here: PATHS.fleet,
    main: html`<h1>${t('fleet.title')}</h1>
${outcome(t, d)}
${refusal(t, d)}
<section aria-labelledby="fleet-heading">
<h2 id="fleet-heading">${t('fleet.heading')}</h2>
<p>${t('fleet.summary', { count: d.boxes.length, attention })} ${t('fleet.asOf', { time: t.fmt.time(d.now) })} <a href="${PATHS.fleet}">${t('fleet.refresh')}</a></p>
${table(t, d)}
</section>
${commands(t, d)}`,
  });
}
