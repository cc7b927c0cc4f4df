// The box's side of `fetch`: one recording's sealed chunks, as they lie in the store, cut into
// messages a broker takes. The box cannot read them (DESIGN, "Sealing"), so it sends ciphertext
// and the plaintext record's unsealing fields only; the indexer proves every chunk on unsealing.

import { TalError } from '../../core/errors.js';
import { FETCH_MAX_MESSAGE_BYTES, type FetchPart } from '../../core/protocol/messages.js';
import type { RecordingStore } from '../store/recording-store.js';

export type FetchStore = Pick<RecordingStore, 'getRecording' | 'readChunks'> & Partial<Pick<RecordingStore, 'getTombstone'>>;

type ChunkEntry = FetchPart['chunks'][number];

/**
 * Sends recording `id` from chunk `fromChunk` on: part 0 with the record, then runs of chunks,
 * each message's JSON at most `maxBytes`, the last marked `last`. Only a finished recording is
 * sent: an open one is still growing, a shredding or missing one has no audio left.
 */
export async function streamRecording(
  store: FetchStore,
  id: string,
  fromChunk: number,
  correlationId: string,
  send: (part: FetchPart) => Promise<void>,
  maxBytes: number = FETCH_MAX_MESSAGE_BYTES,
): Promise<{ parts: number; chunks: number }> {
  if (!Number.isSafeInteger(fromChunk) || fromChunk < 0) throw new RangeError(`fromChunk must be a chunk index (a whole number from 0), got ${fromChunk}`);
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new RangeError(`maxBytes must be a positive whole number, got ${maxBytes}`);
  const rec = await store.getRecording(id);
  if (!rec) {
    if (await store.getTombstone?.(id)) throw new TalError('TAL_RECORDING_DESTROYED', `recording ${id} was destroyed; only its tombstone remains`);
    throw new TalError('TAL_RECORDING_NOT_FOUND', `no recording ${id} on this box`);
  }
  if (rec.state === 'shredding') throw new TalError('TAL_RECORDING_DESTROYED', `recording ${id} is being destroyed: its key is gone already`);
  if (rec.state === 'open') throw new TalError('TAL_RECORDING_NOT_FOUND', `recording ${id} is still being recorded: it can be fetched once it has ended`);

  const { codec, inputSampleRate, frameMs, preSkip, bitrate, packetsPerChunk } = rec.audio;
  // Field by field: whatever else a record holds stays on the box.
  const record: NonNullable<FetchPart['record']> = {
    state: rec.state, chunks: rec.chunks, wrappedKey: rec.wrappedKey, keyId: rec.keyId,
    audio: { codec, inputSampleRate, frameMs, preSkip, bitrate, packetsPerChunk },
  };
  // Sized as not-last: `false` is one byte longer than `true`, so a part that fits fits either way.
  const emptyPart = (n: number, last = false): FetchPart => ({ correlationId, id, part: n, last, ...(n === 0 ? { record } : {}), chunks: [] });
  const bytesOf = (x: unknown) => Buffer.byteLength(JSON.stringify(x), 'utf8');
  let part = 0;
  let sent = 0;
  let entries: ChunkEntry[] = [];
  let size = bytesOf(emptyPart(0));
  if (size > maxBytes) throw new RangeError(`part 0 of recording ${id} takes ${size} bytes before any chunk; a message is at most ${maxBytes}`);

  const flush = async (last: boolean) => {
    await send({ ...emptyPart(part, last), chunks: entries });
    sent += entries.length;
    part++;
    entries = [];
    size = bytesOf(emptyPart(part));
  };

  // One part is held back until the next chunk is read, so the last part is known to be last
  // and no empty part trails the stream.
  for await (const chunk of store.readChunks(id)) {
    if (chunk.index < fromChunk) continue;
    const entry: ChunkEntry = { index: chunk.index, sealed: chunk.sealed.toString('base64') };
    const bytes = bytesOf(entry);
    if (entries.length > 0 && size + 1 + bytes > maxBytes) await flush(false);
    const added = bytes + (entries.length > 0 ? 1 : 0); // the comma between entries
    if (size + added > maxBytes) throw new RangeError(`chunk ${entry.index} of recording ${id} does not fit in a message of ${maxBytes} bytes`);
    entries.push(entry);
    size += added;
  }
  await flush(true);
  return { parts: part, chunks: sent };
}
