import { ErrorCode, VaultError } from '../../core/errors.js';
import { prepareChannel } from '../../asr/audio.js';
import type { Cue, Transcript } from '../../transcripts/model.js';
import { channelSpeakers } from '../../transcripts/speakers.js';
import type { JobHandler } from '../runner.js';
import type { PipelineDeps } from '../deps.js';
import { updateRecording } from '../recording-status.js';
import { openMedia } from './renditions.js';

/**
 * Speech-to-text of every audio channel, each named from its party, merged in time order.
 * The decoded channel exists only as a temporary file for the engine and is removed at once.
 */
export function transcribeHandler(d: PipelineDeps): JobHandler<'transcribe'> {
  return {
    concurrency: 1,
    async run(job, ctx) {
      const { accountId } = job;
      const { recordingId } = job.payload;
      const rec = await d.store.getRecording(accountId, recordingId);
      if (!rec || rec.transcriptionStatus === 'deleted') return;
      if (rec.durationMs > d.limits.maxTranscribeMs) {
        await updateRecording(d.store, accountId, recordingId, () => ({ transcriptionStatus: 'failedExceeded', insightsStatus: 'failedExceeded' }));
        throw new VaultError(ErrorCode.UNPROCESSABLE, `the recording lasts ${Math.round(rec.durationMs / 1000)} s, longer than the ${Math.round(d.limits.maxTranscribeMs / 1000)} s transcription limit`);
      }
      const engine = d.transcriber();
      await engine.check();
      const speakers = channelSpeakers(rec);
      if (speakers.length === 0) throw new VaultError(ErrorCode.UNPROCESSABLE, 'the recording has no audio to transcribe');
      await updateRecording(d.store, accountId, recordingId, () => ({ transcriptionStatus: 'processing' }));
      const cues: Cue[] = [];
      for (const s of speakers) {
        const source = await openMedia(d, accountId, recordingId, s.mediaId);
        if (!source) continue;
        const audio = await prepareChannel(d.tools.ffmpeg, source, { channel: s.mediaChannel });
        try {
          const segments = await engine.transcribe(audio, { signal: ctx.signal });
          for (const seg of segments) {
            const text = seg.text.trim();
            if (!text) continue;
            cues.push({
              startMs: seg.startMs + s.offsetMs, endMs: seg.endMs + s.offsetMs, speaker: s.speaker, speakerRole: s.role, channel: s.channel, text,
              ...(seg.words ? { words: seg.words.map((w) => ({ ...w, startMs: w.startMs + s.offsetMs, endMs: w.endMs + s.offsetMs })) } : {}),
            });
          }
        } finally {
          await audio.cleanup();
        }
      }
      cues.sort((a, b) => a.startMs - b.startMs || a.channel - b.channel);
      const transcript: Transcript = { recordingId, engine: engine.name, language: 'en-US', cues, createdAt: new Date().toISOString() };
      if (!await d.artifacts.putDoc(accountId, recordingId, 'transcript', transcript)) return;
      await d.artifacts.deleteDocs(accountId, recordingId, ['transcript.redacted', 'redaction', 'insights']);
      const now = await updateRecording(d.store, accountId, recordingId, () => ({ transcriptionStatus: 'ready', insightsStatus: 'requested', sentiment: undefined }));
      if (now) await d.queue.enqueue({ accountId, kind: 'analyse', payload: { recordingId }, dedupeKey: `analyse:${recordingId}` });
    },
    async parked(job) {
      await updateRecording(d.store, job.accountId, job.payload.recordingId,
        (r) => (r.transcriptionStatus === 'failedExceeded' ? null : { transcriptionStatus: 'failed', insightsStatus: 'failed' }));
    },
  };
}
