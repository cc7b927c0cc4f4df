// Signal level of 16-bit PCM, in dBFS.
//
// Reference: 0 dBFS is the RMS of a full-scale square wave (amplitude 32768), so a full-scale
// sine reads -3.01 dBFS. (AES17 instead puts a full-scale sine at 0 dBFS; we do not.)
// Digital silence, and an empty frame, read -Infinity: there is no floor. Comparisons against a
// threshold work unchanged (-Infinity is below every threshold); code that prints a level or
// stores it as an integer clamps it itself.
//
// This runs on every frame of every line, so it allocates nothing and makes one pass.

/** Full scale of Int16 PCM: the amplitude of a full-scale square wave, 0 dBFS. */
export const FULL_SCALE = 32768;

/** 20·log10(32768) ≈ 90.309 dB: the level of full scale above an RMS of 1 LSB. */
const FULL_SCALE_DB = 20 * Math.log10(FULL_SCALE);

/** Level in dBFS of a signal whose mean square (in LSB²) is `meanSquare`; -Infinity for 0. */
export function meanSquareToDbfs(meanSquare: number): number {
  return meanSquare > 0 ? 10 * Math.log10(meanSquare) - FULL_SCALE_DB : -Infinity;
}

/** RMS amplitude in LSB of a signal at `dbfs` (e.g. -20 dBFS → 3276.8). */
export function dbfsToRms(dbfs: number): number {
  return FULL_SCALE * 10 ** (dbfs / 20);
}

/**
 * RMS level of `samples` in dBFS: a full-scale sine is -3.01, a full-scale square wave 0.
 * Digital silence and an empty frame return -Infinity.
 */
export function frameDbfs(samples: Int16Array): number {
  const n = samples.length;
  if (n === 0) return -Infinity;
  let sum = 0; // exact in a double up to ~8 million full-scale samples
  for (let i = 0; i < n; i++) {
    const x = samples[i]!;
    sum += x * x;
  }
  return meanSquareToDbfs(sum / n);
}
