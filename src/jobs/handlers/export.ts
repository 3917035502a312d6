import { randomBytes } from 'node:crypto';
import { canSee } from '../../core/access.js';
import { VaultError } from '../../core/errors.js';
import { principalFrom } from '../../core/exports.js';
import { MediaService } from '../../core/media-access.js';
import type { Recording } from '../../core/model.js';
import type { Principal } from '../../core/principals.js';
import { hidesSpeakerNames, maskDeep, masksFor, nativeMasks, privacyOf } from '../../core/privacy.js';
import { TranscriptService } from '../../core/transcripts.js';
import { ZipLimitError, ZipWriter } from '../../exports/zip.js';
import { toWebVtt } from '../../transcripts/vtt.js';
import { PermanentJobError } from '../model.js';
import type { JobHandler } from '../runner.js';
import type { PipelineDeps } from '../deps.js';

/** How long a finished bundle stays downloadable. */
export const EXPORT_TTL_MS = 7 * 24 * 3600_000;

/** A file name safe inside the archive (no folders, no control characters). */
const safe = (name: string) => [...name].map((c) => (c === '/' || c === '\\' || c.charCodeAt(0) < 32 ? '_' : c)).join('').slice(0, 200) || 'file';

interface Skipped { recordingId: string; numericId?: number; file?: string; reason: string }

/**
 * Builds one export bundle: a ZIP with, per recording, `<numericId>/recording.json` (the
 * recording as the asker may see it, masks applied), its media files as stored (the redacted
 * copy for askers without originals:read) and, for recordings_transcriptions, the transcript
 * (`transcript.json`, `transcript.vtt`) the asker may read; and `manifest.json` naming what
 * is in it and what was left out and why (deleted since, not visible any more, not ready).
 * The ZIP is streamed through sealing into the blob store, never held in memory.
 */
export function exportHandler(d: PipelineDeps): JobHandler<'export'> {
  const media = new MediaService(d.store, d.sealed, d.artifacts);
  const transcripts = new TranscriptService(d.store, d.artifacts, {
    requestTranscript: () => Promise.resolve(),
    jobsOf: () => Promise.resolve([]),
  });

  async function addRecording(zip: ZipWriter, p: Principal, masks: Set<string> | null, rec: Recording, withTranscript: boolean, skipped: Skipped[], signal: AbortSignal) {
    const dir = String(rec.numericId);
    await zip.addBuffer(`${dir}/recording.json`, JSON.stringify(masks ? maskDeep(rec, nativeMasks(masks)) : rec, null, 2));
    const used = new Set(['recording.json', 'transcript.json', 'transcript.vtt']);
    for (const file of rec.media) {
      if (file.status !== 'available') continue;
      signal.throwIfAborted();
      try {
        const found = await media.find(p, rec.id, file.id, 'original');
        let name = found.served === 'original' ? safe(file.fileName ?? `${file.id}.${file.container || 'bin'}`) : `${file.id}.${found.served}`;
        // Two files uploaded under one name keep apart by their ids.
        if (used.has(name)) name = `${file.id}-${name}`;
        used.add(name);
        await zip.addStream(`${dir}/${name}`, await media.open(found), new Date(file.createdAt));
      } catch (err) {
        // Not playable for this asker now (deleted meanwhile, redaction pending): said in the manifest.
        if (!(err instanceof VaultError)) throw err;
        skipped.push({ recordingId: rec.id, numericId: rec.numericId, file: file.id, reason: err.message });
      }
    }
    if (!withTranscript) return;
    // The masks are known already: no account read per recording to work out the speakers' names.
    const got = rec.transcriptionStatus === 'ready' ? await transcripts.transcriptOf(p, rec, !!masks && hidesSpeakerNames(masks)) : null;
    if (!got) return;
    await zip.addBuffer(`${dir}/transcript.json`, JSON.stringify({ ...got.transcript, redacted: got.redacted }, null, 2));
    await zip.addBuffer(`${dir}/transcript.vtt`, toWebVtt(got.transcript.cues));
  }

  return {
    concurrency: 1,
    async run(job, ctx) {
      const { accountId } = job;
      const work = await d.exports.work(accountId, job.payload.exportId);
      if (!work || (work.job.status !== 'pending' && work.job.status !== 'in_progress')) return;
      const p = principalFrom(work.principal);
      const masks = masksFor(p, privacyOf((await d.store.getAccount(accountId))?.settings));
      await d.exports.progress(work.job.id, 0);
      const blobKey = `exports/${accountId}/${work.job.id}.${randomBytes(6).toString('hex')}.zip`;
      await d.store.addPendingBlob(blobKey, d.nodeId);
      const zip = new ZipWriter();
      const sealing = d.sealed.seal(blobKey, zip.stream);
      sealing.catch((err: unknown) => zip.abort(err instanceof Error ? err : new Error(String(err))));
      try {
        const included: Array<{ recordingId: string; numericId: number }> = [];
        const skipped: Skipped[] = [];
        let done = 0;
        for (const id of work.recordingIds) {
          ctx.signal.throwIfAborted();
          const rec = await d.store.getRecording(accountId, id);
          if (!rec || !canSee(p, rec)) skipped.push({ recordingId: id, reason: 'deleted or no longer visible since the export was asked for' });
          else {
            await addRecording(zip, p, masks, rec, work.job.kind === 'recordings_transcriptions', skipped, ctx.signal);
            included.push({ recordingId: rec.id, numericId: rec.numericId });
          }
          await d.exports.progress(work.job.id, ++done);
        }
        await zip.addBuffer('manifest.json', JSON.stringify({
          exportId: work.job.id, kind: work.job.kind, createdAt: work.job.createdAt, completedAt: new Date().toISOString(),
          recordings: included, skipped,
        }, null, 2));
        await zip.finish();
        const info = await sealing;
        const stored = await d.exports.complete(work.job.id, {
          mediaId: `export:${work.job.id}`, blobKey, size: info.size, sha256: info.sha256, chunkSize: info.chunkSize, wrappedKey: info.wrappedKey, keyId: info.keyId,
        }, Date.now() + EXPORT_TTL_MS, included.map((r) => r.recordingId));
        if (!stored) throw new Error('gone');
      } catch (err) {
        zip.abort(err instanceof Error ? err : new Error(String(err)));
        await sealing.catch(() => undefined);
        await d.sealed.delete(blobKey).catch(() => undefined);
        await d.store.removePendingBlob(blobKey);
        if (err instanceof Error && err.message === 'gone') return;
        if (err instanceof ZipLimitError) throw new PermanentJobError(`${err.message}: narrow the filter`);
        throw err;
      }
    },
    parked: (job, error) => d.exports.fail(job.payload.exportId, error),
  };
}
