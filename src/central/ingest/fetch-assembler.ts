// The indexer's side of `fetch`: the parts of one recording's reply, put back together. MQTT
// QoS 1 delivers at least once and a shared subscription can reorder, so parts come in any
// order and twice; a box is not trusted to send well-formed messages, so every field is checked
// and a bad part is refused with the field named, never thrown on.

import type { RecordingEvent } from '../../core/protocol/messages.js';
import type { SealedChunk } from '../../core/recording/unseal.js';

export type FetchedAudio = RecordingEvent['audio'];

/** A fetched recording, ready for unsealRecording / exportOgg. */
export interface FetchedRecording {
  record: { id: string; state: 'closed' | 'truncated'; chunks: number; wrappedKey: Buffer; keyId: string; audio: FetchedAudio };
  /** in index order, as the box's store holds them: unsealing proves each one */
  chunks: SealedChunk[];
}

export type AcceptResult = { ok: true; duplicate: boolean } | { ok: false; error: string };

// Far above what a 12-month limit of ~1 s chunks in 64 KiB messages can need, low enough that a
// garbage number cannot make bookkeeping grow without bound.
const MAX_PART = 1_000_000;
const MAX_CHUNKS_PER_PART = 100_000;
const KEY_ID = /^[0-9a-f]{16}$/;
const PART_FIELDS = ['correlationId', 'id', 'part', 'last', 'record', 'chunks'];
const RECORD_FIELDS = ['state', 'chunks', 'wrappedKey', 'keyId', 'audio'];
const AUDIO_FIELDS = ['codec', 'inputSampleRate', 'frameMs', 'preSkip', 'bitrate', 'packetsPerChunk'];
const CHUNK_FIELDS = ['index', 'sealed'];

class Malformed extends Error {}

interface CheckedPart {
  id: string;
  part: number;
  last: boolean;
  record?: FetchedRecording['record'];
  chunks: SealedChunk[];
  /** the part as received, to tell a redelivery from a different part under the same number */
  fingerprint: string;
}

/**
 * Collects the parts answering one fetch. `refetch` starts a new stream (a re-fetch `from` the
 * first chunk still missing) whose parts are numbered from 0 again, keeping what arrived.
 */
export class FetchAssembler {
  private correlationId: string;
  private id: string | undefined;
  private record: FetchedRecording['record'] | undefined;
  private readonly chunks = new Map<number, Buffer>();
  /** the current stream: which chunk it starts from, its parts by number, and its last part */
  private from = 0;
  private parts = new Map<number, string>();
  private lastPart: number | undefined;

  constructor(correlationId: string, opts: { id?: string } = {}) {
    if (typeof correlationId !== 'string' || correlationId === '') throw new TypeError('correlationId must be a non-empty string');
    this.correlationId = correlationId;
    this.id = opts.id;
  }

  /** One message from the reply topic, as received. */
  acceptJson(payload: Buffer | string): AcceptResult {
    let value: unknown;
    try {
      value = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
    } catch {
      return { ok: false, error: 'the part is not JSON' };
    }
    return this.accept(value);
  }

  /** One part, parsed; refused (with the field named) unless every field is well-formed and fits. */
  accept(value: unknown): AcceptResult {
    let p: CheckedPart;
    try {
      p = this.check(value);
    } catch (err) {
      if (err instanceof Malformed) return { ok: false, error: err.message };
      throw err;
    }
    const seen = this.parts.get(p.part);
    if (seen !== undefined) {
      return seen === p.fingerprint ? { ok: true, duplicate: true } : { ok: false, error: `part ${p.part} arrived twice with different contents` };
    }
    if (p.last && this.lastPart !== undefined) return { ok: false, error: `part ${p.part} says it is the last, but part ${this.lastPart} said so first` };
    if (this.lastPart !== undefined && p.part > this.lastPart) return { ok: false, error: `part ${p.part} comes after the last part (${this.lastPart})` };
    if (p.last && [...this.parts.keys()].some((n) => n > p.part)) return { ok: false, error: `part ${p.part} says it is the last, but a later part arrived` };
    if (p.record && this.record && !sameRecord(p.record, this.record)) return { ok: false, error: 'part 0 carries a record that differs from the one received before' };
    for (const c of p.chunks) {
      const held = this.chunks.get(c.index);
      if (held && !held.equals(c.sealed)) return { ok: false, error: `chunk ${c.index} arrived twice with different bytes` };
    }
    // Checked in full above: nothing is kept from a refused part.
    this.id ??= p.id;
    this.parts.set(p.part, p.fingerprint);
    if (p.last) this.lastPart = p.part;
    if (p.record) this.record = p.record;
    for (const c of p.chunks) this.chunks.set(c.index, c.sealed);
    return { ok: true, duplicate: false };
  }

  /** The answer to a fetch from chunk `from` follows, under its own correlation id; parts count from 0 again. */
  refetch(correlationId: string, from: number): void {
    if (typeof correlationId !== 'string' || correlationId === '') throw new TypeError('correlationId must be a non-empty string');
    if (!Number.isSafeInteger(from) || from < 0) throw new RangeError(`from must be a chunk index (a whole number from 0), got ${from}`);
    // Parts of the first answer still on their way would pass for the second's.
    if (correlationId === this.correlationId) throw new RangeError('a re-fetch needs a correlation id of its own');
    this.correlationId = correlationId;
    this.from = from;
    this.parts = new Map();
    this.lastPart = undefined;
  }

  /** Every part of the current stream up to the last arrived, and every chunk before it started. */
  get complete(): boolean {
    if (!this.record || this.lastPart === undefined || this.parts.size !== this.lastPart + 1) return false;
    for (let i = 0; i < this.from; i++) if (!this.chunks.has(i)) return false;
    return true;
  }

  /**
   * The first chunk index still lacking, for a re-fetch with `from`; undefined once complete.
   * With every chunk held but the end not seen, it is the chunk count (a fetch that returns
   * only the record and `last`).
   */
  missingFrom(): number | undefined {
    if (this.complete) return undefined;
    const n = this.record?.chunks ?? Number.MAX_SAFE_INTEGER;
    for (let i = 0; i < n; i++) if (!this.chunks.has(i)) return i;
    return n;
  }

  /** The recording and its chunks in index order; only once complete. */
  result(): FetchedRecording {
    if (!this.complete || !this.record) throw new Error(`the fetch of ${this.id ?? 'a recording'} is not complete: chunks from ${this.missingFrom()} are missing`);
    const chunks = [...this.chunks].sort(([a], [b]) => a - b).map(([index, sealed]) => ({ index, sealed }));
    // Chunks beyond the record's count are passed on, not dropped: unsealing names them as added.
    return { record: { ...this.record }, chunks };
  }

  private check(value: unknown): CheckedPart {
    const v = object(value, 'the part', PART_FIELDS);
    if (typeof v.correlationId !== 'string') throw new Malformed('correlationId must be a string');
    if (v.correlationId !== this.correlationId) throw new Malformed('correlationId is not the one of this fetch');
    if (typeof v.id !== 'string' || v.id === '') throw new Malformed('id must be a non-empty string');
    if (this.id !== undefined && v.id !== this.id) throw new Malformed(`id is not the recording fetched (${this.id})`);
    const part = int(v.part, 'part', 0, MAX_PART);
    if (typeof v.last !== 'boolean') throw new Malformed('last must be a boolean');
    if (part === 0 && v.record === undefined) throw new Malformed('record is missing: part 0 carries the record');
    if (part !== 0 && v.record !== undefined) throw new Malformed(`record is only in part 0, not part ${part}`);
    const record = v.record === undefined ? undefined : checkRecord(v.record, v.id);
    if (!Array.isArray(v.chunks)) throw new Malformed('chunks must be an array');
    if (v.chunks.length > MAX_CHUNKS_PER_PART) throw new Malformed(`chunks holds more than ${MAX_CHUNKS_PER_PART} entries`);
    const chunks: SealedChunk[] = [];
    v.chunks.forEach((c: unknown, i: number) => {
      const e = object(c, `chunks[${i}]`, CHUNK_FIELDS);
      const index = int(e.index, `chunks[${i}].index`, 0, Number.MAX_SAFE_INTEGER);
      if (index < this.from) throw new Malformed(`chunks[${i}].index ${index} is before ${this.from}, where this fetch starts`);
      if (i > 0 && index <= chunks[i - 1]!.index) throw new Malformed(`chunks[${i}].index is not after the chunk before it`);
      chunks.push({ index, sealed: base64(e.sealed, `chunks[${i}].sealed`) });
    });
    return { id: v.id, part, last: v.last, ...(record ? { record } : {}), chunks, fingerprint: JSON.stringify(value) };
  }
}

function checkRecord(value: unknown, id: string): FetchedRecording['record'] {
  const r = object(value, 'record', RECORD_FIELDS);
  if (r.state !== 'closed' && r.state !== 'truncated') throw new Malformed('record.state must be "closed" or "truncated"');
  const chunks = int(r.chunks, 'record.chunks', 0, Number.MAX_SAFE_INTEGER);
  const wrappedKey = base64(r.wrappedKey, 'record.wrappedKey');
  if (typeof r.keyId !== 'string' || !KEY_ID.test(r.keyId)) throw new Malformed('record.keyId must be 16 lowercase hex digits');
  const a = object(r.audio, 'record.audio', AUDIO_FIELDS);
  if (a.codec !== 'opus') throw new Malformed('record.audio.codec must be "opus"');
  const audio: FetchedAudio = {
    codec: 'opus',
    inputSampleRate: int(a.inputSampleRate, 'record.audio.inputSampleRate', 1, 192_000),
    frameMs: int(a.frameMs, 'record.audio.frameMs', 1, 120),
    preSkip: int(a.preSkip, 'record.audio.preSkip', 0, 0xffff),
    bitrate: int(a.bitrate, 'record.audio.bitrate', 1, 1_000_000),
    packetsPerChunk: int(a.packetsPerChunk, 'record.audio.packetsPerChunk', 1, 0xffff),
  };
  return { id, state: r.state, chunks, wrappedKey, keyId: r.keyId, audio };
}

function object(value: unknown, name: string, fields: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Malformed(`${name} must be a JSON object`);
  for (const k of Object.keys(value)) if (!fields.includes(k)) throw new Malformed(`${name} has an unknown field ${JSON.stringify(k.slice(0, 64))}`);
  return value as Record<string, unknown>;
}

function int(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) throw new Malformed(`${name} must be a whole number from ${min} to ${max}`);
  return value;
}

/** Canonical base64 only: Node's decoder skips what it does not know, so anything else could hide bytes. */
function base64(value: unknown, name: string): Buffer {
  if (typeof value !== 'string' || value === '') throw new Malformed(`${name} must be non-empty base64`);
  const bytes = Buffer.from(value, 'base64');
  if (bytes.toString('base64') !== value) throw new Malformed(`${name} is not canonical base64`);
  return bytes;
}

function sameRecord(a: FetchedRecording['record'], b: FetchedRecording['record']): boolean {
  return a.state === b.state && a.chunks === b.chunks && a.keyId === b.keyId && a.wrappedKey.equals(b.wrappedKey) && JSON.stringify(a.audio) === JSON.stringify(b.audio);
}
