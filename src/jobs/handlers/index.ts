import type { Transcript } from '../../transcripts/model.js';
import type { RedactionDoc } from '../../core/transcripts.js';
import type { IndexedText } from '../../search/index-port.js';
import type { JobHandler } from '../runner.js';
import type { PipelineDeps } from '../deps.js';

/**
 * The words a recording is found by: the redacted transcript (so a search can never find, or
 * reveal the presence of, a card number) split by who spoke, and the public notes (private notes
 * would let a search leak what only their author may read). Before redaction has run, only the
 * notes are indexed.
 */
export async function indexText(d: PipelineDeps, accountId: string, recordingId: string): Promise<IndexedText | null> {
  const rec = await d.store.getRecording(accountId, recordingId);
  if (!rec) return null;
  const text: IndexedText = { agent: '', customer: '', other: '', notes: rec.notes.filter((n) => n.visibility === 'public').map((n) => n.content).join('\n') };
  const redaction = await d.artifacts.getDoc<RedactionDoc>(accountId, recordingId, 'redaction');
  if (!redaction) return text;
  const t = await d.artifacts.getDoc<Transcript>(accountId, recordingId, redaction.spans.length ? 'transcript.redacted' : 'transcript');
  for (const cue of t?.cues ?? []) {
    const col = cue.speakerRole === 'agent' ? 'agent' : cue.speakerRole === 'customer' ? 'customer' : 'other';
    text[col] += (text[col] ? '\n' : '') + cue.text;
  }
  return text;
}

export function indexHandler(d: PipelineDeps): JobHandler<'index'> {
  return {
    concurrency: 1,
    async run(job) {
      const text = await indexText(d, job.accountId, job.payload.recordingId);
      if (text) await d.search.put(job.accountId, job.payload.recordingId, text);
    },
  };
}
