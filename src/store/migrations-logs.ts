import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from './migrations.js';

/**
 * Tables of the audit trail and the activity logs. Plain SQL both SQLite and PostgreSQL accept.
 *
 * audit_log is append-only and hash-chained per account; `seq` counts 1, 2, 3… per account so a
 * removed row shows as a gap. audit_heads holds each chain's last seq and hash: appenders lock
 * that row (SQLite: the first write of the transaction takes the database's write lock;
 * PostgreSQL: SELECT … FOR UPDATE), which serialises appends so a chain never forks. Its
 * purged_* columns are the checkpoint left by retention: verification starts from there.
 */
export function logsMigration(dialect: Dialect): Migration {
  const bigint = dialect === 'sqlite' ? 'INTEGER' : 'BIGINT';
  const serial = dialect === 'sqlite' ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : 'BIGSERIAL PRIMARY KEY';
  return {
    async up(db: Kysely<unknown>) {
      const run = (q: string) => sql.raw(q).execute(db);
      await run(`CREATE TABLE audit_log (
        account_id TEXT NOT NULL, seq ${bigint} NOT NULL, id TEXT NOT NULL, at ${bigint} NOT NULL,
        item TEXT NOT NULL, action TEXT NOT NULL, outcome TEXT NOT NULL,
        principal_id TEXT, principal_kind TEXT NOT NULL, principal_name TEXT, description TEXT NOT NULL,
        ip TEXT, request_id TEXT, object_id TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT NULL,
        PRIMARY KEY (account_id, seq))`);
      await run(`CREATE INDEX audit_log_time ON audit_log (account_id, at)`);
      await run(`CREATE TABLE audit_heads (account_id TEXT PRIMARY KEY, last_seq ${bigint} NOT NULL, last_hash TEXT NOT NULL,
        purged_seq ${bigint} NOT NULL, purged_hash TEXT NOT NULL, updated_at ${bigint} NOT NULL)`);
      await run(`CREATE TABLE api_activity (id ${serial}, account_id TEXT NOT NULL, at ${bigint} NOT NULL, method TEXT NOT NULL,
        request_line TEXT NOT NULL, client_id TEXT, principal_id TEXT, status INTEGER NOT NULL, duration_ms INTEGER NOT NULL,
        error_details TEXT, request_id TEXT, ip TEXT)`);
      await run(`CREATE INDEX api_activity_account_time ON api_activity (account_id, at)`);
      await run(`CREATE INDEX api_activity_time ON api_activity (at)`);
      await run(`CREATE TABLE system_activity (id ${serial}, at ${bigint} NOT NULL, log_type TEXT NOT NULL, activity_type TEXT NOT NULL,
        description TEXT NOT NULL, alarm_key TEXT, data TEXT)`);
      await run(`CREATE INDEX system_activity_time ON system_activity (at)`);
      await run(`CREATE INDEX system_activity_alarm ON system_activity (alarm_key, id) WHERE alarm_key IS NOT NULL`);
    },
  };
}
