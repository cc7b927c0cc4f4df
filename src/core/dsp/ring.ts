// PcmRing: a fixed-capacity ring of Int16 samples addressed by absolute sample position.
//
// The recorder keeps the last few seconds of each line here (its pre-roll), so that when VOX
// reports a call start at an earlier sample (`atSample`), the first words are still at hand.
// Positions count every sample ever pushed: the first sample pushed is position 0.
// `push` copies into the ring and allocates nothing; `readFrom` returns a fresh copy.
//
// Size it to hold the VOX lookback plus the longest frame fed between events, since a start
// event is returned after the frame that triggered it has been pushed.

export class PcmRing {
  readonly capacity: number;
  private readonly buf: Int16Array;
  /** Absolute position one past the newest sample: the number of samples ever pushed. */
  private end = 0;

  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity <= 0) {
      throw new TypeError(`PcmRing: capacity must be a positive integer number of samples, got ${capacity}`);
    }
    this.capacity = capacity;
    this.buf = new Int16Array(capacity);
  }

  /** Absolute position of the oldest sample held (0 while nothing has been overwritten). */
  get oldestSample(): number {
    return this.end > this.capacity ? this.end - this.capacity : 0;
  }

  /** Absolute position of the newest sample held; -1 while empty. */
  get newestSample(): number {
    return this.end - 1;
  }

  /** Absolute position one past the newest sample = total samples pushed (VOX's `atSample` scale). */
  get endSample(): number {
    return this.end;
  }

  /** Number of samples held. */
  get length(): number {
    return this.end - this.oldestSample;
  }

  /** Appends `frame`, overwriting the oldest samples when full. Any length; no allocation. */
  push(frame: Int16Array): void {
    const n = frame.length;
    if (n === 0) return;
    const cap = this.capacity;
    const buf = this.buf;
    // Of a frame longer than the ring only its last `cap` samples survive.
    const skip = n > cap ? n - cap : 0;
    const count = n - skip;
    const pos = (this.end + skip) % cap;
    if (skip === 0 && pos + count <= cap) {
      buf.set(frame, pos);
    } else {
      const first = Math.min(count, cap - pos);
      for (let i = 0; i < first; i++) buf[pos + i] = frame[skip + i]!;
      for (let i = first; i < count; i++) buf[i - first] = frame[skip + i]!;
    }
    this.end += n;
  }

  /**
   * Copy of the samples from absolute position `fromSample` up to (not including) `toSample`,
   * by default the end (everything up to the newest). Positions are clamped to what is held:
   * a start older than `oldestSample` gives what is left, a start at or past the end gives an
   * empty array.
   */
  readFrom(fromSample: number, toSample: number = this.end): Int16Array {
    if (Number.isNaN(fromSample) || Number.isNaN(toSample)) {
      throw new TypeError('PcmRing.readFrom: positions must be numbers');
    }
    const oldest = this.oldestSample;
    const from = Math.min(Math.max(Math.floor(fromSample), oldest), this.end);
    const to = Math.min(Math.max(Math.floor(toSample), from), this.end);
    const n = to - from;
    const out = new Int16Array(n);
    if (n === 0) return out;
    const cap = this.capacity;
    const pos = from % cap;
    const first = Math.min(n, cap - pos);
    out.set(this.buf.subarray(pos, pos + first), 0);
    if (first < n) out.set(this.buf.subarray(0, n - first), first);
    return out;
  }
}
