/**
 * Compiles a query to an SQLite FTS5 MATCH expression. User text only ever appears inside an
 * FTS5 string ("…" with `"` doubled), where FTS5 hands it to the tokenizer as plain text: NEAR,
 * `^`, `:`, `*`, `+`, `-`, braces and parentheses typed by a user are just separators there.
 * Everything outside strings (operators, parentheses, `*`, column filters) comes from the AST
 * and from the column names the caller configures, which are checked to be bare identifiers.
 */
import { invalid } from '../core/errors.js';
import { isLeaf, isPositive, type Field, type LeafNode, type QueryNode } from './ast.js';
import { fold } from './words.js';

/** The FTS5 column (or columns) each field searches. Unscoped words search every column. */
export type Fts5Columns = Readonly<Record<Field, string | readonly string[]>>;

export interface Fts5Options {
  /**
   * The indexed words that start with `prefix` (given folded: lower case, accents removed, as
   * the index holds words), or null to leave the prefix to FTS5. FTS5 answers `"subs" *` by
   * merging the whole position lists of every word with that start before it returns one row
   * (400 ms at p99 over 1M transcripts when "subscription" is in half of them), while an OR of
   * the words streams in rowid order like a single word does (under 1 ms). A prefix index
   * (`prefix='2 3'`) covers exactly those lengths; a term table read by range covers the rest.
   */
  expandPrefix?: (prefix: string) => readonly string[] | null;
  /**
   * Above this many words a prefix is left to FTS5 (default 4096). Over 1M transcripts an OR of
   * 1,000 words took 11-33 ms and of 4,000 words up to 84 ms for the first page.
   */
  maxExpansions?: number;
  /** The same for a phrase ending in a prefix, where each alternative is a phrase (default 64). */
  maxPhraseExpansions?: number;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = new Set(['and', 'or', 'not', 'near']);

/** An FTS5 string literal: the only form user text takes in a MATCH expression. */
export function fts5String(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

function columnFilter(field: Field, columns: Fts5Columns): string {
  const cols = columns[field];
  if (cols === undefined) throw invalid(`The field ${field} cannot be searched here`, { field });
  const list = typeof cols === 'string' ? [cols] : [...cols];
  if (list.length === 0) throw invalid(`The field ${field} cannot be searched here`, { field });
  for (const c of list) {
    // Column names are configuration, not user input; a bad one is a programming error.
    if (!IDENT.test(c) || RESERVED.has(c.toLowerCase())) throw new Error(`FTS5 column name ${JSON.stringify(c)} is not a bare identifier`);
  }
  return `{${list.join(' ')}}`;
}

function compileLeaf(node: LeafNode, columns: Fts5Columns, opts: Fts5Options): string {
  const words = node.kind === 'phrase' ? node.words : [node.word];
  const prefix = node.kind === 'prefix' || (node.kind === 'phrase' && node.prefix === true);
  let expr = `${fts5String(words.join(' '))}${prefix ? ' *' : ''}`;
  if (prefix && opts.expandPrefix) {
    const head = words.slice(0, -1).join(' ');
    const expanded = opts.expandPrefix(fold(words.at(-1)!));
    const cap = head ? opts.maxPhraseExpansions ?? 64 : opts.maxExpansions ?? 4096;
    if (expanded && expanded.length <= cap) {
      // No indexed word has this start: an empty string matches nothing, which is the answer.
      const alternatives = expanded.length ? expanded.map((w) => fts5String(head ? `${head} ${w}` : w)) : ['""'];
      expr = alternatives.length === 1 ? alternatives[0]! : `(${alternatives.join(' OR ')})`;
    }
  }
  return node.field === undefined ? expr : `${columnFilter(node.field, columns)} : ${expr}`;
}

function compile(node: QueryNode, columns: Fts5Columns, opts: Fts5Options): string {
  if (isLeaf(node)) return compileLeaf(node, columns, opts);
  switch (node.kind) {
    case 'or':
      return `(${node.children.map((c) => compile(c, columns, opts)).join(' OR ')})`;
    case 'and': {
      // FTS5's NOT is binary (`a NOT b`): gather the positive side, then take the rest away.
      const pos = node.children.filter((c) => c.kind !== 'not');
      const neg = node.children.flatMap((c) => (c.kind === 'not' ? [c.child] : []));
      const positive = pos.length === 1 ? compile(pos[0]!, columns, opts) : `(${pos.map((c) => compile(c, columns, opts)).join(' AND ')})`;
      if (neg.length === 0) return positive;
      const negative = neg.length === 1 ? compile(neg[0]!, columns, opts) : `(${neg.map((c) => compile(c, columns, opts)).join(' OR ')})`;
      return `(${positive} NOT ${negative})`;
    }
    case 'not':
      throw new Error('a NOT outside an AND reached the FTS5 compiler (the parser refuses these)');
    default:
      throw new Error('unknown query node');
  }
}

/**
 * The MATCH expression for a query. `columns` maps each field the query may use to its
 * FTS5 column(s), e.g. `{ agent: 'agent', customer: 'customer', other: 'other', notes: 'notes',
 * transcript: ['agent', 'customer', 'other'] }`.
 */
export function toFts5(node: QueryNode, columns: Fts5Columns, opts: Fts5Options = {}): string {
  // Hand-built ASTs skip the parser's checks; an exclusion-only query has no FTS5 form.
  if (!isPositive(node)) throw invalid('A search made only of excluded words cannot be run', { reason: 'negative-only' });
  return compile(node, columns, opts);
}
