import type { Kysely } from 'kysely';
import type { Config } from '../config/index.js';
import type { Database } from '../store/schema.js';
import type { Dialect } from '../store/migrations.js';
import { randomBytes } from 'node:crypto';
import { openStore } from '../store/index.js';
import { withLogTables } from '../store/logs-schema.js';
import { lastAlarmEvents, writeLogBatch, type PendingAudit } from '../store/logs-write.js';
import { listActivity, listAudit, listSystem } from '../store/logs-query.js';
import { purgeActivity, purgeAudit } from '../store/logs-retention.js';
import { SqliteLogSink } from '../store/logs-sqlite.js';
import { Alarms } from './alarms.js';
import { cleanText } from './chain.js';
import { checkFreeSpace, watchedFolders } from './storage-check.js';
import { LogWriter } from './writer.js';
import type { ApiActivityEntry, ApiActivityInput, AuditEntry, AuditInput, LogType, RaiseType, SystemActivityType, SystemEvent } from './model.js';
import type { ActivityQuery, AuditQuery, LogPage, SystemQuery } from './query.js';

export type * from './model.js';

const DAY = 86_400_000;

const text = (v: string | null, max = 256) => (v === null ? null : cleanText(v.length > max ? `${v.slice(0, max)}…` : v));

/** An entry as chained: text without control characters (see chain.ts), bounded; one object literal (no spreads: hot path). */
function pending(e: AuditInput, id: string, at: number): PendingAudit {
  return {
    accountId: cleanText(e.accountId), item: e.item, action: e.action, outcome: e.outcome, principalId: text(e.principalId),
    principalKind: e.principalKind, principalName: text(e.principalName), description: text(e.description, 2000)!, ip: text(e.ip),
    requestId: text(e.requestId), objectId: text(e.objectId), id, at,
  };
}
const PURGE_EVERY_MS = 3_600_000;

/**
 * The audit trail and the activity logs: what the rest of the vault calls to record things.
 * Recording never waits for the database: entries are buffered and written in batches
 * (see LogWriter); `flush()` waits for everything recorded so far to be stored.
 */
export interface Logs {
  /** Appends to the account's hash-chained audit trail. */
  audit(e: AuditInput): void;
  activity(e: ApiActivityInput): void;
  system(type: LogType, subsystem: SystemActivityType, description: string, opts?: { alarmKey?: string; data?: Record<string, unknown> }): void;
  /** Records `level` (default alarm) for `key` unless it is already raised; resolves true when it recorded. */
  raiseAlarm(key: string, subsystem: SystemActivityType, description: string, opts?: { level?: RaiseType; data?: Record<string, unknown> }): Promise<boolean>;
  /** Records the matching *Clear for a raised `key`; resolves true when it recorded. */
  clearAlarm(key: string, description?: string): Promise<boolean>;
  flush(): Promise<void>;
  listAudit(q: AuditQuery): Promise<LogPage<AuditEntry>>;
  listActivity(q: ActivityQuery): Promise<LogPage<ApiActivityEntry>>;
  listSystem(q: SystemQuery): Promise<LogPage<SystemEvent>>;
  /** One storage-space check now (it also runs on a timer). */
  checkStorage(): Promise<void>;
  /** Applies the retention settings now (it also runs hourly); returns rows removed per log. */
  purge(now?: number): Promise<{ apiActivity: number; systemActivity: number; audit: number }>;
  /** Stops the timers and writes what is buffered; called on shutdown. */
  close(): Promise<void>;
}

export function createLogs(coreDb: Kysely<Database>, config: Config): Logs {
  const db = withLogTables(coreDb);
  const dialect: Dialect = config.database.kind === 'sqlite' ? 'sqlite' : 'postgres';
  // Alarms emit only after loading their state (asynchronously), by when the writer exists.
  const alarms: Alarms = new Alarms(() => lastAlarmEvents(db), (e) => writer.addSystem(e));
  // SQLite files are written from a worker thread (logs-sqlite.ts); other databases through the query builder.
  const sink = config.database.kind === 'sqlite' && config.database.path !== ':memory:' ? new SqliteLogSink(config.database.path) : null;
  const writer = new LogWriter((batch) => (sink ? sink.write(batch) : writeLogBatch(db, dialect, batch)), {
    intervalMs: 200, batchSize: 500, maxActivity: 10_000, maxAudit: 100_000, maxSystem: 1000,
  }, {
    failing: (err) => void alarms.raise('logs.write', 'error', 'storage', `Writing the logs to the database failed (${err.message}); entries are held in memory and retried`),
    dropping: (kind) => void alarms.raise('logs.dropped', 'warning', 'storage', `The ${kind} log buffer is full while the database cannot be written: the oldest entries are being dropped`),
    recovered: (d) => {
      const lost = d.activity + d.audit + d.system;
      void alarms.clear('logs.write', `Writing the logs works again${lost ? `; ${lost} entries were dropped meanwhile` : ''}`, { dropped: d });
      void alarms.clear('logs.dropped', `Log entries dropped while the database could not be written: ${d.activity} API activity, ${d.audit} audit, ${d.system} system`, { dropped: d });
    },
  });
  const al = alarms;
  // Entry ids: a random per-process prefix and a counter (unique across processes, no entropy per entry).
  const idPrefix = randomBytes(5).toString('hex');
  let entries = 0;

  const folders = watchedFolders(config.dataDir, config.blobs.kind === 'disk' ? config.blobs.root : undefined);
  const checkStorage = () => checkFreeSpace(folders, () => config.logs.minFreeBytes, al).catch(() => undefined);
  const storageTimer = setInterval(() => void checkStorage(), config.logs.storageCheckIntervalMs);
  storageTimer.unref();
  void checkStorage();

  let purging: Promise<unknown> = Promise.resolve();
  const purge = async (now = Date.now()) => {
    const cut = (days: number) => now - days * DAY;
    const { apiActivityRetentionDays: api, systemActivityRetentionDays: sys, auditRetentionDays: aud } = config.logs;
    const run = async () => {
      await writer.flush();
      return {
        apiActivity: api > 0 ? await purgeActivity(db, 'api_activity', cut(api)) : 0,
        systemActivity: sys > 0 ? await purgeActivity(db, 'system_activity', cut(sys)) : 0,
        audit: aud > 0 ? await purgeAudit(db, dialect, cut(aud)) : 0,
      };
    };
    const result = purging.then(run, run);
    purging = result.catch(() => undefined);
    return result;
  };
  const purgeTimer = setInterval(() => void purge().catch(() => undefined), PURGE_EVERY_MS);
  purgeTimer.unref();
  const firstPurge = setTimeout(() => void purge().catch(() => undefined), 60_000);
  firstPurge.unref();

  return {
    audit: (e) => writer.addAudit(pending(e, `aud_${idPrefix}${(++entries).toString(36)}`, Date.now())),
    activity: (e) => writer.addActivity(e),
    system: (logType, activityType, description, opts = {}) => writer.addSystem({
      at: Date.now(), logType, activityType, description, alarmKey: opts.alarmKey ?? null, data: opts.data ?? null,
    }),
    raiseAlarm: (key, subsystem, description, opts = {}) => al.raise(key, opts.level ?? 'alarm', subsystem, description, opts.data),
    clearAlarm: (key, description) => al.clear(key, description ?? `${key}: the condition has ended`),
    flush: () => writer.flush(),
    listAudit: (q) => listAudit(db, q),
    listActivity: (q) => listActivity(db, q),
    listSystem: (q) => listSystem(db, q),
    checkStorage,
    purge,
    async close() {
      clearInterval(storageTimer);
      clearInterval(purgeTimer);
      clearTimeout(firstPurge);
      await purging;
      await writer.close();
      await sink?.close();
    },
  };
}

/**
 * Records one system event from a process that does not run the vault (the admin CLI):
 * opens the database, writes at once, closes.
 */
export async function recordSystemEvent(config: Config, logType: LogType, subsystem: SystemActivityType, description: string, data?: Record<string, unknown>): Promise<void> {
  const store = await openStore(config.database);
  try {
    await writeLogBatch(withLogTables(store.db), store.dialect, {
      audit: [], activity: [], system: [{ at: Date.now(), logType, activityType: subsystem, description, alarmKey: null, data: data ?? null }],
    });
  } finally {
    await store.close();
  }
}
