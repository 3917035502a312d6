/**
 * Reads what `pocketsphinx_continuous -time yes` prints: for every utterance its VAD found, a
 * hypothesis line, then one line per word — `word start end posterior`, times in seconds from
 * the start of the input — framed by `<s>` and `</s>`. Fillers (`<sil>`, `[NOISE]`, …) are
 * dropped and alternate pronunciations (`hello(2)`) are reported as the word.
 */
import type { EngineSegment, Word } from '../transcripts/model.js';

const WORD_LINE = /^(\S+) (-?\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)$/;
const FILLER = /^(<.*>|\[.*\]|\+\+.*\+\+)$/;

/** Words of each utterance, in seconds-to-milliseconds, shifted by `offsetMs`. */
export function parseUtterances(stdout: string, offsetMs = 0): Word[][] {
  const utterances: Word[][] = [];
  let current: Word[] | undefined;
  for (const line of stdout.split('\n')) {
    const m = WORD_LINE.exec(line.trim());
    if (!m) continue;
    const token = m[1]!;
    if (token === '<s>') {
      current = [];
      utterances.push(current);
      continue;
    }
    if (token === '</s>') {
      current = undefined;
      continue;
    }
    if (FILLER.test(token)) continue;
    if (!current) {
      current = [];
      utterances.push(current);
    }
    const confidence = Math.min(1, Math.max(0, Number(m[4])));
    current.push({
      startMs: Math.round(Number(m[2]) * 1000) + offsetMs,
      endMs: Math.round(Number(m[3]) * 1000) + offsetMs,
      text: token.replace(/\(\d+\)$/, ''),
      confidence: Math.round(confidence * 1000) / 1000,
    });
  }
  return utterances.filter((u) => u.length > 0);
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
