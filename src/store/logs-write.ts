import type { Transaction } from 'kysely';
import { GENESIS_HASH, entryHash } from '../audit/chain.js';
import type { ApiActivityInput, AuditEntry, AuditInput, SystemEventInput } from '../audit/model.js';
import type { Database } from './schema.js';
import type { LogTables, LogsDb } from './logs-schema.js';
import type { Dialect } from './migrations.js';

type Trx = Transaction<Database & LogTables>;

/** An audit entry waiting to be chained: id and time are fixed when it is recorded. */
export type PendingAudit = AuditInput & { id: string; at: number };

export interface LogBatch { audit: PendingAudit[]; activity: ApiActivityInput[]; system: SystemEventInput[] }

/** Rows per INSERT: well under every driver's bound-parameter limit. */
const CHUNK = 100;

async function insertChunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

export function auditRow(e: AuditEntry): LogTables['audit_log'] {
  return {
    account_id: e.accountId, seq: e.seq, id: e.id, at: e.at, item: e.item, action: e.action, outcome: e.outcome,
    principal_id: e.principalId, principal_kind: e.principalKind, principal_name: e.principalName, description: e.description,
    ip: e.ip, request_id: e.requestId, object_id: e.objectId, prev_hash: e.prevHash, hash: e.hash,
  };
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
    const rows = byAccount.get(accountId)!.map((e) => {
      const unhashed = { ...e, seq: ++seq, prevHash };
      prevHash = entryHash(unhashed);
      return auditRow({ ...unhashed, hash: prevHash });
    });
    await insertChunked(rows, (chunk) => trx.insertInto('audit_log').values(chunk).execute());
    await trx.updateTable('audit_heads').set({ last_seq: seq, last_hash: prevHash, updated_at: now }).where('account_id', '=', accountId).execute();
  }
}

/** Writes one batch of all three logs in a single transaction: all of it lands, or none. */
export async function writeLogBatch(db: LogsDb, dialect: Dialect, batch: LogBatch): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (batch.audit.length) await appendAudit(trx, dialect, batch.audit);
    await insertChunked(batch.activity, (chunk) => trx.insertInto('api_activity').values(chunk.map((a) => ({
      account_id: a.accountId, at: a.at, method: a.method, request_line: a.requestLine, client_id: a.clientId,
      principal_id: a.principalId, status: a.status, duration_ms: a.durationMs, error_details: a.errorDetails,
      request_id: a.requestId, ip: a.ip,
    }))).execute());
    await insertChunked(batch.system, (chunk) => trx.insertInto('system_activity').values(chunk.map((s) => ({
      at: s.at, log_type: s.logType, activity_type: s.activityType, description: s.description, alarm_key: s.alarmKey,
      data: s.data ? JSON.stringify(s.data) : null,
    }))).execute());
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
