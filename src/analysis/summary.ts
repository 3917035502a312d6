/**
 * The default summariser: extractive, offline. Sentences are ranked with TextRank (PageRank over
 * a graph whose edges are shared content words) and the best few are returned in call order,
 * prefixed with who said them. The teleport of the random walk leans towards sentences holding
 * the call's keywords, so the summary stays on topic rather than on the longest chatter.
 */
import type { Transcript } from '../transcripts/model.js';
import type { ReportingSummariser, SummaryResult } from './model.js';
import { isContentWord, splitSentences, stem, tokenize } from './text.js';

export const EXTRACTIVE_NAME = 'textrank/1';

/** Sentences with fewer content words than this are acknowledgements, not content. */
const MIN_CONTENT_WORDS = 3;
const DAMPING = 0.85;
const MAX_ITERATIONS = 60;
/** Two picked sentences that share more than this (Jaccard) say the same thing. */
const REDUNDANT = 0.5;
/** How much more often the random walk restarts at a sentence for each hint word it holds. */
const HINT_WEIGHT = 4;

interface Unit {
  cue: number;
  order: number;
  speaker: string;
  text: string;
  terms: Set<string>;
}

export interface ExtractiveOptions {
  /** How many lines at most (default: one per 25 candidate sentences, between 1 and 5). */
  maxLines?: number;
}

export function summariseExtractive(t: Transcript, hint: string[], opts: ExtractiveOptions = {}): SummaryResult {
  const units: Unit[] = [];
  t.cues.forEach((cue, ci) => {
    splitSentences(cue.text).forEach((text, si) => {
      const terms = new Set(tokenize(text).filter(isContentWord).map(stem));
      if (terms.size >= MIN_CONTENT_WORDS) units.push({ cue: ci, order: si, speaker: cue.speaker, text, terms });
    });
  });
  if (units.length === 0) return { by: EXTRACTIVE_NAME, lines: [], cues: [] };

  const scores = rank(units, hintTerms(hint));
  const want = opts.maxLines ?? Math.min(5, Math.max(1, Math.ceil(units.length / 25)));
  const byScore = units.map((u, i) => ({ u, s: scores[i]! })).sort((a, b) => b.s - a.s || a.u.cue - b.u.cue);
  const picked: Unit[] = [];
  for (const { u } of byScore) {
    if (picked.length >= want) break;
    if (picked.some((p) => jaccard(p.terms, u.terms) > REDUNDANT)) continue;
    picked.push(u);
  }
  picked.sort((a, b) => a.cue - b.cue || a.order - b.order);
  return {
    by: EXTRACTIVE_NAME,
    lines: picked.map((u) => `${u.speaker}: ${u.text}`),
    cues: [...new Set(picked.map((u) => u.cue))],
  };
}

function hintTerms(hint: string[]): Set<string> {
  const out = new Set<string>();
  for (const h of hint) for (const w of tokenize(h)) if (isContentWord(w)) out.add(stem(w));
  return out;
}

/** PageRank over sentence similarity; similar sentences are found through an inverted index. */
function rank(units: Unit[], hint: Set<string>): Float64Array {
  const n = units.length;
  const index = new Map<string, number[]>();
  units.forEach((u, i) => {
    for (const term of u.terms) {
      const list = index.get(term);
      if (list) list.push(i);
      else index.set(term, [i]);
    }
  });
  // Edge weight as in TextRank: shared words over the log of the sentence lengths.
  const edges: Array<Map<number, number>> = units.map(() => new Map());
  units.forEach((u, i) => {
    const overlap = new Map<number, number>();
    for (const term of u.terms) for (const j of index.get(term)!) if (j > i) overlap.set(j, (overlap.get(j) ?? 0) + 1);
    for (const [j, shared] of overlap) {
      const w = shared / (Math.log(u.terms.size + 1) + Math.log(units[j]!.terms.size + 1));
      edges[i]!.set(j, w);
      edges[j]!.set(i, w);
    }
  });
  const outWeight = edges.map((e) => [...e.values()].reduce((s, w) => s + w, 0));
  const teleport = units.map((u) => 1 + HINT_WEIGHT * [...u.terms].filter((x) => hint.has(x)).length);
  const tSum = teleport.reduce((s, x) => s + x, 0);
  for (let i = 0; i < n; i++) teleport[i]! /= tSum;

  let score: Float64Array = new Float64Array(n).fill(1 / n);
  for (let it = 0; it < MAX_ITERATIONS; it++) {
    const next = new Float64Array(n);
    let dangling = 0;
    for (let i = 0; i < n; i++) {
      if (outWeight[i] === 0) {
        dangling += score[i]!;
        continue;
      }
      const share = score[i]! / outWeight[i]!;
      for (const [j, w] of edges[i]!) next[j]! += DAMPING * share * w;
    }
    let delta = 0;
    for (let i = 0; i < n; i++) {
      next[i]! += (1 - DAMPING + DAMPING * dangling) * teleport[i]!;
      delta += Math.abs(next[i]! - score[i]!);
    }
    score = next;
    if (delta < 1e-7) break;
  }
  return score;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared || 1);
}

export class ExtractiveSummariser implements ReportingSummariser {
  readonly name = EXTRACTIVE_NAME;
  constructor(private readonly opts: ExtractiveOptions = {}) {}

  async summarise(t: Transcript, hint: string[]): Promise<string[]> {
    return summariseExtractive(t, hint, this.opts).lines;
  }

  async summariseWithReport(t: Transcript, hint: string[]): Promise<SummaryResult> {
    return summariseExtractive(t, hint, this.opts);
  }
}
