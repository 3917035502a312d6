import type { LogsDb } from './logs-schema.js';
import type { Dialect } from './migrations.js';
import { lockHead } from './logs-write.js';

/** Rows removed per statement, so a long backlog never holds the write lock for long. */
const PURGE_BATCH = 5000;

/** Deletes activity rows older than `cutoff` (epoch ms), in small batches; returns how many. */
export async function purgeActivity(db: LogsDb, table: 'api_activity' | 'system_activity', cutoff: number): Promise<number> {
  let total = 0;
  for (;;) {
    const res = await db.deleteFrom(table)
      .where('id', 'in', (eb) => eb.selectFrom(table).select('id').where('at', '<', cutoff).limit(PURGE_BATCH))
      .executeTakeFirst();
    const n = Number(res.numDeletedRows);
    total += n;
    if (n < PURGE_BATCH) return total;
  }
}

/**
 * Removes the oldest audit entries of every chain up to (not past) the first one still inside
 * the retention window, and moves the chain's checkpoint (purged_seq, purged_hash) to the last
 * removed entry in the same transaction, so what remains still verifies from there.
 */
export async function purgeAudit(db: LogsDb, dialect: Dialect, cutoff: number): Promise<number> {
  const accounts = await db.selectFrom('audit_heads').select('account_id').execute();
  let total = 0;
  for (const { account_id: accountId } of accounts) {
    total += await db.transaction().execute(async (trx) => {
      const head = await lockHead(trx, dialect, accountId, Date.now());
      const keep = await trx.selectFrom('audit_log').select((eb) => eb.fn.min('seq').as('seq'))
        .where('account_id', '=', accountId).where('seq', '>', head.purged_seq).where('at', '>=', cutoff)
        .executeTakeFirst();
      const through = keep?.seq != null ? Number(keep.seq) - 1 : head.last_seq;
      if (through <= head.purged_seq) return 0;
      const last = await trx.selectFrom('audit_log').select('hash').where('account_id', '=', accountId).where('seq', '=', through).executeTakeFirst();
      // The entry to checkpoint at is gone already (removed behind our back): leave it for verify to report.
      if (!last) return 0;
      const res = await trx.deleteFrom('audit_log').where('account_id', '=', accountId).where('seq', '<=', through).executeTakeFirst();
      await trx.updateTable('audit_heads').set({ purged_seq: through, purged_hash: last.hash }).where('account_id', '=', accountId).execute();
      return Number(res.numDeletedRows);
    });
  }
  return total;
}
