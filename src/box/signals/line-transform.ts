import { Transform, type TransformCallback } from 'node:stream';
import { LineReader, type BadLineReason, type LineStats } from './line-reader.js';

/**
 * What the serial text protocols share: bytes in through a bounded LineReader, records out
 * (object mode), every line counted, a partial line dropped on `resync()` (the port was lost).
 * A protocol supplies `line()` and `bad()`; `_flush` resyncs by default.
 */
export abstract class LineTransform<S extends LineStats> extends Transform {
  private readonly reader: LineReader;
  private readonly sink = {
    line: (text: string) => this.line(text),
    bad: (reason: 'overlong' | 'binary', bytes: number) => {
      this.stats.lines++;
      this.bad(reason, bytes);
    },
  };

  constructor(readonly stats: S, maxLineBytes: number | undefined) {
    super({ readableObjectMode: true });
    this.reader = new LineReader(maxLineBytes);
  }

  protected abstract line(text: string): void;
  protected abstract bad(reason: BadLineReason, bytes: number): void;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.reader.push(chunk, this.sink);
    cb();
  }

  override _flush(cb: TransformCallback): void {
    this.resync();
    cb();
  }

  /** Drops a partial line: call it when the port was lost and reopened. */
  resync(): void {
    if (this.reader.reset()) this.bad('truncated', 0);
  }
}
