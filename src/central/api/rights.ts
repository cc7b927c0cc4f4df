// Who may do what through the API (DESIGN, "People and rights"; R7). This API precedes full
// user accounts: a token carries one role, and a supervisor's token may name its sites.
import { COMMAND_VERBS, type CommandVerb } from '../../core/protocol/topics.js';
import type { Principal, Role } from './types.js';

export type Right = 'search' | 'view-call' | 'view-fleet' | 'view-alarms' | 'view-audit';

/** `fetch` is the indexer's own way of pulling audio for playback: never a verb for people. */
export type ApiVerb = Exclude<CommandVerb, 'fetch'>;
export const API_VERBS: readonly ApiVerb[] = COMMAND_VERBS.filter((v): v is ApiVerb => v !== 'fetch');

const RIGHTS: Record<Role, readonly Right[]> = {
  supervisor: ['search', 'view-call', 'view-fleet'],
  // Hears recordings of the training projects the token's holder belongs to (routes/audio.ts).
  trainer: [],
  // The audit log is read by the privacy officer alone: it says who looked at what, and why.
  'privacy-officer': ['search', 'view-call', 'view-audit'],
  // Runs the fleet; never searches, listens or sees a number.
  admin: ['view-fleet', 'view-alarms'],
};

const VERBS: Record<Role, readonly ApiVerb[]> = {
  supervisor: ['hold', 'release', 'stop-recording'],
  trainer: [],
  'privacy-officer': ['hold', 'release', 'delete'],
  admin: ['led-test', 'resync', 'set-retention'],
};

const WHAT: Record<Right, string> = {
  search: 'search calls',
  'view-call': 'view a call',
  'view-fleet': 'view the fleet',
  'view-alarms': 'view alarms',
  'view-audit': 'view the audit log',
};

export function may(p: Principal, right: Right): boolean {
  return RIGHTS[p.role].includes(right);
}

export function mayCommand(p: Principal, verb: ApiVerb): boolean {
  return VERBS[p.role].includes(verb);
}

/** Whether the site is among the principal's (every site when it names none). */
export function seesSite(p: Principal, site: string): boolean {
  return p.sites === undefined || p.sites.includes(site);
}

const A: Record<Role, string> = { supervisor: 'a supervisor', trainer: 'a trainer', 'privacy-officer': 'a privacy-officer', admin: 'an admin' };

export function refusalOf(p: Principal, right: Right): string {
  return `${A[p.role]} may not ${WHAT[right]}`;
}

export function commandRefusalOf(p: Principal, verb: ApiVerb): string {
  return `${A[p.role]} may not send ${verb} (may send: ${VERBS[p.role].join(', ')})`;
}

export function siteRefusalOf(p: Principal, site: string): string {
  return `site ${site} is not among the sites of ${p.name} (${(p.sites ?? []).join(', ')})`;
}
