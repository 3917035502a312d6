/**
 * The redacted copy of a transcript: the words inside each span are replaced by one bracketed
 * token ("[card number]") that keeps the span's start and end, so players and WebVTT still line
 * up with the (separately redacted) audio. Everything else is untouched.
 */
import type { Cue, RedactionSpan, Transcript, Word } from '../../transcripts/model.js';
import { cueTokens } from './tokens.js';

export const REDACTION_LABELS: Record<RedactionSpan['kind'], string> = {
  card: '[card number]',
  cvv: '[security code]',
  expiry: '[expiry date]',
  nationalId: '[national id]',
  email: '[email]',
  phone: '[phone number]',
};

export function redactTranscript(t: Transcript, spans: readonly RedactionSpan[]): Transcript {
  const byCue = new Map<number, RedactionSpan[]>();
  for (const s of spans) {
    const list = byCue.get(s.cue);
    if (list) list.push(s);
    else byCue.set(s.cue, [s]);
  }
  const cues = t.cues.map((cue, ci) => {
    const mine = byCue.get(ci);
    if (!mine) return { ...cue, ...(cue.words ? { words: cue.words.map((w) => ({ ...w })) } : {}) };
    return cue.words && cue.words.length > 0 ? redactTimedCue(cue, mine) : redactUntimedCue(cue, ci, mine);
  });
  return { ...t, cues, redacted: true };
}

/** Index of the span covering [startMs, endMs] (by its midpoint, or wholly inside), or -1. */
function spanOf(spans: readonly RedactionSpan[], startMs: number, endMs: number): number {
  const mid = (startMs + endMs) / 2;
  return spans.findIndex((s) => (mid >= s.startMs && mid <= s.endMs) || (startMs >= s.startMs && endMs <= s.endMs));
}

interface Group {
  span: number;
  /** Index range of the words (or tokens) replaced, end exclusive. */
  from: number;
  to: number;
}

function groups(marks: number[]): Group[] {
  const out: Group[] = [];
  marks.forEach((span, i) => {
    if (span < 0) return;
    const last = out[out.length - 1];
    if (last && last.span === span && last.to === i) last.to = i + 1;
    else out.push({ span, from: i, to: i + 1 });
  });
  return out;
}

function redactTimedCue(cue: Cue, spans: readonly RedactionSpan[]): Cue {
  const words = cue.words!;
  const marks = words.map((w) => spanOf(spans, w.startMs, w.endMs));
  const gs = groups(marks);
  const newWords: Word[] = [];
  let i = 0;
  for (const g of gs) {
    while (i < g.from) newWords.push({ ...words[i++]! });
    const text = keepPunctuation(words[g.from]!.text.trim(), words[g.to - 1]!.text.trim(), REDACTION_LABELS[spans[g.span]!.kind]);
    newWords.push({ startMs: words[g.from]!.startMs, endMs: words[g.to - 1]!.endMs, text });
    i = g.to;
  }
  while (i < words.length) newWords.push({ ...words[i++]! });

  const ranges = alignWords(cue.text, words);
  let text: string;
  if (ranges) {
    text = cue.text;
    for (const g of [...gs].reverse()) {
      const label = keepPunctuation(words[g.from]!.text.trim(), words[g.to - 1]!.text.trim(), REDACTION_LABELS[spans[g.span]!.kind]);
      text = text.slice(0, ranges[g.from]![0]) + label + text.slice(ranges[g.to - 1]![1]);
    }
  } else {
    // The text does not follow the words (an engine that normalised one of them): the words are the truth.
    text = newWords.map((w) => w.text.trim()).filter(Boolean).join(' ');
  }
  return { ...cue, text, words: newWords };
}

/** Where each word sits in the cue text, in order; undefined when some word cannot be found. */
function alignWords(text: string, words: readonly Word[]): Array<[number, number]> | undefined {
  const lower = text.toLowerCase();
  const out: Array<[number, number]> = [];
  let cursor = 0;
  for (const w of words) {
    const needle = w.text.trim().toLowerCase();
    if (!needle) {
      out.push([cursor, cursor]);
      continue;
    }
    const at = lower.indexOf(needle, cursor);
    if (at < 0) return undefined;
    out.push([at, at + needle.length]);
    cursor = at + needle.length;
  }
  return out;
}

function redactUntimedCue(cue: Cue, ci: number, spans: readonly RedactionSpan[]): Cue {
  const toks = cueTokens(cue, ci);
  const gs = groups(toks.map((tk) => spanOf(spans, tk.startMs, tk.endMs)));
  let text = cue.text;
  for (const g of [...gs].reverse()) {
    const label = keepPunctuation(toks[g.from]!.raw, toks[g.to - 1]!.raw, REDACTION_LABELS[spans[g.span]!.kind]);
    text = text.slice(0, toks[g.from]!.charStart) + label + text.slice(toks[g.to - 1]!.charEnd);
  }
  return { ...cue, text };
}

/** The label with the punctuation that stood around the replaced words ("(4111 …1111)," → "([card number]),"). */
function keepPunctuation(first: string, last: string, label: string): string {
  const lead = /^[^\p{L}\p{N}+$£€@]*/u.exec(first)![0];
  const trail = /[^\p{L}\p{N}%]*$/u.exec(last)![0];
  return lead + label + trail;
}
