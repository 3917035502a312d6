/**
 * Word error rate, for scoring engines against reference transcripts. Both sides go through the
 * same normalisation first, so "Twenty-four" and "24", "OK." and "ok" count as the same word: the
 * score then measures recognition, not spelling conventions.
 */

export interface WordErrors {
  /** (substitutions + insertions + deletions) / reference words; 0 when both are empty. */
  wer: number;
  substitutions: number;
  insertions: number;
  deletions: number;
  refWords: number;
  hypWords: number;
}

export type AlignOp =
  | { op: 'match' | 'sub'; ref: string; hyp: string }
  | { op: 'del'; ref: string }
  | { op: 'ins'; hyp: string };

const UNITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const TEENS = ['ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const SMALL = new Map<string, number>([
  ...UNITS.map((w, i) => [w, i] as [string, number]),
  ...TEENS.map((w, i) => [w, 10 + i] as [string, number]),
]);
const TEN_OF = new Map<string, number>(TENS.flatMap((w, i) => (w ? [[w, i * 10] as [string, number]] : [])));

/**
 * Lower case, engine markers such as "hello(2)" reduced to the word, punctuation dropped (an
 * apostrophe inside a word stays), and spoken numbers turned into digits: "twenty four" → "24",
 * "three hundred and five" → "305", while digits read one by one stay one token each
 * ("four five" → "4 5"), as a card number is spoken.
 */
export function normalizeWords(text: string): string[] {
  const raw = text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/\(\d+\)/g, '')
    .replace(/[^a-z0-9']+/g, ' ')
    .split(' ')
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter((w) => w.length > 0);
  return numbersToDigits(raw);
}

function numbersToDigits(words: string[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < words.length) {
    const parsed = parseNumber(words, i);
    if (parsed) {
      out.push(String(parsed.value));
      i = parsed.next;
    } else {
      out.push(words[i]!);
      i++;
    }
  }
  return out;
}

/** A cardinal below a million starting at words[i]: [below-thousand ['thousand' [below-thousand]]]. */
function parseNumber(words: string[], i: number): { value: number; next: number } | undefined {
  const first = parseBelowThousand(words, i);
  if (!first) return undefined;
  if (words[first.next] !== 'thousand') return first;
  let value = first.value * 1000;
  let next = first.next + 1;
  const rest = parseBelowThousand(words, words[next] === 'and' ? next + 1 : next);
  if (rest) {
    value += rest.value;
    next = rest.next;
  }
  return { value, next };
}

function parseBelowThousand(words: string[], i: number): { value: number; next: number } | undefined {
  const lead = parseBelowHundred(words, i);
  if (!lead) return undefined;
  if (words[lead.next] !== 'hundred' || lead.value === 0) return lead;
  let value = lead.value * 100;
  let next = lead.next + 1;
  const rest = parseBelowHundred(words, words[next] === 'and' ? next + 1 : next);
  if (rest && rest.value > 0) {
    value += rest.value;
    next = rest.next;
  }
  return { value, next };
}

function parseBelowHundred(words: string[], i: number): { value: number; next: number } | undefined {
  const w = words[i];
  if (w === undefined) return undefined;
  if (/^\d+$/.test(w)) return { value: Number(w), next: i + 1 };
  const small = SMALL.get(w);
  if (small !== undefined) return { value: small, next: i + 1 };
  const tens = TEN_OF.get(w);
  if (tens === undefined) return undefined;
  const unit = SMALL.get(words[i + 1] ?? '');
  if (unit !== undefined && unit >= 1 && unit <= 9) return { value: tens + unit, next: i + 2 };
  return { value: tens, next: i + 1 };
}

/** Minimum-edit alignment of two word sequences (substitution, insertion and deletion cost 1). */
export function align(ref: string[], hyp: string[]): AlignOp[] {
  const cols = hyp.length + 1;
  const cost = new Uint32Array((ref.length + 1) * cols);
  for (let j = 0; j <= hyp.length; j++) cost[j] = j;
  for (let i = 1; i <= ref.length; i++) {
    cost[i * cols] = i;
    for (let j = 1; j <= hyp.length; j++) {
      const diag = cost[(i - 1) * cols + j - 1]! + (ref[i - 1] === hyp[j - 1] ? 0 : 1);
      cost[i * cols + j] = Math.min(diag, cost[(i - 1) * cols + j]! + 1, cost[i * cols + j - 1]! + 1);
    }
  }
  const ops: AlignOp[] = [];
  let i = ref.length;
  let j = hyp.length;
  while (i > 0 || j > 0) {
    const here = cost[i * cols + j]!;
    if (i > 0 && j > 0 && here === cost[(i - 1) * cols + j - 1]! + (ref[i - 1] === hyp[j - 1] ? 0 : 1)) {
      ops.push({ op: ref[i - 1] === hyp[j - 1] ? 'match' : 'sub', ref: ref[i - 1]!, hyp: hyp[j - 1]! });
      i--;
      j--;
    } else if (i > 0 && here === cost[(i - 1) * cols + j]! + 1) {
      ops.push({ op: 'del', ref: ref[i - 1]! });
      i--;
    } else {
      ops.push({ op: 'ins', hyp: hyp[j - 1]! });
      j--;
    }
  }
  return ops.reverse();
}

/** Errors of one hypothesis against one reference, both normalised first. */
export function wordErrors(reference: string, hypothesis: string): WordErrors {
  const ref = normalizeWords(reference);
  const hyp = normalizeWords(hypothesis);
  const counts = { substitutions: 0, insertions: 0, deletions: 0 };
  for (const op of align(ref, hyp)) {
    if (op.op === 'sub') counts.substitutions++;
    else if (op.op === 'ins') counts.insertions++;
    else if (op.op === 'del') counts.deletions++;
  }
  return withRate({ ...counts, refWords: ref.length, hypWords: hyp.length });
}

/** Pools the errors of several pairs into one rate (weighted by reference length, not averaged). */
export function combineErrors(parts: WordErrors[]): WordErrors {
  const sum = { substitutions: 0, insertions: 0, deletions: 0, refWords: 0, hypWords: 0 };
  for (const p of parts) {
    sum.substitutions += p.substitutions;
    sum.insertions += p.insertions;
    sum.deletions += p.deletions;
    sum.refWords += p.refWords;
    sum.hypWords += p.hypWords;
  }
  return withRate(sum);
}

function withRate(c: Omit<WordErrors, 'wer'>): WordErrors {
  const errors = c.substitutions + c.insertions + c.deletions;
  return { wer: c.refWords === 0 ? (errors === 0 ? 0 : 1) : errors / c.refWords, ...c };
}
