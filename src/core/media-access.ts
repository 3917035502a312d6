import { notFound } from './errors.js';
import type { MediaFile } from './model.js';
import type { Principal } from './principals.js';
import { requireScope } from './recordings.js';
import { canSee } from './access.js';
import type { MediaSecret, MetadataStore } from '../store/port.js';

export interface ByteRange { start: number; end: number }

/** Reads decrypted media bytes; SealedBlobs is the implementation. */
export interface MediaReader {
  open(key: string, info: { size: number; wrappedKey: string; keyId: string; chunkSize: number }, range?: ByteRange): Promise<NodeJS.ReadableStream>;
}

export interface OpenableMedia { file: MediaFile; secret: MediaSecret & { wrappedKey: string; keyId: string } }

/** Finds a recording's media file for playback, honouring scopes and deletion. */
export class MediaService {
  constructor(private readonly store: MetadataStore, private readonly reader: MediaReader) {}

  async find(p: Principal, recordingId: string, mediaId: string): Promise<OpenableMedia> {
    requireScope(p, 'media:read');
    const rec = await this.store.getRecording(p.accountId, recordingId);
    const file = rec?.media.find((m) => m.id === mediaId);
    if (!rec || !file || !canSee(p, rec)) throw notFound(`media ${mediaId} of recording ${recordingId}`);
    const secret = (await this.store.getMediaSecrets(p.accountId, recordingId)).find((s) => s.mediaId === mediaId);
    if (!secret || file.status === 'deleted' || secret.wrappedKey === null || secret.keyId === null) {
      throw notFound(`media ${mediaId} of recording ${recordingId}`);
    }
    return { file, secret: { ...secret, wrappedKey: secret.wrappedKey, keyId: secret.keyId } };
  }

  open(m: OpenableMedia, range?: ByteRange): Promise<NodeJS.ReadableStream> {
    return this.reader.open(m.secret.blobKey, m.secret, range);
  }
}
