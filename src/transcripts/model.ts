/**
 * The transcript of a recording, as every part of the vault sees it: the ASR engines produce
 * segments per channel, the pipeline names each channel's speaker and merges the cues in time
 * order, analysis and redaction read and annotate the cues, WebVTT and the doors render them.
 * Times are milliseconds from the start of the recording.
 */

export interface Word {
  startMs: number;
  endMs: number;
  text: string;
  /** Engine confidence in 0..1 when it gives one. */
  confidence?: number;
}

/** What an engine returns for one channel: phrases with optional word timings. */
export interface EngineSegment {
  startMs: number;
  endMs: number;
  text: string;
  words?: Word[];
}

export type SentimentLabel = 'POSITIVE' | 'NEUTRAL' | 'NEGATIVE';

export interface Sentiment {
  label: SentimentLabel;
  /** -1 (most negative) .. 1 (most positive). */
  score: number;
}

export interface Cue {
  startMs: number;
  endMs: number;
  /** Display name of who spoke (from the channel's party), e.g. "Alice Agent" or "Customer". */
  speaker: string;
  /** The party role of the speaker when known: 'agent' | 'customer' | other names. */
  speakerRole?: string;
  /** Zero-based channel index in the recording (across media files, in media order). */
  channel: number;
  text: string;
  words?: Word[];
  sentiment?: Sentiment;
}

export interface Transcript {
  recordingId: string;
  /** Engine name and model, e.g. "pocketsphinx/en-us" or "whisper.cpp/ggml-base.en". */
  engine: string;
  language: string;
  cues: Cue[];
  createdAt: string;
  /** True when sensitive spans were replaced (the redacted copy). */
  redacted?: boolean;
}

/** A span found by redaction, in transcript time, with what kind of data it was. */
export interface RedactionSpan {
  startMs: number;
  endMs: number;
  kind: 'card' | 'cvv' | 'expiry' | 'nationalId' | 'email' | 'phone';
  /** Index of the cue the span lies in. */
  cue: number;
}
