import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { ErrorCode, VaultError } from '../core/errors.js';
import { PeaksBuilder, type Peaks } from './peaks.js';

/** Peaks are computed from a low-rate copy: enough for a waveform, cheap to scan. */
const PEAKS_RATE = 8000;

export interface PlaybackOutputs {
  /** Ogg/Opus for browsers (small, good at speech). */
  opus: Readable;
  /** MP3 for clients that only play MP3 (the Genesys door serves it). */
  mp3: Readable;
  /** Resolves once ffmpeg has finished, with the waveform peaks. */
  done: Promise<Peaks>;
}

/**
 * One ffmpeg run decodes the source once and writes the two playback renditions to extra pipes
 * (fd 3 and 4) and raw samples for the peaks to stdout, so no plaintext ever touches the disk.
 * The caller must consume both rendition streams while `done` is pending.
 */
export function renderPlayback(ffmpeg: string, source: NodeJS.ReadableStream, opts: { channels: number; signal?: AbortSignal }): PlaybackOutputs {
  const channels = Math.max(1, Math.min(opts.channels, 8));
  const child = spawn(ffmpeg, [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-i', 'pipe:0', '-vn',
    '-map', '0:a:0', '-c:a', 'libopus', '-b:a', `${24 * channels}k`, '-application', 'voip', '-f', 'ogg', 'pipe:3',
    '-map', '0:a:0', '-c:a', 'libmp3lame', '-b:a', `${channels > 1 ? 64 : 32}k`, '-f', 'mp3', 'pipe:4',
    '-map', '0:a:0', '-ac', String(channels), '-ar', String(PEAKS_RATE), '-c:a', 'pcm_s16le', '-f', 's16le', 'pipe:1',
  ], { stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe'], ...(opts.signal ? { signal: opts.signal } : {}) });
  const peaks = new PeaksBuilder(channels, PEAKS_RATE);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { if (stderr.length < 4000) stderr += d; });
  child.stdout!.on('data', (d: Buffer) => peaks.push(d));
  // ffmpeg may stop reading early on bad input: the source must not crash the process then.
  child.stdin!.on('error', () => undefined);
  (source as Readable).on('error', (err: Error) => child.kill('SIGKILL') && (stderr ||= err.message));
  source.pipe(child.stdin!);
  const done = new Promise<Peaks>((resolve, reject) => {
    child.on('error', (err) => reject(new VaultError(ErrorCode.ENGINE_UNAVAILABLE, `ffmpeg could not run: ${err.message}`, { cause: err })));
    child.on('close', (code, signal) => {
      if (code === 0) resolve(peaks.finish());
      else reject(new VaultError(ErrorCode.UNPROCESSABLE, `ffmpeg could not make playback renditions (${signal ?? `exit ${code}`}): ${stderr.trim() || 'no output'}`));
    });
  });
  return { opus: child.stdio[3] as Readable, mp3: child.stdio[4] as Readable, done };
}
