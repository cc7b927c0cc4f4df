// What each console role may do (DESIGN, "People and rights"; R2, R7). The routes check these;
// the pages only leave out what a role may not use. Site scoping (a supervisor's own sites) and
// project membership (a trainer's recordings) are checked by the routes on top of this table.
import type { ConsoleRole } from '../../core/auth/index.js';
export { purposesOf } from '../listen-purposes.js';

export type ConsoleRight =
  | 'search'
  | 'view-call'
  | 'listen'
  | 'hold'
  | 'fleet'
  | 'fleet-command'
  | 'audit'
  /** see the training projects one belongs to */
  | 'projects'
  /** create projects, add members and recordings */
  | 'manage-projects'
  /** the caller's rights (issue 9): access requests, rectifications, disclosures, early deletion */
  | 'registers';

const RIGHTS: Record<ConsoleRole, readonly ConsoleRight[]> = {
  supervisor: ['search', 'view-call', 'listen', 'hold', 'fleet', 'projects', 'manage-projects'],
  // Hears recordings marked for a training project they belong to, and nothing else.
  trainer: ['listen', 'projects'],
  'privacy-officer': ['search', 'view-call', 'listen', 'hold', 'audit', 'projects', 'manage-projects', 'registers'],
  // Runs the fleet; never searches, listens or sees a number.
  admin: ['fleet', 'fleet-command'],
};

export function consoleMay(role: string, right: ConsoleRight): boolean {
  return (RIGHTS as Record<string, readonly ConsoleRight[]>)[role]?.includes(right) ?? false;
}

/** Where a role lands after logging in. */
export function homeOf(role: string): string {
  if (consoleMay(role, 'search')) return '/console/search';
  if (consoleMay(role, 'fleet')) return '/console/fleet';
  if (consoleMay(role, 'projects')) return '/console/projects';
  return '/console/none';
}
