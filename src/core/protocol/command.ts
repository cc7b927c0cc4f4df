import { createHash, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../audit/entry.js';
import { COMMAND_VERBS, TOPIC_ROOT, type CommandVerb } from './topics.js';
import type { NonceMemory } from './nonces.js';

/** A command to one box. Every field is signed; request/response ids travel in the payload, so
 *  the protocol is the same on MQTT 3.1.1 and 5. */
export interface Command {
  v: 1;
  verb: CommandVerb;
  site: string;
  box: string;
  /** ms since epoch when it was signed; accepted within ±windowMs of the box's clock */
  ts: number;
  /** unique per command: a replay is refused */
  nonce: string;
  /** topic the box answers on */
  replyTo: string;
  correlationId: string;
  args: Record<string, string | number | boolean>;
}

export interface SignedCommand extends Command {
  /** id of the central command key (first 16 hex of SHA-256 of its raw public key) */
  keyId: string;
  /** Ed25519 signature, base64, over the canonical JSON of every other field */
  sig: string;
}

export type Refusal =
  | 'too-large' | 'malformed' | 'unknown-verb' | 'unsigned' | 'unknown-key' | 'bad-signature'
  | 'wrong-box' | 'wrong-verb' | 'expired' | 'future' | 'replayed';

export type Verified = { ok: true; command: SignedCommand } | { ok: false; reason: Refusal; detail: string; correlationId?: string; replyTo?: string };

export interface VerifyContext {
  site: string;
  box: string;
  /** the verb the topic named (`cmd/<verb>`) */
  topicVerb: string;
  /** central command keys this box trusts, by key id: public Ed25519 keys only */
  keys: ReadonlyMap<string, KeyObject>;
  now: number;
  nonces: NonceMemory;
  /** default ±5 minutes */
  windowMs?: number;
  /** default 16 KiB: a command is small; anything larger is refused unread */
  maxBytes?: number;
}

const FIELD_TYPES: Record<string, 'string' | 'number' | 'object'> = {
  v: 'number', verb: 'string', site: 'string', box: 'string', ts: 'number', nonce: 'string',
  replyTo: 'string', correlationId: 'string', args: 'object', keyId: 'string', sig: 'string',
};

function signedBytes(cmd: Omit<SignedCommand, 'sig'> | Command): Buffer {
  const { sig: _sig, ...rest } = cmd as SignedCommand;
  return Buffer.from(canonicalJson(rest), 'utf8');
}

/** First 16 hex digits of SHA-256 of the raw 32-byte Ed25519 public key (as sealing keys are named). */
export function keyIdOfCommandKey(publicKey: KeyObject): string {
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  return createHash('sha256').update(raw).digest('hex').slice(0, 16);
}

/** The central's side: sign a command with the Ed25519 command key. */
export function signCommand(cmd: Omit<Command, 'v'>, privateKey: KeyObject): SignedCommand {
  const keyId = keyIdOfCommandKey(createPublicKey(privateKey));
  const unsigned = { v: 1 as const, ...cmd, keyId };
  return { ...unsigned, sig: sign(null, signedBytes(unsigned), privateKey).toString('base64') };
}

export function generateCommandKeys(): { privateKey: KeyObject; publicKey: KeyObject; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey, keyId: keyIdOfCommandKey(publicKey) };
}

export function parseCommandPublicKey(pem: string): { keyId: string; key: KeyObject } {
  if (/PRIVATE KEY/.test(pem)) throw new TypeError('a private key must never be given to the box: give it the command key\'s public half');
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError(`the command key must be Ed25519, not ${key.asymmetricKeyType}`);
  return { keyId: keyIdOfCommandKey(key), key };
}

/**
 * The box's side: every check a command must pass, cheapest first, the signature before anything
 * that remembers state (so forged commands cannot fill the nonce memory). A refusal says why, and
 * carries the correlation id and reply topic when they could be read, so it can be answered.
 */
export function verifyCommand(payload: Buffer | string, ctx: VerifyContext): Verified {
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const max = ctx.maxBytes ?? 16 * 1024;
  if (bytes.length > max) return { ok: false, reason: 'too-large', detail: `${bytes.length} bytes; a command is at most ${max}` };
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: 'malformed', detail: `not JSON: ${(err as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'malformed', detail: 'not a JSON object' };
  const c = value as Record<string, unknown>;
  const reply = {
    ...(typeof c['correlationId'] === 'string' ? { correlationId: c['correlationId'] } : {}),
    ...(typeof c['replyTo'] === 'string' && isReplyTopic(c['replyTo'], ctx) ? { replyTo: c['replyTo'] } : {}),
  };
  const refuse = (reason: Refusal, detail: string): Verified => ({ ok: false, reason, detail, ...reply });
  if (c['sig'] === undefined || c['keyId'] === undefined) return refuse('unsigned', 'no signature: every command is signed by the central command key');
  for (const [field, type] of Object.entries(FIELD_TYPES)) {
    const v = c[field];
    if (typeof v !== type || v === null || (type === 'object' && Array.isArray(v))) return refuse('malformed', `${field} must be a ${type}`);
  }
  for (const field of Object.keys(c)) if (!(field in FIELD_TYPES)) return refuse('malformed', `unknown field ${field}`);
  for (const [k, v] of Object.entries(c['args'] as object)) {
    if (!['string', 'number', 'boolean'].includes(typeof v)) return refuse('malformed', `args.${k} must be a string, number or boolean`);
  }
  if (c['v'] !== 1) return refuse('malformed', `version ${String(c['v'])} is not one this box speaks (1)`);
  if (!Number.isSafeInteger(c['ts'])) return refuse('malformed', 'ts must be ms since the epoch');
  if (!(COMMAND_VERBS as readonly string[]).includes(c['verb'] as string)) return refuse('unknown-verb', `no command "${String(c['verb'])}"`);
  if (!isReplyTopic(c['replyTo'] as string, ctx)) return refuse('malformed', `replyTo must be a topic under ${replyPrefix(ctx)} of letters, digits, ".", "_", "-" and "/"`);
  const key = ctx.keys.get(c['keyId'] as string);
  if (!key) return refuse('unknown-key', `key ${String(c['keyId'])} is not a command key this box trusts`);
  const cmd = c as unknown as SignedCommand;
  // Node's base64 decoder skips characters it does not know: only the one canonical spelling of
  // a signature is accepted, so no two payloads pass on one signature.
  const sig = Buffer.from(cmd.sig, 'base64');
  let valid = sig.toString('base64') === cmd.sig;
  try {
    valid &&= verify(null, signedBytes(cmd), key, sig);
  } catch {
    valid = false;
  }
  if (!valid) return refuse('bad-signature', 'the signature does not match the command: forged or altered');
  if (cmd.site !== ctx.site || cmd.box !== ctx.box) return refuse('wrong-box', `addressed to ${cmd.site}/${cmd.box}, this is ${ctx.site}/${ctx.box}`);
  if (cmd.verb !== ctx.topicVerb) return refuse('wrong-verb', `signed as "${cmd.verb}" but sent on cmd/${ctx.topicVerb}`);
  const windowMs = ctx.windowMs ?? 300_000;
  if (cmd.ts < ctx.now - windowMs) return refuse('expired', `signed ${Math.round((ctx.now - cmd.ts) / 1000)} s ago; commands are accepted for ${windowMs / 1000} s`);
  if (cmd.ts > ctx.now + windowMs) return refuse('future', `signed ${Math.round((cmd.ts - ctx.now) / 1000)} s in the future: check both clocks`);
  if (!ctx.nonces.remember(cmd.nonce, cmd.ts, ctx.now)) return refuse('replayed', `nonce ${cmd.nonce} was used already`);
  return { ok: true, command: cmd };
}

// A box answers only under its own `reply/`, the one place besides its topics the broker lets it write.
function replyPrefix(ctx: { site: string; box: string }): string {
  return `${TOPIC_ROOT}/${ctx.site}/${ctx.box}/reply/`;
}

// What may follow `reply/`: a broker disconnects a client that publishes to a topic with a
// control character (mosquitto refuses U+0001–U+001F and U+007F–U+009F), so a forged command
// must not be able to make the box answer on one.
const REPLY_SUFFIX = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

function isReplyTopic(topic: string, ctx: { site: string; box: string }): boolean {
  const prefix = replyPrefix(ctx);
  return topic.startsWith(prefix) && topic.length <= 256 && REPLY_SUFFIX.test(topic.slice(prefix.length));
}

