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
  /**
   * Callers without originals:read get no audio at all (409) until redaction has run, instead
   * of the original while it is pending. Off by default: an agent or supervisor can replay a
   * call as soon as it is stored; the redacted copy replaces it once the analysis is done.
   */
  holdAudioUntilRedacted: boolean;
}

export const DEFAULT_PIPELINE_POLICY: PipelinePolicy = { autoTranscribe: true, redactionAudio: 'tone', redact: true, holdAudioUntilRedacted: false };

export function pipelinePolicyOf(settings: Record<string, unknown> | undefined): PipelinePolicy {
  const p = (settings?.pipeline ?? {}) as Partial<PipelinePolicy>;
  return {
    autoTranscribe: typeof p.autoTranscribe === 'boolean' ? p.autoTranscribe : DEFAULT_PIPELINE_POLICY.autoTranscribe,
    redactionAudio: p.redactionAudio === 'silence' || p.redactionAudio === 'tone' ? p.redactionAudio : DEFAULT_PIPELINE_POLICY.redactionAudio,
    redact: typeof p.redact === 'boolean' ? p.redact : DEFAULT_PIPELINE_POLICY.redact,
    holdAudioUntilRedacted: typeof p.holdAudioUntilRedacted === 'boolean' ? p.holdAudioUntilRedacted : DEFAULT_PIPELINE_POLICY.holdAudioUntilRedacted,
  };
}

export function validPipelinePolicy(body: unknown): PipelinePolicy {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('the pipeline policy must be a JSON object');
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) if (!(k in DEFAULT_PIPELINE_POLICY)) throw invalid(`unknown pipeline setting '${k}'`, { field: k });
  if (b.holdAudioUntilRedacted !== undefined && typeof b.holdAudioUntilRedacted !== 'boolean') throw invalid('holdAudioUntilRedacted must be true or false', { field: 'holdAudioUntilRedacted' });
  if (b.autoTranscribe !== undefined && typeof b.autoTranscribe !== 'boolean') throw invalid('autoTranscribe must be true or false', { field: 'autoTranscribe' });
  if (b.redact !== undefined && typeof b.redact !== 'boolean') throw invalid('redact must be true or false', { field: 'redact' });
  if (b.redactionAudio !== undefined && b.redactionAudio !== 'silence' && b.redactionAudio !== 'tone') throw invalid("redactionAudio must be 'silence' or 'tone'", { field: 'redactionAudio' });
  return pipelinePolicyOf({ pipeline: b });
}
