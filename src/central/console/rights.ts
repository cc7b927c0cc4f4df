// What each console role may do (DESIGN, "People and rights"; R2, R7). The routes check these;
// the pages only leave out what a role may not use.
import type { ConsoleRole } from '../../core/auth/index.js';

export type ConsoleRight = 'search' | 'view-call' | 'fleet' | 'audit';

const RIGHTS: Record<ConsoleRole, readonly ConsoleRight[]> = {
  supervisor: ['search', 'view-call', 'fleet'],
  // Hears recordings marked for a training project they belong to, and nothing else.
  trainer: [],
  'privacy-officer': ['search', 'view-call', 'audit'],
  // Runs the fleet; never searches, listens or sees a number.
  admin: ['fleet'],
};

export function consoleMay(role: string, right: ConsoleRight): boolean {
  return (RIGHTS as Record<string, readonly ConsoleRight[]>)[role]?.includes(right) ?? false;
}

/** Where a role lands after logging in. */
export function homeOf(role: string): string {
  if (consoleMay(role, 'search')) return '/console/search';
  if (consoleMay(role, 'fleet')) return '/console/fleet';
  return '/console/none';
}
