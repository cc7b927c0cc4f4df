import type { KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import { TalError } from '../../core/errors.js';
import { verifyCommand, type Refusal } from '../../core/protocol/command.js';
import type { FetchPart, Reply } from '../../core/protocol/messages.js';
import { NonceMemory } from '../../core/protocol/nonces.js';
import { COMMAND_VERBS, type CommandVerb } from '../../core/protocol/topics.js';
import { addCalendarMonths, RETENTION_TIME_ZONE } from '../../core/retention/index.js';
import type { StopBy } from '../line/call-fsm.js';
import type { AuditSink, Retention } from '../store/retention.js';
import { parseCommandArgs, type ParsedCommand } from './command-args.js';

/** What the box can be told to do: the handler acts only through these. */
export interface BoxActions {
  retention: Pick<Retention, 'hold' | 'release' | 'delete'>;
  /** call start of a live recording (ms since epoch), for a hold of N months; undefined if there is none */
  recordingStart(id: string): Promise<number | undefined>;
  stopRecording(lineId: string, by: StopBy): { stopped: boolean; reason?: string };
  /** new recordings' default retention (1–12 months) */
  setRetentionMonths(months: number, by: string): Promise<void>;
  /** republishes the outbox from `fromSeq`; returns how many events */
  resync(fromSeq: number): Promise<number>;
  ledTest(seconds: number): void;
  /** streams a recording's sealed chunks as FetchParts under `correlationId` (see streamRecording) */
  fetch: (id: string, fromChunk: number, send: (part: FetchPart) => Promise<void>, correlationId: string) => Promise<{ parts: number; chunks: number }>;
}

export interface CommandHandlerOptions {
  site: string;
  box: string;
  /** central command keys this box trusts, by key id: Ed25519 public keys only */
  keys: ReadonlyMap<string, KeyObject>;
  clock: Clock;
  /** replay memory; by default one for the ±5 minute window */
  nonces?: NonceMemory;
  audit: AuditSink;
  log: Logger;
  publish(topic: string, payload: string): Promise<void>;
  actions: BoxActions;
}

/** Reply reasons besides verifyCommand's refusals and the TalError codes passed through. */
export type HandlerReason = Refusal | 'bad-args' | 'not-stopped' | 'failed';

// The failures of retention and fetch a caller at the centre can act on; anything else is the box's own.
const PASSED_ON = new Set(['TAL_RECORDING_NOT_FOUND', 'TAL_RECORDING_DESTROYED', 'TAL_HOLD_INVALID']);
// Refusals the signature was checked before: only then does the key id say who sent the command.
const SIGNED_REFUSALS = new Set<string>(['wrong-box', 'wrong-verb', 'expired', 'future', 'replayed']);
const KEY_ID = /^[0-9a-f]{16}$/;
const WINDOW_MS = 300_000;

type Outcome = { ok: true; result: Record<string, unknown> } | { ok: false; reason: string; detail: string };

/**
 * The box's end of `cmd/<verb>`: every message is verified (signature, addressee, time, replay),
 * its args checked for the verb, then acted on through BoxActions, and answered on its `replyTo`.
 * A refusal is answered when the reply topic could be read, and always audited and logged, with
 * no payload contents. Commands run one at a time in arrival order, so a hold and a delete of
 * one recording cannot interleave. `handle` never rejects: an MQTT callback has no one to tell.
 */
export class CommandHandler {
  private readonly nonces: NonceMemory;
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly o: CommandHandlerOptions) {
    this.nonces = o.nonces ?? new NonceMemory(WINDOW_MS);
  }

  /** `verb` is the topic's `cmd/<verb>`; resolves once this command (and all before it) is done. */
  handle(verb: string, payload: Buffer): Promise<void> {
    const run = this.tail.then(() => this.process(verb, payload));
    this.tail = run.catch((err: unknown) => {
      this.o.log.error({ err: (err as Error)?.message }, 'command handling failed');
    });
    return this.tail;
  }

  private async process(topicVerb: string, payload: Buffer): Promise<void> {
    const v = verifyCommand(payload, { site: this.o.site, box: this.o.box, topicVerb, keys: this.o.keys, now: this.o.clock.now(), nonces: this.nonces, windowMs: WINDOW_MS });
    const verb = knownVerb(topicVerb);
    if (!v.ok) {
      const keyId = SIGNED_REFUSALS.has(v.reason) ? claimedKeyId(payload) : undefined;
      await this.refuse({ verb, keyId, reason: v.reason, detail: v.detail, replyTo: v.replyTo, correlationId: v.correlationId });
      return;
    }
    const cmd = v.command;
    const parsed = parseCommandArgs(cmd.verb, cmd.args);
    if (!parsed.ok) {
      await this.refuse({ verb: cmd.verb, keyId: cmd.keyId, reason: 'bad-args', detail: parsed.detail, replyTo: cmd.replyTo, correlationId: cmd.correlationId });
      return;
    }
    const ctx = { keyId: cmd.keyId, replyTo: cmd.replyTo, correlationId: cmd.correlationId };
    const outcome = await this.dispatch(parsed.command, ctx);
    if (outcome.ok) {
      this.o.log.info({ verb: cmd.verb, correlationId: cmd.correlationId }, 'command carried out');
      await this.reply(cmd.replyTo, { correlationId: cmd.correlationId, ok: true, verb: cmd.verb, result: outcome.result });
    } else {
      this.o.log.warn({ verb: cmd.verb, correlationId: cmd.correlationId, reason: outcome.reason }, 'command not carried out');
      await this.reply(cmd.replyTo, { correlationId: cmd.correlationId, ok: false, verb: cmd.verb, reason: outcome.reason, detail: outcome.detail });
    }
  }

  private async dispatch(c: ParsedCommand, ctx: { keyId: string; replyTo: string; correlationId: string }): Promise<Outcome> {
    const a = this.o.actions;
    try {
      switch (c.verb) {
        case 'hold': {
          const { id, reason, caseRef, by } = c.args;
          let until = c.args.until;
          if (c.args.months !== undefined) {
            const start = await a.recordingStart(id);
            if (start === undefined) {
              const err = new TalError('TAL_RECORDING_NOT_FOUND', `no recording ${id}`);
              await this.auditSafe({ actor: central(by), action: 'hold', target: id, result: 'refused', detail: { code: err.code } });
              throw err;
            }
            // Retention clamps at start + 12 months; N months is counted in the retention calendar.
            until = addCalendarMonths(start, c.args.months, RETENTION_TIME_ZONE);
          }
          const r = await a.retention.hold(id, { reason, caseRef, by: central(by), until: until! });
          return ok({ expiresAt: r.expiresAt, until: r.until, clamped: r.clamped });
        }
        case 'release': {
          const { id, by, caseRef } = c.args;
          const r = await a.retention.release(id, { by: central(by), ...(caseRef !== undefined ? { caseRef } : {}) });
          return ok({ expiresAt: r.expiresAt, destroyed: r.destroyed });
        }
        case 'delete': {
          const tomb = await a.retention.delete(c.args.id, { by: central(c.args.by), reason: c.args.reason });
          return ok({ deletedAt: tomb.deletedAt });
        }
        case 'stop-recording': {
          const { line, by } = c.args;
          const r = a.stopRecording(line, 'mqtt');
          // The box's own stop entry says only `stop:mqtt`; this one says who at the centre asked.
          await this.auditSafe({ actor: central(by), action: 'stop-request', target: line, result: r.stopped ? 'ok' : 'refused', detail: { stopped: r.stopped, ...(r.reason ? { why: r.reason } : {}) } });
          return r.stopped ? ok({ stopped: true }) : { ok: false, reason: 'not-stopped', detail: r.reason ?? `line ${line} did not stop` };
        }
        case 'fetch': {
          const { id, from } = c.args;
          const send = (part: FetchPart) => this.o.publish(ctx.replyTo, JSON.stringify(part));
          let r: { parts: number; chunks: number };
          try {
            r = await a.fetch(id, from, send, ctx.correlationId);
          } catch (err) {
            await this.auditSafe({ actor: central(ctx.keyId), action: 'fetch', target: id, result: err instanceof TalError ? 'refused' : 'error', detail: { from, ...(err instanceof TalError ? { code: err.code } : {}) } });
            throw err;
          }
          // Sealed audio leaving the box is worth an entry even though the box cannot read it.
          await this.auditSafe({ actor: central(ctx.keyId), action: 'fetch', target: id, result: 'ok', detail: { from, parts: r.parts, chunks: r.chunks } });
          return ok({ parts: r.parts, chunks: r.chunks });
        }
        case 'set-retention':
          await a.setRetentionMonths(c.args.months, central(c.args.by));
          return ok({ months: c.args.months });
        case 'resync':
          return ok({ republished: await a.resync(c.args.from) });
        case 'led-test':
          a.ledTest(c.args.seconds);
          return ok({ seconds: c.args.seconds });
      }
    } catch (err) {
      if (err instanceof TalError && PASSED_ON.has(err.code)) return { ok: false, reason: err.code, detail: err.message };
      this.o.log.error({ verb: c.verb, correlationId: ctx.correlationId, err: (err as Error)?.message }, 'command failed');
      await this.auditSafe({ actor: central(ctx.keyId), action: 'command-failed', result: 'error', detail: { verb: c.verb } });
      return { ok: false, reason: 'failed', detail: 'the box could not carry out the command; its log says why' };
    }
  }

  private async refuse(r: { verb: string; keyId: string | undefined; reason: HandlerReason; detail: string; replyTo: string | undefined; correlationId: string | undefined }): Promise<void> {
    // Payload contents stay out of the log and the audit: a refused command is not trusted text.
    this.o.log.warn({ verb: r.verb, reason: r.reason }, 'command refused');
    await this.auditSafe({ actor: central(r.keyId ?? 'unknown'), action: 'rejected-command', result: 'refused', detail: { verb: r.verb, reason: r.reason } });
    if (r.replyTo === undefined) return;
    const verb = knownVerb(r.verb) === r.verb ? { verb: r.verb } : {};
    await this.reply(r.replyTo, { correlationId: r.correlationId ?? '', ok: false, ...verb, reason: r.reason, detail: r.detail });
  }

  private async reply(topic: string, reply: Reply): Promise<void> {
    try {
      await this.o.publish(topic, JSON.stringify(reply));
    } catch (err) {
      this.o.log.error({ verb: reply.verb, correlationId: reply.correlationId, err: (err as Error)?.message }, 'could not publish the reply');
    }
  }

  /** An audit failure must not stop the reply: it is logged, and the store's own alarm covers a dead disk. */
  private async auditSafe(entry: Parameters<AuditSink['append']>[0]): Promise<void> {
    try {
      await this.o.audit.append(entry);
    } catch (err) {
      this.o.log.error({ action: entry.action, err: (err as Error)?.message }, 'could not write the audit entry');
    }
  }
}

function ok(result: Record<string, unknown>): Outcome {
  return { ok: true, result };
}

function central(who: string): string {
  return `central:${who}`;
}

/** The topic's verb as it may go into a log or the audit: a known verb, or a tame rendering of another. */
function knownVerb(verb: string): string {
  if ((COMMAND_VERBS as readonly string[]).includes(verb)) return verb as CommandVerb;
  const tame = verb.slice(0, 64).replace(/[^a-z0-9-]/g, '_');
  return tame === '' ? '_' : tame;
}

/** The key id of a command refused after its signature was checked (the payload parsed then). */
function claimedKeyId(payload: Buffer): string | undefined {
  try {
    const keyId = (JSON.parse(payload.toString('utf8')) as { keyId?: unknown }).keyId;
    return typeof keyId === 'string' && KEY_ID.test(keyId) ? keyId : undefined;
  } catch {
    return undefined;
  }
}
