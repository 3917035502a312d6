import { pipelinePolicyOf } from '../../core/pipeline-policy.js';
import { renderPlayback } from '../../media/renditions.js';
import type { Peaks } from '../../media/peaks.js';
import type { JobHandler } from '../runner.js';
import type { PipelineDeps } from '../deps.js';
import { updateRecording } from '../recording-status.js';
import { openMedia, storeRendition } from './renditions.js';

/**
 * Media processing after ingest: playback renditions (Opus, MP3) and waveform peaks for every
 * audio file, then — when the account's policy asks — the transcription request. Probe facts
 * were taken at ingest (ffprobe ran on the stream), so they are not repeated here.
 */
export function mediaHandler(d: PipelineDeps): JobHandler<'media'> {
  return {
    concurrency: 1,
    async run(job, ctx) {
      const { accountId } = job;
      const { recordingId } = job.payload;
      const rec = await d.store.getRecording(accountId, recordingId);
      if (!rec) return;
      const peaks: Record<string, Peaks> = {};
      for (const file of rec.media) {
        if (file.kind !== 'audio' || file.status !== 'available') continue;
        const source = await openMedia(d, accountId, recordingId, file.id);
        if (!source) continue;
        const out = renderPlayback(d.tools.ffmpeg, source, { channels: file.channels, signal: ctx.signal });
        out.done.catch(() => undefined);
        const stored = await Promise.all([
          storeRendition(d, accountId, recordingId, file.id, 'playback.opus', 'audio/ogg', out.opus),
          storeRendition(d, accountId, recordingId, file.id, 'playback.mp3', 'audio/mpeg', out.mp3),
        ]).catch(async (err: unknown) => { await out.done.catch(() => undefined); throw err; });
        peaks[file.id] = await out.done;
        if (!stored.every(Boolean)) return;
      }
      if (!await d.artifacts.putDoc(accountId, recordingId, 'peaks', peaks)) return;
      await requestTranscription(d, accountId, recordingId);
    },
    // Without renditions the call can still be transcribed (from the original): a failed media job must not strand it.
    parked: (job) => requestTranscription(d, job.accountId, job.payload.recordingId),
  };
}

/** Queues the transcription the account's policy or the uploader asked for, once. */
async function requestTranscription(d: PipelineDeps, accountId: string, recordingId: string): Promise<void> {
  const rec = await d.store.getRecording(accountId, recordingId);
  if (!rec || !rec.media.some((m) => m.kind === 'audio' && m.status === 'available')) return;
  const policy = pipelinePolicyOf((await d.store.getAccount(accountId))?.settings);
  // An uploader may ask for a transcript in the metadata (status requested) even when the policy does not.
  const wanted = (s: string) => s === 'requested' || (policy.autoTranscribe && s === 'none');
  if (!wanted(rec.transcriptionStatus)) return;
  const now = await updateRecording(d.store, accountId, recordingId, (r) => (wanted(r.transcriptionStatus) ? { transcriptionStatus: 'requested' } : null));
  if (now?.transcriptionStatus === 'requested') {
    await d.queue.enqueue({ accountId, kind: 'transcribe', payload: { recordingId, reason: 'policy' }, dedupeKey: `transcribe:${recordingId}` });
  }
}
