import { TalError } from '../errors.js';
import { openChunk, openMetadata, unpackPackets, unwrapContentKey, type UnsealingKeys } from '../seal/index.js';

/** What a reader needs of a recording's plaintext record. */
export interface SealedRecording {
  id: string;
  /** 'closed' recordings must end in a chunk sealed as final; 'truncated' ones (crash) cannot */
  state: 'open' | 'closed' | 'truncated';
  chunks: number;
  wrappedKey: Buffer;
}

export interface SealedChunk {
  /** the index the storage claims for this chunk */
  index: number;
  sealed: Buffer;
}

/**
 * Unseals a recording's Opus packets in order, refusing, with a message that says which chunk
 * and what is wrong, a chunk that is missing, moved, altered or not where the final flag says.
 * Packets are yielded as each chunk is proved; a refusal can come after some were yielded, so
 * a caller that writes a file keeps it only once the generator has finished.
 */
export async function* unsealRecording(
  rec: SealedRecording,
  chunks: AsyncIterable<SealedChunk> | Iterable<SealedChunk>,
  key: UnsealingKeys,
): AsyncGenerator<Buffer> {
  const contentKey = unwrapContentKey(rec.wrappedKey, rec.id, key);
  const expectFinal = rec.state === 'closed';
  const n = rec.chunks;
  const isLast = (p: number) => p === n - 1;
  let p = 0;
  try {
    for await (const chunk of chunks) {
      if (p >= n) {
        throw new TalError('TAL_EXPORT_CHUNK_ALTERED', `recording ${rec.id}: chunk ${chunk.index} is beyond the ${n} chunks the recording has: something was added`);
      }
      if (chunk.index > p) {
        if (expectFinal && isLast(p)) throw finalMissing(rec.id, p);
        throw new TalError('TAL_EXPORT_CHUNK_MISSING', `recording ${rec.id}: chunk ${p} is missing (the next stored chunk is ${chunk.index})`);
      }
      const final = expectFinal && isLast(p);
      const plain = openChunk(contentKey, rec.id, p, final, chunk.sealed);
      if (plain === undefined) throw diagnose(contentKey, rec, p, final, chunk.sealed);
      yield* unpackPackets(plain);
      p++;
    }
    if (p < n) {
      if (expectFinal && isLast(p)) throw finalMissing(rec.id, p);
      throw new TalError('TAL_EXPORT_CHUNK_MISSING', `recording ${rec.id}: chunks ${p}–${n - 1} are missing (only ${p} of ${n} are stored)`);
    }
  } finally {
    contentKey.fill(0);
  }
}

function finalMissing(id: string, p: number): TalError {
  return new TalError('TAL_EXPORT_FINAL_MISSING', `recording ${id}: the final chunk (${p}) is missing: the end of the recording was cut off`);
}

/** A chunk failed to open where it stands: find out whether it belongs elsewhere or was altered. */
function diagnose(contentKey: Buffer, rec: SealedRecording, p: number, final: boolean, sealed: Buffer): TalError {
  if (openChunk(contentKey, rec.id, p, !final, sealed) !== undefined) {
    return final
      ? new TalError('TAL_EXPORT_FINAL_MISSING', `recording ${rec.id}: chunk ${p} should be the final chunk but is not: the end of the recording was cut off`)
      : new TalError('TAL_EXPORT_CHUNK_REORDERED', `recording ${rec.id}: chunk ${p} is sealed as the final chunk but more chunks are expected`);
  }
  for (let q = 0; q < Math.max(rec.chunks, p + 2); q++) {
    if (q === p) continue;
    for (const f of [false, true]) {
      if (openChunk(contentKey, rec.id, q, f, sealed) !== undefined) {
        return new TalError('TAL_EXPORT_CHUNK_REORDERED', `recording ${rec.id}: the chunk stored at position ${p} is chunk ${q}: chunks were moved or swapped`);
      }
    }
  }
  return new TalError('TAL_EXPORT_CHUNK_ALTERED', `recording ${rec.id}: chunk ${p} fails authentication: its bytes were altered`);
}

/** A recording's sealed call metadata (numbers, name), opened with the controller's private key (or the indexer's ring). */
export function unsealMetadata(
  rec: { id: string; wrappedKey: Buffer; sealedMeta?: string; metaVersion?: number },
  key: UnsealingKeys,
): Record<string, unknown> {
  if (rec.sealedMeta === undefined) return {};
  const contentKey = unwrapContentKey(rec.wrappedKey, rec.id, key);
  try {
    return openMetadata(contentKey, rec.id, Buffer.from(rec.sealedMeta, 'base64'), rec.metaVersion ?? 0) as Record<string, unknown>;
  } finally {
    contentKey.fill(0);
  }
}
