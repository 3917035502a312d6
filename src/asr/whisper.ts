/**
 * The quality engine: whisper.cpp's `whisper-cli`, one child process per channel. The model is
 * loaded by the child and freed when it exits, so the vault's own memory never holds it. Output
 * goes to a JSON file in a private temporary folder (the CLI opens /dev/stdout by path, which
 * fails when stdout is the socket Node gives a child).
 */
import { spawn } from 'node:child_process';
import { constants as fsc } from 'node:fs';
import { access, mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ErrorCode, VaultError } from '../core/errors.js';
import type { EngineSegment } from '../transcripts/model.js';
import type { ChannelAudio, TranscribeOptions, Transcriber } from './port.js';
import { parseCliJson, segmentsFromCli } from './whisper-json.js';

export interface WhisperOptions {
  /** Path to whisper-cli (see `defaultWhisperBinary` in ./whisper-build.ts). */
  binary: string;
  /** Path to a ggml model file (CALLVAULT_ASR_MODEL), e.g. …/ggml-base.en.bin. */
  model: string;
  /** Compute threads per transcription; default: every available core. */
  threads?: number;
  /** Default language when the channel names none: an ISO 639-1 code or "auto" (the default). */
  language?: string;
  /** The time limit is minTimeoutMs + timeoutFactor × audio duration; default factor 3. */
  timeoutFactor?: number;
  /** Default 60 s: model loading alone can take seconds for the large models. */
  minTimeoutMs?: number;
  /** Beam width; default 5 (whisper-cli's own default and whisper's reference setting). */
  beamSize?: number;
  /** Where the per-call output folders go; default os.tmpdir(). */
  tmpDir?: string;
}

const GGML_MAGIC = 0x67676d6c;
const STDERR_KEEP = 16 * 1024;
const HELP_TIMEOUT_MS = 10_000;

const unavailable = (message: string, cause?: unknown) =>
  new VaultError(ErrorCode.ENGINE_UNAVAILABLE, message, cause === undefined ? undefined : { cause });

/** "ggml-base.en.bin" → "base.en": the name `callvault models fetch` takes. */
export function modelNameOf(modelPath: string): string {
  return basename(modelPath).replace(/^ggml-/, '').replace(/\.bin$/, '');
}

/** "en-US" → "en"; whisper knows languages by their primary subtag only. */
function whisperLanguage(lang: string | undefined): string {
  const primary = (lang ?? 'auto').trim().toLowerCase().split(/[-_]/)[0];
  return primary || 'auto';
}

interface ChildResult { code: number | null; signal: NodeJS.Signals | null; stderr: string; timedOut: boolean }

export class WhisperTranscriber implements Transcriber {
  readonly name: string;
  private readonly opts: Required<Omit<WhisperOptions, 'language'>> & { language: string };

  constructor(opts: WhisperOptions) {
    this.opts = {
      binary: opts.binary, model: opts.model,
      threads: opts.threads ?? availableParallelism(),
      language: opts.language ?? 'auto',
      timeoutFactor: opts.timeoutFactor ?? 3,
      minTimeoutMs: opts.minTimeoutMs ?? 60_000,
      beamSize: opts.beamSize ?? 5,
      tmpDir: opts.tmpDir ?? tmpdir(),
    };
    this.name = `whisper.cpp/${basename(opts.model).replace(/\.bin$/, '')}`;
  }

  /** The whisper-cli arguments for one file, writing `<outBase>.json`. Public for the bench. */
  args(wavPath: string, outBase: string, language?: string): string[] {
    const o = this.opts;
    return ['-m', o.model, '-f', wavPath, '-of', outBase, '-ojf', '-np', '-t', String(o.threads), '-p', '1',
      '-bs', String(o.beamSize), '-l', whisperLanguage(language ?? o.language)];
  }

  async check(): Promise<void> {
    const { binary, model } = this.opts;
    try {
      await access(binary, fsc.X_OK);
    } catch (cause) {
      throw unavailable(`whisper.cpp is not built: no executable whisper-cli at ${binary}. `
        + 'Build it with `node scripts/build-whisper.mjs` (needs cmake and a C++ compiler; about two minutes).', cause);
    }
    let magic: number;
    try {
      const fh = await open(model, 'r');
      try {
        const { bytesRead, buffer } = await fh.read(Buffer.alloc(4), 0, 4, 0);
        magic = bytesRead === 4 ? buffer.readUInt32LE(0) : 0;
      } finally {
        await fh.close();
      }
    } catch (cause) {
      throw unavailable(`whisper model not found at ${model}: download it with \`callvault models fetch ${modelNameOf(model)}\``, cause);
    }
    if (magic !== GGML_MAGIC) throw unavailable(`${model} is not a whisper.cpp ggml model file (bad magic)`);
    const r = await this.runChild(['-h'], undefined, HELP_TIMEOUT_MS);
    if (r.code !== 0) {
      throw unavailable(`whisper-cli at ${binary} does not run (${r.signal ?? `exit ${r.code}`})`
        + `${r.signal === 'SIGILL' ? ': it was built for another CPU; rebuild it on this machine' : ''}\n${tail(r.stderr)}`);
    }
  }

  async transcribe(audio: ChannelAudio, opts: TranscribeOptions = {}): Promise<EngineSegment[]> {
    opts.signal?.throwIfAborted();
    const dir = await mkdtemp(join(this.opts.tmpDir, 'callvault-whisper-'));
    try {
      const outBase = join(dir, 'out');
      const timeoutMs = this.opts.minTimeoutMs + this.opts.timeoutFactor * Math.max(0, audio.durationMs);
      const r = await this.runChild(this.args(audio.wavPath, outBase, audio.language), opts.signal, timeoutMs);
      opts.signal?.throwIfAborted();
      if (r.timedOut) {
        throw unavailable(`whisper-cli took longer than ${Math.round(timeoutMs / 1000)} s for ${Math.round(audio.durationMs / 1000)} s of audio and was stopped`);
      }
      if (r.code !== 0) throw this.failure(r, audio);
      let json: string;
      try {
        json = await readFile(`${outBase}.json`, 'utf8');
      } catch {
        throw this.failure(r, audio);
      }
      try {
        return segmentsFromCli(parseCliJson(json), audio.durationMs);
      } catch (cause) {
        throw unavailable(`whisper-cli wrote output we cannot read: ${(cause as Error).message}`, cause);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private failure(r: ChildResult, audio: ChannelAudio): VaultError {
    const why = tail(r.stderr);
    if (/failed to read audio|failed to process audio|input file not found/.test(r.stderr)) {
      return new VaultError(ErrorCode.UNPROCESSABLE, `whisper could not read or process ${audio.wavPath}\n${why}`);
    }
    if (/unknown language/.test(r.stderr)) {
      return new VaultError(ErrorCode.INVALID_REQUEST, `whisper does not know the language ${JSON.stringify(audio.language ?? this.opts.language)}`);
    }
    if (r.code === 3 || /failed to initialize whisper context/.test(r.stderr)) {
      return unavailable(`whisper could not load the model ${this.opts.model}; re-download it with \`callvault models fetch ${modelNameOf(this.opts.model)}\`\n${why}`);
    }
    return unavailable(`whisper-cli failed (${r.signal ?? `exit ${r.code}`}) without output\n${why}`);
  }

  private runChild(args: string[], signal: AbortSignal | undefined, timeoutMs: number): Promise<ChildResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.opts.binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (d: string) => {
        stderr = (stderr + d).slice(-STDERR_KEEP);
      });
      let timedOut = false;
      const kill = () => child.kill('SIGKILL');
      const timer = setTimeout(() => {
        timedOut = true;
        kill();
      }, timeoutMs);
      signal?.addEventListener('abort', kill, { once: true });
      // An abort between the caller's check and the listener above would otherwise go unseen.
      if (signal?.aborted) kill();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', kill);
      };
      child.on('error', (err) => {
        done();
        reject(unavailable(`cannot run whisper-cli at ${this.opts.binary}: ${err.message}. `
          + 'Build it with `node scripts/build-whisper.mjs`.', err));
      });
      child.on('close', (code, sig) => {
        done();
        resolve({ code, signal: sig, stderr, timedOut });
      });
    });
  }
}

function tail(text: string, lines = 12): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
