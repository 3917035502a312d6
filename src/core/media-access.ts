import { ErrorCode, VaultError, notFound } from './errors.js';
import type { Principal } from './principals.js';
import type { Recording } from './model.js';
import { pipelinePolicyOf, type PipelinePolicy } from './pipeline-policy.js';
import { requireScope } from './recordings.js';
import { canSee } from './access.js';
import { seesOriginals, type RedactionDoc } from './transcripts.js';
import type { MediaSecret, MetadataStore } from '../store/port.js';
import type { ArtifactStore, RenditionName } from '../store/artifacts-port.js';

export interface ByteRange { start: number; end: number }

/** Reads decrypted media bytes; SealedBlobs is the implementation. */
export interface MediaReader {
  open(key: string, info: { size: number; wrappedKey: string; keyId: string; chunkSize: number }, range?: ByteRange): Promise<NodeJS.ReadableStream>;
}

/** What a caller asked to play: the file as uploaded, or a rendition made by the pipeline. */
export type MediaVariant = 'original' | 'opus' | 'mp3';

export interface OpenableMedia {
  /** What is served: its type, length and hash (for ETag). */
  file: { mimeType: string; size: number; sha256: string };
  /** Which object that is: the upload or a rendition (redacted ones included). */
  served: 'original' | RenditionName;
  secret: MediaSecret & { wrappedKey: string; keyId: string };
}

/**
 * Whether redaction may still find something in this recording: it will run (policy), is
 * running, or ran into trouble after a transcript existed. Only a recording that will never be
 * transcribed, or whose transcription failed, has nothing known to redact.
 */
function redactionOutstanding(rec: Recording, policy: PipelinePolicy): boolean {
  if (!policy.redact) return false;
  switch (rec.transcriptionStatus) {
    case 'none': return policy.autoTranscribe;
    case 'requested': case 'processing': case 'ready': return true;
    case 'failed': case 'failedExceeded': case 'deleted': return false;
  }
}

/**
 * Finds a recording's media for playback, honouring scopes, deletion and redaction: a caller
 * without the right to originals gets the redacted rendition whenever the pipeline found
 * something to redact in the call (and a 409 while that rendition is still being made).
 */
export class MediaService {
  constructor(private readonly store: MetadataStore, private readonly reader: MediaReader, private readonly artifacts: ArtifactStore) {}

  async find(p: Principal, recordingId: string, mediaId: string, variant: MediaVariant = 'original'): Promise<OpenableMedia> {
    requireScope(p, 'media:read');
    const rec = await this.store.getRecording(p.accountId, recordingId);
    const file = rec?.media.find((m) => m.id === mediaId);
    const gone = () => notFound(`media ${mediaId} of recording ${recordingId}`);
    if (!rec || !file || !canSee(p, rec) || file.status === 'deleted') throw gone();
    let redact = false;
    if (!seesOriginals(p)) {
      const redaction = await this.artifacts.getDoc<RedactionDoc>(p.accountId, recordingId, 'redaction');
      redact = !!redaction && redaction.spans.length > 0;
      // An account may hold the audio back until the pipeline has looked for what to redact.
      if (!redaction && file.kind === 'audio') {
        const policy = pipelinePolicyOf((await this.store.getAccount(p.accountId))?.settings);
        if (policy.holdAudioUntilRedacted && redactionOutstanding(rec, policy)) {
          throw new VaultError(ErrorCode.CONFLICT, `recording ${recordingId} has not been checked for sensitive data yet; its audio is available once that is done`);
        }
      }
    }
    if (!redact && variant === 'original') {
      const secret = (await this.store.getMediaSecrets(p.accountId, recordingId)).find((s) => s.mediaId === mediaId);
      if (!secret || secret.wrappedKey === null || secret.keyId === null) throw gone();
      return { file: { mimeType: file.mimeType, size: file.size, sha256: file.sha256 }, served: 'original', secret: { ...secret, wrappedKey: secret.wrappedKey, keyId: secret.keyId } };
    }
    const name: RenditionName = `${redact ? 'redacted' : 'playback'}.${variant === 'mp3' ? 'mp3' : 'opus'}`;
    const r = await this.artifacts.getRendition(p.accountId, recordingId, mediaId, name);
    if (!r || r.secret.wrappedKey === null || r.secret.keyId === null) {
      if (file.kind !== 'audio') throw gone();
      throw new VaultError(ErrorCode.CONFLICT, `the ${redact ? 'redacted' : variant} version of media ${mediaId} is not ready yet; try again shortly`);
    }
    return { file: { mimeType: r.mimeType, size: r.secret.size, sha256: r.secret.sha256 }, served: name, secret: { ...r.secret, wrappedKey: r.secret.wrappedKey, keyId: r.secret.keyId } };
  }

  open(m: OpenableMedia, range?: ByteRange): Promise<NodeJS.ReadableStream> {
    return this.reader.open(m.secret.blobKey, m.secret, range);
  }
}
