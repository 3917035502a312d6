import { CompiledQuery, type Transaction } from 'kysely';
import { GENESIS_HASH, entryHash } from '../audit/chain.js';
import type { ApiActivityInput, AuditInput, SystemEventInput } from '../audit/model.js';
import type { Database } from './schema.js';
import type { LogTables, LogsDb } from './logs-schema.js';
import type { Dialect } from './migrations.js';

type Trx = Transaction<Database & LogTables>;

/** An audit entry waiting to be chained: id and time are fixed when it is recorded. */
export type PendingAudit = AuditInput & { id: string; at: number };

export interface LogBatch { audit: PendingAudit[]; activity: ApiActivityInput[]; system: SystemEventInput[] }

/** Column types, for adapters that need them spelled out. */
type ColumnType = 'text' | 'bigint' | 'integer';

const AUDIT_COLUMNS: Array<[keyof LogTables['audit_log'], ColumnType]> = [
  ['account_id', 'text'], ['seq', 'bigint'], ['id', 'text'], ['at', 'bigint'], ['item', 'text'], ['action', 'text'], ['outcome', 'text'],
  ['principal_id', 'text'], ['principal_kind', 'text'], ['principal_name', 'text'], ['description', 'text'], ['ip', 'text'],
  ['request_id', 'text'], ['object_id', 'text'], ['prev_hash', 'text'], ['hash', 'text'],
];
const ACTIVITY_COLUMNS: Array<[string, ColumnType]> = [
  ['account_id', 'text'], ['at', 'bigint'], ['method', 'text'], ['request_line', 'text'], ['client_id', 'text'], ['principal_id', 'text'],
  ['status', 'integer'], ['duration_ms', 'integer'], ['error_details', 'text'], ['request_id', 'text'], ['ip', 'text'],
];
const SYSTEM_COLUMNS: Array<[string, ColumnType]> = [
  ['at', 'bigint'], ['log_type', 'text'], ['activity_type', 'text'], ['description', 'text'], ['alarm_key', 'text'], ['data', 'text'],
];

/** Rows per INSERT: well under every driver's bound-parameter limit. */
const CHUNK = 100;
const statements = new Map<string, string>();

/**
 * Multi-row INSERTs from plain arrays, the SQL text built once per table and row count and
 * handed to the driver as is: the query builder's per-row work is the most expensive part
 * of writing a log row otherwise.
 */
async function insertRows(trx: Trx, dialect: Dialect, table: string, columns: Array<[string, ColumnType]>, rows: unknown[][]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const key = `${dialect}:${table}:${chunk.length}`;
    let text = statements.get(key);
    if (!text) {
      let p = 0;
      const tuple = () => `(${columns.map(() => (dialect === 'sqlite' ? '?' : `$${++p}`)).join(', ')})`;
      text = `INSERT INTO ${table} (${columns.map(([c]) => c).join(', ')}) VALUES ${chunk.map(tuple).join(', ')}`;
      statements.set(key, text);
    }
    await trx.executeQuery(CompiledQuery.raw(text, chunk.flat()));
  }
}

/**
 * Locks an account's chain head for the rest of the transaction and returns it. The no-op
 * upsert comes first on purpose: on SQLite a write as the first statement takes the database
 * write lock before anything is read (a read first could see a head another process is about
 * to move); on PostgreSQL it makes sure the row exists for FOR UPDATE.
 */
export async function lockHead(trx: Trx, dialect: Dialect, accountId: string, now: number) {
  await trx.insertInto('audit_heads')
    .values({ account_id: accountId, last_seq: 0, last_hash: GENESIS_HASH, purged_seq: 0, purged_hash: GENESIS_HASH, updated_at: now })
    .onConflict((oc) => oc.column('account_id').doNothing())
    .execute();
  let q = trx.selectFrom('audit_heads').selectAll().where('account_id', '=', accountId);
  if (dialect === 'postgres') q = q.forUpdate();
  const head = await q.executeTakeFirstOrThrow();
  return { ...head, last_seq: Number(head.last_seq), purged_seq: Number(head.purged_seq) };
}

/** Chains and inserts audit entries, account by account (in id order, so concurrent writers never deadlock). */
async function appendAudit(trx: Trx, dialect: Dialect, entries: PendingAudit[]): Promise<void> {
  const byAccount = new Map<string, PendingAudit[]>();
  for (const e of entries) {
    const list = byAccount.get(e.accountId);
    if (list) list.push(e);
    else byAccount.set(e.accountId, [e]);
  }
  const now = Date.now();
  for (const accountId of [...byAccount.keys()].sort()) {
    const head = await lockHead(trx, dialect, accountId, now);
    let seq = head.last_seq;
    let prevHash = head.last_hash;
    // Plain arrays in AUDIT_COLUMNS order: no per-entry object copies on the hot path.
    const rows = byAccount.get(accountId)!.map((e) => {
      const hash = entryHash(e, ++seq, prevHash);
      const row = [e.accountId, seq, e.id, e.at, e.item, e.action, e.outcome, e.principalId, e.principalKind, e.principalName,
        e.description, e.ip, e.requestId, e.objectId, prevHash, hash];
      prevHash = hash;
      return row;
    });
    await insertRows(trx, dialect, 'audit_log', AUDIT_COLUMNS, rows);
    await trx.updateTable('audit_heads').set({ last_seq: seq, last_hash: prevHash, updated_at: now }).where('account_id', '=', accountId).execute();
  }
}

/** Writes one batch of all three logs in a single transaction: all of it lands, or none. */
export async function writeLogBatch(db: LogsDb, dialect: Dialect, batch: LogBatch): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (batch.audit.length) await appendAudit(trx, dialect, batch.audit);
    await insertRows(trx, dialect, 'api_activity', ACTIVITY_COLUMNS, batch.activity.map((a) => [
      a.accountId, a.at, a.method, a.requestLine, a.clientId, a.principalId, a.status, a.durationMs, a.errorDetails, a.requestId, a.ip,
    ]));
    await insertRows(trx, dialect, 'system_activity', SYSTEM_COLUMNS, batch.system.map((e) => [
      e.at, e.logType, e.activityType, e.description, e.alarmKey, e.data ? JSON.stringify(e.data) : null,
    ]));
  });
}

/** The last event of every alarm key, so a restarted process knows which conditions are still raised. */
export async function lastAlarmEvents(db: LogsDb): Promise<Array<{ key: string; logType: string; activityType: string }>> {
  const rows = await db.selectFrom('system_activity as s')
    .select(['s.alarm_key', 's.log_type', 's.activity_type'])
    .where('s.alarm_key', 'is not', null)
    .where('s.id', 'in', (eb) => eb.selectFrom('system_activity').select((e) => e.fn.max('id').as('id')).where('alarm_key', 'is not', null).groupBy('alarm_key'))
    .execute();
  return rows.map((r) => ({ key: r.alarm_key!, logType: r.log_type, activityType: r.activity_type }));
}
