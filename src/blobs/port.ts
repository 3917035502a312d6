import { ErrorCode, VaultError, invalid } from '../core/errors.js';

/** A byte range with an inclusive end, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  start: number;
  end: number;
}

/** What a blob body may be: a Node stream or any async iterable of bytes. */
export type BlobBody = AsyncIterable<Uint8Array> | NodeJS.ReadableStream;

/**
 * The media storage port. Every backend (disk now, S3 later) implements exactly this and
 * passes test/conformance/blob-store.ts, so callers never learn which one they are on.
 *
 * Shared rules every adapter follows:
 * - keys are checked with `assertValidKey` (INVALID_REQUEST otherwise);
 * - a read of a missing key is RESOURCE_NOT_FOUND;
 * - ranges are resolved with `resolveRange`: an end past the object is clamped, a start at
 *   or past the end of the object is RANGE_NOT_SATISFIABLE;
 * - `list` yields keys in ascending byte order, `prefix` is a plain string prefix.
 */
export interface BlobStore {
  readonly kind: string;
  /** Creates folders; called once at boot. */
  init(): Promise<void>;
  /**
   * Removes leftovers of interrupted writes made by writers that are gone. `isLive(writerId)`
   * tells whether the process that began a write still runs; the store's own writer id is
   * set with `setWriterId`. Safe to call while other processes write to the same store.
   */
  sweepInterrupted(isLive: (writerId: string) => boolean): Promise<number>;
  setWriterId(id: string): void;
  /** Atomic: the object is visible only once complete; on error or abort nothing is left. */
  put(key: string, body: BlobBody): Promise<{ size: number }>;
  get(key: string, range?: ByteRange): Promise<NodeJS.ReadableStream>;
  head(key: string): Promise<{ size: number } | null>;
  /** Idempotent: deleting a missing key succeeds. */
  delete(key: string): Promise<void>;
  list(prefix: string): AsyncIterable<string>;
}

/** S3's limit, so a key valid here is valid on every backend. */
export const MAX_KEY_LENGTH = 1024;

// A segment may not start with a dot: that rules out `.` and `..` and leaves dot-names
// (such as the disk adapter's `.tmp`) free for the adapters' own bookkeeping.
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;
const PARTIAL_SEGMENT = /^[A-Za-z0-9_.-]*$/;

/** Throws INVALID_REQUEST unless `key` is `/`-separated `[A-Za-z0-9_.-]` segments. */
export function assertValidKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH) {
    throw invalid('Blob key must be a non-empty string of at most 1024 characters', { key });
  }
  for (const segment of key.split('/')) {
    if (!SEGMENT.test(segment)) {
      throw invalid('Blob key must be segments of [A-Za-z0-9_.-] separated by "/", none empty or starting with "."', {
        key,
      });
    }
  }
}

/**
 * Checks a list prefix: whole segments follow the key rules, the last (possibly partial)
 * segment only the character set. Returns the whole segments and the partial tail.
 */
export function splitListPrefix(prefix: unknown): { dirs: string[]; partial: string } {
  if (typeof prefix !== 'string' || prefix.length > MAX_KEY_LENGTH) {
    throw invalid('List prefix must be a string of at most 1024 characters', { prefix });
  }
  const parts = prefix.split('/');
  const partial = parts.pop() ?? '';
  if (!PARTIAL_SEGMENT.test(partial) || !parts.every((s) => SEGMENT.test(s))) {
    throw invalid('List prefix must be a key prefix made of [A-Za-z0-9_.-] segments', { prefix });
  }
  return { dirs: parts, partial };
}

/**
 * Turns a requested range into the inclusive range actually served for an object of `size`
 * bytes: the end is clamped to the last byte; a start past the end cannot be served.
 */
export function resolveRange(range: ByteRange, size: number): ByteRange {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw invalid('Byte range must be integers with 0 <= start <= end', { start, end });
  }
  if (start >= size) {
    throw new VaultError(ErrorCode.RANGE_NOT_SATISFIABLE, `Range start ${start} is past the end of a ${size}-byte object`, {
      details: { start, end, size },
    });
  }
  return { start, end: Math.min(end, size - 1) };
}

/**
 * A Node stream that errors before anyone iterates it (say, while the adapter is still
 * opening its temp file) would crash the process for want of an 'error' listener. Adapters
 * call this synchronously on entry; iterating the stream later still raises the error.
 */
export function guardBody(body: BlobBody): void {
  const stream = body as Partial<NodeJS.ReadableStream>;
  if (typeof stream.on === 'function' && typeof stream.pipe === 'function') stream.on('error', ignore);
}

const ignore = () => undefined;

/** Yields a body's chunks as Buffers without copying (strings, from an encoded stream, as UTF-8). */
export async function* bufferChunks(body: BlobBody): AsyncGenerator<Buffer> {
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
    if (typeof chunk === 'string') yield Buffer.from(chunk, 'utf8');
    else if (Buffer.isBuffer(chunk)) yield chunk;
    else yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
}
