import { sql } from 'kysely';
import { CANONICAL_SQL } from '../audit/chain.js';
import type { AuditEntry } from '../audit/model.js';
import type { LogTables, LogsDb } from './logs-schema.js';
import { auditFromRow } from './logs-query.js';

export type ChainHead = LogTables['audit_heads'];

/** An entry as verification reads it: its seq, the canonical text built by the database from its columns, its stored hash. */
export type ChainLink = { seq: number; text: string | null; hash: string };

/** Every chain there is: accounts with a head row, and accounts with entries but no head (a broken chain). */
export async function chainAccounts(db: LogsDb): Promise<Array<{ accountId: string; head: ChainHead | null }>> {
  const heads = await db.selectFrom('audit_heads').selectAll().execute();
  const out = new Map<string, { accountId: string; head: ChainHead | null }>(heads.map((h) => [h.account_id, { accountId: h.account_id, head: normalise(h) }]));
  const withRows = await db.selectFrom('audit_log').select('account_id').distinct().execute();
  for (const r of withRows) if (!out.has(r.account_id)) out.set(r.account_id, { accountId: r.account_id, head: null });
  return [...out.values()].sort((a, b) => a.accountId.localeCompare(b.accountId));
}

export async function chainHead(db: LogsDb, accountId: string): Promise<ChainHead | null> {
  const h = await db.selectFrom('audit_heads').selectAll().where('account_id', '=', accountId).executeTakeFirst();
  return h ? normalise(h) : null;
}

function normalise(h: ChainHead): ChainHead {
  return { ...h, last_seq: Number(h.last_seq), purged_seq: Number(h.purged_seq), updated_at: Number(h.updated_at) };
}

/** The next `limit` links of a chain after `afterSeq`, in chain order (keyset paging: memory stays bounded). */
export async function chainLinks(db: LogsDb, accountId: string, afterSeq: number, limit: number): Promise<ChainLink[]> {
  const rows = await db.selectFrom('audit_log')
    .select(['seq', 'hash', sql<string | null>`${sql.raw(CANONICAL_SQL)}`.as('text')])
    .where('account_id', '=', accountId).where('seq', '>', afterSeq)
    .orderBy('seq').limit(limit).execute();
  for (const r of rows) r.seq = Number(r.seq);
  return rows;
}

/** One whole entry, to explain a broken link. */
export async function chainEntry(db: LogsDb, accountId: string, seq: number): Promise<AuditEntry | null> {
  const row = await db.selectFrom('audit_log').selectAll().where('account_id', '=', accountId).where('seq', '=', seq).executeTakeFirst();
  return row ? auditFromRow(row) : null;
}
