import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { ApiActivityEntry, AuditEntry, SystemEvent } from '../audit/model.js';
import type { ActivityQuery, AuditQuery, LogPage, SystemQuery } from '../audit/query.js';
import type { Database } from './schema.js';
import type { LogTables, LogsDb } from './logs-schema.js';

type DB = Database & LogTables;

/** `%text%` for LIKE, with the caller's own % _ and \ taken literally. */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Case-insensitive substring match that behaves the same on SQLite and PostgreSQL. */
function contains(column: string, text: string): Expression<SqlBool> {
  return sql<SqlBool>`lower(${sql.ref(column)}) LIKE ${containsPattern(text)} ESCAPE '\\'`;
}

type Where<T extends keyof DB> = (eb: ExpressionBuilder<DB, T>) => Expression<SqlBool>;

export function auditFromRow(r: LogTables['audit_log']): AuditEntry {
  return {
    id: r.id, accountId: r.account_id, seq: Number(r.seq), at: Number(r.at), item: r.item as AuditEntry['item'],
    action: r.action as AuditEntry['action'], outcome: r.outcome as AuditEntry['outcome'], principalId: r.principal_id,
    principalKind: r.principal_kind as AuditEntry['principalKind'], principalName: r.principal_name, description: r.description,
    ip: r.ip, requestId: r.request_id, objectId: r.object_id, prevHash: r.prev_hash, hash: r.hash,
  };
}

const AUDIT_COLUMNS = { time: 'at', item: 'item', action: 'action', outcome: 'outcome', principal: 'principal_name' } as const;

export async function listAudit(db: LogsDb, q: AuditQuery): Promise<LogPage<AuditEntry>> {
  const where: Where<'audit_log'> = (eb) => {
    const and: Expression<SqlBool>[] = [eb('account_id', '=', q.accountId), eb('at', '>=', q.from), eb('at', '<=', q.to)];
    if (q.item) and.push(eb('item', 'in', q.item));
    if (q.action) and.push(eb('action', 'in', q.action));
    if (q.outcome) and.push(eb('outcome', 'in', q.outcome));
    if (q.principalId) and.push(eb('principal_id', '=', q.principalId));
    if (q.objectId) and.push(eb('object_id', '=', q.objectId));
    if (q.principalName) and.push(contains('principal_name', q.principalName));
    if (q.description) and.push(contains('description', q.description));
    return eb.and(and);
  };
  const dir = q.sort.desc ? 'desc' : 'asc';
  const [rows, count] = await Promise.all([
    db.selectFrom('audit_log').selectAll().where(where)
      .orderBy(AUDIT_COLUMNS[q.sort.field], dir).orderBy('seq', dir)
      .limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute(),
    db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where(where).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(auditFromRow), total: Number(count.n) };
}

const ACTIVITY_COLUMNS = { time: 'at', status: 'status', durationMs: 'duration_ms', method: 'method' } as const;

export async function listActivity(db: LogsDb, q: ActivityQuery): Promise<LogPage<ApiActivityEntry>> {
  const where: Where<'api_activity'> = (eb) => {
    const and: Expression<SqlBool>[] = [eb('account_id', '=', q.accountId), eb('at', '>=', q.from), eb('at', '<=', q.to)];
    if (q.method) and.push(eb('method', 'in', q.method.map((m) => m.toUpperCase())));
    if (q.status) and.push(eb('status', 'in', q.status));
    if (q.clientId) and.push(eb('client_id', '=', q.clientId));
    if (q.principalId) and.push(eb('principal_id', '=', q.principalId));
    if (q.request) and.push(contains('request_line', q.request));
    return eb.and(and);
  };
  const dir = q.sort.desc ? 'desc' : 'asc';
  const [rows, count] = await Promise.all([
    db.selectFrom('api_activity').selectAll().where(where)
      .orderBy(ACTIVITY_COLUMNS[q.sort.field], dir).orderBy('id', dir)
      .limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute(),
    db.selectFrom('api_activity').select((eb) => eb.fn.countAll<number>().as('n')).where(where).executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(count.n),
    items: rows.map((r) => ({
      id: String(r.id), accountId: r.account_id, at: Number(r.at), method: r.method, requestLine: r.request_line,
      clientId: r.client_id, principalId: r.principal_id, status: r.status, durationMs: r.duration_ms,
      errorDetails: r.error_details, requestId: r.request_id, ip: r.ip,
    })),
  };
}

const SYSTEM_COLUMNS = { time: 'at', logType: 'log_type', systemActivityType: 'activity_type' } as const;

export async function listSystem(db: LogsDb, q: SystemQuery): Promise<LogPage<SystemEvent>> {
  const where: Where<'system_activity'> = (eb) => {
    const and: Expression<SqlBool>[] = [eb('at', '>=', q.from), eb('at', '<=', q.to)];
    if (q.logType) and.push(eb('log_type', 'in', q.logType));
    if (q.activityType) and.push(eb('activity_type', 'in', q.activityType));
    if (q.description) and.push(contains('description', q.description));
    if (q.accountId !== undefined) {
      // `data` is JSON text written by JSON.stringify: an account is named as "accountId":"…".
      const own = `%"accountId":${JSON.stringify(q.accountId).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      and.push(eb.or([
        eb('data', 'is', null),
        sql<SqlBool>`${sql.ref('data')} NOT LIKE '%"accountId":%'`,
        sql<SqlBool>`${sql.ref('data')} LIKE ${'%"accountId":""%'}`,
        sql<SqlBool>`${sql.ref('data')} LIKE ${own} ESCAPE '\\'`,
      ]));
    }
    return eb.and(and);
  };
  const dir = q.sort.desc ? 'desc' : 'asc';
  const [rows, count] = await Promise.all([
    db.selectFrom('system_activity').selectAll().where(where)
      .orderBy(SYSTEM_COLUMNS[q.sort.field], dir).orderBy('id', dir)
      .limit(q.pageSize).offset((q.page - 1) * q.pageSize).execute(),
    db.selectFrom('system_activity').select((eb) => eb.fn.countAll<number>().as('n')).where(where).executeTakeFirstOrThrow(),
  ]);
  return {
    total: Number(count.n),
    items: rows.map((r) => ({
      id: String(r.id), at: Number(r.at), logType: r.log_type as SystemEvent['logType'],
      activityType: r.activity_type as SystemEvent['activityType'], description: r.description, alarmKey: r.alarm_key,
      data: r.data ? (JSON.parse(r.data) as Record<string, unknown>) : null,
    })),
  };
}
