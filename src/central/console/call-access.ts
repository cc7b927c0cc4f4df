// Whether a person may reach a call at all (R7): a supervisor within their own sites, a privacy
// officer anywhere, a trainer only through a training project they belong to. A refusal says why,
// for the audit; the person is shown "not found" whichever it is, so ids cannot be probed.
import type { IndexedCall } from '../index/types.js';
import type { TrainingProject } from '../projects/types.js';
import type { ConsoleContext } from './context.js';
import type { Person } from './page-kit.js';
import { consoleMay } from './rights.js';

export type CallReach =
  | { ok: true; call: IndexedCall; via: 'site' | 'project'; projects: TrainingProject[] }
  | { ok: false; reason: 'role' | 'not-found' | 'other-site' | 'not-in-project'; call?: IndexedCall };

export async function reachCall(ctx: ConsoleContext, person: Person, id: string): Promise<CallReach> {
  const role = person.viewer.role;
  const bySite = consoleMay(role, 'view-call');
  if (!bySite && !consoleMay(role, 'projects')) return { ok: false, reason: 'role' };
  const call = await ctx.deps.index.get(id);
  if (!call) return { ok: false, reason: 'not-found' };
  const projects = await ctx.deps.projects.containing(id);
  if (bySite) {
    if (person.sites && !person.sites.includes(call.site)) return { ok: false, reason: 'other-site', call };
    return { ok: true, call, via: 'site', projects };
  }
  const mine = projects.filter((p) => p.members.includes(person.viewer.name));
  if (mine.length === 0) return { ok: false, reason: 'not-in-project', call };
  return { ok: true, call, via: 'project', projects: mine };
}
