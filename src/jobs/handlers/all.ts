import type { JobHandlers } from '../runner.js';
import type { PipelineDeps } from '../deps.js';
import { mediaHandler } from './media.js';
import { transcribeHandler } from './transcribe.js';
import { analyseHandler } from './analyse.js';
import { indexHandler } from './index.js';

/** Every job kind this process can run, with its handler. */
export function pipelineHandlers(d: PipelineDeps, opts: { transcribeConcurrency: number }): JobHandlers {
  return {
    media: mediaHandler(d),
    transcribe: { ...transcribeHandler(d), concurrency: opts.transcribeConcurrency },
    analyse: analyseHandler(d),
    index: indexHandler(d),
  };
}
