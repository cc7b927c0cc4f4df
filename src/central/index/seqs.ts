// Which of a box's events are in the index: every seq up to the watermark, and the few seen
// above it while an earlier one is still missing. What the `ack` may say follows from it.

export class BoxSeqs {
  constructor(
    public watermark = 0,
    readonly above = new Set<number>(),
  ) {}

  clone(): BoxSeqs {
    return new BoxSeqs(this.watermark, new Set(this.above));
  }

  has(seq: number): boolean {
    return seq <= this.watermark || this.above.has(seq);
  }

  /** Marks a seq ingested; the watermark moves through every seq now contiguous. */
  add(seq: number): void {
    if (this.has(seq)) return;
    if (seq !== this.watermark + 1) {
      this.above.add(seq);
      return;
    }
    this.watermark = seq;
    while (this.above.delete(this.watermark + 1)) this.watermark++;
  }

  /** The first seq missing below the highest seen, if any: where a resend should start. */
  get gapFrom(): number | undefined {
    return this.above.size > 0 ? this.watermark + 1 : undefined;
  }
}
