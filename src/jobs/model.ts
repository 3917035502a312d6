/**
 * Typed jobs: each kind names its payload once, and the queue, the runner and the handlers all
 * check against it. A job is about one recording of one account unless its payload says more.
 */
export interface JobPayloads {
  /** Probe facts, playback renditions (Opus, MP3) and waveform peaks. */
  media: { recordingId: string };
  /** Speech-to-text of every audio channel, then the analysis job. */
  transcribe: { recordingId: string; reason: 'policy' | 'request' };
  /** Insights, redaction and the search index. */
  analyse: { recordingId: string };
  /** Rebuilds the recording's entry in the search index (transcript words and public notes). */
  index: { recordingId: string };
  /** Forgets indexed words no live recording holds any more (after deletions). */
  terms: Record<string, never>;
  /** Builds an export bundle (a ZIP) of the recordings chosen when it was asked for. */
  export: { exportId: string };
}
export type JobKind = keyof JobPayloads;
export const JOB_KINDS: readonly JobKind[] = ['media', 'transcribe', 'analyse', 'index', 'terms', 'export'];

export type JobState = 'queued' | 'running' | 'done' | 'parked';

export interface Job<K extends JobKind = JobKind> {
  id: string;
  accountId: string;
  kind: K;
  payload: JobPayloads[K];
  state: JobState;
  /** Attempts started so far (the running one included). */
  attempts: number;
  maxAttempts: number;
  runAt: number;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface NewJob<K extends JobKind = JobKind> {
  accountId: string;
  kind: K;
  payload: JobPayloads[K];
  /** A job with the same key that is still queued (not yet started) is not added twice. */
  dedupeKey?: string;
  runAt?: number;
}

/** Retry and lease rules, declared once per kind. */
export interface JobPolicy {
  maxAttempts: number;
  /** Delay before retry n (1-based) is base * 4^(n-1), capped. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A running job whose worker stops renewing for this long is handed to another worker. */
  leaseMs: number;
}

export const DEFAULT_POLICY: JobPolicy = { maxAttempts: 4, backoffBaseMs: 5_000, backoffMaxMs: 600_000, leaseMs: 60_000 };

export function backoffMs(policy: JobPolicy, attempt: number): number {
  return Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 4 ** Math.max(0, attempt - 1));
}

/** Thrown by a handler when retrying cannot help (corrupt audio, missing model): the job is parked at once. */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}
