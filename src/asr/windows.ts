/**
 * Recordings are decoded in windows: one per stretch of speech found by an energy VAD, each
 * decoded as one utterance, so the decoder's state, memory and word times stay bounded and
 * exact however long the call. A seam is put in the middle of a pause whenever one exists, so no
 * word is split. When speech runs on longer than a window may, the seam is forced at the
 * quietest moment and the two windows overlap there; the merge then keeps each word once (see
 * `mergeWindowWords`).
 */
import { FLOOR_DB, FRAME_MS } from './wav.js';

export interface Window {
  startMs: number;
  endMs: number;
  /** Words whose middle falls in [keepFromMs, keepToMs) belong to this window. */
  keepFromMs: number;
  keepToMs: number;
}

export interface WindowOptions {
  /** Longest slice given to one engine run. */
  maxWindowMs: number;
  /** A pause at least this long may carry a seam. */
  minGapMs: number;
  /** How far two windows reach into each other at a forced seam. */
  overlapMs: number;
}

export interface Loudness {
  /** Frames quieter than this are pause. */
  silenceDb: number;
  /** False when no frame rises above the threshold: nothing to decode. */
  hasSound: boolean;
}

/**
 * Where pause ends and sound begins, from the levels themselves: 12 dB over the noise floor
 * (the 10th percentile frame), but never more than 45 dB under the loud frames, so a noisy line
 * still has pauses and a quiet one still has speech.
 */
export function loudness(levels: Float32Array): Loudness {
  if (levels.length === 0) return { silenceDb: 0, hasSound: false };
  const sorted = Float32Array.from(levels).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const floor = at(0.1);
  const loud = at(0.99);
  const silenceDb = Math.max(floor + 12, Math.min(loud - 45, -50), FLOOR_DB + 30);
  return { silenceDb, hasSound: loud > silenceDb };
}

export interface SpeechWindowOptions extends WindowOptions {
  /** Pauses shorter than this stay inside a window. */
  minPauseMs: number;
  /** Silence kept before and after each stretch of speech (the decoder wants some). */
  padMs: number;
}

/**
 * Windows around the stretches of speech: sound frames closer than `minPauseMs` join one
 * stretch, each stretch is padded (never past the middle of the pause to its neighbour), and a
 * stretch longer than `maxWindowMs` is cut further by `planWindows`. Pure pause gets no window.
 */
export function speechWindows(levels: Float32Array, silenceDb: number, opts: SpeechWindowOptions): Window[] {
  const minPause = Math.max(1, Math.round(opts.minPauseMs / FRAME_MS));
  const pad = Math.round(opts.padMs / FRAME_MS);
  const runs: Gap[] = [];
  for (let i = 0; i < levels.length; i++) {
    if (levels[i]! < silenceDb) continue;
    const last = runs[runs.length - 1];
    if (last && i - last.to < minPause) last.to = i + 1;
    else runs.push({ from: i, to: i + 1 });
  }
  const out: Window[] = [];
  runs.forEach((r, k) => {
    const prev = runs[k - 1];
    const next = runs[k + 1];
    const from = Math.max(r.from - pad, prev ? Math.ceil((prev.to + r.from) / 2) : 0);
    const to = Math.min(r.to + pad, next ? Math.floor((r.to + next.from) / 2) : levels.length);
    if ((to - from) * FRAME_MS <= opts.maxWindowMs) {
      out.push({ startMs: from * FRAME_MS, endMs: to * FRAME_MS, keepFromMs: from * FRAME_MS, keepToMs: to * FRAME_MS });
      return;
    }
    for (const w of planWindows(levels.subarray(from, to), silenceDb, opts)) {
      const at = from * FRAME_MS;
      out.push({ startMs: w.startMs + at, endMs: w.endMs + at, keepFromMs: w.keepFromMs + at, keepToMs: w.keepToMs + at });
    }
  });
  return out;
}

export function planWindows(levels: Float32Array, silenceDb: number, opts: WindowOptions): Window[] {
  const totalMs = levels.length * FRAME_MS;
  const maxFrames = Math.max(1, Math.floor(opts.maxWindowMs / FRAME_MS));
  const minGap = Math.max(1, Math.round(opts.minGapMs / FRAME_MS));
  const overlap = Math.round(opts.overlapMs / FRAME_MS);
  const gaps = pauses(levels, silenceDb, minGap);
  const windows: Window[] = [];
  let start = 0;
  let keepFrom = 0;
  while (start + maxFrames < levels.length) {
    const limit = start + maxFrames;
    // Prefer the longest pause in the second half of the window: windows stay long and seams sit
    // where the speaker clearly stopped.
    const cut = bestGap(gaps, start + (maxFrames >> 1), limit) ?? bestGap(gaps, start + 1, limit);
    if (cut !== undefined) {
      windows.push({ startMs: start * FRAME_MS, endMs: cut * FRAME_MS, keepFromMs: keepFrom * FRAME_MS, keepToMs: cut * FRAME_MS });
      start = cut;
      keepFrom = cut;
      continue;
    }
    const forced = quietest(levels, Math.max(start + 1, start + (maxFrames >> 1)), Math.max(start + 2, limit - overlap));
    windows.push({ startMs: start * FRAME_MS, endMs: Math.min(levels.length, forced + overlap) * FRAME_MS, keepFromMs: keepFrom * FRAME_MS, keepToMs: forced * FRAME_MS });
    start = Math.max(start + 1, forced - overlap);
    keepFrom = forced;
  }
  windows.push({ startMs: start * FRAME_MS, endMs: totalMs, keepFromMs: keepFrom * FRAME_MS, keepToMs: totalMs });
  return windows;
}

interface Gap {
  from: number;
  to: number;
}

function pauses(levels: Float32Array, silenceDb: number, minFrames: number): Gap[] {
  const out: Gap[] = [];
  let runStart = -1;
  for (let i = 0; i <= levels.length; i++) {
    const quiet = i < levels.length && levels[i]! < silenceDb;
    if (quiet && runStart < 0) runStart = i;
    if (!quiet && runStart >= 0) {
      if (i - runStart >= minFrames) out.push({ from: runStart, to: i });
      runStart = -1;
    }
  }
  return out;
}

/** The middle of the longest pause whose middle lies in (from, to]; the later one on a tie. */
function bestGap(gaps: Gap[], from: number, to: number): number | undefined {
  let best: Gap | undefined;
  for (const g of gaps) {
    const mid = (g.from + g.to) >> 1;
    if (mid <= from || mid > to) continue;
    if (!best || g.to - g.from >= best.to - best.from) best = g;
  }
  return best ? (best.from + best.to) >> 1 : undefined;
}

/** The frame in [from, to) around which 200 ms are quietest (the latest of equals, for long windows): the least harmful forced seam. */
function quietest(levels: Float32Array, from: number, to: number): number {
  const span = 20;
  let best = from;
  let bestSum = Infinity;
  for (let i = from; i < to; i++) {
    let sum = 0;
    for (let j = Math.max(0, i - span / 2); j < Math.min(levels.length, i + span / 2); j++) sum += levels[j]!;
    if (sum <= bestSum) {
      bestSum = sum;
      best = i;
    }
  }
  return best;
}

export interface TimedWord {
  startMs: number;
  endMs: number;
}

/** How far before its own part a window may still claim a word its neighbour missed. */
const CLAIM_BACK_MS = 400;

/**
 * Joins the words of consecutive windows (times already absolute, windows in order). A window
 * keeps the words whose middle lies in its own part; across a forced seam, a word the previous
 * window heard is not taken again (its middle lies before the end of the last kept word), and a
 * word the previous window left out because its middle fell just past the seam is taken from the
 * next window even if there its middle lands just before the seam.
 */
export function mergeWindowWords<W extends TimedWord>(windows: Window[], wordsPerWindow: W[][]): W[][] {
  let lastEnd = -Infinity;
  return windows.map((win, i) => {
    const kept: W[] = [];
    for (const w of wordsPerWindow[i] ?? []) {
      const mid = (w.startMs + w.endMs) / 2;
      if (mid >= win.keepToMs) continue;
      if (mid < win.keepFromMs - CLAIM_BACK_MS || mid <= lastEnd) continue;
      kept.push(w);
      lastEnd = Math.max(lastEnd, w.endMs);
    }
    return kept;
  });
}
