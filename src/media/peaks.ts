/**
 * Waveform peaks for the web player: per channel, the loudest absolute sample of each bucket,
 * scaled to 0..255. Computed while the audio streams through (interleaved s16le), so a long
 * call never sits in memory.
 */
export interface Peaks {
  version: 1;
  channels: number;
  /** Buckets per second of audio. */
  peaksPerSecond: number;
  durationMs: number;
  /** data[channel][bucket] in 0..255. */
  data: number[][];
}

export class PeaksBuilder {
  private readonly data: number[][];
  private readonly current: number[];
  private readonly samplesPerBucket: number;
  private inBucket = 0;
  private frames = 0;
  private carry: Buffer = Buffer.alloc(0);

  constructor(private readonly channels: number, private readonly sampleRate: number, readonly peaksPerSecond = 20) {
    this.samplesPerBucket = Math.max(1, Math.round(sampleRate / peaksPerSecond));
    this.data = Array.from({ length: channels }, () => []);
    this.current = new Array<number>(channels).fill(0);
  }

  push(chunk: Buffer): void {
    const buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const frameBytes = 2 * this.channels;
    const whole = buf.length - (buf.length % frameBytes);
    for (let off = 0; off < whole; off += frameBytes) {
      for (let c = 0; c < this.channels; c++) {
        const v = Math.abs(buf.readInt16LE(off + 2 * c));
        if (v > this.current[c]!) this.current[c] = v;
      }
      this.frames++;
      if (++this.inBucket === this.samplesPerBucket) this.flushBucket();
    }
    this.carry = Buffer.from(buf.subarray(whole));
  }

  private flushBucket(): void {
    for (let c = 0; c < this.channels; c++) {
      this.data[c]!.push(Math.min(255, Math.round((this.current[c]! / 32768) * 255)));
      this.current[c] = 0;
    }
    this.inBucket = 0;
  }

  finish(): Peaks {
    if (this.inBucket > 0) this.flushBucket();
    return { version: 1, channels: this.channels, peaksPerSecond: this.peaksPerSecond, durationMs: Math.round((this.frames / this.sampleRate) * 1000), data: this.data };
  }
}
