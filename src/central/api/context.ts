import type { Auditor } from './auditor.js';
import type { ApiDeps } from './types.js';

/** What every route module is given. */
export interface RouteContext {
  deps: ApiDeps;
  auditor: Auditor;
}
