// The boxes' answers, played by the test, for route tests through the real indexer: what was sent
// is kept, and the answer is the test's to choose (yes, a refusal with a reason, or silence). The
// central copy a hold asks for is noted, not fetched.
import type { Reply } from '../../../src/core/protocol/messages.js';
import type { Indexer } from '../../../src/central/indexer.js';
import { COMMAND_TIMEOUT_CODE, type CommandSender } from '../../../src/central/ingest/types.js';

export type Sent = Parameters<CommandSender['send']>[0];
export type Answer = (req: Sent) => Promise<Reply>;

export const boxSaysYes: Answer = async (req) => ({ correlationId: 'c', ok: true, verb: req.verb, result: {} });
export const refusedBox = (reason: string): Answer => async (req) => ({ correlationId: 'c', ok: false, verb: req.verb, reason, detail: 'as the box says' });
export const timeout = async (): Promise<Reply> => {
  throw Object.assign(new Error('no answer'), { code: COMMAND_TIMEOUT_CODE });
};

export function boxStandIn(indexer: Pick<Indexer, 'commands' | 'copies'>): { sent: Sent[]; copied: string[]; answer(fn: Answer): void } {
  const sent: Sent[] = [];
  let answer = boxSaysYes;
  indexer.commands.send = async (req) => {
    sent.push(req);
    return answer(req);
  };
  const copied: string[] = [];
  indexer.copies.ensure = async (call) => {
    copied.push(call.id);
    return { id: call.id } as never;
  };
  return { sent, copied, answer: (fn) => void (answer = fn) };
}
