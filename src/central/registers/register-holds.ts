// Holds the registers place and lift themselves (issue 9): an access request's, under its number
// (`TP-2026-0001`), and a disclosure's, under `disclosure-<entry id>`. The call page does not
// release them: the register would still count on a hold that is gone.
import type { HoldInfo } from '../../core/protocol/messages.js';
import { ACCESS_ID } from './access-store.js';
import { holdCaseRefOf } from './disclosure-types.js';

export type RegisterKind = 'access-request' | 'disclosure';

export function registerOfHold(h: Pick<HoldInfo, 'reason' | 'caseRef'>): RegisterKind | undefined {
  if (h.reason === 'access-request' && ACCESS_ID.test(h.caseRef)) return 'access-request';
  if (h.reason === 'disclosure' && h.caseRef.startsWith(holdCaseRefOf(''))) return 'disclosure';
  return undefined;
}
