// What each console role may do (DESIGN, "People and rights"; R2, R7). The routes check these;
// the pages only leave out what a role may not use. Site scoping (a supervisor's own sites) and
// project membership (a trainer's recordings) are checked by the routes on top of this table.
import type { ConsoleRole } from '../../core/auth/index.js';
import type { ListenPurpose } from './pages/types.js';

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
  | 'manage-projects';

const RIGHTS: Record<ConsoleRole, readonly ConsoleRight[]> = {
  supervisor: ['search', 'view-call', 'listen', 'hold', 'fleet', 'projects', 'manage-projects'],
  // Hears recordings marked for a training project they belong to, and nothing else.
  trainer: ['listen', 'projects'],
  'privacy-officer': ['search', 'view-call', 'listen', 'hold', 'audit', 'projects', 'manage-projects'],
  // Runs the fleet; never searches, listens or sees a number.
  admin: ['fleet', 'fleet-command'],
};

/**
 * The purposes each role may state before listening (R2): a supervisor handles complaints and
 * picks training material, a privacy officer answers access requests and disclosures (and may
 * check a complaint), a trainer trains.
 */
const PURPOSES: Record<ConsoleRole, readonly ListenPurpose[]> = {
  supervisor: ['complaint', 'training'],
  trainer: ['training'],
  'privacy-officer': ['complaint', 'access-request', 'disclosure'],
  admin: [],
};

export function consoleMay(role: string, right: ConsoleRight): boolean {
  return (RIGHTS as Record<string, readonly ConsoleRight[]>)[role]?.includes(right) ?? false;
}

export function purposesOf(role: string): readonly ListenPurpose[] {
  return (PURPOSES as Record<string, readonly ListenPurpose[]>)[role] ?? [];
}

/** Where a role lands after logging in. */
export function homeOf(role: string): string {
  if (consoleMay(role, 'search')) return '/console/search';
  if (consoleMay(role, 'fleet')) return '/console/fleet';
  if (consoleMay(role, 'projects')) return '/console/projects';
  return '/console/none';
}
