/**
 * The transcript as one stream of tokens with times, for the redaction detectors. A token comes
 * from a timed word when the cue has words; otherwise from the cue text, with its time estimated
 * from its character position in the cue (engines without word timings still give cue times,
 * and speech runs at a roughly even rate of characters within one phrase).
 */
import type { Cue, Transcript } from '../../transcripts/model.js';

export interface Token {
  /** Global index in transcript order. */
  gi: number;
  cue: number;
  channel: number;
  /** Who said it: channel and speaker, since a mono recording may hold several diarised speakers. */
  voice: string;
  /** Index of the word in cue.words, when the cue has words. */
  word?: number;
  /** Character range in cue.text, when the cue has no words. */
  charStart?: number;
  charEnd?: number;
  raw: string;
  /** Lower case, outer punctuation removed; keeps what written forms need inside (. @ - / +). */
  norm: string;
  startMs: number;
  endMs: number;
}

export function tokenizeTranscript(t: Transcript): Token[] {
  const out: Token[] = [];
  t.cues.forEach((cue, ci) => {
    for (const tok of cueTokens(cue, ci)) out.push({ ...tok, gi: out.length });
  });
  return out;
}

export function cueTokens(cue: Cue, ci: number): Array<Omit<Token, 'gi'>> {
  const out: Array<Omit<Token, 'gi'>> = [];
  const voice = `${cue.channel}|${cue.speaker}`;
  if (cue.words && cue.words.length > 0) {
    cue.words.forEach((w, wi) => {
      for (const raw of w.text.split(/\s+/)) {
        const norm = normalise(raw);
        if (norm) out.push({ cue: ci, channel: cue.channel, voice, word: wi, raw, norm, startMs: w.startMs, endMs: w.endMs });
      }
    });
    return out;
  }
  for (const m of cue.text.matchAll(/\S+/g)) {
    const norm = normalise(m[0]);
    if (!norm) continue;
    const charStart = m.index;
    const charEnd = charStart + m[0].length;
    const [startMs, endMs] = estimateTimes(cue, charStart, charEnd);
    out.push({ cue: ci, channel: cue.channel, voice, charStart, charEnd, raw: m[0], norm, startMs, endMs });
  }
  return out;
}

/** The time of a character range of a cue without word timings, by linear interpolation. */
export function estimateTimes(cue: Cue, charStart: number, charEnd: number): [number, number] {
  const len = Math.max(1, cue.text.length);
  const dur = Math.max(0, cue.endMs - cue.startMs);
  return [Math.round(cue.startMs + (dur * charStart) / len), Math.round(cue.startMs + (dur * charEnd) / len)];
}

export function normalise(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/^[^\p{L}\p{N}+$£€]+/u, '')
    .replace(/[^\p{L}\p{N}%]+$/u, '');
}

/** The raw token ends a clause ("oh," "so."), which makes an "oh" an exclamation rather than a zero. */
export const endsClause = (raw: string): boolean => /[,.!?;:]["')\]]*$/.test(raw);
