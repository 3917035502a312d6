/**
 * Insights for one transcript: sentiment, talk time, silence and overtalk, keywords and a
 * summary. Everything but a configured remote summariser runs in-process and offline.
 */
import { invalid } from '../core/errors.js';
import type { Transcript } from '../transcripts/model.js';
import { extractKeywords } from './keywords.js';
import { LEXICON_NAME } from './lexicon.js';
import { INSIGHTS_VERSION, isReporting, type Insights, type SpeakerInsights, type Summariser, type SummaryResult } from './model.js';
import { aggregate, sentimentOf } from './sentiment.js';
import { EXTRACTIVE_NAME, summariseExtractive } from './summary.js';
import { talkStats } from './talk.js';

export const INSIGHTS_ENGINE = `callvault-insights/${INSIGHTS_VERSION} (${LEXICON_NAME}, ${EXTRACTIVE_NAME})`;

export interface AnalyseOptions {
  /** Length of the recording; silence at the start and end counts. */
  durationMs: number;
  /** Defaults to the extractive summariser. */
  summariser?: Summariser;
  /** How many keywords to keep (default 10). */
  keywordLimit?: number;
}

export async function analyse(t: Transcript, opts: AnalyseOptions): Promise<Insights> {
  if (!Number.isFinite(opts.durationMs) || opts.durationMs < 0) throw invalid('durationMs must be a non-negative number');
  const perCue = t.cues.map((c) => sentimentOf(c.text));
  const talk = talkStats(t.cues, opts.durationMs);
  const end = opts.durationMs > 0 ? opts.durationMs : Math.max(0, ...t.cues.map((c) => c.endMs));

  const speakers: SpeakerInsights[] = talk.speakers.map((s) => {
    const idx = t.cues.flatMap((c, i) => (c.speaker === s.speaker ? [i] : []));
    return { ...s, sentiment: aggregate(idx.map((i) => t.cues[i]!), idx.map((i) => perCue[i]!), end) };
  });
  const keywords = extractKeywords(t, opts.keywordLimit ?? 10);
  const summary = await summarise(t, keywords.map((k) => k.text), opts.summariser);

  return {
    engine: INSIGHTS_ENGINE,
    version: INSIGHTS_VERSION,
    recordingId: t.recordingId,
    transcriptEngine: t.engine,
    createdAt: new Date().toISOString(),
    durationMs: opts.durationMs,
    sentiment: aggregate(t.cues, perCue, end),
    cueSentiments: perCue.map((s) => ({ label: s.label, score: s.score })),
    speakers,
    silenceMs: talk.silenceMs,
    overtalkMs: talk.overtalkMs,
    silenceRatio: talk.silenceRatio,
    overtalkRatio: talk.overtalkRatio,
    timingsFrom: talk.timingsFrom,
    keywords,
    summary,
  };
}

/** Any summariser's failure ends in the extractive summary with the reason, never in a failed analysis. */
async function summarise(t: Transcript, hint: string[], s: Summariser | undefined): Promise<SummaryResult> {
  if (!s) return summariseExtractive(t, hint);
  try {
    if (isReporting(s)) return await s.summariseWithReport(t, hint);
    return { by: s.name, lines: await s.summarise(t, hint) };
  } catch (err) {
    return { ...summariseExtractive(t, hint), fallbackReason: `${s.name}: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** A copy of the transcript with each cue's sentiment filled in from the insights. */
export function withCueSentiment(t: Transcript, insights: Insights): Transcript {
  return { ...t, cues: t.cues.map((c, i) => { const s = insights.cueSentiments[i]; return s ? { ...c, sentiment: s } : c; }) };
}
