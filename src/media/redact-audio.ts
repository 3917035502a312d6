/**
 * Redacted audio: the given spans are replaced on every channel with silence or a 1 kHz tone,
 * every other sample passes through unchanged, and the channel count and sample rate are kept.
 *
 * One ffmpeg decodes to 16-bit PCM WAV on a pipe, this process overwrites the samples inside the
 * spans, and a second ffmpeg encodes the result. Doing the edit here rather than in a filter is
 * deliberate: timeline `enable=` options act on whole frames (tens of milliseconds, so the edges
 * of a card number could leak), and the per-sample `aeval` filter costs ~0.7 µs a sample (over
 * a minute for an hour of 48 kHz stereo), while patching PCM here costs only the spans.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { rename, rm } from 'node:fs/promises';
import { ErrorCode, VaultError, invalid } from '../core/errors.js';

export interface AudioSpan {
  startMs: number;
  endMs: number;
}

export interface RedactAudioOptions {
  mode: 'silence' | 'tone';
  format: 'wav' | 'opus' | 'mp3';
  /** Tone frequency in Hz (default 1000). */
  toneHz?: number;
  /** Tone amplitude as a fraction of full scale (default 0.25, about -12 dBFS: clear, not painful). */
  toneLevel?: number;
  /**
   * Widen every span by this much on both sides (default 0). Engines' word times are often a
   * few tens of milliseconds early or late, and a clipped first digit is still a digit.
   */
  padMs?: number;
}

const ENCODERS: Record<RedactAudioOptions['format'], string[]> = {
  // 16-bit PCM: what telephony and the vault's playback renditions carry.
  wav: ['-c:a', 'pcm_s16le', '-f', 'wav'],
  opus: ['-c:a', 'libopus', '-b:a', '32k', '-f', 'ogg'],
  mp3: ['-c:a', 'libmp3lame', '-q:a', '4', '-f', 'mp3'],
};

/** A WAV header from ffmpeg is well under this; more without a data chunk means it is not one. */
const MAX_HEADER = 64 * 1024;

export async function redactAudio(
  ffmpeg: string,
  input: string,
  output: string,
  spans: ReadonlyArray<AudioSpan>,
  opts: RedactAudioOptions,
): Promise<void> {
  if (!Object.hasOwn(ENCODERS, opts.format)) throw invalid(`unknown output format '${String(opts.format)}'`);
  if (opts.mode !== 'silence' && opts.mode !== 'tone') throw invalid(`unknown redaction mode '${String(opts.mode)}'`);
  const hz = opts.toneHz ?? 1000;
  const level = opts.toneLevel ?? 0.25;
  if (!(hz > 0 && hz < 20_000) || !(level > 0 && level <= 1)) throw invalid('tone frequency or level out of range');
  const padMs = opts.padMs ?? 0;
  if (!(padMs >= 0 && padMs <= 10_000)) throw invalid('padMs out of range');
  const merged = mergeSpans(spans, padMs);

  const tmp = `${output}.part-${randomBytes(6).toString('hex')}`;
  const decoder = start(ffmpeg, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', input, '-map', '0:a:0', '-vn', '-sn', '-dn',
    '-map_metadata', '-1', '-c:a', 'pcm_s16le', '-f', 'wav', 'pipe:1']);
  let encoder: Proc | undefined;
  try {
    let head = Buffer.alloc(0);
    let fmt: PcmFormat | undefined;
    let patcher: Patcher | undefined;
    for await (const chunk of decoder.child.stdout as AsyncIterable<Buffer>) {
      let data = chunk;
      if (!fmt) {
        head = Buffer.concat([head, chunk]);
        const parsed = parseWavHeader(head);
        if (!parsed) {
          if (head.length > MAX_HEADER) throw new VaultError(ErrorCode.UNPROCESSABLE, 'ffmpeg did not produce a WAV header');
          continue;
        }
        fmt = parsed.format;
        data = head.subarray(parsed.dataOffset);
        patcher = new Patcher(fmt, merged, opts.mode, hz, level);
        encoder = start(ffmpeg, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-f', 's16le', '-ar', String(fmt.sampleRate),
          '-ac', String(fmt.channels), '-i', 'pipe:0', ...ENCODERS[opts.format], '-y', tmp]);
      }
      const out = patcher!.push(data);
      if (out.length > 0 && !encoder!.child.stdin.write(out)) await Promise.race([once(encoder!.child.stdin, 'drain'), encoder!.closed]);
    }
    await decoder.closed;
    if (!encoder) throw new VaultError(ErrorCode.UNPROCESSABLE, 'the input has no audio to redact');
    encoder.child.stdin.end();
    await encoder.closed;
    await rename(tmp, output);
  } catch (err) {
    decoder.child.kill('SIGKILL');
    encoder?.child.kill('SIGKILL');
    await Promise.all([decoder.closed.catch(() => undefined), encoder?.closed.catch(() => undefined)]);
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Sorted spans, widened by `padMs`, with overlapping or touching ones joined; rejects spans that are not spans. */
export function mergeSpans(spans: ReadonlyArray<AudioSpan>, padMs = 0): AudioSpan[] {
  for (const s of spans) {
    if (!Number.isFinite(s.startMs) || !Number.isFinite(s.endMs) || s.startMs < 0 || s.endMs <= s.startMs) {
      throw invalid(`bad redaction span ${s.startMs}..${s.endMs} ms`, { startMs: s.startMs, endMs: s.endMs });
    }
  }
  const sorted = spans.map((s) => ({ startMs: Math.max(0, s.startMs - padMs), endMs: s.endMs + padMs })).sort((a, b) => a.startMs - b.startMs);
  const out: AudioSpan[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.startMs <= last.endMs) last.endMs = Math.max(last.endMs, s.endMs);
    else out.push({ startMs: s.startMs, endMs: s.endMs });
  }
  return out;
}

interface PcmFormat {
  channels: number;
  sampleRate: number;
}

/** The format and the offset of the samples, once the `data` chunk header has arrived. */
function parseWavHeader(b: Buffer): { format: PcmFormat; dataOffset: number } | undefined {
  if (b.length < 12) return undefined;
  if (b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WAVE') {
    throw new VaultError(ErrorCode.UNPROCESSABLE, 'ffmpeg did not produce a WAV stream');
  }
  let at = 12;
  let format: PcmFormat | undefined;
  while (at + 8 <= b.length) {
    const id = b.toString('latin1', at, at + 4);
    const size = b.readUInt32LE(at + 4);
    if (id === 'data') {
      if (!format) throw new VaultError(ErrorCode.UNPROCESSABLE, 'WAV stream without a format chunk');
      return { format, dataOffset: at + 8 };
    }
    if (at + 8 + size > b.length) return undefined;
    if (id === 'fmt ') {
      format = { channels: b.readUInt16LE(at + 10), sampleRate: b.readUInt32LE(at + 12) };
      if (b.readUInt16LE(at + 22) !== 16 || format.channels < 1) {
        throw new VaultError(ErrorCode.UNPROCESSABLE, 'unexpected PCM layout from the decoder');
      }
    }
    at += 8 + size + (size % 2);
  }
  return undefined;
}

/** Overwrites the samples inside the spans as the PCM stream goes by, frame-aligned across chunks. */
class Patcher {
  private frame = 0;
  private carry = Buffer.alloc(0);
  private next = 0;
  private readonly ranges: Array<[number, number]>;
  private readonly frameBytes: number;

  constructor(private readonly fmt: PcmFormat, spans: AudioSpan[], private readonly mode: 'silence' | 'tone',
    private readonly hz: number, private readonly level: number) {
    this.frameBytes = 2 * fmt.channels;
    this.ranges = spans.map((s) => [Math.round((s.startMs * fmt.sampleRate) / 1000), Math.round((s.endMs * fmt.sampleRate) / 1000)]);
  }

  push(chunk: Buffer): Buffer {
    const buf = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const frames = Math.floor(buf.length / this.frameBytes);
    const whole = buf.subarray(0, frames * this.frameBytes);
    this.carry = Buffer.from(buf.subarray(whole.length));
    const first = this.frame;
    const end = first + frames;
    while (this.next < this.ranges.length && this.ranges[this.next]![1] <= first) this.next++;
    for (let r = this.next; r < this.ranges.length && this.ranges[r]![0] < end; r++) {
      const [a, b] = this.ranges[r]!;
      for (let f = Math.max(a, first); f < Math.min(b, end); f++) {
        const v = this.mode === 'silence' ? 0
          : Math.round(this.level * 32767 * Math.sin((2 * Math.PI * this.hz * f) / this.fmt.sampleRate));
        const at = (f - first) * this.frameBytes;
        for (let ch = 0; ch < this.fmt.channels; ch++) whole.writeInt16LE(v, at + 2 * ch);
      }
    }
    this.frame = end;
    return whole;
  }
}

interface Proc {
  child: ChildProcessWithoutNullStreams;
  /** Resolves on exit 0, rejects with the reason otherwise. */
  closed: Promise<void>;
}

function start(ffmpeg: string, args: string[]): Proc {
  const child = spawn(ffmpeg, args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    if (stderr.length < 8192) stderr += d;
  });
  // The encoder may exit before its input ends; its exit status carries the reason, not EPIPE.
  child.stdin.on('error', () => undefined);
  const closed = new Promise<void>((resolve, reject) => {
    child.on('error', (err) => {
      reject(new VaultError(ErrorCode.ENGINE_UNAVAILABLE, `ffmpeg could not be started: ${err.message}`, { cause: err }));
    });
    child.on('close', (code, signal) => {
      if (code === 0) return resolve();
      const why = stderr.trim().split('\n').slice(-3).join(' | ') || `exit ${code ?? signal}`;
      reject(new VaultError(ErrorCode.UNPROCESSABLE, `ffmpeg could not redact the audio: ${why}`));
    });
  });
  closed.catch(() => undefined);
  return { child, closed };
}
