import type { JobHandlers } from '../runner.js';
import type { PipelineDeps } from '../deps.js';
import { mediaHandler } from './media.js';
import { transcribeHandler } from './transcribe.js';
import { analyseHandler } from './analyse.js';
import { indexHandler } from './index.js';
import { termsHandler } from './terms.js';
import { exportHandler } from './export.js';
import type { JobKind, JobPolicy } from '../model.js';

/** Retry and lease rules that differ from the defaults: a transcription renews its lease less often. */
export const PIPELINE_POLICIES: Partial<Record<JobKind, Partial<JobPolicy>>> = {
  transcribe: { leaseMs: 120_000 },
  // An export is rebuilt from the start on retry: a few tries, and a lease long enough for large media between renewals.
  export: { maxAttempts: 3, leaseMs: 120_000 },
};

/** How long after a deletion the word list is pruned (deletions in a burst share one run). */
export const PRUNE_TERMS_AFTER_MS = 10 * 60_000;

/** Every job kind this process can run, with its handler. */
export function pipelineHandlers(d: PipelineDeps, opts: { transcribeConcurrency: number }): JobHandlers {
  return {
    media: mediaHandler(d),
    transcribe: { ...transcribeHandler(d), concurrency: opts.transcribeConcurrency },
    analyse: analyseHandler(d),
    index: indexHandler(d),
    terms: termsHandler(d),
    export: exportHandler(d),
  };
}
