import type { EngineSegment } from '../transcripts/model.js';

/**
 * One channel of audio, already decoded by the vault into a temporary 16 kHz mono signed 16-bit
 * little-endian WAV file (see `prepareChannel` in ./audio.ts). `sourceSampleRate` tells the
 * engine what the audio was before resampling (8000 for telephony), so it can pick front-end
 * settings for narrow-band speech.
 */
export interface ChannelAudio {
  wavPath: string;
  durationMs: number;
  sourceSampleRate: number;
  language?: string;
}

export interface TranscribeOptions {
  /** Aborts the engine's child process; the promise then rejects. */
  signal?: AbortSignal;
}

/**
 * A speech-to-text engine. Engines run as child processes; the vault never loads a model into
 * its own process. `check()` proves the binary and model are present and usable, and throws a
 * VaultError (ENGINE_UNAVAILABLE) with an operator-readable message when they are not.
 */
export interface Transcriber {
  /** Engine and model, e.g. "pocketsphinx/en-us". */
  readonly name: string;
  check(): Promise<void>;
  transcribe(audio: ChannelAudio, opts?: TranscribeOptions): Promise<EngineSegment[]>;
}
