/**
 * Decodes one channel of a recording into what the speech engines read: a 16 kHz mono signed
 * 16-bit WAV with the plain 44-byte header. The file holds plaintext speech, so it lives in a
 * private folder (0700) as a 0600 file and is removed by `cleanup()` — and at once when decoding
 * fails, so no partial copy outlives the call.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ErrorCode, VaultError } from '../core/errors.js';
import type { ChannelAudio } from './port.js';

export const ENGINE_SAMPLE_RATE = 16_000;
const WAV_HEADER_BYTES = 44;

export interface PrepareOptions {
  /** Zero-based channel of the first audio stream. */
  channel: number;
  /** ffmpeg arguments placed before `-i`, e.g. `['-f', 'mulaw', '-ar', '8000', '-ac', '2']` for raw input. */
  inputArgs?: string[];
  signal?: AbortSignal;
}

export interface PreparedChannel extends Required<Pick<ChannelAudio, 'wavPath' | 'durationMs' | 'sourceSampleRate'>> {
  /** Removes the temporary file and its folder; safe to call more than once. */
  cleanup(): Promise<void>;
}

/** Input stream facts read from ffmpeg's log of the first audio stream. */
interface SourceInfo {
  sampleRate?: number;
  channels?: number;
}

export async function prepareChannel(
  ffmpeg: string,
  input: string | NodeJS.ReadableStream,
  opts: PrepareOptions,
): Promise<PreparedChannel> {
  if (!Number.isInteger(opts.channel) || opts.channel < 0) {
    throw new VaultError(ErrorCode.INVALID_REQUEST, `channel must be a non-negative integer, not ${opts.channel}`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'callvault-asr-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  const wavPath = join(dir, `channel-${opts.channel}.wav`);
  try {
    // Created here with 0600 so ffmpeg (which truncates, keeping the mode) never makes it 0644.
    await (await open(wavPath, 'wx', 0o600)).close();
    const soxr = await hasSoxr(ffmpeg);
    const filter = [
      `channelmap=map=${opts.channel}-0:channel_layout=mono`,
      // soxr dithers its own 16-bit output with a random seed; taking floats from it and rounding
      // afterwards keeps the same input giving the same samples, and so the same transcript.
      soxr ? `aresample=${ENGINE_SAMPLE_RATE}:resampler=soxr:precision=28:osf=flt` : `aresample=${ENGINE_SAMPLE_RATE}:filter_size=64`,
    ].join(',');
    const args = [
      '-nostdin', '-hide_banner', '-nostats', '-y',
      ...(opts.inputArgs ?? []),
      '-i', typeof input === 'string' ? input : 'pipe:0',
      '-map', '0:a:0', '-af', filter, '-ar', String(ENGINE_SAMPLE_RATE), '-ac', '1', '-c:a', 'pcm_s16le',
      // Bit-exact and without metadata, ffmpeg writes the bare 44-byte header engines expect.
      '-map_metadata', '-1', '-fflags', '+bitexact', '-flags:a', '+bitexact', '-f', 'wav', wavPath,
    ];
    const log = await runFfmpeg(ffmpeg, args, typeof input === 'string' ? undefined : input, opts.signal);
    const info = sourceInfo(log.stderr);
    if (log.code !== 0) throw decodeError(log.stderr, opts.channel, info);
    const bytes = (await stat(wavPath)).size - WAV_HEADER_BYTES;
    if (bytes <= 0) throw new VaultError(ErrorCode.UNPROCESSABLE, 'no audio could be decoded from the input', { details: { reason: lastLines(log.stderr) } });
    return {
      wavPath,
      durationMs: Math.round((bytes / 2 / ENGINE_SAMPLE_RATE) * 1000),
      sourceSampleRate: info.sampleRate ?? ENGINE_SAMPLE_RATE,
      cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

const soxrByBinary = new Map<string, Promise<boolean>>();

/** Whether this ffmpeg was built with libsoxr (the npm static builds may not be). */
function hasSoxr(ffmpeg: string): Promise<boolean> {
  let p = soxrByBinary.get(ffmpeg);
  if (!p) {
    p = new Promise((resolve) => {
      execFile(ffmpeg, ['-hide_banner', '-buildconf'], { timeout: 10_000, maxBuffer: 1 << 20 }, (err, stdout) => {
        resolve(!err && stdout.includes('--enable-libsoxr'));
      });
    });
    soxrByBinary.set(ffmpeg, p);
  }
  return p;
}

function runFfmpeg(ffmpeg: string, args: string[], stdin: NodeJS.ReadableStream | undefined, signal?: AbortSignal): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: [stdin ? 'pipe' : 'ignore', 'ignore', 'pipe'], signal });
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => {
      // The head names the input streams and the tail the failure; the middle can be long warnings.
      stderr = stderr.length < 64_000 ? stderr + d : stderr.slice(0, 32_000) + stderr.slice(-16_000) + d;
    });
    let inputError: unknown;
    if (stdin) {
      const source = stdin as Readable;
      // ffmpeg may stop reading early (a corrupt header): the broken pipe is its story to tell.
      child.stdin!.on('error', () => {});
      source.on('error', (err) => {
        inputError = err;
        child.kill('SIGKILL');
      });
      source.pipe(child.stdin!);
    }
    child.on('error', (err) => reject(signal?.aborted ? (signal.reason ?? err) : new VaultError(ErrorCode.ENGINE_UNAVAILABLE, `ffmpeg could not be run (${ffmpeg}): ${err.message}`, { cause: err })));
    child.on('close', (code) => {
      if (stdin) {
        // ffmpeg is done with the input, read to the end or not: release the caller's source
        // (a file or a decrypting reader) instead of leaving it paused and open.
        const source = stdin as Readable;
        source.unpipe(child.stdin!);
        if (!source.readableEnded) source.destroy();
      }
      if (inputError) reject(inputError);
      else resolve({ code, stderr });
    });
  });
}

const LAYOUT_CHANNELS: Record<string, number> = {
  mono: 1, stereo: 2, downmix: 2, '2.1': 3, '3.0': 3, '3.0(back)': 3, '4.0': 4, quad: 4, 'quad(side)': 4, '3.1': 4,
  '5.0': 5, '5.0(side)': 5, '4.1': 5, '5.1': 6, '5.1(side)': 6, '6.0': 6, '6.0(front)': 6, hexagonal: 6,
  '6.1': 7, '6.1(back)': 7, '6.1(front)': 7, '7.0': 7, '7.0(front)': 7, '7.1': 8, '7.1(wide)': 8, '7.1(wide-side)': 8, octagonal: 8,
};

function sourceInfo(stderr: string): SourceInfo {
  const input = stderr.split(/\nOutput #0|\nStream mapping:/, 1)[0] ?? '';
  const m = /Stream #0:\d+[^:]*: Audio: [^\n]*?, (\d+) Hz, ([^,\n]+)/.exec(input);
  if (!m) return {};
  const layout = m[2]!.trim();
  const counted = /^(\d+) channels/.exec(layout);
  return { sampleRate: Number(m[1]), channels: counted ? Number(counted[1]) : LAYOUT_CHANNELS[layout] };
}

function decodeError(stderr: string, channel: number, info: SourceInfo): VaultError {
  if (info.channels !== undefined && channel >= info.channels) {
    return new VaultError(ErrorCode.UNPROCESSABLE, `the audio has ${info.channels} channel(s); channel ${channel} does not exist`, { details: { channels: info.channels, channel } });
  }
  const reason = lastLines(stderr);
  return new VaultError(ErrorCode.UNPROCESSABLE, `the audio could not be decoded: ${reason}`, { details: { reason } });
}

/** ffmpeg's own words about the failure: its last few distinct lines, without the banner. */
function lastLines(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !/^(Input|Output|Stream|Duration|Metadata|\w+\s+:)/.test(l));
  return [...new Set(lines.slice(-3))].join('; ') || 'ffmpeg gave no reason';
}
