import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect, SqliteDriver, type DatabaseConnection, type Dialect } from 'kysely';
import type { Recording } from '../core/model.js';
import type { Database } from './schema.js';
import { SqlStore } from './sql-store.js';
import { recordingFromRow } from './rows.js';

/**
 * The embedded default: one SQLite file in WAL mode. A busy timeout makes a second process
 * (an admin command next to a running server) wait for the writer instead of failing.
 * The hottest read (one recording by id) uses a prepared statement kept for the life of the
 * connection: through the query builder it costs several times more than the query itself.
 */
export class SqliteStore extends SqlStore {
  private byId: BetterSqlite3.Statement<[string, string], { seq: number; doc: string }> | undefined;

  constructor(db: Kysely<Database>, private readonly sqlite: BetterSqlite3.Database) {
    super(db, 'sqlite');
  }

  private row(accountId: string, id: string) {
    // Prepared on first use: the table exists only once migrations have run.
    this.byId ??= this.sqlite.prepare('SELECT seq, doc FROM recordings WHERE id = ? AND account_id = ? AND deleted_at IS NULL');
    return this.byId.get(id, accountId);
  }

  override getRecording(accountId: string, id: string): Promise<Recording | null> {
    const row = this.row(accountId, id);
    return Promise.resolve(row ? recordingFromRow(row) : null);
  }

  /** The stored document with its numeric id spliced in: exactly what recordingFromRow would give, unparsed. */
  getRecordingJson(accountId: string, id: string): string | null {
    const row = this.row(accountId, id);
    return row ? `{"numericId":${Number(row.seq)},${row.doc.slice(1)}` : null;
  }
}

/**
 * Transactions begin IMMEDIATE: they take the write lock up front (waiting under the busy
 * timeout) instead of reading first and failing with SQLITE_BUSY at their first write when
 * another connection — the log writer thread, a CLI command — wrote meanwhile.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

function immediateDialect(sqlite: BetterSqlite3.Database): Dialect {
  const base = new SqliteDialect({ database: sqlite });
  return {
    createAdapter: () => base.createAdapter(),
    createDriver: () => new ImmediateSqliteDriver({ database: sqlite }),
    createIntrospector: (db) => base.createIntrospector(db),
    createQueryCompiler: () => base.createQueryCompiler(),
  };
}

export function openSqliteStore(path: string): SqliteStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const sqlite = new BetterSqlite3(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('cache_size = -65536');
  sqlite.pragma('temp_store = MEMORY');
  const db = new Kysely<Database>({ dialect: immediateDialect(sqlite) });
  return new SqliteStore(db, sqlite);
}
