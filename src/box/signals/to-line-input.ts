// What each serial protocol's records mean to a line's call state machine. Pure mappers: the
// router decides which line a record is for; these decide what it says.
import type { ClipStatus, UntimedInput } from '../line/call-fsm.js';
import type { HayesRecord } from './hayes-parser.js';
import type { WhozzRecord } from './whozz-format.js';

export function whozzInput(r: WhozzRecord): UntimedInput | undefined {
  const source = 'line-unit' as const;
  switch (r.kind) {
    case 'ring':
      return { type: 'ring', source };
    case 'off-hook':
      return { type: 'off-hook', source };
    case 'on-hook':
      return { type: 'on-hook', source };
    case 'flash':
      return undefined;
    case 'call':
      if (r.phase === 'end') return { type: 'on-hook', source };
      if (r.direction === 'out') {
        // An outbound record's number is what was dialled: the called number.
        return { type: 'setup', source, direction: 'outgoing', clip: 'none', ...(r.number ? { called: r.number } : {}) };
      }
      if (r.cidChecksum === 'bad') return undefined;
      return {
        type: 'caller-id',
        source,
        status: (r.numberStatus ?? (r.number ? 'ok' : 'unavailable')) as ClipStatus,
        ...(r.number ? { number: r.number } : {}),
        ...(r.name ? { name: r.name } : {}),
      };
  }
}

export function hayesInput(r: HayesRecord): UntimedInput | undefined {
  if (r.kind === 'ring') return { type: 'ring', source: 'modem' };
  if (r.kind === 'caller-id') {
    return { type: 'caller-id', source: 'modem', status: r.status, ...(r.number ? { number: r.number } : {}), ...(r.name ? { name: r.name } : {}) };
  }
  return undefined;
}
