/**
 * Topic keywords of a call: runs of content words between stop words and punctuation (as RAKE
 * finds candidates), counted over the whole call. A phrase of two or three words is kept only
 * when it recurs ("credit card" said twice is a topic, "nice blender" once is not), and a single
 * word is credited only with the uses outside its kept phrases, so "card" does not rank twice.
 */
import type { Transcript } from '../transcripts/model.js';
import { isContentWord, stem, tokenize } from './text.js';

export interface Keyword {
  /** The most frequent surface form, e.g. "credit card". */
  text: string;
  /** 0..1, relative to the best keyword of the call. */
  score: number;
  /** How often it was said. */
  count: number;
}

const MAX_PHRASE = 3;

interface Candidate {
  count: number;
  words: number;
  forms: Map<string, number>;
}

export function extractKeywords(t: Transcript, limit = 10): Keyword[] {
  const phrases = new Map<string, Candidate>();
  const wordFreq = new Map<string, number>();
  const note = (key: string, form: string, words: number) => {
    let c = phrases.get(key);
    if (!c) {
      c = { count: 0, words, forms: new Map() };
      phrases.set(key, c);
    }
    c.count++;
    c.forms.set(form, (c.forms.get(form) ?? 0) + 1);
  };

  for (const cue of t.cues) {
    let run: string[] = [];
    const flush = () => {
      if (run.length > 0) {
        for (const w of run) wordFreq.set(stem(w), (wordFreq.get(stem(w)) ?? 0) + 1);
        for (const w of run) note(stem(w), w, 1);
        // Longer runs are cut into their leading phrases; a five-word run is rarely one topic.
        for (let n = 2; n <= Math.min(MAX_PHRASE, run.length); n++) {
          for (let i = 0; i + n <= run.length; i++) {
            const part = run.slice(i, i + n);
            note(part.map(stem).join(' '), part.join(' '), n);
          }
        }
      }
      run = [];
    };
    for (const tok of tokenize(cue.text)) {
      if (isContentWord(tok) && !tok.includes("'")) run.push(tok);
      else flush();
    }
    flush();
  }

  const kept = [...phrases.entries()].filter(([, c]) => c.words === 1 || c.count >= 2);
  // Words already said inside a kept phrase are not counted again on their own.
  const insidePhrases = new Map<string, number>();
  const multi = kept.filter(([, c]) => c.words > 1).sort((a, b) => b[1].words - a[1].words || b[1].count - a[1].count);
  for (const [key, c] of multi) for (const w of key.split(' ')) insidePhrases.set(w, Math.max(insidePhrases.get(w) ?? 0, c.count));

  const scored: Array<{ key: string; cand: Candidate; score: number; count: number }> = [];
  for (const [key, cand] of kept) {
    if (cand.words === 1) {
      const own = cand.count - (insidePhrases.get(key) ?? 0);
      if (own <= 0) continue;
      scored.push({ key, cand, score: own, count: cand.count });
    } else {
      const parts = key.split(' ');
      const meanFreq = parts.reduce((s, w) => s + (wordFreq.get(w) ?? 0), 0) / parts.length;
      // A recurring phrase is worth more than its words' average use: it names the topic exactly.
      scored.push({ key, cand, score: cand.count * (1 + 0.5 * (parts.length - 1)) + 0.25 * meanFreq, count: cand.count });
    }
  }
  // Drop a phrase when a longer kept phrase contains it just as often ("credit" in "credit card").
  const filtered = scored.filter((s) => !scored.some((o) => o !== s && o.cand.words > s.cand.words
    && o.count >= s.count && ` ${o.key} `.includes(` ${s.key} `)));
  filtered.sort((a, b) => b.score - a.score || b.count - a.count || a.key.localeCompare(b.key));
  const top = filtered.slice(0, limit);
  const best = top[0]?.score ?? 1;
  return top.map((s) => ({ text: commonestForm(s.cand.forms), score: Math.round((s.score / best) * 1000) / 1000, count: s.count }));
}

function commonestForm(forms: Map<string, number>): string {
  let best = '';
  let n = -1;
  for (const [f, c] of forms) if (c > n || (c === n && f < best)) [best, n] = [f, c];
  return best;
}
