// From the aligned path to one similarity. A plain mean over the reference would let a call
// that holds half the announcement (or its first word and then speech the path can warp onto)
// average out to "fairly similar"; instead the reference is cut into SEGMENTS equal parts,
// each part's weighted mean distance is taken, and the parts are combined by a power mean
// that leans towards the worst: the announcement was heard only if every part of it was.

const SEGMENTS = 6;
const SEGMENT_POWER = 3;
/**
 * A mean cepstral distance (dB) at which the similarity reaches 0. Unrelated speech lies at
 * 20–30, music and tones beyond, the announcement through a noisy, coded line at 5–12.
 */
const COST_AT_ZERO = 30;

/** The path's cost: power mean over the reference's segments of each one's weighted mean distance. */
export function pathCost(frameCosts: Float64Array, weights: Float64Array): number {
  const n = frameCosts.length;
  let sum = 0;
  for (let k = 0; k < SEGMENTS; k++) {
    let w = 0;
    let c = 0;
    for (let i = Math.floor((k * n) / SEGMENTS); i < Math.floor(((k + 1) * n) / SEGMENTS); i++) {
      w += weights[i]!;
      c += weights[i]! * frameCosts[i]!;
    }
    sum += (w > 0 ? c / w : 0) ** SEGMENT_POWER;
  }
  return (sum / SEGMENTS) ** (1 / SEGMENT_POWER);
}

/** Similarity in [0, 1] from a path cost. */
export function similarity(cost: number): number {
  return Math.max(0, 1 - cost / COST_AT_ZERO);
}
