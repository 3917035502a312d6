/**
 * The parsed form of a search: what the native query language, the doors' search syntaxes and
 * the compilers (FTS5, PostgreSQL tsquery, in-memory hits) share. Words are already split the
 * way the index splits them (see words.ts), so a compiler never has to tokenise user text and
 * no user character ever reaches a compiled query except inside a quoted string.
 */

/** Where a word must occur. Canonical field names; `undefined` means anywhere (transcript and notes). */
export type Field = string;

export interface TermNode { kind: 'term'; word: string; field?: Field }
/** A word start: `refund*` finds refund, refunds, refunded. */
export interface PrefixNode { kind: 'prefix'; word: string; field?: Field }
/** Consecutive words; with `prefix` the last one is a word start (`"refund pol"*`). */
export interface PhraseNode { kind: 'phrase'; words: string[]; prefix?: boolean; field?: Field }
export interface AndNode { kind: 'and'; children: QueryNode[] }
export interface OrNode { kind: 'or'; children: QueryNode[] }
export interface NotNode { kind: 'not'; child: QueryNode }

export type LeafNode = TermNode | PrefixNode | PhraseNode;
export type QueryNode = LeafNode | AndNode | OrNode | NotNode;

/**
 * The field names a query may use, mapped to the canonical field they stand for. Several
 * spellings can name one field (`speaker:agent:` and `agent:`).
 */
export type FieldSet = Readonly<Record<string, Field>>;

/**
 * The vault's searchable fields: what each party said, all speech together, and the notes
 * people wrote about the call. Roles other than agent and customer (a supervisor who barged
 * in, an IVR) are `other`.
 */
export const DEFAULT_FIELDS: FieldSet = {
  transcript: 'transcript',
  agent: 'agent',
  customer: 'customer',
  other: 'other',
  notes: 'notes',
  'speaker:agent': 'agent',
  'speaker:customer': 'customer',
  'speaker:other': 'other',
};

/** The speech fields and the columns the `transcript` field spans. */
export const SPEECH_FIELDS = ['agent', 'customer', 'other'] as const;

/** One leaf from words: a single word is a term or prefix, more words a phrase; no words, nothing. */
export function leaf(words: readonly string[], prefix: boolean, field?: Field): LeafNode | null {
  if (words.length === 0) return null;
  const scope = field === undefined ? {} : { field };
  if (words.length === 1) return prefix ? { kind: 'prefix', word: words[0]!, ...scope } : { kind: 'term', word: words[0]!, ...scope };
  return { kind: 'phrase', words: [...words], ...(prefix ? { prefix: true } : {}), ...scope };
}

/** An AND or OR of the given nodes, flattened, with the degenerate cases removed. */
export function combine(kind: 'and' | 'or', nodes: ReadonlyArray<QueryNode | null>): QueryNode | null {
  const children: QueryNode[] = [];
  for (const n of nodes) {
    if (!n) continue;
    if (n.kind === kind) children.push(...n.children);
    else children.push(n);
  }
  if (children.length === 0) return null;
  if (children.length === 1) return children[0]!;
  return { kind, children };
}

export function negate(node: QueryNode | null): QueryNode | null {
  if (!node) return null;
  return node.kind === 'not' ? node.child : { kind: 'not', child: node };
}

export function isLeaf(node: QueryNode): node is LeafNode {
  return node.kind === 'term' || node.kind === 'prefix' || node.kind === 'phrase';
}

export function countNodes(node: QueryNode): number {
  switch (node.kind) {
    case 'and':
    case 'or':
      return 1 + node.children.reduce((s, c) => s + countNodes(c), 0);
    case 'not':
      return 1 + countNodes(node.child);
    case 'term':
    case 'prefix':
    case 'phrase':
      return 1;
  }
}

/** The leaves under no NOT: the words a hit list shows where they were said. */
export function positiveLeaves(node: QueryNode): LeafNode[] {
  if (isLeaf(node)) return [node];
  if (node.kind === 'not') return [];
  return node.children.flatMap(positiveLeaves);
}

/**
 * Whether a node can select recordings by itself. An index can only take matches away from
 * matches: `a NOT b` works, `NOT b` alone would have to list every recording without b, and
 * `a OR NOT b` the same. AND needs one positive side; OR needs every side positive.
 */
export function isPositive(node: QueryNode): boolean {
  if (isLeaf(node)) return true;
  if (node.kind === 'not') return false;
  if (node.kind === 'and') {
    return node.children.some(isPositive) && node.children.every((c) => (c.kind === 'not' ? isPositive(c.child) : isPositive(c)));
  }
  return node.children.every(isPositive);
}
