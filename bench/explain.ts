/**
 * Why is a list slow? Builds the same two statements the SQL store runs for a list (the page
 * and the capped count), prints SQLite's plan for them and times each one directly, next to
 * the store call without HTTP, so the cost can be pinned on a statement or on the HTTP layer.
 */
import BetterSqlite3 from 'better-sqlite3';
import { toRecordingQuery, type ListParams } from '../src/http/native/list-params.js';
import { applyPaging, filterExpression, sortColumn } from '../src/store/list-query.js';
import type { SqlStore } from '../src/store/sql-store.js';
import type { BenchServer } from './server.js';
import type { SeededDb } from './seed.js';
import { fmt, summarize } from './http-load.js';
import type { Log } from './report.js';

interface Compiled { sql: string; parameters: readonly unknown[] }

/** The statements SqlStore.listRecordings issues for this query (kept in step with it). */
export function listStatements(store: SqlStore, accountId: string, params: ListParams, countCap: number): { page: Compiled; count: Compiled } {
  const q = toRecordingQuery(params);
  const base = store.db.selectFrom('recordings').where((eb) => filterExpression(eb, accountId, q.filter));
  const page = applyPaging(base.select(['recordings.seq', 'recordings.doc', `recordings.${sortColumn(q.sort.field)} as sortValue`]), q).compile();
  const count = store.db.selectFrom(base.select('recordings.seq').limit(countCap + 1).as('capped'))
    .select((eb) => eb.fn.countAll<number>().as('n')).compile();
  return { page, count };
}

function plan(db: BetterSqlite3.Database, c: Compiled): string[] {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${c.sql}`).all(...(c.parameters as unknown[])) as Array<{ id: number; parent: number; detail: string }>;
  const depth = new Map<number, number>([[0, 0]]);
  return rows.map((r) => {
    const d = (depth.get(r.parent) ?? 0) + 1;
    depth.set(r.id, d);
    return `${'  '.repeat(d)}${r.detail}`;
  });
}

function timeStmt(db: BetterSqlite3.Database, c: Compiled): { ms: number; rows: unknown[] } {
  const stmt = db.prepare(c.sql);
  const t0 = performance.now();
  const rows = stmt.all(...(c.parameters as unknown[]));
  return { ms: performance.now() - t0, rows };
}

export async function explainVariant(server: BenchServer, seeded: SeededDb, samples: ListParams[], name: string, log: Log): Promise<void> {
  const store = server.vault.store as SqlStore;
  const cap = server.vault.config.limits.exactCountCap;
  const db = new BetterSqlite3(seeded.dbPath, { readonly: true });
  try {
    db.pragma('cache_size = -65536');
    const first = listStatements(store, seeded.accountId, samples[0]!, cap);
    log(`  explain [${name}] page statement:`);
    for (const l of plan(db, first.page)) log(`  ${l}`);
    log(`  explain [${name}] count statement (capped at ${cap + 1} rows):`);
    for (const l of plan(db, first.count)) log(`  ${l}`);

    const pageMs: number[] = [], countMs: number[] = [], storeMs: number[] = [], matched: number[] = [];
    for (const p of samples) {
      const s = listStatements(store, seeded.accountId, p, cap);
      pageMs.push(timeStmt(db, s.page).ms);
      const counted = timeStmt(db, s.count);
      countMs.push(counted.ms);
      matched.push(Number((counted.rows[0] as { n: number }).n));
      const t0 = performance.now();
      await store.listRecordings(seeded.accountId, toRecordingQuery(p), cap);
      storeMs.push(performance.now() - t0);
    }
    const line = (label: string, xs: number[]) => {
      const s = summarize(xs);
      return `${label} p50 ${fmt(s.p50)} / p95 ${fmt(s.p95)} / max ${fmt(s.max)} ms`;
    };
    log(`  timing [${name}] over ${samples.length} samples, straight on SQLite: ${line('page', pageMs)}; ${line('count', countMs)}`);
    log(`  timing [${name}] store.listRecordings without HTTP: ${line('', storeMs)}; rows counted p50 ${summarize(matched).p50}, max ${summarize(matched).max}`);
  } finally {
    db.close();
  }
}
