/**
 * Where a query matched inside one recording, for a player to jump to: the cues that contain a
 * word, phrase or prefix of the query's positive side, within the field it is scoped to. The
 * index decides which recordings match; this only locates the words again in the cues, so a
 * recording found through its notes alone has no hits, and excluded words mark nothing.
 *
 * Also here: the same matching over a recording's indexed columns (`matchesColumns`), which is
 * what FTS5 answers for one row; tests use it as the reference for the compiled queries.
 */
import type { Cue } from '../transcripts/model.js';
import { SPEECH_FIELDS, isLeaf, positiveLeaves, type Field, type LeafNode, type QueryNode } from './ast.js';
import { fold, foldedWords } from './words.js';

/** A matching cue: the times are those of the matched words when the engine timed words, else the cue's. */
export interface Hit { startMs: number; endMs: number; speaker: string; text: string }

export interface HitOptions {
  /** Whether a cue belongs to a field (default: by speakerRole; see cueInField). */
  inField?: (field: Field, cue: Cue) => boolean;
  /** At most this many hits, earliest first (default all). */
  limit?: number;
}

/** The column a cue's words are indexed under: its speaker's role, roles other than agent and customer as `other`. */
export function columnOfCue(cue: Cue): 'agent' | 'customer' | 'other' {
  const role = cue.speakerRole?.toLowerCase();
  return role === 'agent' || role === 'customer' ? role : 'other';
}

/** The default field scoping of cues: transcript is every cue, agent/customer/other by role, notes none. */
export function cueInField(field: Field, cue: Cue): boolean {
  if (field === 'transcript') return true;
  if ((SPEECH_FIELDS as readonly string[]).includes(field)) return columnOfCue(cue) === field;
  return false;
}

/** Whether the folded word sequence contains the leaf (a word, a word start, consecutive words). */
export function containsLeaf(words: readonly string[], node: LeafNode): boolean {
  return locateLeaf(words, node) !== null;
}

/** Where the leaf first occurs in the folded word sequence: [first, last] word index, or null. */
export function locateLeaf(words: readonly string[], node: LeafNode): [number, number] | null {
  if (node.kind === 'term' || node.kind === 'prefix') {
    const w = fold(node.word);
    const i = words.findIndex((x) => (node.kind === 'term' ? x === w : x.startsWith(w)));
    return i < 0 ? null : [i, i];
  }
  const want = node.words.map(fold);
  const last = want.length - 1;
  for (let i = 0; i + last < words.length; i++) {
    let k = 0;
    while (k < last && words[i + k] === want[k]) k++;
    if (k === last && (node.prefix ? words[i + k]!.startsWith(want[k]!) : words[i + k] === want[k])) return [i, i + last];
  }
  return null;
}

/**
 * The time of the matched words inside a cue, when the engine gave word timings: a player then
 * jumps to the phrase itself rather than to the start of a long cue.
 */
function wordTimes(cue: Cue, leaves: readonly LeafNode[]): { startMs: number; endMs: number } | null {
  if (!cue.words?.length) return null;
  const folded: string[] = [];
  const owner: number[] = [];
  cue.words.forEach((w, i) => {
    for (const x of foldedWords(w.text)) { folded.push(x); owner.push(i); }
  });
  let best: { startMs: number; endMs: number } | null = null;
  for (const l of leaves) {
    const at = locateLeaf(folded, l);
    if (!at) continue;
    const a = cue.words[owner[at[0]]!]!; const b = cue.words[owner[at[1]]!]!;
    if (!best || a.startMs < best.startMs) best = { startMs: a.startMs, endMs: b.endMs };
  }
  return best;
}

export function findHits(node: QueryNode, cues: readonly Cue[], opts: HitOptions = {}): Hit[] {
  const inField = opts.inField ?? cueInField;
  const leaves = positiveLeaves(node);
  const hits: Hit[] = [];
  for (const cue of cues) {
    if (opts.limit !== undefined && hits.length >= opts.limit) break;
    let words: string[] | undefined;
    const matched = leaves.filter((l) => {
      if (l.field !== undefined && !inField(l.field, cue)) return false;
      words ??= foldedWords(cue.text);
      return containsLeaf(words, l);
    });
    if (matched.length === 0) continue;
    const at = wordTimes(cue, matched) ?? { startMs: cue.startMs, endMs: cue.endMs };
    hits.push({ ...at, speaker: cue.speaker, text: cue.text });
  }
  return hits;
}

export type ColumnTexts = Readonly<Record<string, string>>;

/**
 * Whether a query matches one recording's columns the way FTS5 would: a leaf must occur within
 * one column (phrases do not run from one column into the next), unscoped leaves in any column.
 * `fieldColumns` maps each field to its columns, like the FTS5 compiler's map.
 */
export function matchesColumns(node: QueryNode, texts: ColumnTexts, fieldColumns: Readonly<Record<Field, string | readonly string[]>>): boolean {
  const words = new Map(Object.entries(texts).map(([col, text]) => [col, foldedWords(text)]));
  const test = (n: QueryNode): boolean => {
    if (isLeaf(n)) {
      const scope = n.field === undefined ? [...words.keys()] : [fieldColumns[n.field] ?? []].flat();
      return scope.some((col) => containsLeaf(words.get(col) ?? [], n));
    }
    switch (n.kind) {
      case 'and': return n.children.every(test);
      case 'or': return n.children.some(test);
      case 'not': return !test(n.child);
    }
  };
  return test(node);
}
