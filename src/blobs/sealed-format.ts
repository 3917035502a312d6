import { createCipheriv, createDecipheriv, type CipherGCM, type DecipherGCM, type KeyObject } from 'node:crypto';
import { tooLarge } from '../core/errors.js';

/*
 * Sealed object layout (all integers big-endian):
 *
 *   header  = "CVS1" | version (1 byte, 1) | plaintext chunk size (uint32)       9 bytes
 *   chunk i = AES-256-GCM ciphertext of plaintext bytes [i*C, min((i+1)*C, size)) | 16-byte tag
 *
 * Every chunk is exactly C plaintext bytes except the last, which holds the remainder
 * (0..C bytes; an empty object is one empty final chunk). The nonce of chunk i is
 * 0x00000000 | uint64(i): unique because every object has its own data key. The AAD of
 * chunk i is header | uint64(i) | final flag (1 for the last chunk, else 0), so a changed
 * header, reordered or spliced chunks, and truncation at a chunk boundary all fail to
 * authenticate.
 */

export const MAGIC = Buffer.from('CVS1', 'ascii');
export const VERSION = 1;
export const HEADER_BYTES = 9;
export const TAG_BYTES = 16;
export const DEFAULT_CHUNK_SIZE = 64 * 1024;
export const MIN_CHUNK_SIZE = 16;
export const MAX_CHUNK_SIZE = 64 * 1024 * 1024;

export function headerFor(chunkSize: number): Buffer {
  const h = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(h, 0);
  h.writeUInt8(VERSION, 4);
  h.writeUInt32BE(chunkSize, 5);
  return h;
}

export function isValidChunkSize(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= MIN_CHUNK_SIZE && n <= MAX_CHUNK_SIZE;
}

/**
 * Makes the per-chunk GCM contexts of one object. OpenSSL copies the nonce and consumes the
 * AAD at once, so one scratch buffer of each serves every chunk (this runs per 64 KiB).
 */
export class ChunkCrypto {
  private readonly key: KeyObject;
  private readonly nonce = Buffer.alloc(12);
  private readonly aad = Buffer.alloc(HEADER_BYTES + 9);

  constructor(key: KeyObject, header: Buffer) {
    this.key = key;
    header.copy(this.aad, 0);
  }

  cipher(index: number, final: boolean): CipherGCM {
    this.prepare(index, final);
    const c = createCipheriv('aes-256-gcm', this.key, this.nonce, { authTagLength: TAG_BYTES });
    c.setAAD(this.aad);
    return c;
  }

  decipher(index: number, final: boolean): DecipherGCM {
    this.prepare(index, final);
    const d = createDecipheriv('aes-256-gcm', this.key, this.nonce, { authTagLength: TAG_BYTES });
    d.setAAD(this.aad);
    return d;
  }

  /** nonce = 0x00000000 | uint64(index); aad = header | uint64(index) | final flag */
  private prepare(index: number, final: boolean): void {
    const high = Math.floor(index / 0x1_0000_0000);
    const low = index >>> 0;
    this.nonce.writeUInt32BE(high, 4);
    this.nonce.writeUInt32BE(low, 8);
    this.aad.writeUInt32BE(high, HEADER_BYTES);
    this.aad.writeUInt32BE(low, HEADER_BYTES + 4);
    this.aad[HEADER_BYTES + 8] = final ? 1 : 0;
  }
}

/** Where each chunk of an object of `size` plaintext bytes sits in the stored bytes. */
export class SealedLayout {
  readonly chunkCount: number;

  constructor(
    readonly size: number,
    readonly chunkSize: number,
  ) {
    this.chunkCount = Math.max(1, Math.ceil(size / chunkSize));
  }

  plainLength(index: number): number {
    return index < this.chunkCount - 1 ? this.chunkSize : this.size - (this.chunkCount - 1) * this.chunkSize;
  }

  recordOffset(index: number): number {
    return HEADER_BYTES + index * (this.chunkSize + TAG_BYTES);
  }

  get storedSize(): number {
    return HEADER_BYTES + this.size + this.chunkCount * TAG_BYTES;
  }
}

/**
 * Encrypts a plaintext stream chunk by chunk. A chunk is only sealed once more input shows
 * it is not the last (or the input ends), so memory stays at about one chunk plus one
 * input buffer. `onPlain` sees every plaintext byte in order, exactly as encrypted.
 */
export async function* sealChunks(
  source: AsyncIterable<Buffer>,
  dataKey: KeyObject,
  chunkSize: number,
  maxBytes: number,
  onPlain: (piece: Buffer) => void,
): AsyncGenerator<Buffer> {
  const header = headerFor(chunkSize);
  const chunks = new ChunkCrypto(dataKey, header);
  yield header;
  const pending: Buffer[] = [];
  let pendingBytes = 0;
  let total = 0;
  let index = 0;

  function* sealNext(length: number, final: boolean): Generator<Buffer> {
    const cipher = chunks.cipher(index++, final);
    let need = length;
    while (need > 0) {
      const head = pending[0] as Buffer;
      const piece = head.length <= need ? head : head.subarray(0, need);
      if (piece === head) pending.shift();
      else pending[0] = head.subarray(need);
      need -= piece.length;
      pendingBytes -= piece.length;
      onPlain(piece);
      yield cipher.update(piece);
    }
    cipher.final();
    yield cipher.getAuthTag();
  }

  for await (const buf of source) {
    if (buf.length === 0) continue;
    total += buf.length;
    if (total > maxBytes) throw tooLarge(`Upload exceeds the limit of ${maxBytes} bytes`);
    pending.push(buf);
    pendingBytes += buf.length;
    while (pendingBytes > chunkSize) yield* sealNext(chunkSize, false);
  }
  yield* sealNext(pendingBytes, true);
}
