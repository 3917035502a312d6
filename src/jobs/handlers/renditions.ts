import { randomBytes } from 'node:crypto';
import type { RenditionName } from '../../store/artifacts-port.js';
import type { PipelineDeps } from '../deps.js';

/**
 * Seals a derived audio stream and records it against the recording. Like uploads, the blob is
 * marked pending by this process until the row that records it is written, so a crash leaves
 * nothing behind; a recording deleted meanwhile gets nothing (the blob is removed again).
 */
export async function storeRendition(d: PipelineDeps, accountId: string, recordingId: string, mediaId: string,
  name: RenditionName, mimeType: string, body: NodeJS.ReadableStream): Promise<boolean> {
  const blobKey = `derived/${accountId}/${recordingId}/${mediaId}.${name}.${randomBytes(6).toString('hex')}`;
  await d.store.addPendingBlob(blobKey, d.nodeId);
  try {
    const info = await d.sealed.seal(blobKey, body);
    const replaced = await d.artifacts.putRendition(accountId, recordingId, {
      mediaId, name, mimeType,
      secret: { mediaId, blobKey, size: info.size, sha256: info.sha256, chunkSize: info.chunkSize, wrappedKey: info.wrappedKey, keyId: info.keyId },
    });
    if (replaced === false) throw new Error('gone');
    if (replaced) await d.sealed.delete(replaced.blobKey).catch(() => undefined);
    return true;
  } catch (err) {
    await d.sealed.delete(blobKey).catch(() => undefined);
    await d.store.removePendingBlob(blobKey);
    if (err instanceof Error && err.message === 'gone') return false;
    throw err;
  }
}

/** Opens a stored media file's plaintext, or null when its key is gone (media deleted). */
export async function openMedia(d: PipelineDeps, accountId: string, recordingId: string, mediaId: string): Promise<NodeJS.ReadableStream | null> {
  const secret = (await d.store.getMediaSecrets(accountId, recordingId)).find((s) => s.mediaId === mediaId);
  if (!secret || secret.wrappedKey === null || secret.keyId === null) return null;
  return d.sealed.open(secret.blobKey, { size: secret.size, wrappedKey: secret.wrappedKey, keyId: secret.keyId, chunkSize: secret.chunkSize });
}
