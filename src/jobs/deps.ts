import type { SealedBlobs } from '../blobs/index.js';
import type { MediaTools } from '../media/binaries.js';
import type { MetadataStore } from '../store/port.js';
import type { ArtifactStore } from '../store/artifacts-port.js';
import type { ExportStore } from '../store/exports-port.js';
import type { SearchIndex } from '../search/index-port.js';
import type { Transcriber } from '../asr/port.js';
import type { JobQueue } from './runner.js';
import type { Summariser } from '../analysis/model.js';

/** Limits of the processing pipeline (config `pipeline`). */
export interface PipelineLimits {
  /** Recordings longer than this are not transcribed (status failedExceeded). */
  maxTranscribeMs: number;
  /** Below this much speech, insights are not computed (status transcriptionTooShort). */
  minWordsForInsights: number;
}

/** What the job handlers work with; built once in the vault wiring. */
export interface PipelineDeps {
  store: MetadataStore;
  artifacts: ArtifactStore;
  exports: ExportStore;
  search: SearchIndex;
  sealed: SealedBlobs;
  tools: MediaTools;
  queue: JobQueue;
  /** The configured engine, or a function that gives it (engines are created lazily). */
  transcriber: () => Transcriber;
  nodeId: string;
  limits: PipelineLimits;
  summariser: Summariser | undefined;
}
