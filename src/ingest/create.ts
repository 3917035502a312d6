import type { Readable } from 'node:stream';
import { ErrorCode, VaultError, invalid, notFound, conflict, readOnly } from '../core/errors.js';
import type { Principal } from '../core/principals.js';
import type { MediaFile, Recording } from '../core/model.js';
import { newRecording, overallMediaStatus, requireScope } from '../core/recordings.js';
import { canSee } from '../core/access.js';
import { RecordingInputSchema, type RecordingInputBody } from '../core/schemas.js';
import { validate } from '../core/validate.js';
import type { MetadataStore } from '../store/port.js';
import { newId } from '../auth/secrets.js';
import type { IngestedMedia, MediaHints, MediaIntake } from './intake.js';

/** One part of an upload, whatever the transport (multipart today; SIPREC and importers later). */
export type UploadPart =
  | { kind: 'metadata'; json: unknown }
  | { kind: 'media'; name: string; fileName?: string; contentType?: string; stream: Readable };

export interface CreateResult { recording: Recording; created: boolean }

const MEDIA_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Turns an upload into a stored recording, all or nothing: media are sealed as they stream,
 * the rows are written in one transaction, and on any failure every sealed blob is discarded.
 * Replays (same Idempotency-Key, or same call id and media hash) return the first recording.
 */
export class IngestService {
  constructor(
    private readonly store: MetadataStore,
    private readonly intake: MediaIntake,
    private readonly maxMediaPerUpload: number,
    /** Told when new media is stored (starts the processing pipeline); failures here never fail the upload. */
    private readonly onMediaStored: (accountId: string, recordingId: string) => Promise<void> = () => Promise.resolve(),
    /** Read-only mode (config `readOnly`): uploads are refused with READ_ONLY. */
    private readonly readOnly = false,
  ) {}

  private stored(accountId: string, recordingId: string): void {
    this.onMediaStored(accountId, recordingId).catch(() => undefined);
  }

  async existing(p: Principal, idempotencyKey: string): Promise<Recording | null> {
    // A replay answers a write: without the write scope it must not hand out the recording.
    requireScope(p, 'recordings:write');
    const id = await this.store.findByIdempotencyKey(p.accountId, idempotencyKey);
    if (!id) return null;
    const rec = await this.store.getRecording(p.accountId, id);
    if (!rec) throw conflict('the recording created with this Idempotency-Key has since been deleted; use a new key');
    if (!canSee(p, rec)) throw conflict('this Idempotency-Key was already used; use a new key');
    return rec;
  }

  async create(p: Principal, parts: AsyncIterable<UploadPart>, idempotencyKey?: string): Promise<CreateResult> {
    requireScope(p, 'recordings:write');
    if (this.readOnly) throw readOnly();
    const recordingId = newId('rec');
    const ingested: IngestedMedia[] = [];
    const seenParts: string[] = [];
    let input: RecordingInputBody | undefined;
    try {
      for await (const part of parts) {
        if (part.kind === 'metadata') {
          if (input) throw invalid('the upload has more than one metadata part');
          input = validate(RecordingInputSchema, part.json, 'metadata');
          const late = Object.keys(input.mediaInfo ?? {}).filter((k) => seenParts.includes(k));
          if (late.length) throw invalid(`'metadata' must come before the media it describes (mediaInfo names ${late.map((k) => `'${k}'`).join(', ')}, which came first)`, { field: 'mediaInfo' });
          continue;
        }
        if (ingested.length >= this.maxMediaPerUpload) throw invalid(`an upload may carry at most ${this.maxMediaPerUpload} media files`);
        seenParts.push(part.name, ...(part.fileName ? [part.fileName] : []));
        const info = input?.mediaInfo?.[part.name] ?? (part.fileName ? input?.mediaInfo?.[part.fileName] : undefined);
        const hints: MediaHints = {
          ...(part.contentType ? { declaredType: part.contentType } : {}),
          ...(part.fileName ? { fileName: part.fileName } : {}),
          ...(info?.kind ? { kind: info.kind } : {}),
          ...(info?.startTime ? { startTime: info.startTime } : {}),
          ...(info?.stopTime ? { stopTime: info.stopTime } : {}),
          ...(info?.pauseMasks ? { pauseMasks: info.pauseMasks } : {}),
          ...(info?.channelRoles ? { channelRoles: info.channelRoles } : {}),
          ...(info?.codec ? { raw: { codec: info.codec, ...(info.sampleRate ? { sampleRate: info.sampleRate } : {}), ...(info.channels ? { channels: info.channels } : {}) } } : {}),
        };
        ingested.push(await this.intake.ingest(p.accountId, recordingId, newId('med', 10), part.stream, hints));
      }
      if (!input) throw invalid("the upload has no 'metadata' part");
      const dup = await this.findDuplicate(p, input, ingested);
      if (dup) {
        await this.intake.discard(ingested.map((m) => m.secret.blobKey));
        if (idempotencyKey) await this.store.putIdempotencyKey(p.accountId, idempotencyKey, dup.id);
        return { recording: dup, created: false };
      }
      const now = new Date().toISOString();
      const rec = { ...newRecording(p.accountId, input, ingested.map((m) => m.file), p, now), id: recordingId };
      try {
        rec.numericId = await this.store.insertRecording(rec, ingested.map((m) => m.secret), idempotencyKey);
      } catch (err) {
        if (idempotencyKey && err instanceof VaultError && err.code === ErrorCode.CONFLICT) {
          // Lost a race with a concurrent replay of the same upload: answer with the winner.
          await this.intake.discard(ingested.map((m) => m.secret.blobKey));
          const winner = await this.existing(p, idempotencyKey);
          if (winner) return { recording: winner, created: false };
        }
        throw err;
      }
      if (rec.media.length) this.stored(p.accountId, rec.id);
      return { recording: rec, created: true };
    } catch (err) {
      await this.intake.discard(ingested.map((m) => m.secret.blobKey));
      throw err;
    }
  }

  private async findDuplicate(p: Principal, input: RecordingInputBody, media: IngestedMedia[]): Promise<Recording | null> {
    const ids = {
      ...(input.sysCallId ? { sysCallId: input.sysCallId } : {}),
      ...(input.sipCallId ? { sipCallId: input.sipCallId } : {}),
      ...(input.callUuid ? { callUuid: input.callUuid } : {}),
    };
    // A replay carries a call id of an existing recording and exactly the same media files.
    const first = media[0];
    if (!first) return null;
    const id = await this.store.findDuplicate(p.accountId, ids, first.file.sha256);
    const candidate = id ? await this.store.getRecording(p.accountId, id) : null;
    if (!candidate || !canSee(p, candidate)) return null;
    const mine = media.map((m) => m.file.sha256).sort().join();
    const theirs = candidate.media.filter((m) => m.status !== 'deleted').map((m) => m.sha256).sort().join();
    return mine === theirs ? candidate : null;
  }

  /** PUT of one media file into an existing recording (raw body, for large files). */
  async putMedia(p: Principal, recordingId: string, mediaId: string, stream: Readable, hints: MediaHints): Promise<{ recording: Recording; created: boolean }> {
    requireScope(p, 'recordings:write');
    if (this.readOnly) throw readOnly();
    if (!MEDIA_ID.test(mediaId)) throw invalid('media id must be 1-64 letters, digits, _ or -', { field: 'mediaId' });
    const current = await this.store.getRecording(p.accountId, recordingId);
    if (!current || !canSee(p, current)) throw notFound(`recording ${recordingId}`);
    const before = current.media.find((m) => m.id === mediaId);
    if (before && before.status === 'deleted') throw conflict(`media ${mediaId} was deleted and cannot be replaced`);
    const got = await this.intake.ingest(p.accountId, recordingId, mediaId, stream, hints);
    try {
      if (before) {
        // Stored media are evidence: never overwritten. The same bytes again is a harmless replay.
        await this.intake.discard([got.secret.blobKey]);
        if (before.sha256 === got.file.sha256) return { recording: current, created: false };
        throw conflict(`media ${mediaId} already exists with different content`);
      }
      for (let attempt = 0; attempt < 5; attempt++) {
        const rev = await this.store.getRevision(p.accountId, recordingId);
        const rec = rev === null ? null : await this.store.getRecording(p.accountId, recordingId);
        if (rev === null || !rec) throw notFound(`recording ${recordingId}`);
        if (rec.media.some((m) => m.id === mediaId)) throw conflict(`media ${mediaId} was added concurrently`);
        const media: MediaFile[] = [...rec.media, got.file];
        const longest = media.reduce((m, f) => Math.max(m, f.durationMs), 0);
        const next: Recording = {
          ...rec, media, mediaStatus: overallMediaStatus(media), updatedAt: new Date().toISOString(),
          durationMs: rec.durationMs || longest,
          events: [...rec.events, { type: 'dataAdded', at: new Date().toISOString(), by: p.id, data: { media: mediaId } }],
        };
        if (await this.store.addMedia(next, rev, got.secret)) {
          this.stored(p.accountId, recordingId);
          return { recording: next, created: true };
        }
      }
      throw conflict('the recording is being changed by someone else; try again');
    } catch (err) {
      await this.intake.discard([got.secret.blobKey]);
      throw err;
    }
  }
}
