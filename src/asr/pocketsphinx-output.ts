/**
 * Reads the CTM file `pocketsphinx_batch -ctm` writes: one line per recognised word,
 * `uttid channel start duration word posterior`, times in seconds from the start of that
 * utterance. The batch tool leaves fillers out and writes the base spelling of alternate
 * pronunciations; both are still guarded against here.
 */
import type { EngineSegment, Word } from '../transcripts/model.js';

const FILLER = /^(<.*>|\[.*\]|\+\+.*\+\+)$/;

/** Words per utterance id, times made absolute by each utterance's start. */
export function parseCtm(ctm: string, startMsOf: (uttId: string) => number | undefined): Map<string, Word[]> {
  const out = new Map<string, Word[]>();
  for (const line of ctm.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5) continue;
    const [id, , start, duration, token, posterior] = f as [string, string, string, string, string, string | undefined];
    const base = startMsOf(id);
    if (base === undefined || FILLER.test(token)) continue;
    const startMs = base + Math.round(Number(start) * 1000);
    const endMs = startMs + Math.round(Number(duration) * 1000);
    if (!Number.isFinite(startMs) || !Number.isFinite(endMs)) continue;
    const word: Word = { startMs, endMs, text: token.replace(/\(\d+\)$/, '') };
    if (posterior !== undefined && Number.isFinite(Number(posterior))) {
      word.confidence = Math.round(Math.min(1, Math.max(0, Number(posterior))) * 1000) / 1000;
    }
    let list = out.get(id);
    if (!list) out.set(id, (list = []));
    list.push(word);
  }
  for (const list of out.values()) list.sort((a, b) => a.startMs - b.startMs);
  return out;
}

/** One segment per utterance, spanning its first to its last word. */
export function toSegments(utterances: Word[][]): EngineSegment[] {
  return utterances
    .filter((words) => words.length > 0)
    .map((words) => ({
      startMs: words[0]!.startMs,
      endMs: words[words.length - 1]!.endMs,
      text: words.map((w) => w.text).join(' '),
      words,
    }));
}
