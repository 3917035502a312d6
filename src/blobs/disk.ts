import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, rmdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ErrorCode, VaultError, notFound } from '../core/errors.js';
import { FileRangeStream } from './file-range-stream.js';
import {
  assertValidKey,
  bufferChunks,
  guardBody,
  resolveRange,
  splitListPrefix,
  type BlobBody,
  type BlobStore,
  type ByteRange,
} from './port.js';

const FILE_MODE = 0o600;
const DIR_MODE = 0o700;
const TMP_DIR = '.tmp';
/** Writes are gathered up to this many bytes (or buffers) per writev call. */
const WRITE_BATCH_BYTES = 1 << 20;
const WRITE_BATCH_BUFFERS = 256;
/**
 * Read block size for long reads. fs streams default to 64 KiB, where a page-cached file is
 * limited by one thread-pool round trip per block; 256 KiB reads about twice as fast.
 */
const DEFAULT_READ_BLOCK = 256 * 1024;
/** Reads up to this size (typical player range requests) are done in a single read. */
const SINGLE_READ_MAX = 2 * 1024 * 1024;

const errno = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | null)?.code;

/**
 * Blobs as files under `root`, one file per key. A write goes to `<root>/.tmp/<random>`, is
 * fsynced and renamed into place, so readers only ever see complete objects.
 *
 * Temp files are named `<writerId>~<random>`, so `sweepInterrupted` removes only the
 * leftovers of writers that are gone, never another live process's uploads in flight.
 */
export class DiskBlobStore implements BlobStore {
  readonly kind = 'disk';
  readonly root: string;
  private readonly tmpDir: string;
  private readonly readBlock: number;

  constructor(root: string, opts: { readBlockSize?: number } = {}) {
    this.root = resolve(root);
    this.tmpDir = join(this.root, TMP_DIR);
    this.readBlock = opts.readBlockSize ?? DEFAULT_READ_BLOCK;
  }

  private writerId = 'w';

  setWriterId(id: string): void {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new RangeError('writer id must be 1-64 of [A-Za-z0-9_-]');
    this.writerId = id;
  }

  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: DIR_MODE });
    await mkdir(this.tmpDir, { recursive: true, mode: DIR_MODE });
  }

  async sweepInterrupted(isLive: (writerId: string) => boolean): Promise<number> {
    let removed = 0;
    let names: string[];
    try {
      names = await readdir(this.tmpDir);
    } catch (e) {
      if (errno(e) === 'ENOENT') return 0;
      throw e;
    }
    for (const name of names) {
      const sep = name.indexOf('~');
      const writer = sep > 0 ? name.slice(0, sep) : '';
      if (writer === this.writerId || (writer !== '' && isLive(writer))) continue;
      await rm(join(this.tmpDir, name), { recursive: true, force: true });
      removed++;
    }
    return removed;
  }

  async put(key: string, body: BlobBody): Promise<{ size: number }> {
    guardBody(body);
    const dest = this.pathOf(key);
    const tmp = join(this.tmpDir, `${this.writerId}~${randomBytes(12).toString('hex')}`);
    let size: number;
    try {
      const fh = await this.openTemp(tmp);
      try {
        size = await writeAll(fh, body);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await this.moveIntoPlace(tmp, dest, key);
    } catch (e) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw e;
    }
    return { size };
  }

  async get(key: string, range?: ByteRange): Promise<NodeJS.ReadableStream> {
    const path = this.pathOf(key);
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (e) {
      throw missingOr(e, key);
    }
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw notFound(`Blob ${key}`);
      // Reading through the handle we already hold keeps a concurrent delete or overwrite
      // from switching files under us mid-stream. The stream closes the handle.
      const r = range === undefined ? { start: 0, end: st.size - 1 } : resolveRange(range, st.size);
      const length = r.end - r.start + 1;
      const block = length <= SINGLE_READ_MAX ? Math.max(length, 1) : this.readBlock;
      return new FileRangeStream(fh, r.start, r.end, block);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  async head(key: string): Promise<{ size: number } | null> {
    const path = this.pathOf(key);
    try {
      const st = await stat(path);
      return st.isFile() ? { size: st.size } : null;
    } catch (e) {
      if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR') return null;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await unlink(path);
    } catch (e) {
      // A directory at this path is a key prefix, not an object: nothing to delete.
      if (!['ENOENT', 'ENOTDIR', 'EISDIR', 'EPERM'].includes(errno(e) ?? '')) throw e;
      return;
    }
    await this.pruneEmptyDirs(dirname(path));
  }

  async *list(prefix: string): AsyncIterable<string> {
    const { dirs, partial } = splitListPrefix(prefix);
    const base = dirs.length === 0 ? '' : `${dirs.join('/')}/`;
    yield* this.walk(join(this.root, ...dirs), base, partial);
  }

  private pathOf(key: string): string {
    assertValidKey(key);
    return join(this.root, ...key.split('/'));
  }

  private async openTemp(tmp: string): Promise<FileHandle> {
    try {
      return await open(tmp, 'wx', FILE_MODE);
    } catch (e) {
      if (errno(e) !== 'ENOENT') throw e;
      // init() was not called (or .tmp was removed by hand): recreate and retry once.
      await mkdir(this.tmpDir, { recursive: true, mode: DIR_MODE });
      return await open(tmp, 'wx', FILE_MODE);
    }
  }

  private async moveIntoPlace(tmp: string, dest: string, key: string): Promise<void> {
    const parent = dirname(dest);
    // A concurrent delete may prune the parent between mkdir and rename; retrying is enough.
    for (let attempt = 0; ; attempt++) {
      try {
        await mkdir(parent, { recursive: true, mode: DIR_MODE });
        await rename(tmp, dest);
        break;
      } catch (e) {
        const code = errno(e);
        if (code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST' || code === 'ENOTEMPTY') {
          throw new VaultError(ErrorCode.CONFLICT, `Blob key ${key} collides with an existing key used as a folder`, {
            cause: e,
          });
        }
        if (code !== 'ENOENT' || attempt >= 3) throw e;
      }
    }
    await fsyncDir(parent);
  }

  /** Removes folders emptied by a delete, so ids of erased recordings do not linger as names. */
  private async pruneEmptyDirs(dir: string): Promise<void> {
    while (dir.startsWith(this.root) && dir !== this.root) {
      try {
        await rmdir(dir);
      } catch {
        return; // not empty (or already gone, or raced with a put): stop here
      }
      dir = dirname(dir);
    }
  }

  private async *walk(dir: string, base: string, partial: string): AsyncGenerator<string> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR') return;
      throw e;
    }
    // Sorting folders as "name/" makes a depth-first walk come out in plain key order.
    const sorted = entries
      .filter((d) => !d.name.startsWith('.') && d.name.startsWith(partial) && (d.isFile() || d.isDirectory()))
      .map((d) => ({ name: d.name, isDir: d.isDirectory(), sortKey: d.isDirectory() ? `${d.name}/` : d.name }))
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    for (const entry of sorted) {
      if (entry.isDir) yield* this.walk(join(dir, entry.name), `${base}${entry.name}/`, '');
      else yield `${base}${entry.name}`;
    }
  }
}

function missingOr(e: unknown, key: string): unknown {
  const code = errno(e);
  return code === 'ENOENT' || code === 'ENOTDIR' ? new VaultError(ErrorCode.RESOURCE_NOT_FOUND, `Blob ${key} was not found`, { cause: e }) : e;
}

/** Streams a body into the file, batching small chunks into one writev; returns the byte count. */
async function writeAll(fh: FileHandle, body: BlobBody): Promise<number> {
  let size = 0;
  let batch: Buffer[] = [];
  let batchBytes = 0;
  const flush = async () => {
    let pending = batch;
    batch = [];
    batchBytes = 0;
    while (pending.length > 0) {
      let { bytesWritten } = await fh.writev(pending);
      // Short writes are rare on regular files but allowed; resume where the kernel stopped.
      const rest: Buffer[] = [];
      for (const b of pending) {
        if (bytesWritten >= b.length) bytesWritten -= b.length;
        else {
          rest.push(bytesWritten > 0 ? b.subarray(bytesWritten) : b);
          bytesWritten = 0;
        }
      }
      pending = rest;
    }
  };
  for await (const chunk of bufferChunks(body)) {
    if (chunk.length === 0) continue;
    size += chunk.length;
    batch.push(chunk);
    batchBytes += chunk.length;
    if (batchBytes >= WRITE_BATCH_BYTES || batch.length >= WRITE_BATCH_BUFFERS) await flush();
  }
  await flush();
  return size;
}

/** Makes a rename durable; some platforms cannot fsync a folder, which is harmless there. */
async function fsyncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // best effort
  } finally {
    await fh?.close();
  }
}
