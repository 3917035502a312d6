/**
 * Splits a native search query into tokens. Everything a user can type is either structure
 * (parentheses, AND/OR/NOT, a leading `-`, `field:`) or words; words are split here the way the
 * index splits them, so punctuation inside a word (`a*b`, `NEAR(x`, `col:x` with an unknown
 * look) is never syntax anywhere downstream.
 */
import { invalid } from '../core/errors.js';
import type { Field, FieldSet } from './ast.js';
import { queryWords } from './words.js';

interface Marks {
  pos: number;
  /** A leading `-` (exclude). */
  neg: boolean;
  field?: { name: Field; pos: number };
}

export type Token =
  | (Marks & { t: 'lparen' })
  | { t: 'rparen'; pos: number }
  | { t: 'op'; op: 'and' | 'or' | 'not'; pos: number; text: string }
  | (Marks & { t: 'words'; words: string[]; prefix: boolean });

const SPACE = /\s/u;
const WORD_CHAR = /[\p{L}\p{N}\p{Co}]/u;
const FIELD_HEAD = /[A-Za-z][A-Za-z0-9_]*(?::[A-Za-z][A-Za-z0-9_]*)*:/y;
const OPERATORS = new Set(['and', 'or', 'not']);

export const syntaxError = (message: string, position: number) =>
  invalid(`Search query: ${message} (at position ${position})`, { position });

/** Characters that end a bare word: they start the next token. */
const ends = (c: string | undefined) => c === undefined || SPACE.test(c) || c === '(' || c === ')' || c === '"';

/**
 * The field a `name:` at `at` names, trying the longest colon-joined spelling first so
 * `speaker:agent:refund` is field `speaker:agent` and value `refund`.
 */
function fieldAt(q: string, at: number, known: ReadonlyMap<string, Field>): { name: Field; length: number } | null {
  FIELD_HEAD.lastIndex = at;
  const m = FIELD_HEAD.exec(q);
  if (!m) return null;
  const parts = m[0].slice(0, -1).split(':');
  for (let n = parts.length; n > 0; n--) {
    const spelled = parts.slice(0, n).join(':');
    const name = known.get(spelled.toLowerCase());
    if (name !== undefined) return { name, length: spelled.length + 1 };
  }
  const head = parts[0]!.toLowerCase();
  const longer = [...known.keys()].filter((k) => k.startsWith(`${head}:`));
  if (longer.length > 0) {
    throw syntaxError(`'${parts[0]}:' must be followed by one of ${longer.map((k) => `${k.slice(head.length + 1)}:`).join(', ')} and a value, e.g. ${longer[0]}:refund`, at);
  }
  throw syntaxError(`unknown field '${parts.join(':')}'; the fields are ${[...known.keys()].join(', ')} (put the word in quotes to search for it as text)`, at);
}

export function lex(q: string, fields: FieldSet): Token[] {
  const out: Token[] = [];
  const known = new Map(Object.entries(fields).map(([k, v]) => [k.toLowerCase(), v]));
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (SPACE.test(c)) { i++; continue; }
    if (c === ')') { out.push({ t: 'rparen', pos: i++ }); continue; }
    const pos = i;
    const next = q[i + 1];
    // `-` excludes only when glued to what it excludes; a lone or doubled dash is punctuation.
    const neg = c === '-' && next !== undefined && (next === '"' || next === '(' || WORD_CHAR.test(next));
    if (neg) i++;
    let field: Marks['field'];
    const f = fieldAt(q, i, known);
    if (f) {
      field = { name: f.name, pos: i };
      i += f.length;
      if (ends(q[i]) && q[i] !== '"' && q[i] !== '(') throw syntaxError(`the field ${q.slice(field.pos, i)} has no value after it`, field.pos);
    }
    const marks: Marks = { pos, neg, ...(field ? { field } : {}) };
    if (q[i] === '(') {
      out.push({ t: 'lparen', ...marks });
      i++;
    } else if (q[i] === '"') {
      const close = q.indexOf('"', i + 1);
      if (close < 0) throw syntaxError('the opening quote is never closed', i);
      const prefix = q[close + 1] === '*';
      out.push({ t: 'words', ...marks, words: queryWords(q.slice(i + 1, close)), prefix });
      i = close + (prefix ? 2 : 1);
    } else {
      let j = i;
      while (!ends(q[j])) j++;
      const run = q.slice(i, j);
      i = j;
      if (!neg && !field && OPERATORS.has(run.toLowerCase())) {
        out.push({ t: 'op', op: run.toLowerCase() as 'and' | 'or' | 'not', pos, text: run });
      } else {
        out.push({ t: 'words', ...marks, words: queryWords(run), prefix: run.endsWith('*') });
      }
    }
  }
  return out;
}
