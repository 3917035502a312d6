import { invalid } from './errors.js';

/**
 * An account's processing policy (settings.pipeline). Transcription is on by default: what a
 * user of a recording product expects is that every call becomes searchable without asking.
 * An account that must not transcribe (consent, cost) turns `autoTranscribe` off and asks per
 * recording instead.
 */
export interface PipelinePolicy {
  autoTranscribe: boolean;
  /** What replaces sensitive spans in the redacted audio. */
  redactionAudio: 'silence' | 'tone';
  /** Find and redact card numbers, national ids, e-mail addresses and phone numbers. */
  redact: boolean;
}

export const DEFAULT_PIPELINE_POLICY: PipelinePolicy = { autoTranscribe: true, redactionAudio: 'tone', redact: true };

export function pipelinePolicyOf(settings: Record<string, unknown> | undefined): PipelinePolicy {
  const p = (settings?.pipeline ?? {}) as Partial<PipelinePolicy>;
  return {
    autoTranscribe: typeof p.autoTranscribe === 'boolean' ? p.autoTranscribe : DEFAULT_PIPELINE_POLICY.autoTranscribe,
    redactionAudio: p.redactionAudio === 'silence' || p.redactionAudio === 'tone' ? p.redactionAudio : DEFAULT_PIPELINE_POLICY.redactionAudio,
    redact: typeof p.redact === 'boolean' ? p.redact : DEFAULT_PIPELINE_POLICY.redact,
  };
}

export function validPipelinePolicy(body: unknown): PipelinePolicy {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('the pipeline policy must be a JSON object');
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) if (!['autoTranscribe', 'redactionAudio', 'redact'].includes(k)) throw invalid(`unknown pipeline setting '${k}'`, { field: k });
  if (b.autoTranscribe !== undefined && typeof b.autoTranscribe !== 'boolean') throw invalid('autoTranscribe must be true or false', { field: 'autoTranscribe' });
  if (b.redact !== undefined && typeof b.redact !== 'boolean') throw invalid('redact must be true or false', { field: 'redact' });
  if (b.redactionAudio !== undefined && b.redactionAudio !== 'silence' && b.redactionAudio !== 'tone') throw invalid("redactionAudio must be 'silence' or 'tone'", { field: 'redactionAudio' });
  return pipelinePolicyOf({ pipeline: b });
}
