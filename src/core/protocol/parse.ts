// What the indexer accepts off the wire. A box is trusted to speak for itself only (the broker's
// ACL sees to that), not to be bug-free: every message is checked before it touches the index.
import { z } from 'zod';
import { BOX_STATES, EVENT_KINDS, HOLD_REASONS, NOTICE_NOT_APPLICABLE, type EventMessage, type HoldReason, type NoticeNotApplicable, type StatePayload } from './messages.js';

const ms = z.number().int().nonnegative();
const hold = z.object({ reason: z.enum(HOLD_REASONS as [HoldReason, ...HoldReason[]]), caseRef: z.string().max(200), by: z.string().max(200), until: ms, at: ms });
const id = z.string().min(1).max(64).regex(/^[0-9a-zA-Z-]+$/, 'letters, digits and - only');
const b64 = z.string().max(1 << 20).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');

const score = z.number().min(0).max(1);
const notice = z.discriminatedUnion('status', [
  z.object({ status: z.literal('played'), at: ms, durationMs: ms }),
  z.object({ status: z.enum(['heard', 'not-heard']), score, threshold: score, offsetMs: ms }),
  z.object({ status: z.literal('not-played'), error: z.string().max(300) }),
  z.object({ status: z.literal('not-applicable'), reason: z.enum(NOTICE_NOT_APPLICABLE as [NoticeNotApplicable, ...NoticeNotApplicable[]]) }),
]);

const recording = z.object({
  id, line: z.string().min(1).max(63), start: ms, end: ms, durationMs: ms,
  state: z.enum(['closed', 'truncated']), endReason: z.string().max(32).optional(),
  direction: z.enum(['incoming', 'outgoing', 'unknown']), signalling: z.string().max(32), clip: z.enum(['ok', 'withheld', 'unavailable', 'none']),
  sealedMeta: b64.optional(), metaVersion: z.number().int().nonnegative().optional(),
  wrappedKey: b64, keyId: z.string().regex(/^[0-9a-f]{16}$/, '16 hex digits'), chunks: z.number().int().nonnegative(), gapMs: ms,
  stopped: z.object({ at: ms, by: z.string().max(32) }).optional(),
  notice: notice.optional(),
  retentionMonths: z.number().int().min(1).max(12), expiresAt: ms, holds: z.array(hold).max(100),
  audio: z.object({ codec: z.literal('opus'), inputSampleRate: z.number().int(), frameMs: z.number().int(), preSkip: z.number().int(), bitrate: z.number().int(), packetsPerChunk: z.number().int() }),
});
const expiry = z.object({ id, expiresAt: ms, holds: z.array(hold).max(100) });
const deleted = z.object({ id, line: z.string().min(1).max(63), start: ms, expiresAt: ms, deletedAt: ms, reason: z.enum(['expired', 'early-deletion']) });

const envelope = { seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER), boot: z.number().int().min(1), ts: ms };
const event = z.discriminatedUnion('kind', [
  z.object({ ...envelope, kind: z.literal('recording'), body: recording }),
  z.object({ ...envelope, kind: z.literal('expiry'), body: expiry }),
  z.object({ ...envelope, kind: z.literal('deleted'), body: deleted }),
]);

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function parseJson<T>(payload: Buffer, schema: z.ZodType<T>, what: string): Parsed<T> {
  let data: unknown;
  try {
    data = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    return { ok: false, error: `${what} is not JSON: ${(err as Error).message}` };
  }
  const r = schema.safeParse(data);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0]!;
  return { ok: false, error: `${what}: ${issue.path.join('.') || '(root)'}: ${issue.message}` };
}

/** An `evt` message; unknown event kinds are refused by name. */
export function parseEventMessage(payload: Buffer): Parsed<EventMessage> {
  return parseJson(payload, event as unknown as z.ZodType<EventMessage>, `event (kinds: ${EVENT_KINDS.join(', ')})`);
}

export function parseStatePayload(payload: Buffer): Parsed<StatePayload> {
  return parseJson(payload, z.object({ state: z.enum(BOX_STATES as ['init', 'ready', 'alert', 'lost']), ts: ms, boot: z.number().int().nonnegative() }), '$state');
}
