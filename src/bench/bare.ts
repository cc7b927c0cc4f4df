import { createOpusEncoder } from '../box/recorder/opus-encoder.js';
import { startCost, type Cost } from './measure.js';

/** A stretch of one line's audio to encode: what one recording holds. */
export interface Segment {
  signal: Int16Array;
  /** first sample */
  from: number;
  /** whole 20 ms frames */
  frames: number;
}

export interface BareRun {
  cost: Cost;
  frames: number;
  /** Opus payload bytes: what the packets alone weigh */
  packetBytes: number;
}

/**
 * libopus alone: each segment's 20 ms mono frames through a fresh encoder from
 * createOpusEncoder (as every recording gets one), nothing else.
 */
export async function encodeBare(segments: readonly Segment[], rate: number, bitrate: number, frameSamples: number): Promise<BareRun> {
  let frames = 0;
  let packetBytes = 0;
  const cost = await startCost();
  for (const seg of segments) {
    const enc = createOpusEncoder(rate, bitrate);
    for (let f = 0, at = seg.from; f < seg.frames; f++, at += frameSamples) {
      let frame = seg.signal.subarray(at, at + frameSamples);
      if (frame.length < frameSamples) {
        // the recording's last frame, padded with silence past the trunk's end as the writer pads it
        const padded = new Int16Array(frameSamples);
        padded.set(frame);
        frame = padded;
      }
      packetBytes += enc.encode(frame).length;
    }
    frames += seg.frames;
  }
  return { cost: cost(), frames, packetBytes };
}
