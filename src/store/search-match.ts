import type { Kysely } from 'kysely';
import type { QueryNode } from '../search/ast.js';
import { toFts5 } from '../search/fts5.js';
import { fold } from '../search/words.js';
import type { Database } from './schema.js';

/** Query fields to transcript_fts columns (see migration 0005_search). */
export const FTS_COLUMNS = { agent: 'agent', customer: 'customer', other: 'other', notes: 'notes', transcript: ['agent', 'customer', 'other'] } as const;

/** Prefix lengths FTS5 answers from its own prefix indexes (prefix='2 3'). */
const INDEXED_PREFIXES = new Set([2, 3]);
/** Above this many words a prefix is left to FTS5 (see Fts5Options.maxExpansions). */
const MAX_EXPANSIONS = 4096;

function prefixesOf(node: QueryNode, out: Set<string>): Set<string> {
  switch (node.kind) {
    case 'prefix': out.add(fold(node.word)); break;
    case 'phrase': if (node.prefix) out.add(fold(node.words.at(-1)!)); break;
    case 'and': case 'or': for (const c of node.children) prefixesOf(c, out); break;
    case 'not': prefixesOf(node.child, out); break;
    case 'term': break;
  }
  return out;
}

/**
 * The FTS5 MATCH expression of a parsed query. Prefixes of lengths without a prefix index are
 * expanded into the indexed words that start with them (read by range from transcript_terms):
 * an OR of words streams out of FTS5 in rowid order, a long prefix scan does not.
 */
export async function compileMatch(db: Kysely<Database>, node: QueryNode): Promise<string> {
  const expansions = new Map<string, string[]>();
  for (const p of prefixesOf(node, new Set())) {
    if (INDEXED_PREFIXES.has([...p].length)) continue;
    const rows = await db.selectFrom('transcript_terms').select('term').where('term', '>=', p).where('term', '<', `${p}\u{10ffff}`)
      .limit(MAX_EXPANSIONS + 1).execute();
    expansions.set(p, rows.map((r) => r.term));
  }
  return toFts5(node, FTS_COLUMNS, { expandPrefix: (p) => expansions.get(p) ?? null, maxExpansions: MAX_EXPANSIONS });
}
