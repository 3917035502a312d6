import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { createDeflateRaw, crc32 } from 'node:zlib';

/** The classic ZIP format's limits (no ZIP64): 4 GiB per size or offset, 65,535 entries. */
export const ZIP_MAX_BYTES = 0xffff_ffff;
export const ZIP_MAX_ENTRIES = 0xffff;

/** Bit 3: sizes and CRC follow the data (a data descriptor), so entries stream; bit 11: UTF-8 names. */
const FLAGS = 0x0808;
const DEFLATE = 8;
const VERSION = 20;

interface Entry { name: Buffer; crc: number; size: number; csize: number; offset: number; time: number; date: number }

export class ZipLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipLimitError';
  }
}

/** MS-DOS time and date fields (two-second resolution, local fields written as UTC). */
function dosTime(d: Date): { time: number; date: number } {
  const year = Math.max(1980, d.getUTCFullYear());
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

/**
 * A streaming ZIP writer: entries are deflated as they are added and written to `stream`
 * straight away (memory stays at a few chunks whatever the sizes), each followed by a data
 * descriptor; the central directory goes at the end. Writes wait for the reader (backpressure).
 * Entries are added one at a time (await each add before the next).
 */
export class ZipWriter {
  readonly stream = new PassThrough();
  private readonly entries: Entry[] = [];
  private offset = 0;

  constructor() {
    // A closed stream's error reaches the writer through its failing writes (throwIfClosed) and
    // the reader through its own listeners; it must not also crash the process when neither listens.
    this.stream.on('error', () => undefined);
  }

  private async write(chunk: Buffer): Promise<void> {
    if (this.offset + chunk.length > ZIP_MAX_BYTES) throw new ZipLimitError('the archive would be larger than 4 GiB');
    // The reader gave up (sealing failed, the job was stopped): nothing will ever drain.
    this.throwIfClosed();
    this.offset += chunk.length;
    if (this.stream.write(chunk)) return;
    // Wait for the reader, or for the stream to close without it (a 'drain' that never comes).
    await new Promise<void>((resolve) => {
      const done = () => {
        this.stream.off('drain', done).off('close', done).off('error', done);
        resolve();
      };
      this.stream.on('drain', done).on('close', done).on('error', done);
    });
    this.throwIfClosed();
  }

  /** Fails with why the stream closed (the sealing error given to abort), if it did. */
  private throwIfClosed(): void {
    if (!this.stream.destroyed) return;
    throw this.stream.errored ?? new Error('the archive stream was closed before the archive was finished');
  }

  addBuffer(name: string, data: Buffer | string, at = new Date()): Promise<void> {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    return this.addStream(name, [buf], at);
  }

  async addStream(name: string, source: AsyncIterable<Uint8Array> | Iterable<Uint8Array> | NodeJS.ReadableStream, at = new Date()): Promise<void> {
    try {
      await this.addEntry(name, source, at);
    } catch (err) {
      // Whatever failed, stop reading the source (an open media stream holds a file).
      (source as { destroy?: (e?: Error) => void }).destroy?.();
      throw err;
    }
  }

  private async addEntry(name: string, source: AsyncIterable<Uint8Array> | Iterable<Uint8Array> | NodeJS.ReadableStream, at: Date): Promise<void> {
    if (this.entries.length >= ZIP_MAX_ENTRIES) throw new ZipLimitError('the archive would hold more than 65,535 files');
    const nameBuf = Buffer.from(name, 'utf8');
    const { time, date } = dosTime(at);
    const entry: Entry = { name: nameBuf, crc: 0, size: 0, csize: 0, offset: this.offset, time, date };
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(VERSION, 4);
    header.writeUInt16LE(FLAGS, 6);
    header.writeUInt16LE(DEFLATE, 8);
    header.writeUInt16LE(time, 10);
    header.writeUInt16LE(date, 12);
    // CRC and sizes (14..25) stay 0: the data descriptor carries them.
    header.writeUInt16LE(nameBuf.length, 26);
    header.writeUInt16LE(0, 28);
    await this.write(Buffer.concat([header, nameBuf]));

    // Audio barely compresses: the fastest level keeps the CPU cost low.
    const deflate = createDeflateRaw({ level: 1 });
    const pump = (async () => {
      for await (const chunk of source as AsyncIterable<Uint8Array>) {
        const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
        entry.crc = crc32(b, entry.crc);
        entry.size += b.length;
        if (entry.size > ZIP_MAX_BYTES) throw new ZipLimitError(`${name} is larger than 4 GiB`);
        if (!deflate.write(b)) await once(deflate, 'drain');
      }
      deflate.end();
    })();
    pump.catch((err: unknown) => deflate.destroy(err as Error));
    try {
      for await (const out of deflate as AsyncIterable<Buffer>) {
        entry.csize += out.length;
        await this.write(out);
      }
      await pump;
    } catch (err) {
      deflate.destroy();
      throw err;
    }
    const desc = Buffer.alloc(16);
    desc.writeUInt32LE(0x08074b50, 0);
    desc.writeUInt32LE(entry.crc >>> 0, 4);
    desc.writeUInt32LE(entry.csize, 8);
    desc.writeUInt32LE(entry.size, 12);
    await this.write(desc);
    this.entries.push(entry);
  }

  /** Writes the central directory and ends the stream. */
  async finish(): Promise<void> {
    const start = this.offset;
    for (const e of this.entries) {
      const h = Buffer.alloc(46);
      h.writeUInt32LE(0x02014b50, 0);
      h.writeUInt16LE(VERSION, 4);
      h.writeUInt16LE(VERSION, 6);
      h.writeUInt16LE(FLAGS, 8);
      h.writeUInt16LE(DEFLATE, 10);
      h.writeUInt16LE(e.time, 12);
      h.writeUInt16LE(e.date, 14);
      h.writeUInt32LE(e.crc >>> 0, 16);
      h.writeUInt32LE(e.csize, 20);
      h.writeUInt32LE(e.size, 24);
      h.writeUInt16LE(e.name.length, 28);
      // Extra and comment lengths, disk number, attributes: 0.
      h.writeUInt32LE(e.offset, 42);
      await this.write(Buffer.concat([h, e.name]));
    }
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(this.offset - start, 12);
    end.writeUInt32LE(start, 16);
    await this.write(end);
    this.stream.end();
  }

  /** Stops the archive (the reader sees the error); pending writes fail. */
  abort(err: Error): void {
    this.stream.destroy(err);
  }
}
