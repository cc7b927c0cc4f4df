import type { CommandVerb } from '../../core/protocol/topics.js';
import type { Reply } from '../../core/protocol/messages.js';

/** Signs a command with the central command key, sends it to one box and waits for its answer. */
export interface CommandSender {
  send(req: { site: string; box: string; verb: CommandVerb; args: Record<string, string | number | boolean>; timeoutMs?: number }): Promise<Reply>;
}

/** The `code` of the Error a CommandSender rejects with when the box did not answer in time. */
export const COMMAND_TIMEOUT_CODE = 'TAL_COMMAND_TIMEOUT';
