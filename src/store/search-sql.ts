import { sql, type Kysely } from 'kysely';
import type { IndexedText, SearchIndex } from '../search/index-port.js';
import type { Database } from './schema.js';
import type { Dialect } from './migrations.js';

/**
 * The transcript index: one FTS5 row per live recording (rowid = recordings.seq). FTS5 rows
 * cannot be updated column by column, so an entry is always replaced whole, in one transaction
 * with the check that the recording is still there.
 */
export class SqlSearchIndex implements SearchIndex {
  constructor(private readonly db: Kysely<Database>, private readonly dialect: Dialect) {}

  put(accountId: string, recordingId: string, t: IndexedText): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('recordings').select('seq').where('id', '=', recordingId).where('account_id', '=', accountId)
        .where('deleted_at', 'is', null).executeTakeFirst();
      if (!row) return false;
      const seq = Number(row.seq);
      await sql`DELETE FROM transcript_fts WHERE rowid = ${seq}`.execute(trx);
      if (this.dialect === 'sqlite') {
        await sql`INSERT INTO transcript_fts (rowid, agent, customer, other, notes) VALUES (${seq}, ${t.agent}, ${t.customer}, ${t.other}, ${t.notes})`.execute(trx);
      } else {
        await sql`INSERT INTO transcript_fts (rowid, agent, customer, other, notes) VALUES (${seq}, to_tsvector('simple', ${t.agent}),
          to_tsvector('simple', ${t.customer}), to_tsvector('simple', ${t.other}), to_tsvector('simple', ${t.notes}))`.execute(trx);
      }
      return true;
    });
  }

  async remove(accountId: string, recordingId: string): Promise<void> {
    await sql`DELETE FROM transcript_fts WHERE rowid IN (SELECT seq FROM recordings WHERE id = ${recordingId} AND account_id = ${accountId})`.execute(this.db);
  }
}
