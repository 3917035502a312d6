/**
 * The default speech engine: CMU pocketsphinx as Debian ships it (0.8+5prealpha, whose command
 * line tool is `pocketsphinx_continuous`), run as a child process per window of audio. Its own
 * VAD splits each window into utterances, which become the segments; its `-time yes` output
 * gives every word a start, an end and a posterior.
 */
import { spawn } from 'node:child_process';
import { constants as fsc } from 'node:fs';
import { access, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ErrorCode, VaultError } from '../core/errors.js';
import { findOnPath } from '../media/binaries.js';
import type { EngineSegment, Word } from '../transcripts/model.js';
import type { ChannelAudio, TranscribeOptions, Transcriber } from './port.js';
import { frontEndFor, type FrontEnd } from './pocketsphinx-frontend.js';
import { parseUtterances, toSegments } from './pocketsphinx-output.js';
import { assertMonoS16, frameLevels, readSamples, readWavInfo, wavHeader, type WavInfo } from './wav.js';
import { loudness, mergeWindowWords, planWindows, type Window } from './windows.js';

export const DEFAULT_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';
export const DEFAULT_BINARY = 'pocketsphinx_continuous';
const RATE = 16_000;

export interface PocketsphinxOptions {
  /** The pocketsphinx_continuous binary: a path, or a name looked up on PATH. */
  binary?: string;
  /** Folder holding the acoustic model folder, the language model and the dictionary. */
  modelDir?: string;
  /** Acoustic model folder (mdef, means, …); default `<modelDir>/en-us`. */
  hmmDir?: string;
  /** Language model; default `<modelDir>/en-us.lm.bin`. */
  lmPath?: string;
  /** Pronunciation dictionary; default `<modelDir>/cmudict-en-us.dict`. */
  dictPath?: string;
  /** Windows decoded at the same time (each is one process). Default 1. */
  threads?: number;
  /** Longest window; a seam goes into a pause before it. Default 5 minutes. */
  windowMs?: number;
  /** Shortest pause that may carry a seam. Default 300 ms. */
  minGapMs?: number;
  /** Overlap of two windows at a seam forced into speech. Default 2 s. */
  overlapMs?: number;
  /** A window may take this many times its duration… Default 3. */
  timeLimitFactor?: number;
  /** …plus this much for loading the model. Default 30 s. */
  timeLimitBaseMs?: number;
  /** More decoder arguments, after ours (so they win). */
  extraArgs?: string[];
  /** Where private working folders are made; default the OS temp folder. */
  tmpDir?: string;
}

interface Resolved {
  binary: string;
  hmm: string;
  lm: string;
  dict: string;
}

const HMM_FILES = ['mdef', 'means', 'variances', 'transition_matrices', 'noisedict'];

export class PocketsphinxTranscriber implements Transcriber {
  readonly name: string;
  private readonly opts: Required<Omit<PocketsphinxOptions, 'binary' | 'hmmDir' | 'lmPath' | 'dictPath'>>;
  private readonly want: { binary: string; hmm: string; lm: string; dict: string };
  private probed: Promise<Resolved> | undefined;

  constructor(options: PocketsphinxOptions = {}) {
    const modelDir = options.modelDir ?? DEFAULT_MODEL_DIR;
    this.want = {
      binary: options.binary ?? DEFAULT_BINARY,
      hmm: options.hmmDir ?? join(modelDir, 'en-us'),
      lm: options.lmPath ?? join(modelDir, 'en-us.lm.bin'),
      dict: options.dictPath ?? join(modelDir, 'cmudict-en-us.dict'),
    };
    this.opts = {
      modelDir,
      threads: Math.max(1, Math.floor(options.threads ?? 1)),
      windowMs: options.windowMs ?? 300_000,
      minGapMs: options.minGapMs ?? 300,
      overlapMs: options.overlapMs ?? 2_000,
      timeLimitFactor: options.timeLimitFactor ?? 3,
      timeLimitBaseMs: options.timeLimitBaseMs ?? 30_000,
      extraArgs: options.extraArgs ?? [],
      tmpDir: options.tmpDir ?? tmpdir(),
    };
    this.name = `pocketsphinx/${basename(modelDir)}`;
  }

  /**
   * Proves the binary and every model file are there (each call), and that pocketsphinx loads the
   * model (once per instance: that takes a few hundred milliseconds).
   */
  async check(): Promise<void> {
    await this.resolve();
  }

  async transcribe(audio: ChannelAudio, opts: TranscribeOptions = {}): Promise<EngineSegment[]> {
    opts.signal?.throwIfAborted();
    const tools = await this.resolve();
    const info = await readWavInfo(audio.wavPath);
    assertMonoS16(info, RATE, audio.wavPath);
    const levels = await frameLevels(audio.wavPath, info);
    const { silenceDb, hasSound } = loudness(levels);
    if (!hasSound) return [];
    const windows = planWindows(levels, silenceDb, { maxWindowMs: this.opts.windowMs, minGapMs: this.opts.minGapMs, overlapMs: this.opts.overlapMs })
      .filter((w) => hasSoundIn(levels, w, silenceDb));
    const frontEnd = frontEndFor(audio.sourceSampleRate);
    // One window of unaltered audio is decoded straight from the caller's file; anything else
    // gets slices written to a private folder (plaintext audio: 0700 folder, 0600 files).
    const direct = windows.length === 1 && !frontEnd.fold && info.dataOffset === 44 && windows[0]!.startMs === 0;
    const work = direct ? undefined : await mkdtemp(join(this.opts.tmpDir, 'callvault-sphinx-'));
    const abort = new AbortController();
    const onAbort = () => abort.abort(opts.signal?.reason);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const perWindow = await runPool(windows, this.opts.threads, abort, async (win, i) => {
        const input = work ? await writeWindow(audio.wavPath, info, win, frontEnd, join(work, `w${i}.wav`)) : audio.wavPath;
        try {
          return await this.decode(tools, input, win, frontEnd, abort.signal);
        } finally {
          if (work) await rm(input, { force: true });
        }
      });
      return toSegments(regroup(windows, perWindow));
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      if (work) await rm(work, { recursive: true, force: true });
    }
  }

  private decode(tools: Resolved, input: string, win: Window, frontEnd: FrontEnd, signal: AbortSignal): Promise<Word[][]> {
    const durationMs = win.endMs - win.startMs;
    const limitMs = this.opts.timeLimitBaseMs + this.opts.timeLimitFactor * durationMs;
    const args = [...modelArgs(tools), '-infile', input, '-time', 'yes', ...frontEnd.args, ...this.opts.extraArgs];
    return runSphinx(tools.binary, args, limitMs, signal).then(
      (stdout) => parseUtterances(stdout, win.startMs),
      (err: unknown) => {
        if (err instanceof TimeLimit) {
          throw new VaultError(ErrorCode.ENGINE_UNAVAILABLE,
            `pocketsphinx did not finish ${(durationMs / 1000).toFixed(0)} s of audio within ${(limitMs / 1000).toFixed(0)} s `
            + `(${this.opts.timeLimitBaseMs / 1000} s + ${this.opts.timeLimitFactor} × the audio); the machine may be overloaded`,
            { details: { audioMs: durationMs, limitMs } });
        }
        throw err;
      },
    );
  }

  private resolve(): Promise<Resolved> {
    return (async () => {
      const found = await locate(this.want);
      this.probed ??= probe(found).catch((err: unknown) => {
        this.probed = undefined;
        throw err;
      });
      return this.probed;
    })();
  }
}

function modelArgs(t: Resolved): string[] {
  return ['-hmm', t.hmm, '-lm', t.lm, '-dict', t.dict];
}

async function locate(want: { binary: string; hmm: string; lm: string; dict: string }): Promise<Resolved> {
  const binary = want.binary.includes('/') ? await executable(want.binary) : await findOnPath(want.binary, process.env.PATH ?? '');
  if (!binary) {
    throw unavailable(`the speech engine binary '${want.binary}' was not found${want.binary.includes('/') ? ' or is not executable' : ' on PATH'}; `
      + "install the Debian package 'pocketsphinx' (apt-get install pocketsphinx) or configure its path", { binary: want.binary });
  }
  const missing: string[] = [];
  for (const f of HMM_FILES) if (!(await readable(join(want.hmm, f)))) missing.push(join(want.hmm, f));
  if (!(await readable(join(want.hmm, 'sendump'))) && !(await readable(join(want.hmm, 'mixture_weights')))) missing.push(join(want.hmm, 'sendump (or mixture_weights)'));
  for (const f of [want.lm, want.dict]) if (!(await readable(f))) missing.push(f);
  if (missing.length > 0) {
    throw unavailable(`the pocketsphinx model is incomplete: missing ${missing.join(', ')}; `
      + "install the Debian package 'pocketsphinx-en-us' (apt-get install pocketsphinx-en-us) or configure the model paths", { missing });
  }
  return { ...want, binary };
}

/** Loads the model once on empty input: a model file that is present but unreadable fails here. */
async function probe(found: Resolved): Promise<Resolved> {
  await runSphinx(found.binary, [...modelArgs(found), '-infile', '/dev/null'], 60_000, undefined);
  return found;
}

async function executable(path: string): Promise<string | undefined> {
  try {
    if (!(await stat(path)).isFile()) return undefined;
    await access(path, fsc.X_OK);
    return path;
  } catch {
    return undefined;
  }
}

async function readable(path: string): Promise<boolean> {
  try {
    await access(path, fsc.R_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

class TimeLimit extends Error {}

function runSphinx(binary: string, args: string[], limitMs: number, signal: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let log = '';
    let failure: unknown;
    const stop = (why: unknown) => {
      failure ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop(new TimeLimit()), limitMs);
    const onAbort = () => stop(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      // The log is long and chatty; errors come last, so the tail is what is worth keeping.
      log = (log + d).slice(-16_000);
    });
    child.on('error', (err) => stop(unavailable(`pocketsphinx could not be started (${binary}): ${err.message}`, { binary })));
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (failure !== undefined) return reject(failure);
      if (code === 0) return resolve(Buffer.concat(out).toString('utf8'));
      const errors = log.split('\n').filter((l) => /^(ERROR|FATAL)/.test(l)).slice(-3).join(' | ');
      reject(unavailable(`pocketsphinx failed (${sig ? `signal ${sig}` : `exit ${code}`}): ${errors || log.trim().split('\n').slice(-2).join(' | ') || 'no message'}`, { binary, code }));
    });
  });
}

function unavailable(message: string, details?: Record<string, unknown>): VaultError {
  return new VaultError(ErrorCode.ENGINE_UNAVAILABLE, message, details ? { details } : undefined);
}

async function writeWindow(wavPath: string, info: WavInfo, win: Window, frontEnd: FrontEnd, out: string): Promise<string> {
  const pcm = await readSamples(wavPath, info, (win.startMs * RATE) / 1000, (win.endMs * RATE) / 1000);
  frontEnd.fold?.(pcm);
  await writeFile(out, Buffer.concat([wavHeader(pcm.length, RATE), pcm]), { mode: 0o600, flag: 'wx' });
  return out;
}

function hasSoundIn(levels: Float32Array, win: Window, silenceDb: number): boolean {
  for (let f = Math.floor(win.startMs / 10); f < Math.min(levels.length, Math.ceil(win.endMs / 10)); f++) {
    if (levels[f]! >= silenceDb) return true;
  }
  return false;
}

/** Utterances of every window, seams resolved, in time order. */
function regroup(windows: Window[], perWindow: Word[][][]): Word[][] {
  const tagged = perWindow.map((utts) => utts.flatMap((words, u) => words.map((w) => ({ startMs: w.startMs, endMs: w.endMs, w, u }))));
  const kept = mergeWindowWords(windows, tagged);
  const out: Word[][] = [];
  for (const words of kept) {
    let lastU = -1;
    for (const t of words) {
      if (t.u !== lastU) out.push([]);
      out[out.length - 1]!.push(t.w);
      lastU = t.u;
    }
  }
  return out;
}

/** Runs `fn` over items with at most `limit` at once; the first failure stops the rest. */
async function runPool<T, R>(items: T[], limit: number, abort: AbortController, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      abort.signal.throwIfAborted();
      const i = next++;
      try {
        results[i] = await fn(items[i]!, i);
      } catch (err) {
        if (!abort.signal.aborted) abort.abort(err);
        throw err;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (abort.signal.aborted) throw abort.signal.reason;
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  return results;
}
