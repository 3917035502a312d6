/**
 * What counts as a word, for queries and for finding hits in cues. It follows SQLite FTS5's
 * default unicode61 tokenizer (token characters are letters, numbers and private-use code
 * points; everything else separates words), so a query word is what the index holds and a hit
 * found in a cue is a hit the index would have found.
 */

const WORD = /[\p{L}\p{N}\p{Co}]+/gu;
const MARKS = /\p{M}+/gu;

/**
 * The words of user input as the query keeps them: lower case, NFC (so a decomposed "é"
 * stays one letter instead of splitting the word at its combining mark), accents kept —
 * FTS5 folds them itself and a PostgreSQL configuration may or may not.
 */
export function queryWords(text: string): string[] {
  return text.normalize('NFC').toLowerCase().match(WORD) ?? [];
}

/** A word with case and accents removed, the way unicode61 (remove_diacritics) compares them. */
export function fold(word: string): string {
  return word.normalize('NFD').replace(MARKS, '').toLowerCase();
}

/**
 * The folded words of a text, in order: what a phrase or prefix is matched against. Split
 * first, then folded, so a combining mark splits a word here exactly where it does in the index.
 */
export function foldedWords(text: string): string[] {
  return queryWords(text).map(fold);
}
