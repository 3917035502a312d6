import { sql, type Kysely, type Transaction } from 'kysely';
import type { IndexedText, SearchIndex } from '../search/index-port.js';
import { foldedWords } from '../search/words.js';
import type { Database } from './schema.js';
import type { Dialect } from './migrations.js';

/** Tie-break room under each start second: search keys stay exact doubles (< 2^53) until the year 2242. */
const TIE = 2 ** 20;

/** Start seconds the key can hold exactly: 1970 up to 2242; times outside sort at the ends. */
const MAX_SECOND = 2 ** 33 - 2;

/** Where a recording sorts in the index: its start second, then its seq. */
export const naturalSearchKey = (startMs: number, seq: number): number =>
  Math.min(MAX_SECOND, Math.max(0, Math.floor(startMs / 1000))) * TIE + (seq % TIE);

/**
 * The transcript index: one FTS5 row per live recording. Its rowid is the recording's
 * search_key (start second × 2^20 + seq mod 2^20, the next free one if taken), so matches come
 * out of FTS5 newest call first (see migration 0005 and listRecordings). FTS5 rows cannot be
 * updated column by column, so an entry is always replaced whole, in one transaction with the
 * check that the recording is still there. Every indexed word also goes into transcript_terms,
 * from which long prefixes are expanded.
 */
export class SqlSearchIndex implements SearchIndex {
  constructor(private readonly db: Kysely<Database>, private readonly dialect: Dialect) {}

  put(accountId: string, recordingId: string, t: IndexedText): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('recordings').select(['seq', 'start_time', 'search_key']).where('id', '=', recordingId)
        .where('account_id', '=', accountId).where('deleted_at', 'is', null).executeTakeFirst();
      if (!row) return false;
      const seq = Number(row.seq);
      let key = row.search_key === null ? null : Number(row.search_key);
      if (key === null) {
        key = await freeKey(trx, naturalSearchKey(Number(row.start_time), seq));
        await trx.updateTable('recordings').set({ search_key: key }).where('seq', '=', seq).execute();
      } else {
        await sql`DELETE FROM transcript_fts WHERE rowid = ${key}`.execute(trx);
      }
      if (this.dialect === 'sqlite') {
        await sql`INSERT INTO transcript_fts (rowid, agent, customer, other, notes) VALUES (${key}, ${t.agent}, ${t.customer}, ${t.other}, ${t.notes})`.execute(trx);
      } else {
        await sql`INSERT INTO transcript_fts (rowid, agent, customer, other, notes) VALUES (${key}, to_tsvector('simple', ${t.agent}),
          to_tsvector('simple', ${t.customer}), to_tsvector('simple', ${t.other}), to_tsvector('simple', ${t.notes}))`.execute(trx);
      }
      const terms = [...new Set(foldedWords(`${t.agent}\n${t.customer}\n${t.other}\n${t.notes}`))];
      for (let i = 0; i < terms.length; i += 500) {
        await trx.insertInto('transcript_terms').values(terms.slice(i, i + 500).map((term) => ({ term })))
          .onConflict((oc) => oc.column('term').doNothing()).execute();
      }
      return true;
    });
  }

  /**
   * Forgets words no indexed recording holds any more, so the words of deleted calls do not
   * live on in transcript_terms (about 8 s for 1,000,000 transcripts; run as a delayed job after
   * deletions). On PostgreSQL the list is left as it is until that adapter lands.
   */
  async pruneTerms(): Promise<number> {
    if (this.dialect !== 'sqlite') return 0;
    await sql`CREATE VIRTUAL TABLE IF NOT EXISTS temp.transcript_vocab USING fts5vocab(main, transcript_fts, 'row')`.execute(this.db);
    const r = await sql`DELETE FROM transcript_terms WHERE term NOT IN (SELECT term FROM temp.transcript_vocab)`.execute(this.db);
    return Number(r.numAffectedRows ?? 0);
  }

  async remove(accountId: string, recordingId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('recordings').select(['seq', 'search_key']).where('id', '=', recordingId)
        .where('account_id', '=', accountId).executeTakeFirst();
      if (!row || row.search_key === null) return;
      await sql`DELETE FROM transcript_fts WHERE rowid = ${Number(row.search_key)}`.execute(trx);
      await trx.updateTable('recordings').set({ search_key: null }).where('seq', '=', Number(row.seq)).execute();
    });
  }
}

/** The first search key from `want` on that no recording holds (two calls starting in the same second rarely need a second try). */
async function freeKey(trx: Transaction<Database>, want: number): Promise<number> {
  for (let key = want; key < want + TIE; key++) {
    const taken = await trx.selectFrom('recordings').select('seq').where('search_key', '=', key).executeTakeFirst();
    if (!taken) return key;
  }
  throw new Error(`no free search key from ${want}: over a million recordings start in that second`);
}
