/**
 * The search syntaxes of the doors, mapped onto the one query AST.
 *
 * Recordings list v1 (`GET /v1/recordings`, ../shared/specs/recordings-list-v1-api.txt):
 *   `words` is "Full-text search filter using a special syntax (supports exact, and, or, not
 *   filters)"; `noteswords` is the filter "for notes (with similar syntax to words)".
 *
 * Interaction Insights (`GET /api/integration/v1/recordings`, interaction-insights-integration-api.txt):
 *   the `filter` parameter is `(<key>=<value>,…)`, a list of values for one key is separated by
 *   semicolons, and a string value may be quoted (`description="viewed"`, matched as "contains
 *   the string"); `text` is "Free text search".
 *
 * Where the documents are silent, this is what is assumed:
 *   words / noteswords
 *   - "exact" is a phrase in double quotes; a quote that is never closed is refused.
 *   - and, or, not are operators in any letter case (the document writes them in lower case);
 *     to search for one of these words, quote it. Precedence is the usual NOT > AND > OR.
 *   - Words separated only by spaces must all occur (an implicit AND), as in the native language.
 *   - Nothing else is syntax: no parentheses, no wildcard `*`, no leading `-`, no fields; such
 *     characters are punctuation and, like all punctuation, separate words.
 *   - `words` searches what was said (the whole transcript, every speaker), `noteswords` the
 *     notes; given both, the door requires both (it ANDs the two nodes).
 *   - A filter that only excludes (`not refund`) is refused, as in the native language.
 *   text
 *   - The door has already split the filter at its commas and hands over one value, quotes
 *     included. Semicolons outside quotes separate alternatives: any of them may match (OR),
 *     as a list of values means for every other key.
 *   - Each alternative is matched as text the recording contains, like `description`: its
 *     words consecutively (a phrase), quoted or not; the surrounding quotes are removed.
 *     There are no operators: and, or, not are words like any other.
 *   - Free text covers everything the index holds for a recording: transcript and notes.
 *   - A value with no words (empty, only punctuation or semicolons) is refused.
 */
import { invalid } from '../core/errors.js';
import { combine, countNodes, leaf, type Field, type QueryNode } from './ast.js';
import { syntaxError, type Token } from './query-lex.js';
import { QUERY_LIMITS, checkLength, parseTokens } from './query.js';
import { queryWords } from './words.js';

const OPERATORS = new Set(['and', 'or', 'not']);

/** The v1 `words` syntax (and `noteswords`, with field 'notes'): words, "exact phrases", and/or/not. */
export function fromListV1Words(words: string, field: Field = 'transcript'): QueryNode {
  checkLength(words);
  const toks: Token[] = [];
  const scope = (pos: number) => ({ field: { name: field, pos } });
  for (let i = 0; i < words.length;) {
    if (/\s/u.test(words[i]!)) { i++; continue; }
    const pos = i;
    if (words[i] === '"') {
      const close = words.indexOf('"', i + 1);
      if (close < 0) throw syntaxError('the opening quote of an exact phrase is never closed', i);
      toks.push({ t: 'words', pos, neg: false, ...scope(pos), words: queryWords(words.slice(i + 1, close)), prefix: false });
      i = close + 1;
      continue;
    }
    let j = i;
    while (j < words.length && words[j] !== '"' && !/\s/u.test(words[j]!)) j++;
    const run = words.slice(i, j);
    i = j;
    const op = run.toLowerCase();
    if (OPERATORS.has(op)) toks.push({ t: 'op', op: op as 'and' | 'or' | 'not', pos, text: run });
    else toks.push({ t: 'words', pos, neg: false, ...scope(pos), words: queryWords(run), prefix: false });
  }
  return parseTokens(toks);
}

/** Both v1 filters of one request: what was said and what the notes say, both required. */
export function fromListV1(words: string | undefined, notesWords: string | undefined): QueryNode | null {
  return combine('and', [words ? fromListV1Words(words) : null, notesWords ? fromListV1Words(notesWords, 'notes') : null]);
}

/** The Interaction Insights `text` filter value: `;`-separated alternatives, each matched as contained text. */
export function fromInsightsText(text: string): QueryNode {
  checkLength(text);
  const alternatives: Array<{ value: string; pos: number }> = [];
  let start = 0, quoted = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = quoted < 0 ? i : -1;
    else if ((c === ';' && quoted < 0) || c === undefined) {
      alternatives.push({ value: text.slice(start, i), pos: start });
      start = i + 1;
    }
  }
  if (quoted >= 0) throw syntaxError('the opening quote of the text value is never closed', quoted);
  const nodes = alternatives.map(({ value }) => {
    const v = value.trim();
    const unquoted = v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
    return leaf(queryWords(unquoted), false);
  });
  const node = combine('or', nodes);
  if (!node) throw invalid('The text filter has no words to search for', { position: 0 });
  if (countNodes(node) > QUERY_LIMITS.maxNodes) {
    throw invalid(`The text filter has more than ${QUERY_LIMITS.maxNodes} alternatives and words`, { position: 0, maxNodes: QUERY_LIMITS.maxNodes });
  }
  return node;
}
