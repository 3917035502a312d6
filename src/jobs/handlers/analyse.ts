import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { analyse, withCueSentiment } from '../../analysis/analyse.js';
import { findSensitive, redactTranscript } from '../../analysis/redaction/index.js';
import { redactAudio } from '../../media/redact-audio.js';
import { pipelinePolicyOf, type PipelinePolicy } from '../../core/pipeline-policy.js';
import type { RedactionDoc } from '../../core/transcripts.js';
import type { Recording } from '../../core/model.js';
import type { RedactionSpan, Transcript } from '../../transcripts/model.js';
import { channelSpeakers } from '../../transcripts/speakers.js';
import type { JobHandler } from '../runner.js';
import type { PipelineDeps } from '../deps.js';
import { updateRecording } from '../recording-status.js';
import { openMedia, storeRendition } from './renditions.js';
import { indexText } from './index.js';

const wordCount = (t: Transcript) => t.cues.reduce((n, c) => n + c.text.split(/\s+/).filter(Boolean).length, 0);

/**
 * Redacted audio per media file: the spans (recording time) moved to the file's own timeline.
 * The decrypted original and the redacted copy exist only as temporary files (mode 0600) while
 * ffmpeg works, and are removed at once.
 */
async function redactMedia(d: PipelineDeps, rec: Recording, spans: RedactionSpan[], policy: PipelinePolicy, signal: AbortSignal): Promise<void> {
  const offsets = new Map(channelSpeakers(rec).map((s) => [s.mediaId, s.offsetMs]));
  for (const file of rec.media) {
    if (file.kind !== 'audio' || file.status !== 'available') continue;
    const offset = offsets.get(file.id) ?? 0;
    const local = spans.map((s) => ({ startMs: Math.max(0, s.startMs - offset), endMs: Math.max(0, s.endMs - offset) })).filter((s) => s.endMs > s.startMs);
    const dir = await mkdtemp(join(tmpdir(), 'callvault-redact-'));
    try {
      const source = await openMedia(d, rec.accountId, rec.id, file.id);
      if (!source) continue;
      const input = join(dir, 'in');
      await pipeline(source, createWriteStream(input, { mode: 0o600 }), { signal });
      for (const format of ['opus', 'mp3'] as const) {
        const output = join(dir, `out.${format}`);
        await redactAudio(d.tools.ffmpeg, input, output, local, { mode: policy.redactionAudio, format });
        await storeRendition(d, rec.accountId, rec.id, file.id, `redacted.${format}`, format === 'opus' ? 'audio/ogg' : 'audio/mpeg', createReadStream(output));
        await rm(output, { force: true });
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/**
 * After transcription: redaction first (so everything derived later quotes only the redacted
 * words), then insights from the redacted transcript, then the search index.
 */
export function analyseHandler(d: PipelineDeps): JobHandler<'analyse'> {
  return {
    concurrency: 1,
    async run(job, ctx) {
      const { accountId } = job;
      const { recordingId } = job.payload;
      const rec = await d.store.getRecording(accountId, recordingId);
      const original = rec ? await d.artifacts.getDoc<Transcript>(accountId, recordingId, 'transcript') : null;
      if (!rec || !original) return;
      await updateRecording(d.store, accountId, recordingId, () => ({ insightsStatus: 'processing' }));
      const policy = pipelinePolicyOf((await d.store.getAccount(accountId))?.settings);
      const spans = policy.redact ? findSensitive(original) : [];
      let visible = original;
      if (spans.length) {
        visible = { ...redactTranscript(original, spans), redacted: true };
        await redactMedia(d, rec, spans, policy, ctx.signal);
        await d.artifacts.putDoc(accountId, recordingId, 'transcript.redacted', visible);
      } else {
        await d.artifacts.deleteDocs(accountId, recordingId, ['transcript.redacted']);
      }
      // The redaction record goes last: it is what lets callers without originals read the transcript.
      await d.artifacts.putDoc(accountId, recordingId, 'redaction', { spans } satisfies RedactionDoc);
      const text = await indexText(d, accountId, recordingId);
      if (text) await d.search.put(accountId, recordingId, text);

      if (wordCount(original) < d.limits.minWordsForInsights) {
        await updateRecording(d.store, accountId, recordingId, () => ({ insightsStatus: 'transcriptionTooShort' }));
        return;
      }
      const insights = await analyse(visible, { durationMs: rec.durationMs, ...(d.summariser ? { summariser: d.summariser } : {}) });
      // A newer transcript arrived while this ran: its own analysis job writes what goes with it.
      const current = await d.artifacts.getDoc<Transcript>(accountId, recordingId, 'transcript');
      if (current?.createdAt !== original.createdAt) return;
      await d.artifacts.putDoc(accountId, recordingId, 'insights', insights);
      await d.artifacts.putDoc(accountId, recordingId, 'transcript', withCueSentiment(original, insights));
      if (spans.length) await d.artifacts.putDoc(accountId, recordingId, 'transcript.redacted', withCueSentiment(visible, insights));
      await updateRecording(d.store, accountId, recordingId, () => ({
        insightsStatus: 'ready', sentiment: { label: insights.sentiment.label, score: insights.sentiment.score },
      }));
    },
    async parked(job) {
      await updateRecording(d.store, job.accountId, job.payload.recordingId, () => ({ insightsStatus: 'failed' }));
    },
  };
}
