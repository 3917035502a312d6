/**
 * Compiles a query to the text of a PostgreSQL tsquery, for `to_tsquery('simple', $1)` (the
 * text goes in as a bound parameter, never spliced into SQL). Every lexeme is single-quoted with
 * `'` doubled and `\` escaped, so tsquery operators a user typed (`&`, `|`, `!`, `<->`, `:*`,
 * parentheses) stay inside a lexeme. Fields become weight labels: the PostgreSQL adapter is
 * expected to build its tsvector with setweight() per field (e.g. agent A, customer B, other C,
 * notes D), and `agent:refund` compiles to `'refund':A`.
 */
import { invalid } from '../core/errors.js';
import { isLeaf, isPositive, type Field, type LeafNode, type QueryNode } from './ast.js';

/** The weight letters each field searches, e.g. `{ agent: 'A', transcript: 'ABC' }`. */
export type TsqueryWeights = Readonly<Record<Field, string>>;

export const DEFAULT_TSQUERY_WEIGHTS: TsqueryWeights = { agent: 'A', customer: 'B', other: 'C', notes: 'D', transcript: 'ABC' };

const WEIGHTS = /^[ABCD]{1,4}$/;

/** A quoted tsquery lexeme. */
export function tsLexeme(word: string): string {
  return `'${word.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

function labels(field: Field | undefined, weights: TsqueryWeights): string {
  if (field === undefined) return '';
  const w = weights[field];
  if (w === undefined) throw invalid(`The field ${field} cannot be searched here`, { field });
  if (!WEIGHTS.test(w)) throw new Error(`tsquery weights for ${field} must be letters A-D, got ${JSON.stringify(w)}`);
  return w;
}

function compileLeaf(node: LeafNode, weights: TsqueryWeights): string {
  const w = labels(node.field, weights);
  const lexeme = (word: string, prefix: boolean) => {
    const suffix = `${prefix ? '*' : ''}${w}`;
    return `${tsLexeme(word)}${suffix ? `:${suffix}` : ''}`;
  };
  if (node.kind === 'term') return lexeme(node.word, false);
  if (node.kind === 'prefix') return lexeme(node.word, true);
  const last = node.words.length - 1;
  return `(${node.words.map((word, i) => lexeme(word, i === last && node.prefix === true)).join(' <-> ')})`;
}

function compile(node: QueryNode, weights: TsqueryWeights): string {
  if (isLeaf(node)) return compileLeaf(node, weights);
  switch (node.kind) {
    case 'and':
      return `(${node.children.map((c) => compile(c, weights)).join(' & ')})`;
    case 'or':
      return `(${node.children.map((c) => compile(c, weights)).join(' | ')})`;
    case 'not':
      return `!${compile(node.child, weights)}`;
    default:
      throw new Error('unknown query node');
  }
}

/** The tsquery text for a query; unscoped words carry no weight label and match any field. */
export function toTsquery(node: QueryNode, weights: TsqueryWeights = DEFAULT_TSQUERY_WEIGHTS): string {
  // PostgreSQL could run `!a` alone, but it would scan every row; the language refuses it everywhere.
  if (!isPositive(node)) throw invalid('A search made only of excluded words cannot be run', { reason: 'negative-only' });
  return compile(node, weights);
}
