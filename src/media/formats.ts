/**
 * What the vault accepts: containers and codecs as ffprobe names them, and the canonical MIME
 * type and file extension a recording is stored and served under. Extensions are lower case,
 * without the leading dot.
 *
 * Containers are recognised by ffprobe's `format_name` (e.g. `wav`, `matroska,webm`). Matroska
 * and WebM share one demuxer, so a `.mkv` holding only WebM codecs is accepted as WebM; anything
 * else in it (AAC, H.264, …) is refused by the codec check.
 */
import { invalid } from '../core/errors.js';

export type MediaKind = 'audio' | 'video';

export interface ContainerRule {
  /** Canonical short name, reported as `MediaFacts.container`. */
  readonly container: string;
  /** ffprobe `format_name` values that mean this container. */
  readonly formatNames: readonly string[];
  readonly audioCodecs: readonly string[];
  /** Video codecs allowed next to the audio; empty means video is refused. */
  readonly videoCodecs: readonly string[];
  readonly audioMime: string;
  readonly videoMime?: string;
  readonly extension: string;
  /** True for headerless G.711, which ffprobe can only read when told the codec. */
  readonly raw?: boolean;
}

const WAV_CODECS = [
  'pcm_s16le',
  'pcm_s24le',
  'pcm_s32le',
  'pcm_u8',
  'pcm_f32le',
  'pcm_mulaw', // G.711 μ-law
  'pcm_alaw', // G.711 A-law
  'gsm_ms', // Asterisk "wav49" (GSM 06.10 in WAV)
] as const;

export const CONTAINERS: readonly ContainerRule[] = [
  { container: 'wav', formatNames: ['wav'], audioCodecs: WAV_CODECS, videoCodecs: [], audioMime: 'audio/wav', extension: 'wav' },
  { container: 'mp3', formatNames: ['mp3'], audioCodecs: ['mp3'], videoCodecs: [], audioMime: 'audio/mpeg', extension: 'mp3' },
  { container: 'ogg', formatNames: ['ogg'], audioCodecs: ['opus', 'vorbis'], videoCodecs: [], audioMime: 'audio/ogg', extension: 'ogg' },
  {
    container: 'webm',
    formatNames: ['matroska,webm', 'webm', 'matroska'],
    audioCodecs: ['opus', 'vorbis'],
    videoCodecs: ['vp8', 'vp9'],
    audioMime: 'audio/webm',
    videoMime: 'video/webm',
    extension: 'webm',
  },
  { container: 'mulaw', formatNames: ['mulaw'], audioCodecs: ['pcm_mulaw'], videoCodecs: [], audioMime: 'audio/basic', extension: 'ulaw', raw: true },
  { container: 'alaw', formatNames: ['alaw'], audioCodecs: ['pcm_alaw'], videoCodecs: [], audioMime: 'audio/x-alaw-basic', extension: 'alaw', raw: true },
];

/** Headerless G.711 as declared by an uploader. */
export type RawCodec = 'pcmu' | 'pcma';
export interface RawHint {
  codec: RawCodec;
  sampleRate?: number;
  channels?: number;
}
export const RAW_DEFAULTS = { sampleRate: 8000, channels: 1 } as const;
/** ffprobe demuxer (`-f`) for each raw codec. */
export const RAW_DEMUXER: Record<RawCodec, 'mulaw' | 'alaw'> = { pcmu: 'mulaw', pcma: 'alaw' };

export type Classification =
  | { ok: true; rule: ContainerRule; kind: MediaKind; container: string; mimeType: string; extension: string }
  | { ok: false; reason: string; details: Record<string, unknown> };

export function ruleForFormat(formatName: string): ContainerRule | undefined {
  const name = formatName.toLowerCase();
  return CONTAINERS.find((r) => r.formatNames.includes(name));
}

/**
 * Decides whether a probed file is acceptable. `audioCodecs` are every audio stream's codec (the
 * first is the one reported), `videoCodecs` every real video stream's (cover art excluded).
 */
export function classify(formatName: string, audioCodecs: readonly string[], videoCodecs: readonly string[]): Classification {
  const rule = ruleForFormat(formatName);
  const first = audioCodecs[0];
  if (first === undefined) return { ok: false, reason: 'ffprobe found no audio stream', details: { container: formatName } };
  if (!rule) {
    return {
      ok: false,
      reason: `codec '${first}' in '${formatName}' is not supported`,
      details: { container: formatName, codec: first, supportedContainers: CONTAINERS.map((r) => r.container) },
    };
  }
  const badAudio = audioCodecs.find((c) => !rule.audioCodecs.includes(c));
  const badVideo = videoCodecs.find((c) => !rule.videoCodecs.includes(c));
  const bad = badAudio ?? badVideo;
  if (bad !== undefined) {
    return {
      ok: false,
      reason: `codec '${bad}' in '${formatName}' is not supported`,
      details: { container: formatName, codec: bad, supportedCodecs: [...rule.audioCodecs, ...rule.videoCodecs] },
    };
  }
  const kind: MediaKind = videoCodecs.length > 0 ? 'video' : 'audio';
  const mimeType = kind === 'video' && rule.videoMime ? rule.videoMime : rule.audioMime;
  return { ok: true, rule, kind, container: rule.container, mimeType, extension: rule.extension };
}

/** What a declared Content-Type tells the probe. */
export interface DeclaredHint {
  /** The canonical container the uploader claims (informational; the probe decides). */
  container?: string;
  /** Set when the type means headerless G.711. */
  raw?: RawHint;
}

const DECLARED: Record<string, DeclaredHint> = {
  'audio/wav': { container: 'wav' },
  'audio/x-wav': { container: 'wav' },
  'audio/wave': { container: 'wav' },
  'audio/vnd.wave': { container: 'wav' },
  'audio/mpeg': { container: 'mp3' },
  'audio/mp3': { container: 'mp3' },
  'audio/mpeg3': { container: 'mp3' },
  'audio/x-mp3': { container: 'mp3' },
  'audio/ogg': { container: 'ogg' },
  'audio/opus': { container: 'ogg' },
  'application/ogg': { container: 'ogg' },
  'audio/webm': { container: 'webm' },
  'video/webm': { container: 'webm' },
  'audio/basic': { container: 'mulaw', raw: { codec: 'pcmu' } },
  'audio/pcmu': { container: 'mulaw', raw: { codec: 'pcmu' } },
  'audio/x-mulaw': { container: 'mulaw', raw: { codec: 'pcmu' } },
  'audio/pcma': { container: 'alaw', raw: { codec: 'pcma' } },
  'audio/x-alaw-basic': { container: 'alaw', raw: { codec: 'pcma' } },
  'application/octet-stream': {},
};

/**
 * Maps a declared Content-Type (case-insensitive, parameters allowed) to a hint. `rate` and
 * `channels` parameters (RFC 3551 style, e.g. `audio/PCMU; rate=16000`) refine a raw hint.
 * Unknown types give an empty hint: the probe alone decides.
 */
export function hintFromContentType(contentType: string | undefined): DeclaredHint {
  if (!contentType) return {};
  const [base = '', ...params] = contentType.split(';');
  const hint = DECLARED[base.trim().toLowerCase()];
  if (!hint) return {};
  if (!hint.raw) return { ...hint };
  const raw: RawHint = { ...hint.raw };
  for (const p of params) {
    const [k = '', v = ''] = p.split('=').map((s) => s.trim().toLowerCase());
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) continue;
    if (k === 'rate') raw.sampleRate = n;
    else if (k === 'channels') raw.channels = n;
  }
  return { ...hint, raw };
}

/**
 * Recognises container magic in the first bytes, so a file that carries its own header is
 * probed as what it is even when the uploader called it raw G.711.
 */
export function looksLikeContainer(head: Buffer): boolean {
  const ascii = (start: number, end: number) => head.subarray(start, end).toString('latin1');
  if (head.length >= 12 && (ascii(0, 4) === 'RIFF' || ascii(0, 4) === 'RF64') && ascii(8, 12) === 'WAVE') return true;
  if (head.length >= 4 && (ascii(0, 4) === 'OggS' || ascii(0, 4) === '.snd' || ascii(0, 4) === 'fLaC')) return true;
  if (head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3) return true; // EBML (Matroska/WebM)
  if (head.length >= 3 && ascii(0, 3) === 'ID3') return true;
  return false;
}

/** Fills in the 8 kHz mono defaults and checks a raw hint (INVALID_REQUEST when out of range). */
export function normalizeRawHint(hint: RawHint): Required<RawHint> {
  const sampleRate = hint.sampleRate ?? RAW_DEFAULTS.sampleRate;
  const channels = hint.channels ?? RAW_DEFAULTS.channels;
  if (hint.codec !== 'pcmu' && hint.codec !== 'pcma') throw invalid(`raw codec '${String(hint.codec)}' is not supported; use pcmu or pcma`);
  if (!Number.isInteger(sampleRate) || sampleRate < 1000 || sampleRate > 192_000) {
    throw invalid(`raw sample rate ${String(sampleRate)} is out of range (1000–192000 Hz)`);
  }
  if (!Number.isInteger(channels) || channels < 1 || channels > 8) throw invalid(`raw channel count ${String(channels)} is out of range (1–8)`);
  return { codec: hint.codec, sampleRate, channels };
}
