/**
 * The default speech engine: CMU pocketsphinx as Debian ships it (0.8+5prealpha), run as child
 * processes of `pocketsphinx_batch`. An energy VAD cuts the channel into windows around the
 * stretches of speech (see ./windows.ts); the batch tool decodes each window as one utterance,
 * reading it straight from the WAV by frame range, and writes every word with its time and
 * posterior to a CTM file. One process decodes many windows, so the model is loaded once per
 * thread, not once per window.
 *
 * Why not `pocketsphinx_continuous` and its own VAD: in this version its word times jump by
 * seconds after an utterance that begins at the very start of the input (measured: a window
 * starting mid-sentence put every later word 4.2 s late), while the batch tool's times are
 * relative to a start we choose.
 */
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { ErrorCode, VaultError } from '../core/errors.js';
import type { EngineSegment } from '../transcripts/model.js';
import type { ChannelAudio, TranscribeOptions, Transcriber } from './port.js';
import { frontEndFor, type FrontEnd } from './pocketsphinx-frontend.js';
import { parseCtm, toSegments } from './pocketsphinx-output.js';
import { locate, modelArgs, probe, runSphinx, TimeLimit, type SphinxInstall } from './pocketsphinx-run.js';
import { assertMonoS16, frameLevels, readSamples, readWavInfo, wavHeader, type WavInfo } from './wav.js';
import { loudness, mergeWindowWords, speechWindows, type Window } from './windows.js';

export const DEFAULT_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';
export const DEFAULT_BINARY = 'pocketsphinx_batch';
const RATE = 16_000;

export interface PocketsphinxOptions {
  /** The pocketsphinx_batch binary: a path, or a name looked up on PATH. */
  binary?: string;
  /** Folder holding the acoustic model folder, the language model and the dictionary. */
  modelDir?: string;
  /** Acoustic model folder (mdef, means, …); default `<modelDir>/en-us`. */
  hmmDir?: string;
  /** Language model; default `<modelDir>/en-us.lm.bin`. */
  lmPath?: string;
  /** Pronunciation dictionary; default `<modelDir>/cmudict-en-us.dict`. */
  dictPath?: string;
  /** Decoder processes working on one channel at once. Default 1. */
  threads?: number;
  /** Longest window decoded as one utterance (longer ones decoded worse). Default 20 s. */
  maxWindowMs?: number;
  /** A pause at least this long ends a window. Default 300 ms. */
  minPauseMs?: number;
  /** Inside speech longer than a window, a pause at least this long may carry the seam. Default 100 ms. */
  splitGapMs?: number;
  /** Overlap of two windows at a seam forced into speech. Default 2 s. */
  overlapMs?: number;
  /** Silence kept around each stretch of speech. Default 250 ms. */
  padMs?: number;
  /** A decoder process may take this many times the audio it decodes… Default 3. */
  timeLimitFactor?: number;
  /** …plus this much for loading the model. Default 30 s. */
  timeLimitBaseMs?: number;
  /** More decoder arguments, after ours (so they win). */
  extraArgs?: string[];
  /** Where private working folders are made; default the OS temp folder. */
  tmpDir?: string;
}

type Settings = Required<Omit<PocketsphinxOptions, 'binary' | 'hmmDir' | 'lmPath' | 'dictPath'>>;

export class PocketsphinxTranscriber implements Transcriber {
  readonly name: string;
  private readonly opts: Settings;
  private readonly want: SphinxInstall;
  private probed: Promise<SphinxInstall> | undefined;

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
      maxWindowMs: options.maxWindowMs ?? 20_000,
      minPauseMs: options.minPauseMs ?? 300,
      splitGapMs: options.splitGapMs ?? 100,
      overlapMs: options.overlapMs ?? 2_000,
      padMs: options.padMs ?? 250,
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
    const o = this.opts;
    const windows = speechWindows(levels, silenceDb, { maxWindowMs: o.maxWindowMs, minPauseMs: o.minPauseMs, minGapMs: o.splitGapMs, overlapMs: o.overlapMs, padMs: o.padMs });
    if (windows.length === 0) return [];
    const frontEnd = frontEndFor(audio.sourceSampleRate);
    // The ctl list and the CTM output (transcript text) live in a private folder, as does the
    // folded copy of narrow-band audio (plaintext speech): 0700 folder, 0600 files.
    const work = await mkdtemp(join(o.tmpDir, 'callvault-sphinx-'));
    const abort = new AbortController();
    const onAbort = () => abort.abort(opts.signal?.reason);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const usable = !frontEnd.fold && info.dataOffset === 44 && audio.wavPath.endsWith('.wav') && !/\s/.test(audio.wavPath);
      const input = usable ? audio.wavPath : await writeWorkingCopy(audio.wavPath, info, frontEnd, join(work, 'audio.wav'));
      const name = basename(input, '.wav');
      await writeFile(join(work, 'windows.ctl'), windows.map((w, i) => `${name} ${w.startMs / 10} ${w.endMs / 10} u${i}\n`).join(''), { mode: 0o600 });
      const groups = split(windows, o.threads);
      const ctms = await Promise.all(groups.map(async (g, k) => {
        const ctm = join(work, `g${k}.ctm`);
        await writeFile(ctm, '', { mode: 0o600 });
        const args = withOverrides([
          ...modelArgs(tools), '-adcin', 'yes', '-adchdr', '44', '-cepdir', dirname(input), '-cepext', '.wav',
          '-ctl', join(work, 'windows.ctl'), '-ctloffset', String(g.offset), '-ctlcount', String(g.count), '-ctm', ctm,
          // The VAD already cut the windows; pocketsphinx's own would drop frames and shift times.
          '-remove_silence', 'no', ...frontEnd.args,
        ], o.extraArgs);
        await this.decode(tools, args, g.audioMs, abort);
        return readFile(ctm, 'utf8');
      }));
      const words = parseCtm(ctms.join('\n'), (id) => windows[Number(id.slice(1))]?.startMs);
      const kept = mergeWindowWords(windows, windows.map((_, i) => words.get(`u${i}`) ?? []));
      return toSegments(kept);
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      await rm(work, { recursive: true, force: true });
    }
  }

  private async decode(tools: SphinxInstall, args: string[], audioMs: number, abort: AbortController): Promise<void> {
    const limitMs = this.opts.timeLimitBaseMs + this.opts.timeLimitFactor * audioMs;
    try {
      await runSphinx(tools.binary, args, limitMs, abort.signal);
    } catch (err) {
      // One failed decoder makes the transcript incomplete: stop the others at once.
      const failure = err instanceof TimeLimit
        ? new VaultError(ErrorCode.ENGINE_UNAVAILABLE,
          `pocketsphinx did not finish ${(audioMs / 1000).toFixed(0)} s of audio within ${(limitMs / 1000).toFixed(0)} s `
          + `(${this.opts.timeLimitBaseMs / 1000} s + ${this.opts.timeLimitFactor} × the audio); the machine may be overloaded`,
          { details: { audioMs, limitMs } })
        : err;
      if (!abort.signal.aborted) abort.abort(failure);
      throw abort.signal.reason;
    }
  }

  private async resolve(): Promise<SphinxInstall> {
    const found = await locate(this.want);
    this.probed ??= probe(found).catch((err: unknown) => {
      this.probed = undefined;
      throw err;
    });
    return this.probed;
  }
}

/** `-flag value` pairs with the extra ones replacing ours: pocketsphinx refuses a flag given twice. */
function withOverrides(ours: string[], extra: string[]): string[] {
  const flags = new Set(extra.filter((_, i) => i % 2 === 0));
  const kept: string[] = [];
  for (let i = 0; i < ours.length; i += 2) if (!flags.has(ours[i]!)) kept.push(ours[i]!, ours[i + 1]!);
  return [...kept, ...extra];
}

/** Contiguous runs of windows, one per process, of about equal audio. */
function split(windows: Window[], parts: number): Array<{ offset: number; count: number; audioMs: number }> {
  const total = windows.reduce((a, w) => a + w.endMs - w.startMs, 0);
  const groups: Array<{ offset: number; count: number; audioMs: number }> = [];
  let current = { offset: 0, count: 0, audioMs: 0 };
  windows.forEach((w, i) => {
    current.count++;
    current.audioMs += w.endMs - w.startMs;
    const share = (total * (groups.length + 1)) / parts;
    const done = groups.reduce((a, g) => a + g.audioMs, 0) + current.audioMs;
    if (done >= share && i < windows.length - 1 && groups.length < parts - 1) {
      groups.push(current);
      current = { offset: i + 1, count: 0, audioMs: 0 };
    }
  });
  groups.push(current);
  return groups.filter((g) => g.count > 0);
}

/** The whole channel, folded for narrow-band audio, with the bare header the batch tool skips. */
async function writeWorkingCopy(wavPath: string, info: WavInfo, frontEnd: FrontEnd, out: string): Promise<string> {
  const fh = await open(out, 'wx', 0o600);
  try {
    const total = info.dataBytes >> 1;
    await fh.write(wavHeader(total * 2, RATE));
    const chunk = 1 << 20;
    for (let from = 0; from < total; from += chunk) {
      const pcm = await readSamples(wavPath, info, from, from + chunk);
      frontEnd.fold?.(pcm);
      await fh.write(pcm);
    }
  } finally {
    await fh.close();
  }
  return out;
}

