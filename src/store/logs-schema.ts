import type { Generated, Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Table shapes of the logs (migration 0002). Times are epoch milliseconds. */
export interface AuditLogTable {
  account_id: string; seq: number; id: string; at: number;
  item: string; action: string; outcome: string;
  principal_id: string | null; principal_kind: string; principal_name: string | null; description: string;
  ip: string | null; request_id: string | null; object_id: string | null; prev_hash: string; hash: string;
}

export interface AuditHeadsTable {
  account_id: string; last_seq: number; last_hash: string; purged_seq: number; purged_hash: string; updated_at: number;
}

export interface ApiActivityTable {
  id: Generated<number>; account_id: string; at: number; method: string; request_line: string;
  client_id: string | null; principal_id: string | null; status: number; duration_ms: number;
  error_details: string | null; request_id: string | null; ip: string | null;
}

export interface SystemActivityTable {
  id: Generated<number>; at: number; log_type: string; activity_type: string; description: string;
  alarm_key: string | null; data: string | null;
}

// A type alias, not an interface: withTables wants an index-signature-compatible record.
export type LogTables = {
  audit_log: AuditLogTable;
  audit_heads: AuditHeadsTable;
  api_activity: ApiActivityTable;
  system_activity: SystemActivityTable;
};

export type LogsDb = Kysely<Database & LogTables>;

/** The shared query builder, seeing the log tables too (they live outside the core schema). */
export function withLogTables(db: Kysely<Database>): LogsDb {
  return db.withTables<LogTables>() as unknown as LogsDb;
}
