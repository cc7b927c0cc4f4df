// Subsequence dynamic time warping: the whole reference against the best-fitting stretch of
// the call. The call side is free at both ends (the announcement may start anywhere in the
// offset window, and the call goes on after it); the reference side is not: every reference
// frame must find a partner, so a call holding only the announcement's first word cannot
// hide that the rest is missing.
//
// Steps (Δref, Δcall) ∈ {(1,1), (1,2), (2,1)} keep the local tempo within 0.5–2× and forbid
// stalls on one frame. Each reference frame is charged once, with the mean distance to the
// call frames mapped to it, times its weight; so the path's total is a weighted sum over
// reference frames and paths of different lengths in the call compete fairly.

export interface Alignment {
  /** call frame where the path starts */
  start: number;
  /** call frame where it ends */
  end: number;
  /** per reference frame, its (unweighted) distance to the call frames the path maps it to */
  frameCosts: Float64Array;
}

const STEP_11 = 1;
const STEP_12 = 2;
const STEP_21 = 3;

function distance(a: Float64Array, i: number, b: Float64Array, j: number, dims: number): number {
  let s = 0;
  for (let k = 0, x = i * dims, y = j * dims; k < dims; k++, x++, y++) {
    const d = a[x]! - b[y]!;
    s += d * d;
  }
  return Math.sqrt(s);
}

/**
 * Aligns all `n` frames of `ref` (`dims` values each) with frames of `call` (`m` of them), the
 * path starting at a call frame ≤ `maxStart`. Null when no path fits in the call.
 */
export function alignSubsequence(ref: Float64Array, n: number, weights: Float64Array, call: Float64Array, m: number, dims: number, maxStart: number): Alignment | null {
  if (n === 0 || m === 0) return null;
  // Rolling rows for reference frames i, i-1, i-2: accumulated cost D, path start S, local distance d.
  let D0 = new Float64Array(m).fill(Infinity);
  let D1 = new Float64Array(m).fill(Infinity);
  let D2 = new Float64Array(m).fill(Infinity);
  let S0 = new Int32Array(m);
  let S1 = new Int32Array(m);
  let S2 = new Int32Array(m);
  let d0 = new Float64Array(m);
  let d1 = new Float64Array(m);
  const steps = new Uint8Array(n * m); // the step that reached each cell, for the trace back
  const lastStart = Math.min(maxStart, m - 1);
  for (let j = 0; j <= lastStart; j++) {
    D0[j] = d0[j] = weights[0]! * distance(ref, 0, call, j, dims);
    S0[j] = j;
  }
  for (let i = 1; i < n; i++) {
    [D2, D1, D0] = [D1, D0, D2];
    [S2, S1, S0] = [S1, S0, S2];
    [d1, d0] = [d0, d1];
    D0.fill(Infinity);
    const w = weights[i]!;
    // A path at reference frame i has used at least i/2 call frames and at most 2i since its start.
    const lo = Math.ceil(i / 2);
    const hi = Math.min(m - 1, lastStart + 2 * i);
    let left = w * distance(ref, i, call, lo - 1, dims); // d(i, j-1)
    for (let j = lo; j <= hi; j++) {
      const d = w * distance(ref, i, call, j, dims);
      d0[j] = d;
      let best = D1[j - 1]! + d;
      let from = S1[j - 1]!;
      let step = STEP_11;
      if (j >= 2) {
        const c = D1[j - 2]! + (left + d) / 2;
        if (c < best) {
          best = c;
          from = S1[j - 2]!;
          step = STEP_12;
        }
      }
      if (i >= 2) {
        const c = D2[j - 1]! + d1[j]! + d;
        if (c < best) {
          best = c;
          from = S2[j - 1]!;
          step = STEP_21;
        }
      }
      D0[j] = best;
      S0[j] = from;
      steps[i * m + j] = step;
      left = d;
    }
  }
  let end = 0;
  for (let j = 1; j < m; j++) if (D0[j]! < D0[end]!) end = j;
  if (D0[end] === Infinity) return null;

  const frameCosts = new Float64Array(n);
  for (let i = n - 1, j = end; i >= 0; ) {
    const step = i === 0 ? STEP_11 : steps[i * m + j]!;
    const d = distance(ref, i, call, j, dims);
    if (step === STEP_12) {
      frameCosts[i] = (distance(ref, i, call, j - 1, dims) + d) / 2;
      i -= 1;
      j -= 2;
    } else if (step === STEP_21) {
      frameCosts[i] = d;
      frameCosts[i - 1] = distance(ref, i - 1, call, j, dims);
      i -= 2;
      j -= 1;
    } else {
      frameCosts[i] = d;
      i -= 1;
      j -= 1;
    }
  }
  return { start: S0[end]!, end, frameCosts };
}
