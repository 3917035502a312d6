/**
 * Parses ffprobe's `-of compact` output incrementally and turns it into validated MediaFacts.
 * Only a fixed amount of state is kept per stream, never the packet list.
 */
import { classify } from './formats.js';

export interface StreamFacts {
  type: 'audio' | 'video';
  codec: string;
  channels?: number;
  sampleRate?: number;
  width?: number;
  height?: number;
}

export interface MediaFacts {
  kind: 'audio' | 'video';
  /** Canonical container (`wav`, `mp3`, `ogg`, `webm`, `mulaw`, `alaw`). */
  container: string;
  /** ffprobe codec name of the first audio stream (e.g. `pcm_mulaw`, `opus`). */
  codec: string;
  mimeType: string;
  /** Lower case, no leading dot. */
  extension: string;
  channels: number;
  sampleRate: number;
  durationMs: number;
  /** Average over the whole upload (bytes received × 8 / duration). */
  bitRate?: number;
  streams: StreamFacts[];
}

interface Track {
  firstPts: number;
  firstSkip: number;
  endMax: number;
  endDiscard: number;
}

interface ProbedStream {
  index: number;
  codecType: string;
  codecName: string;
  sampleRate?: number;
  channels?: number;
  width?: number;
  height?: number;
  attachedPic: boolean;
}

export interface ProbeOutput {
  streams: ProbedStream[];
  format: { formatName?: string; duration?: number; bitRate?: number };
  tracks: Map<number, Track>;
}

const MAX_LINE = 64 * 1024;
const MAX_TRACKS = 256;

export class ProbeOutputParser {
  private partial = '';
  private overlong = false;
  private packet: Map<string, string> | undefined;
  private readonly out: ProbeOutput = { streams: [], format: {}, tracks: new Map() };

  push(text: string): void {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const piece = text.slice(start, nl);
      start = nl + 1;
      if (!this.overlong) this.line(this.partial + piece);
      this.partial = '';
      this.overlong = false;
    }
    if (this.overlong) return;
    this.partial += text.slice(start);
    // A line this long is nothing we asked for; drop it rather than grow without bound.
    if (this.partial.length > MAX_LINE) {
      this.partial = '';
      this.overlong = true;
    }
  }

  finish(): ProbeOutput {
    if (this.partial && !this.overlong) this.line(this.partial);
    this.partial = '';
    this.commitPacket();
    return this.out;
  }

  private line(raw: string): void {
    const line = raw.trimEnd();
    if (!line) return;
    const parts = line.split('|');
    const section = parts[0];
    if (section === 'side_data' && this.packet) {
      fields(parts, this.packet); // side data printed on its own line by some versions
      return;
    }
    this.commitPacket();
    if (section === 'packet') this.packet = fields(parts, new Map());
    else if (section === 'stream') this.stream(fields(parts, new Map()));
    else if (section === 'format') {
      const f = fields(parts, new Map());
      this.out.format = { formatName: f.get('format_name'), duration: num(f.get('duration')), bitRate: num(f.get('bit_rate')) };
    }
  }

  private stream(f: Map<string, string>): void {
    this.out.streams.push({
      index: num(f.get('index')) ?? this.out.streams.length,
      codecType: f.get('codec_type') ?? 'unknown',
      codecName: f.get('codec_name') ?? 'unknown',
      sampleRate: positive(f.get('sample_rate')),
      channels: positive(f.get('channels')),
      width: positive(f.get('width')),
      height: positive(f.get('height')),
      attachedPic: f.get('disposition:attached_pic') === '1',
    });
  }

  private commitPacket(): void {
    const p = this.packet;
    this.packet = undefined;
    if (!p || p.get('codec_type') !== 'audio') return;
    const index = num(p.get('stream_index'));
    const t = num(p.get('pts_time')) ?? num(p.get('dts_time'));
    if (index === undefined || t === undefined) return;
    const end = t + (num(p.get('duration_time')) ?? 0);
    let track = this.out.tracks.get(index);
    if (!track) {
      if (this.out.tracks.size >= MAX_TRACKS) return;
      track = { firstPts: t, firstSkip: num(p.get('skip_samples')) ?? 0, endMax: end, endDiscard: 0 };
      this.out.tracks.set(index, track);
    }
    if (end >= track.endMax) {
      track.endMax = end;
      track.endDiscard = num(p.get('discard_padding')) ?? 0;
    }
  }
}

function fields(parts: string[], into: Map<string, string>): Map<string, string> {
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i] ?? '';
    const eq = part.indexOf('=');
    if (eq > 0) into.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return into;
}

function num(v: string | undefined): number | undefined {
  if (v === undefined || v === '' || v === 'N/A') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function positive(v: string | undefined): number | undefined {
  const n = num(v);
  return n !== undefined && n > 0 ? n : undefined;
}

export type FactsOutcome = { ok: true; facts: MediaFacts } | { ok: false; reason: string; details: Record<string, unknown> };

/**
 * Validates the probe and computes the duration: the latest packet end over the audio streams,
 * less the encoder delay the container declares as "skip samples" at the start (MP3 LAME
 * delay) and the padding it declares to discard at the end (Matroska/WebM Opus). Ogg already
 * shortens its last packet by that padding, so it is not subtracted twice there. Falls back to
 * the container's duration when no packet carried a time.
 */
export function factsFromProbe(out: ProbeOutput, totalBytes: number): FactsOutcome {
  const formatName = out.format.formatName ?? 'unknown';
  const audio = out.streams.filter((s) => s.codecType === 'audio').sort((a, b) => a.index - b.index);
  const video = out.streams.filter((s) => s.codecType === 'video' && !s.attachedPic);
  const verdict = classify(
    formatName,
    audio.map((s) => s.codecName),
    video.map((s) => s.codecName),
  );
  if (!verdict.ok) return verdict;
  const primary = audio[0];
  if (!primary) return { ok: false, reason: 'ffprobe found no audio stream', details: { container: formatName } };

  let seconds: number | undefined;
  for (const s of audio) {
    const track = out.tracks.get(s.index);
    if (!track) continue;
    const sr = s.sampleRate;
    const lead = sr ? Math.max(0, track.firstPts + track.firstSkip / sr) - Math.max(0, track.firstPts) : 0;
    const tail = sr && verdict.container !== 'ogg' ? track.endDiscard / sr : 0;
    const d = track.endMax - lead - tail;
    if (seconds === undefined || d > seconds) seconds = d;
  }
  seconds ??= out.format.duration;
  const durationMs = seconds === undefined ? 0 : Math.round(seconds * 1000);
  if (!(durationMs > 0)) {
    return { ok: false, reason: 'the recording has no duration: ffprobe found no audio data in it', details: { container: formatName } };
  }
  if (!primary.channels || !primary.sampleRate) {
    return {
      ok: false,
      reason: `ffprobe could not tell the channel count and sample rate of the '${primary.codecName}' audio`,
      details: { container: formatName, codec: primary.codecName },
    };
  }
  const bitRate = totalBytes > 0 && seconds ? Math.round((totalBytes * 8) / seconds) : out.format.bitRate;
  const streams: StreamFacts[] = [...audio, ...video]
    .sort((a, b) => a.index - b.index)
    .map((s) => {
      const f: StreamFacts = { type: s.codecType === 'video' ? 'video' : 'audio', codec: s.codecName };
      if (s.channels !== undefined) f.channels = s.channels;
      if (s.sampleRate !== undefined) f.sampleRate = s.sampleRate;
      if (s.width !== undefined) f.width = s.width;
      if (s.height !== undefined) f.height = s.height;
      return f;
    });
  const facts: MediaFacts = {
    kind: verdict.kind,
    container: verdict.container,
    codec: primary.codecName,
    mimeType: verdict.mimeType,
    extension: verdict.extension,
    channels: primary.channels,
    sampleRate: primary.sampleRate,
    durationMs,
    streams,
  };
  if (bitRate !== undefined) facts.bitRate = bitRate;
  return { ok: true, facts };
}
