import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';

/**
 * Streams bytes [start, end] (inclusive) of an open file, then closes it.
 *
 * Unlike fs.createReadStream, it starts reading the next block before handing the current
 * one on. A consumer that works synchronously on each block (decryption) would otherwise
 * leave the disk idle while it works and itself idle while the thread pool reads; with one
 * read always ahead, the two overlap. At most two blocks are buffered plus one in flight.
 */
export class FileRangeStream extends Readable {
  private readonly fh: FileHandle;
  private readonly end: number;
  private readonly block: number;
  private pos: number;
  private reading = false;

  constructor(fh: FileHandle, start: number, end: number, blockSize: number) {
    super({ highWaterMark: 2 * blockSize });
    this.fh = fh;
    this.pos = start;
    this.end = end;
    this.block = blockSize;
  }

  override _read(): void {
    if (!this.reading) this.readNext();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    // FileHandle.close waits for a read still in flight.
    this.fh.close().then(
      () => done(error),
      (closeError: unknown) => done(error ?? (closeError as Error)),
    );
  }

  private readNext(): void {
    const length = Math.min(this.block, this.end - this.pos + 1);
    if (length <= 0) {
      this.push(null);
      return;
    }
    this.reading = true;
    const buf = Buffer.allocUnsafeSlow(length);
    this.fh.read(buf, 0, length, this.pos).then(
      ({ bytesRead }) => {
        this.reading = false;
        if (this.destroyed) return;
        if (bytesRead === 0) {
          this.push(null); // the file shrank under us: end early, the reader sees fewer bytes
          return;
        }
        this.pos += bytesRead;
        if (this.pos <= this.end && this.readableLength + bytesRead < this.readableHighWaterMark) this.readNext();
        this.push(bytesRead === length ? buf : buf.subarray(0, bytesRead));
      },
      (e: unknown) => {
        this.reading = false;
        this.destroy(e as Error);
      },
    );
  }
}
