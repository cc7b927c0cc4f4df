import { randomUUID, type KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import { signCommand } from '../../core/protocol/command.js';
import type { Reply } from '../../core/protocol/messages.js';
import { boxTopics, type CommandVerb } from '../../core/protocol/topics.js';
import { FetchAssembler, type FetchedRecording } from './fetch-assembler.js';
import { COMMAND_TIMEOUT_CODE, type CommandSender } from './types.js';


export interface CentralCommandsOptions {
  /** the central command key (Ed25519, private): only the indexer holds it */
  privateKey: KeyObject;
  /** names this indexer's reply topic, so replies to several indexers do not mix */
  indexerId: string;
  clock: Clock;
  log: Logger;
  publish(topic: string, payload: string): Promise<void>;
  /** default 10 s */
  timeoutMs?: number;
}

type Waiter = { resolve: (r: Reply) => void; timer: ReturnType<typeof setTimeout> };
type Fetching = { assembler: FetchAssembler; progress: () => void; fail: (err: Error) => void };

function timeout(what: string): Error {
  return Object.assign(new Error(`${what}: no answer in time (is the box connected?)`), { code: COMMAND_TIMEOUT_CODE });
}

/**
 * Signs commands with the central command key, sends them to one box, and matches the answers
 * coming back on the box's `reply/` topic by correlation id. `fetch` gathers a recording's sealed
 * chunks, asking again from the first missing chunk when the stream stalls.
 */
export class CentralCommands implements CommandSender {
  private readonly waiting = new Map<string, Waiter>();
  private readonly fetching = new Map<string, Fetching>();

  constructor(private readonly o: CentralCommandsOptions) {}

  private publishCommand(site: string, box: string, verb: CommandVerb, args: Record<string, string | number | boolean>, correlationId: string): Promise<void> {
    const topics = boxTopics(site, box);
    const cmd = signCommand(
      { verb, site, box, ts: this.o.clock.now(), nonce: randomUUID(), replyTo: `${topics.replyPrefix}${this.o.indexerId}`, correlationId, args },
      this.o.privateKey,
    );
    return this.o.publish(topics.cmd(verb), JSON.stringify(cmd));
  }

  send(req: { site: string; box: string; verb: CommandVerb; args: Record<string, string | number | boolean>; timeoutMs?: number }): Promise<Reply> {
    const correlationId = randomUUID();
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(correlationId);
        reject(timeout(`${req.verb} to ${req.site}/${req.box}`));
      }, req.timeoutMs ?? this.o.timeoutMs ?? 10_000);
      this.waiting.set(correlationId, { resolve, timer });
      this.publishCommand(req.site, req.box, req.verb, req.args, correlationId).catch((err: Error) => {
        clearTimeout(timer);
        this.waiting.delete(correlationId);
        reject(err);
      });
    });
  }

  /** A recording's sealed chunks, from the box that holds them: ciphertext only. */
  fetch(site: string, box: string, id: string, opts: { stallMs?: number; attempts?: number } = {}): Promise<FetchedRecording> {
    let correlationId = randomUUID();
    const assembler = new FetchAssembler(correlationId, { id });
    const stallMs = opts.stallMs ?? this.o.timeoutMs ?? 10_000;
    let attempts = opts.attempts ?? 4;
    return new Promise<FetchedRecording>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout>;
      const done = (err?: Error) => {
        clearTimeout(timer);
        this.fetching.delete(correlationId);
        if (err) reject(err);
        else resolve(assembler.result());
      };
      const ask = (from: number) => {
        this.publishCommand(site, box, 'fetch', { id, from }, correlationId).catch((err: Error) => done(err));
        timer = setTimeout(stalled, stallMs);
      };
      const stalled = () => {
        if (--attempts <= 0) return done(timeout(`fetch of ${id} from ${site}/${box}`));
        const from = assembler.missingFrom() ?? 0;
        this.fetching.delete(correlationId);
        correlationId = randomUUID();
        assembler.refetch(correlationId, from);
        this.fetching.set(correlationId, entry);
        this.o.log.info({ site, box, recording: id, from }, 'fetch stalled; asking again from the first missing chunk');
        ask(from);
      };
      const entry: Fetching = {
        assembler,
        progress: () => {
          if (assembler.complete) return done();
          clearTimeout(timer);
          timer = setTimeout(stalled, stallMs);
        },
        fail: (err) => done(err),
      };
      this.fetching.set(correlationId, entry);
      ask(0);
    });
  }

  /** Every message on a `reply/` topic comes here. */
  onReply(payload: Buffer): void {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
    } catch {
      return;
    }
    if (typeof msg !== 'object' || msg === null || typeof msg['correlationId'] !== 'string') return;
    const id = msg['correlationId'];
    const fetching = this.fetching.get(id);
    if (fetching) {
      if (typeof msg['part'] === 'number') {
        const r = fetching.assembler.accept(msg);
        if (!r.ok) this.o.log.warn({ error: r.error }, 'a fetch part was refused');
        fetching.progress();
      } else if (msg['ok'] === false) {
        fetching.fail(Object.assign(new Error(`the box refused the fetch: ${String(msg['reason'])}: ${String(msg['detail'])}`), { reply: msg }));
      }
      return;
    }
    const waiter = this.waiting.get(id);
    if (waiter && typeof msg['ok'] === 'boolean') {
      clearTimeout(waiter.timer);
      this.waiting.delete(id);
      waiter.resolve(msg as unknown as Reply);
    }
  }
}
