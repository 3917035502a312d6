import type { DecipherGCM, KeyObject } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ErrorCode, VaultError } from '../core/errors.js';
import { ChunkCrypto, HEADER_BYTES, TAG_BYTES, headerFor, type SealedLayout } from './sealed-format.js';

export interface OpenPlan {
  /** The blob key, for error messages. */
  key: string;
  dataKey: KeyObject;
  layout: SealedLayout;
  firstChunk: number;
  lastChunk: number;
  /** True when the stored bytes start at the header rather than at firstChunk. */
  withHeader: boolean;
  /** Plaintext bytes to drop from the start of firstChunk, then the number to emit. */
  skip: number;
  take: number;
}

const corrupt = (key: string, why: string) =>
  new VaultError(ErrorCode.INTERNAL_SERVER_ERROR, `Sealed blob ${key} is corrupt or was tampered with: ${why}`);

/**
 * Turns the stored bytes of chunks firstChunk..lastChunk into exactly the planned plaintext.
 * Stored bytes arrive in arbitrary pieces; ciphertext is fed to the decipher as it comes
 * (no reassembly copies) but a chunk's plaintext is released only after its tag verifies,
 * so nothing unauthenticated reaches the reader. Bytes past lastChunk, or too few bytes,
 * are errors.
 */
export class OpenTransform extends Transform {
  private readonly plan: OpenPlan;
  private readonly header: Buffer;
  private readonly crypto: ChunkCrypto;
  private headerLeft: number;
  private index: number;
  private toSkip: number;
  private toEmit: number;
  private decipher: DecipherGCM;
  private cipherLeft: number;
  private readonly tag = Buffer.alloc(TAG_BYTES);
  private tagFill = 0;
  private plain: Buffer[] = [];

  constructor(plan: OpenPlan) {
    // Lets decryption run a few chunks ahead of the consumer.
    super({ readableHighWaterMark: 256 * 1024 });
    this.plan = plan;
    this.header = headerFor(plan.layout.chunkSize);
    this.crypto = new ChunkCrypto(plan.dataKey, this.header);
    this.headerLeft = plan.withHeader ? HEADER_BYTES : 0;
    this.index = plan.firstChunk;
    this.toSkip = plan.skip;
    this.toEmit = plan.take;
    this.decipher = this.startChunk(plan.firstChunk);
    this.cipherLeft = plan.layout.plainLength(plan.firstChunk);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.consume(chunk);
      done();
    } catch (e) {
      done(e as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    if (this.headerLeft > 0 || this.index <= this.plan.lastChunk) {
      done(corrupt(this.plan.key, `stored object is truncated (ends in chunk ${this.index})`));
    } else {
      done();
    }
  }

  private startChunk(i: number): DecipherGCM {
    return this.crypto.decipher(i, i === this.plan.layout.chunkCount - 1);
  }

  private consume(buf: Buffer): void {
    let at = 0;
    while (at < buf.length) {
      if (this.headerLeft > 0) {
        const n = Math.min(this.headerLeft, buf.length - at);
        const offset = HEADER_BYTES - this.headerLeft;
        if (!buf.subarray(at, at + n).equals(this.header.subarray(offset, offset + n))) {
          throw corrupt(this.plan.key, 'bad header');
        }
        this.headerLeft -= n;
        at += n;
      } else if (this.index > this.plan.lastChunk) {
        throw corrupt(this.plan.key, 'unexpected bytes after the final chunk');
      } else if (this.cipherLeft > 0) {
        const n = Math.min(this.cipherLeft, buf.length - at);
        this.plain.push(this.decipher.update(n === buf.length ? buf : buf.subarray(at, at + n)));
        this.cipherLeft -= n;
        at += n;
      } else {
        const n = Math.min(TAG_BYTES - this.tagFill, buf.length - at);
        buf.copy(this.tag, this.tagFill, at, at + n);
        this.tagFill += n;
        at += n;
        if (this.tagFill === TAG_BYTES) this.finishChunk();
      }
    }
  }

  private finishChunk(): void {
    this.decipher.setAuthTag(this.tag);
    try {
      this.decipher.final();
    } catch {
      throw corrupt(this.plan.key, `chunk ${this.index} failed authentication`);
    }
    for (let piece of this.plain) {
      if (this.toSkip >= piece.length) {
        this.toSkip -= piece.length;
        continue;
      }
      if (this.toSkip > 0) {
        piece = piece.subarray(this.toSkip);
        this.toSkip = 0;
      }
      if (piece.length > this.toEmit) piece = piece.subarray(0, this.toEmit);
      this.toEmit -= piece.length;
      if (piece.length > 0) this.push(piece);
    }
    this.plain = [];
    this.index++;
    if (this.index <= this.plan.lastChunk) {
      this.decipher = this.startChunk(this.index);
      this.cipherLeft = this.plan.layout.plainLength(this.index);
      this.tagFill = 0; // setAuthTag copied the last tag, so its buffer can be reused
    }
  }
}
