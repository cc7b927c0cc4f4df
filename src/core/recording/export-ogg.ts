import { createHash } from 'node:crypto';
import { writeOggOpus } from '../ogg/index.js';
import type { PrivateSealingKey } from '../seal/index.js';
import { unsealRecording, type SealedChunk, type SealedRecording } from './unseal.js';

/** What turning a recording into a file needs of its record: unsealing, plus the Opus header's facts. */
export interface ExportableRecording extends SealedRecording {
  audio: { inputSampleRate: number; preSkip: number };
}

/**
 * Unseals a recording and muxes its Opus packets into an Ogg Opus file, in memory. Every chunk
 * is proved before a byte of the file exists, so a refused recording yields no file at all.
 * The box's `export` and the indexer's playback both come here, so the same chunks give the
 * same bytes wherever they are opened.
 */
export async function exportOgg(
  rec: ExportableRecording,
  chunks: AsyncIterable<SealedChunk> | Iterable<SealedChunk>,
  key: PrivateSealingKey,
): Promise<{ ogg: Buffer; packets: number }> {
  const packets: Buffer[] = [];
  for await (const packet of unsealRecording(rec, chunks, key)) packets.push(packet);
  const ogg = await writeOggOpus(packets, {
    inputSampleRate: rec.audio.inputSampleRate,
    frameMs: 20,
    preSkip: rec.audio.preSkip,
    serialNumber: oggSerialOf(rec.id),
  });
  return { ogg: Buffer.from(ogg.buffer, ogg.byteOffset, ogg.byteLength), packets: packets.length };
}

/**
 * The Ogg stream's serial number, from the recording id: a random one (mediabunny's default)
 * would make two exports of one recording differ, and a file could not be checked against
 * another copy by its hash. Distinct recordings still get distinct serials in practice.
 */
export function oggSerialOf(recordingId: string): number {
  return createHash('sha256').update(recordingId, 'utf8').digest().readUInt32BE(0);
}
