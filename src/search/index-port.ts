/** The words of one recording, by who said them, as the search index keeps them. */
export interface IndexedText {
  agent: string;
  customer: string;
  other: string;
  notes: string;
}

/**
 * The full-text index of transcripts and notes (FTS5 on SQLite, tsvector on PostgreSQL).
 * One entry per live recording; replacing it is how any part changes.
 */
export interface SearchIndex {
  put(accountId: string, recordingId: string, text: IndexedText): Promise<boolean>;
  remove(accountId: string, recordingId: string): Promise<void>;
  /** Drops words from the prefix-expansion list that no live recording holds; answers how many. */
  pruneTerms(): Promise<number>;
}
