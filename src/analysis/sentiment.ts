/**
 * Offline, lexicon-based sentiment for cues and whole calls. Each cue's words are scored from the
 * lexicon with three corrections that matter in speech: negation ("not happy", "no problem"),
 * intensifiers and dampeners ("very", "a bit"), and contrast ("slow, but they fixed it"). The
 * raw sum is squashed into -1..1 so one strong word does not need a long cue to count.
 */
import type { Cue, Sentiment, SentimentLabel } from '../transcripts/model.js';
import { CONTRASTS, DAMPENER_PAIRS, INTENSIFIERS, LEXICON, PHRASES_BY_FIRST, isNegator } from './lexicon.js';
import { isPunctuation, tokenize } from './text.js';

/** Squashing constant: a single strong word (|3|) lands near ±0.6, three of them near ±0.9. */
const ALPHA = 15;
/** A negated feeling is reversed and weakened: "not great" is less bad than "terrible". */
const NEGATION_FACTOR = -0.74;
const CONTRAST_AFTER = 1.5;
const CONTRAST_BEFORE = 0.5;
/** Scores within ±THRESHOLD are NEUTRAL. */
export const THRESHOLD = 0.15;

export interface RawScore {
  /** Sum of adjusted word valences. */
  sum: number;
  /** How many feeling words or phrases were found. */
  hits: number;
}

export function scoreText(text: string): RawScore {
  const toks = tokenize(text);
  let before = 0; // valence before the last contrast word
  let after = 0;
  let contrasted = false;
  let hits = 0;
  let negationLeft = 0;
  let boost = 1;
  for (let i = 0; i < toks.length; i++) {
    const tok = toks[i]!;
    if (isPunctuation(tok)) {
      negationLeft = 0;
      boost = 1;
      continue;
    }
    if (CONTRASTS.has(tok)) {
      before += after;
      after = 0;
      contrasted = true;
      negationLeft = 0;
      boost = 1;
      continue;
    }
    let value: number | undefined;
    let span = 1;
    const phrase = matchPhrase(toks, i);
    if (phrase) {
      value = phrase.value;
      span = phrase.words.length;
    } else {
      const pair = i + 1 < toks.length ? DAMPENER_PAIRS.get(`${tok} ${toks[i + 1]}`) : undefined;
      if (pair !== undefined) {
        boost *= pair;
        i++;
        continue;
      }
      const reach = isNegator(tok);
      if (reach > 0) {
        negationLeft = reach;
        continue;
      }
      const mult = INTENSIFIERS.get(tok);
      if (mult !== undefined) {
        boost *= mult;
        continue;
      }
      value = LEXICON.get(tok);
    }
    if (value !== undefined && value !== 0) {
      let v = value * boost;
      if (negationLeft > 0) v *= NEGATION_FACTOR;
      after += v;
      hits++;
      negationLeft = 0;
      boost = 1;
    } else if (negationLeft > 0) {
      negationLeft = Math.max(0, negationLeft - span);
    }
    i += span - 1;
  }
  const sum = contrasted ? before * CONTRAST_BEFORE + after * CONTRAST_AFTER : after;
  return { sum, hits };
}

function matchPhrase(toks: string[], i: number): { words: string[]; value: number } | undefined {
  const candidates = PHRASES_BY_FIRST.get(toks[i]!);
  if (!candidates) return undefined;
  outer: for (const c of candidates) {
    if (i + c.words.length > toks.length) continue;
    for (let k = 1; k < c.words.length; k++) if (toks[i + k] !== c.words[k]) continue outer;
    return c;
  }
  return undefined;
}

export function normalise(sum: number): number {
  return sum / Math.sqrt(sum * sum + ALPHA);
}

export function labelOf(score: number): SentimentLabel {
  return score >= THRESHOLD ? 'POSITIVE' : score <= -THRESHOLD ? 'NEGATIVE' : 'NEUTRAL';
}

export const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export function sentimentOf(text: string): Sentiment & RawScore {
  const raw = scoreText(text);
  const score = round3(normalise(raw.sum));
  return { label: labelOf(score), score, ...raw };
}

/**
 * One score for a set of cues: the mean of the cue scores, weighted by how much feeling each cue
 * had (neutral small talk does not dilute a complaint), by position (how the call ends says more
 * than how it started) and by role (agents speak a polite script; the customer's words tell).
 */
export function aggregate(cues: readonly Cue[], perCue: ReadonlyArray<Sentiment & RawScore>, callEndMs: number): Sentiment {
  let num = 0;
  let den = 0;
  const end = callEndMs > 0 ? callEndMs : Math.max(1, ...cues.map((c) => c.endMs));
  cues.forEach((cue, i) => {
    const s = perCue[i]!;
    if (s.hits === 0) return;
    const position = Math.min(1, Math.max(0, cue.startMs / end));
    const role = cue.speakerRole === 'customer' ? 1.5 : cue.speakerRole === 'agent' ? 0.75 : 1;
    const w = s.hits * (0.75 + 0.5 * position) * role;
    num += s.score * w;
    den += w;
  });
  const score = den === 0 ? 0 : round3(num / den);
  return { label: labelOf(score), score };
}
