import type { JobHandler } from '../runner.js';
import type { PipelineDeps } from '../deps.js';

/** After deletions: the prefix-expansion word list loses the words only deleted calls held. */
export function termsHandler(d: PipelineDeps): JobHandler<'terms'> {
  return {
    concurrency: 1,
    async run() {
      await d.search.pruneTerms();
    },
  };
}
