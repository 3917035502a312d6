/**
 * Reads the file `whisper-cli --output-json-full` writes and turns it into engine segments.
 *
 * The CLI writes its JSON by hand: it escapes only quotes and backslashes, so a token that is a
 * newline or a tab breaks JSON.parse, and a float that came out NaN is printed as `nan`. We repair
 * both before parsing. Times in `offsets` are milliseconds. Tokens carry their own times (token
 * timestamps are on with the full output); words are built from them the way byte-level BPE
 * marks words, by a leading space.
 */
import type { EngineSegment, Word } from '../transcripts/model.js';

interface CliToken { text?: string; id?: number; p?: number; offsets?: { from?: number; to?: number } }
interface CliSegment { text?: string; offsets?: { from?: number; to?: number }; tokens?: CliToken[] }
export interface CliOutput {
  model?: { vocab?: number; multilingual?: boolean };
  result?: { language?: string };
  transcription?: CliSegment[];
}

/** Parses the CLI's JSON after escaping raw control characters inside strings and nulling bare NaN/inf. */
export function parseCliJson(text: string): CliOutput {
  let out = '';
  let inString = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // skip the escaped character
      else if (c === 0x22) inString = false;
      else if (c < 0x20) {
        out += text.slice(start, i) + `\\u${c.toString(16).padStart(4, '0')}`;
        start = i + 1;
      }
    } else if (c === 0x22) inString = true;
  }
  out += text.slice(start);
  out = out.replace(/(:\s*)-?(?:nan|inf)(?:\([^)]*\))?(\s*[,\n}])/gi, '$1null$2');
  return JSON.parse(out) as CliOutput;
}

/** Whisper's own markers for stretches without speech ("[BLANK_AUDIO]", "[ Silence ]", "(music)"). */
const NON_SPEECH = /^\s*(?:\[[^\]]*\]|\([^)]*\))\s*$/;
/** whisper.cpp's names for control and timestamp tokens. */
const SPECIAL_TOKEN = /^(?:\[_[A-Za-z0-9_]*\]|<\|[^|]*\|>)$/;

function firstSpecialId(out: CliOutput): number {
  // End-of-text is the first non-text token: 50256 in English-only vocabularies, 50257 otherwise.
  const multilingual = out.model?.multilingual ?? (out.model?.vocab ?? 0) >= 51865;
  return multilingual ? 50257 : 50256;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

function wordsOf(seg: CliSegment, eot: number, lo: number, hi: number): Word[] {
  const words: Word[] = [];
  let cur: { startMs: number; endMs: number; text: string; ps: number[] } | undefined;
  const flush = () => {
    if (!cur) return;
    const text = cur.text.trim();
    if (text) {
      const w: Word = { startMs: cur.startMs, endMs: Math.max(cur.startMs, cur.endMs), text };
      if (cur.ps.length) w.confidence = cur.ps.reduce((a, b) => a + b, 0) / cur.ps.length;
      words.push(w);
    }
    cur = undefined;
  };
  for (const tok of seg.tokens ?? []) {
    const text = tok.text ?? '';
    if ((typeof tok.id === 'number' && tok.id >= eot) || SPECIAL_TOKEN.test(text)) continue;
    const from = clamp(num(tok.offsets?.from, lo), lo, hi);
    const to = clamp(num(tok.offsets?.to, from), from, hi);
    const p = typeof tok.p === 'number' && Number.isFinite(tok.p) ? clamp(tok.p, 0, 1) : undefined;
    if (!cur || /^\s/.test(text)) {
      flush();
      const prev = words.at(-1);
      const startMs = prev ? Math.max(from, prev.startMs) : from;
      cur = { startMs, endMs: Math.max(to, startMs), text: '', ps: [] };
    }
    cur.text += text;
    cur.endMs = Math.max(cur.endMs, to);
    if (p !== undefined) cur.ps.push(p);
  }
  flush();
  return words;
}

/**
 * Segments in time order, clamped to [0, durationMs] (whisper pads audio to 30 s windows and can
 * place a last timestamp past the end), without non-speech markers or empty text.
 */
export function segmentsFromCli(out: CliOutput, durationMs: number): EngineSegment[] {
  const eot = firstSpecialId(out);
  const end = Math.max(0, durationMs);
  const segs: EngineSegment[] = [];
  for (const s of out.transcription ?? []) {
    const text = (s.text ?? '').trim();
    if (!text || NON_SPEECH.test(text)) continue;
    const startMs = clamp(num(s.offsets?.from, 0), 0, end);
    const endMs = clamp(num(s.offsets?.to, startMs), startMs, end);
    const seg: EngineSegment = { startMs, endMs, text };
    const words = wordsOf(s, eot, startMs, endMs);
    if (words.length) seg.words = words;
    segs.push(seg);
  }
  // Array.prototype.sort is stable: equal starts keep whisper's order.
  return segs.sort((a, b) => a.startMs - b.startMs);
}
