import { spawn } from 'node:child_process';
import type { FastifyReply } from 'fastify';
import type { Vault } from '../context.js';
import { ErrorCode, VaultError } from '../core/errors.js';
import type { MediaFile } from '../core/model.js';
import type { Principal } from '../core/principals.js';

/**
 * One audio file of a recording as MP3, for the doors whose clients play MP3 only (Kazoo,
 * Genesys). The pipeline's MP3 rendition is the cache: served when made. Until then the file
 * is served as uploaded when it is an MP3, else transcoded on the fly by ffmpeg and streamed as
 * it is made — and the media job is queued again (once) so the rendition exists next time.
 * Whether the caller may hear the original or only the redacted copy is MediaService's call:
 * the on-the-fly path is taken only when it hands out the original.
 */
export async function sendMp3(vault: Vault, p: Principal, recordingId: string, file: MediaFile, reply: FastifyReply): Promise<FastifyReply> {
  reply.type('audio/mpeg');
  let media;
  try {
    media = await vault.media.find(p, recordingId, file.id, 'mp3');
  } catch (err) {
    if (!(err instanceof VaultError) || err.code !== ErrorCode.CONFLICT) throw err;
    const original = await vault.media.find(p, recordingId, file.id, 'original');
    if (original.served !== 'original') throw err;
    if (original.file.mimeType === 'audio/mpeg') return reply.header('content-length', original.file.size).send(await vault.media.open(original));
    if (!vault.config.readOnly) {
      vault.jobs.enqueue({ accountId: p.accountId, kind: 'media', payload: { recordingId }, dedupeKey: `media:${recordingId}` }).catch(() => undefined);
    }
    const ff = spawn(vault.tools.ffmpeg, ['-v', 'error', '-i', 'pipe:0', '-vn', '-c:a', 'libmp3lame', '-b:a', '64k', '-f', 'mp3', 'pipe:1'], { stdio: ['pipe', 'pipe', 'ignore'] });
    (await vault.media.open(original)).pipe(ff.stdin).on('error', () => ff.kill());
    reply.raw.on('close', () => ff.kill());
    return reply.send(ff.stdout);
  }
  return reply.header('content-length', media.file.size).send(await vault.media.open(media));
}
