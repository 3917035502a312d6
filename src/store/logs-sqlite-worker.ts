/**
 * Worker thread that writes log batches to SQLite through its own connection and prepared
 * statements (see logs-sqlite.ts). Messages: {id, batch (JSON as UTF-8 bytes)} in, {id} or {id, error} out.
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { GENESIS_HASH, entryHash } from '../audit/chain.js';
import type { LogBatch, PendingAudit } from './logs-write.js';

const db = new BetterSqlite3((workerData as { path: string }).path);
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');

const ensureHead = db.prepare(`INSERT INTO audit_heads (account_id, last_seq, last_hash, purged_seq, purged_hash, updated_at)
  VALUES (?, 0, '${GENESIS_HASH}', 0, '${GENESIS_HASH}', ?) ON CONFLICT (account_id) DO NOTHING`);
const readHead = db.prepare<[string], { last_seq: number; last_hash: string }>('SELECT last_seq, last_hash FROM audit_heads WHERE account_id = ?');
const moveHead = db.prepare('UPDATE audit_heads SET last_seq = ?, last_hash = ?, updated_at = ? WHERE account_id = ?');
const insertAudit = db.prepare(`INSERT INTO audit_log (account_id, seq, id, at, item, action, outcome, principal_id, principal_kind,
  principal_name, description, ip, request_id, object_id, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
const insertActivity = db.prepare(`INSERT INTO api_activity (account_id, at, method, request_line, client_id, principal_id, status,
  duration_ms, error_details, request_id, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
const insertSystem = db.prepare('INSERT INTO system_activity (at, log_type, activity_type, description, alarm_key, data) VALUES (?, ?, ?, ?, ?, ?)');

// BEGIN IMMEDIATE (below): the write lock is taken before the heads are read, so chains never fork.
const write = db.transaction((batch: LogBatch) => {
  const now = Date.now();
  const byAccount = new Map<string, PendingAudit[]>();
  for (const e of batch.audit) {
    const list = byAccount.get(e.accountId);
    if (list) list.push(e);
    else byAccount.set(e.accountId, [e]);
  }
  for (const accountId of [...byAccount.keys()].sort()) {
    ensureHead.run(accountId, now);
    const head = readHead.get(accountId)!;
    let seq = Number(head.last_seq);
    let prev = head.last_hash;
    for (const e of byAccount.get(accountId)!) {
      const hash = entryHash(e, ++seq, prev);
      insertAudit.run(e.accountId, seq, e.id, e.at, e.item, e.action, e.outcome, e.principalId, e.principalKind, e.principalName,
        e.description, e.ip, e.requestId, e.objectId, prev, hash);
      prev = hash;
    }
    moveHead.run(seq, prev, now, accountId);
  }
  for (const a of batch.activity) {
    insertActivity.run(a.accountId, a.at, a.method, a.requestLine, a.clientId, a.principalId, a.status, a.durationMs, a.errorDetails, a.requestId, a.ip);
  }
  for (const s of batch.system) {
    insertSystem.run(s.at, s.logType, s.activityType, s.description, s.alarmKey, s.data ? JSON.stringify(s.data) : null);
  }
});

// The batch arrives as JSON in UTF-8 bytes, transferred rather than cloned (see logs-sqlite.ts).
const decoder = new TextDecoder();
parentPort!.on('message', (m: { id: number; batch: Uint8Array }) => {
  try {
    write.immediate(JSON.parse(decoder.decode(m.batch)) as LogBatch);
    parentPort!.postMessage({ id: m.id });
  } catch (err) {
    parentPort!.postMessage({ id: m.id, error: (err as Error).message });
  }
});
