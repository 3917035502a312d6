/**
 * The analysis module's surface: insights, summarisers and redaction, plus one place that turns
 * configuration into a summariser so the job runner does not need to know the classes.
 */
import type { Summariser } from './model.js';
import { OpenAiCompatibleSummariser, type OpenAiCompatibleOptions } from './openai-summariser.js';
import { ExtractiveSummariser } from './summary.js';

export { INSIGHTS_ENGINE, analyse, withCueSentiment, type AnalyseOptions } from './analyse.js';
export type { Insights, Keyword, ReportingSummariser, SpeakerInsights, Summariser, SummaryResult } from './model.js';
export { OpenAiCompatibleSummariser, type OpenAiCompatibleOptions } from './openai-summariser.js';
export { ExtractiveSummariser, summariseExtractive } from './summary.js';
export { REDACTION_LABELS, findSensitive, redactTranscript } from './redaction/index.js';

export type SummariserConfig =
  | { kind: 'extractive' }
  | ({ kind: 'openai-compatible' } & Omit<OpenAiCompatibleOptions, 'timeoutMs'> & { timeoutMs?: number });

/** Default wait for a model's summary: long enough for a small local model on CPU, short enough not to stall the queue. */
export const DEFAULT_SUMMARY_TIMEOUT_MS = 30_000;

export function summariserFrom(cfg: SummariserConfig | undefined): Summariser {
  if (!cfg || cfg.kind === 'extractive') return new ExtractiveSummariser();
  const { kind: _kind, timeoutMs, ...rest } = cfg;
  return new OpenAiCompatibleSummariser({ ...rest, timeoutMs: timeoutMs ?? DEFAULT_SUMMARY_TIMEOUT_MS });
}
