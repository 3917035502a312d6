import { createHash, createSecretKey, randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream';
import { ErrorCode, VaultError } from '../core/errors.js';
import type { KeyRing, WrappedKey } from './keyring.js';
import { assertValidKey, bufferChunks, guardBody, resolveRange, type BlobBody, type BlobStore, type ByteRange } from './port.js';
import {
  DEFAULT_CHUNK_SIZE,
  MAX_CHUNK_SIZE,
  MIN_CHUNK_SIZE,
  SealedLayout,
  TAG_BYTES,
  isValidChunkSize,
  sealChunks,
} from './sealed-format.js';
import { OpenTransform, type OpenPlan } from './sealed-open.js';

/** What the metadata store keeps about a sealed object; all of it is needed to read it back. */
export interface SealedInfo {
  /** Plaintext bytes. */
  size: number;
  /** Hex SHA-256 of the plaintext. */
  sha256: string;
  wrappedKey: string;
  keyId: string;
  chunkSize: number;
  /** Bytes actually held by the blob store (header + ciphertext + tags). */
  storedSize: number;
}

export type OpenInfo = Pick<SealedInfo, 'size' | 'wrappedKey' | 'keyId' | 'chunkSize'>;

const internal = (message: string, cause?: unknown) =>
  new VaultError(ErrorCode.INTERNAL_SERVER_ERROR, message, cause === undefined ? undefined : { cause });

/**
 * Envelope encryption between the core and a BlobStore: every object is sealed with its own
 * random data key in fixed-size AES-256-GCM chunks (format in sealed-format.ts), and the
 * data key is kept only wrapped by a master key. Erasing the wrapped key erases the object.
 */
export class SealedBlobs {
  readonly chunkSize: number;
  private readonly store: BlobStore;
  private readonly keys: KeyRing;

  constructor(store: BlobStore, keys: KeyRing, opts: { chunkSize?: number } = {}) {
    const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
    if (!isValidChunkSize(chunkSize)) {
      throw new RangeError(`chunkSize must be an integer from ${MIN_CHUNK_SIZE} to ${MAX_CHUNK_SIZE}`);
    }
    this.store = store;
    this.keys = keys;
    this.chunkSize = chunkSize;
  }

  /**
   * Streams plaintext through SHA-256 and encryption into the store. Memory stays at a few
   * chunks whatever the size. Past `maxBytes` it fails with PAYLOAD_TOO_LARGE; on any
   * failure (including the source erroring) nothing is stored and the error propagates.
   */
  async seal(key: string, plaintext: BlobBody, opts: { maxBytes?: number } = {}): Promise<SealedInfo> {
    guardBody(plaintext);
    assertValidKey(key);
    const maxBytes = opts.maxBytes ?? Number.POSITIVE_INFINITY;
    if (!(maxBytes >= 0)) throw new RangeError('maxBytes must be a non-negative number');
    const dataKey = randomBytes(32);
    try {
      const wrapped = this.keys.wrap(dataKey);
      const hash = createHash('sha256');
      let size = 0;
      const body = sealChunks(bufferChunks(plaintext), createSecretKey(dataKey), this.chunkSize, maxBytes, (piece) => {
        hash.update(piece);
        size += piece.length;
      });
      const { size: stored } = await this.store.put(key, body);
      const layout = new SealedLayout(size, this.chunkSize);
      if (stored !== layout.storedSize) {
        await this.store.delete(key);
        throw internal(`Sealed blob ${key} stored ${stored} bytes, expected ${layout.storedSize}`);
      }
      return { size, sha256: hash.digest('hex'), ...wrapped, chunkSize: this.chunkSize, storedSize: stored };
    } finally {
      dataKey.fill(0);
    }
  }

  /**
   * Returns the plaintext (or exactly the bytes of `range`, inclusive, end clamped to the
   * object) reading and decrypting only the chunks that cover it. Missing object:
   * RESOURCE_NOT_FOUND; range past the end: RANGE_NOT_SATISFIABLE; tampered or truncated
   * data: the stream errors with INTERNAL_SERVER_ERROR, before any unauthenticated byte.
   */
  async open(key: string, info: OpenInfo, range?: ByteRange): Promise<NodeJS.ReadableStream> {
    const { size, chunkSize } = info;
    if (!Number.isSafeInteger(size) || size < 0 || !isValidChunkSize(chunkSize)) {
      throw internal(`Sealed blob ${key} has invalid metadata (size ${size}, chunkSize ${chunkSize})`);
    }
    const layout = new SealedLayout(size, chunkSize);
    let plan: Omit<OpenPlan, 'dataKey'>;
    let storedRange: ByteRange | undefined;
    if (range === undefined) {
      plan = { key, layout, firstChunk: 0, lastChunk: layout.chunkCount - 1, withHeader: true, skip: 0, take: size };
    } else {
      const r = resolveRange(range, size);
      const firstChunk = Math.floor(r.start / chunkSize);
      const lastChunk = Math.floor(r.end / chunkSize);
      const withHeader = firstChunk === 0; // a few extra bytes buy a header check
      plan = { key, layout, firstChunk, lastChunk, withHeader, skip: r.start - firstChunk * chunkSize, take: r.end - r.start + 1 };
      storedRange = {
        start: withHeader ? 0 : layout.recordOffset(firstChunk),
        end: layout.recordOffset(lastChunk) + layout.plainLength(lastChunk) + TAG_BYTES - 1,
      };
    }

    const rawKey = this.keys.unwrap(info.wrappedKey, info.keyId);
    const dataKey = createSecretKey(rawKey);
    rawKey.fill(0);
    let source: NodeJS.ReadableStream;
    try {
      source = await this.store.get(key, storedRange);
    } catch (e) {
      // The metadata says the range exists, so a store that disagrees holds a truncated object.
      if (e instanceof VaultError && e.code === ErrorCode.RANGE_NOT_SATISFIABLE) {
        throw internal(`Sealed blob ${key} is corrupt or was tampered with: stored object is truncated`, e);
      }
      throw e;
    }
    const plaintext = new OpenTransform({ ...plan, dataKey });
    // Errors on either side end up on `plaintext`; destroying it early closes the source.
    pipeline(source, plaintext, ignore);
    return plaintext;
  }

  /** Re-wraps a data key with the current master key (for rotation); media is untouched. */
  rewrap(info: WrappedKey): WrappedKey {
    const dataKey = this.keys.unwrap(info.wrappedKey, info.keyId);
    try {
      return this.keys.wrap(dataKey);
    } finally {
      dataKey.fill(0);
    }
  }

  delete(key: string): Promise<void> {
    return this.store.delete(key);
  }
}

const ignore = () => undefined;
