import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { VaultError, invalid } from '../core/errors.js';
import type { MediaFile, MediaKind } from '../core/model.js';
import type { SealedBlobs } from '../blobs/index.js';
import type { MediaSecret, MetadataStore } from '../store/port.js';
import { startProbe, type RawHint } from '../media/probe.js';
import { HeadCollector, declaredWavLength } from '../media/wav-header.js';

export interface MediaHints {
  kind?: MediaKind;
  declaredType?: string;
  raw?: RawHint;
  fileName?: string;
  startTime?: string;
  stopTime?: string;
  pauseMasks?: Array<{ startMs: number; endMs: number }>;
  channelRoles?: string[];
}

export interface IntakeLimits { maxMediaBytes: number; probeTimeoutMs: number }

/** What one streamed media file became: its public description and the secret to read it back. */
export interface IngestedMedia { file: MediaFile; secret: MediaSecret }

/** Each write gets its own key (a random suffix), so a replay can never overwrite stored evidence. */
export function blobKeyFor(accountId: string, recordingId: string, mediaId: string): string {
  return `media/${accountId}/${recordingId}/${mediaId}.${randomBytes(6).toString('hex')}`;
}

/**
 * Streams one media file once: every chunk goes both to the encryptor (which hashes it) and to
 * ffprobe. Memory is bounded by the streams' buffers. The blob is registered as pending before
 * the first byte, so a crash at any point leaves something the next boot can sweep.
 */
export class MediaIntake {
  constructor(
    private readonly store: MetadataStore,
    private readonly sealed: SealedBlobs,
    private readonly tools: { ffprobe: string },
    private readonly limits: IntakeLimits,
    /** This process's id, recorded with every blob it starts writing. */
    private readonly nodeId: string,
  ) {}

  async ingest(accountId: string, recordingId: string, mediaId: string, source: Readable, hints: MediaHints): Promise<IngestedMedia> {
    const blobKey = blobKeyFor(accountId, recordingId, mediaId);
    // The probe checks the uploader's hints first (it throws on bad ones), before anything is written.
    const probe = startProbe(this.tools, {
      ...(hints.raw ? { raw: hints.raw } : {}),
      ...(hints.declaredType ? { declaredType: hints.declaredType } : {}),
      timeoutMs: this.limits.probeTimeoutMs,
    });
    probe.result.catch(() => undefined);
    try {
      await this.store.addPendingBlob(blobKey, this.nodeId);
    } catch (err) {
      probe.sink.destroy();
      throw err;
    }
    const toSeal = new PassThrough({ highWaterMark: 256 * 1024 });
    const sealing = this.sealed.seal(blobKey, toSeal, { maxBytes: this.limits.maxMediaBytes });
    // Whichever side fails first stops the copy loop at once.
    let stop: ((err: unknown) => void) | undefined;
    const failed = new Promise<never>((_, reject) => { stop = reject; });
    failed.catch(() => undefined);
    sealing.catch((err: unknown) => stop?.(err));
    probe.result.catch((err: unknown) => stop?.(err));
    const head = new HeadCollector();
    try {
      for await (const chunk of fromUploader(source)) {
        head.add(chunk);
        await write(toSeal, chunk as Buffer, failed);
        await write(probe.sink, chunk as Buffer, failed);
      }
      toSeal.end();
      probe.sink.end();
      const [info, facts] = await Promise.all([sealing, probe.result]);
      const promised = declaredWavLength(head.bytes);
      if (promised !== undefined && info.size < promised) {
        throw invalid(`media '${hints.fileName ?? mediaId}' is truncated: its WAV header promises ${promised} bytes but ${info.size} arrived`);
      }
      const file: MediaFile = {
        id: mediaId,
        kind: hints.kind ?? facts.kind,
        mimeType: facts.mimeType,
        codec: facts.codec,
        container: facts.container,
        channels: facts.channels,
        sampleRate: facts.sampleRate,
        durationMs: facts.durationMs,
        size: info.size,
        sha256: info.sha256,
        ...(hints.fileName ? { fileName: hints.fileName } : {}),
        ...(hints.startTime ? { startTime: hints.startTime } : {}),
        ...(hints.stopTime ? { stopTime: hints.stopTime } : {}),
        ...(hints.pauseMasks?.length ? { pauseMasks: hints.pauseMasks } : {}),
        ...(hints.channelRoles?.length ? { channelRoles: hints.channelRoles } : {}),
        status: 'available',
        createdAt: new Date().toISOString(),
      };
      return {
        file,
        secret: { mediaId, blobKey, size: info.size, sha256: info.sha256, chunkSize: info.chunkSize, wrappedKey: info.wrappedKey, keyId: info.keyId },
      };
    } catch (err) {
      toSeal.destroy();
      probe.sink.destroy();
      source.resume();
      await sealing.catch(() => undefined);
      await probe.result.catch(() => undefined);
      await this.discard([blobKey]);
      if (isEmptyRefusal(err)) throw invalid(`media '${hints.fileName ?? mediaId}' is empty`);
      throw err;
    }
  }

  /** Removes blobs that will never be recorded (failed upload, lost idempotency race, duplicate). */
  async discard(blobKeys: string[]): Promise<void> {
    for (const key of blobKeys) {
      await this.sealed.delete(key).catch(() => undefined);
      await this.store.removePendingBlob(key);
    }
  }
}

/** Errors of the incoming stream are the uploader's (aborted, truncated), not the server's. */
async function* fromUploader(source: Readable): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of source) yield chunk as Buffer;
  } catch (err) {
    if (err instanceof VaultError) throw err;
    throw invalid(`the upload ended before the media was complete (${(err as Error).message})`);
  }
}

async function write(w: Writable, chunk: Buffer, failed: Promise<never>): Promise<void> {
  if (!w.write(chunk)) await Promise.race([once(w, 'drain'), failed]);
}

function isEmptyRefusal(err: unknown): boolean {
  return err instanceof Error && /empty/i.test(err.message) && (err as { code?: string }).code === 'UNSUPPORTED_MEDIA_TYPE';
}
