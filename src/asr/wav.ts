/**
 * The little of RIFF/WAVE the engines need: where the PCM data of a file starts, reading a
 * range of its samples, writing a slice with the bare 44-byte header (the only header
 * pocketsphinx's file reader accepts), and the loudness of each 10 ms frame for the VAD.
 */
import { open } from 'node:fs/promises';
import { ErrorCode, VaultError } from '../core/errors.js';

export interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** PCM (1) or extensible (0xfffe) carrying PCM. */
  format: number;
  dataOffset: number;
  dataBytes: number;
}

export const FRAME_MS = 10;
/** Level given to digital silence, so every frame has a finite dBFS value. */
export const FLOOR_DB = -100;

export async function readWavInfo(path: string): Promise<WavInfo> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const size = (await fh.stat()).size;
    const bad = (why: string) => new VaultError(ErrorCode.UNPROCESSABLE, `${path} is not a usable WAV file: ${why}`);
    if (bytesRead < 12 || head.toString('ascii', 0, 4) !== 'RIFF' || head.toString('ascii', 8, 12) !== 'WAVE') throw bad('no RIFF/WAVE header');
    let pos = 12;
    let fmt: Omit<WavInfo, 'dataOffset' | 'dataBytes'> | undefined;
    while (pos + 8 <= bytesRead) {
      const id = head.toString('ascii', pos, pos + 4);
      const len = head.readUInt32LE(pos + 4);
      if (id === 'fmt ' && pos + 24 <= bytesRead) {
        fmt = { format: head.readUInt16LE(pos + 8), channels: head.readUInt16LE(pos + 10), sampleRate: head.readUInt32LE(pos + 12), bitsPerSample: head.readUInt16LE(pos + 22) };
      } else if (id === 'data') {
        if (!fmt) throw bad('data before fmt');
        // Streamed WAVs carry a placeholder length; the file's end is the truth.
        const dataBytes = Math.min(len, size - pos - 8);
        return { ...fmt, dataOffset: pos + 8, dataBytes: dataBytes - (dataBytes % (fmt.channels * (fmt.bitsPerSample >> 3) || 1)) };
      }
      pos += 8 + len + (len & 1);
    }
    throw bad('no data chunk in the first 4 KiB');
  } finally {
    await fh.close();
  }
}

/** Throws unless the file is what ChannelAudio promises: 16-bit PCM, mono, at `rate`. */
export function assertMonoS16(info: WavInfo, rate: number, path: string): void {
  const pcm = info.format === 1 || info.format === 0xfffe;
  if (!pcm || info.bitsPerSample !== 16 || info.channels !== 1 || info.sampleRate !== rate) {
    throw new VaultError(ErrorCode.UNPROCESSABLE,
      `${path} must be ${rate} Hz mono 16-bit PCM, not ${info.sampleRate} Hz, ${info.channels} channel(s), ${info.bitsPerSample}-bit (format ${info.format})`);
  }
}

/** Samples [from, to) of a mono 16-bit file, as a fresh little-endian buffer. */
export async function readSamples(path: string, info: WavInfo, from: number, to: number): Promise<Buffer> {
  const total = info.dataBytes >> 1;
  const start = Math.max(0, Math.min(from, total));
  const end = Math.max(start, Math.min(to, total));
  const buf = Buffer.alloc((end - start) * 2);
  const fh = await open(path, 'r');
  try {
    let done = 0;
    while (done < buf.length) {
      const { bytesRead } = await fh.read(buf, done, buf.length - done, info.dataOffset + start * 2 + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === buf.length ? buf : buf.subarray(0, done);
  } finally {
    await fh.close();
  }
}

export function wavHeader(dataBytes: number, rate: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVEfmt ', 8, 'ascii');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/**
 * The level of every 10 ms frame in dBFS (mean power), read in chunks so a long recording is
 * never held in memory whole.
 */
export async function frameLevels(path: string, info: WavInfo): Promise<Float32Array> {
  const frame = Math.round((info.sampleRate * FRAME_MS) / 1000);
  const totalSamples = info.dataBytes >> 1;
  const levels = new Float32Array(Math.ceil(totalSamples / frame));
  const chunkFrames = 6000;
  const ref = 32768 * 32768;
  for (let f0 = 0; f0 < levels.length; f0 += chunkFrames) {
    const buf = await readSamples(path, info, f0 * frame, (f0 + chunkFrames) * frame);
    const n = buf.length >> 1;
    for (let f = 0; f * frame < n; f++) {
      let sum = 0;
      const end = Math.min(n, (f + 1) * frame);
      for (let i = f * frame; i < end; i++) {
        const s = buf.readInt16LE(i * 2);
        sum += s * s;
      }
      const power = sum / (end - f * frame) / ref;
      levels[f0 + f] = power > 0 ? Math.max(FLOOR_DB, 10 * Math.log10(power)) : FLOOR_DB;
    }
  }
  return levels;
}
