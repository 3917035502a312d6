import { bad, bool, int } from './parse.js';

/** The processing pipeline: which speech engine, limits, and whether this process runs jobs. */
export interface PipelineConfig {
  /** Run the job workers in this process ("one binary, roles by flag": CALLVAULT_WORKERS=false for API-only nodes). */
  workers: boolean;
  asr: {
    engine: 'pocketsphinx' | 'whisper';
    /** whisper: path of the ggml model file; pocketsphinx: a model folder (default: Debian's en-us). */
    model?: string;
    /** Engine binary, when not the default (pocketsphinx on PATH; whisper-cli as built by `callvault models build`). */
    binary?: string;
    threads: number;
    /** Transcriptions run at once in this process. */
    concurrency: number;
  };
  maxTranscribeMs: number;
  minWordsForInsights: number;
  /** An OpenAI-compatible chat endpoint for summaries; the offline extractive summary otherwise. */
  summariser?: { baseUrl: string; apiKey?: string; model: string; timeoutMs: number };
}


export function pipelineConfig(env: NodeJS.ProcessEnv, f: Record<string, unknown>): PipelineConfig {
  const asr = (f.asr ?? {}) as Record<string, unknown>;
  const engine = String(env.CALLVAULT_ASR_ENGINE ?? asr.engine ?? 'pocketsphinx');
  if (engine !== 'pocketsphinx' && engine !== 'whisper') bad(`ASR engine must be pocketsphinx or whisper, got ${JSON.stringify(engine)}`);
  const model = env.CALLVAULT_ASR_MODEL ?? asr.model;
  const binary = env.CALLVAULT_ASR_BINARY ?? asr.binary;
  if (engine === 'whisper' && !model) bad('the whisper engine needs a model file: set CALLVAULT_ASR_MODEL (see `callvault models fetch`)');
  const sum = (f.summariser ?? {}) as Record<string, unknown>;
  const sumUrl = env.CALLVAULT_SUMMARY_URL ?? sum.baseUrl;
  if (sumUrl !== undefined && !/^https?:\/\/\S+$/.test(String(sumUrl))) bad(`summary endpoint ${JSON.stringify(sumUrl)} must be an http(s) URL`);
  const sumKey = env.CALLVAULT_SUMMARY_API_KEY ?? sum.apiKey;
  return {
    workers: bool('workers', env.CALLVAULT_WORKERS ?? f.workers, true),
    asr: {
      engine,
      ...(model ? { model: String(model) } : {}),
      ...(binary ? { binary: String(binary) } : {}),
      threads: int('asr.threads', env.CALLVAULT_ASR_THREADS ?? asr.threads ?? 2, 1, 64),
      concurrency: int('asr.concurrency', env.CALLVAULT_ASR_CONCURRENCY ?? asr.concurrency ?? 1, 1, 64),
    },
    maxTranscribeMs: 1000 * int('maxTranscribeSeconds', env.CALLVAULT_MAX_TRANSCRIBE_SECONDS ?? f.maxTranscribeSeconds ?? 4 * 3600, 1, 7 * 86400),
    minWordsForInsights: int('minWordsForInsights', f.minWordsForInsights ?? 3, 0, 1000),
    ...(sumUrl ? {
      summariser: {
        baseUrl: String(sumUrl), model: String(env.CALLVAULT_SUMMARY_MODEL ?? sum.model ?? 'gpt-4o-mini'),
        ...(sumKey ? { apiKey: String(sumKey) } : {}),
        timeoutMs: int('summariser.timeoutMs', sum.timeoutMs ?? 20_000, 100, 600_000),
      },
    } : {}),
  };
}
