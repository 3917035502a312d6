import type { PipelineConfig } from '../config/pipeline.js';
import type { Transcriber } from '../asr/port.js';
import { PocketsphinxTranscriber } from '../asr/pocketsphinx.js';
import { WhisperTranscriber } from '../asr/whisper.js';
import { defaultWhisperBinary } from '../asr/whisper-build.js';
import { OpenAiCompatibleSummariser } from '../analysis/openai-summariser.js';
import type { Summariser } from '../analysis/model.js';

/** The speech engine the configuration names. Nothing is checked here: `check()` runs per job. */
export function createTranscriber(c: PipelineConfig, env: NodeJS.ProcessEnv = process.env): Transcriber {
  switch (c.asr.engine) {
    case 'whisper':
      return new WhisperTranscriber({ binary: c.asr.binary ?? defaultWhisperBinary(env), model: c.asr.model ?? '', threads: c.asr.threads });
    case 'pocketsphinx':
      return new PocketsphinxTranscriber({ ...(c.asr.binary ? { binary: c.asr.binary } : {}), ...(c.asr.model ? { modelDir: c.asr.model } : {}) });
  }
}

/** The configured remote summariser, or undefined for the offline extractive one. */
export function createSummariser(c: PipelineConfig): Summariser | undefined {
  return c.summariser ? new OpenAiCompatibleSummariser(c.summariser) : undefined;
}
