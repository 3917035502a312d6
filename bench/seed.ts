/**
 * Builds (once) a SQLite vault database with N synthetic recordings in one account, through
 * the real migrations and row mappers, and caches it under bench/.cache/ keyed by the schema
 * and generator version. Bulk loading drops the secondary indexes, inserts with prepared
 * statements (one transaction per 50k recordings) and rebuilds the indexes at the end.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { openSqliteStore } from '../src/store/sqlite.js';
import { partyRows, recordingColumns, tagRows } from '../src/store/rows.js';
import { GENERATOR_VERSION, synth } from './synth.js';

export interface SeededDb {
  dir: string;
  dbPath: string;
  keyFile: string;
  accountId: string;
  rows: number;
  /** Seconds it took to build; 0 when served from the cache. */
  seedSeconds: number;
  cached: boolean;
  sizeBytes: number;
}

const BATCH = 50_000;
const ACCOUNT_ID = 'acc_benchmark01';

/** bench/.cache next to the sources (dist/bench/.. -> repo root). */
export function cacheRoot(): string {
  return fileURLToPath(new URL('../../bench/.cache/', import.meta.url));
}

/** A hash of the migrated schema: any migration change invalidates the cache. */
async function schemaVersion(): Promise<string> {
  const store = openSqliteStore(':memory:');
  try {
    await store.migrate();
    const { rows } = await sql<{ sql: string }>`SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name`.execute(store.db);
    return createHash('sha256').update(`gen${GENERATOR_VERSION}\n`).update(rows.map((r) => r.sql).join(';\n')).digest('hex').slice(0, 12);
  } finally {
    await store.close();
  }
}

export async function seedDatabase(rows: number, log: (line: string) => void): Promise<SeededDb> {
  const dir = join(cacheRoot(), `list-${rows}-${await schemaVersion()}`);
  const dbPath = join(dir, 'callvault.db');
  const keyFile = join(dir, 'master-keys.json');
  const doneFile = join(dir, 'done.json');
  if (existsSync(doneFile)) {
    dropTrialIndexes(dbPath);
    const done = JSON.parse(readFileSync(doneFile, 'utf8')) as { seedSeconds: number; sizeBytes: number };
    log(`seed: using cached ${rows.toLocaleString('en-US')}-row database ${dir} (built in ${done.seedSeconds.toFixed(1)} s earlier)`);
    return { dir, dbPath, keyFile, accountId: ACCOUNT_ID, rows, seedSeconds: 0, cached: true, sizeBytes: done.sizeBytes };
  }
  // Databases built for older schemas are stale: drop them (they are large).
  mkdirSync(cacheRoot(), { recursive: true });
  const current = dir.slice(dir.lastIndexOf('-'));
  for (const old of readdirSync(cacheRoot(), { withFileTypes: true })) {
    if (old.isDirectory() && old.name.startsWith('list-') && (old.name.startsWith(`list-${rows}-`) || !old.name.endsWith(current))) {
      rmSync(join(cacheRoot(), old.name), { recursive: true, force: true });
    }
  }
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();

  const store = openSqliteStore(dbPath);
  await store.migrate();
  await store.close();

  const db = new BetterSqlite3(dbPath);
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -1048576');
    db.pragma('temp_store = MEMORY');
    db.pragma('foreign_keys = OFF');
    const indexes = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
      AND tbl_name IN ('recordings', 'recording_parties', 'recording_tags')`).all() as Array<{ name: string; sql: string }>;
    for (const ix of indexes) db.exec(`DROP INDEX ${ix.name}`);

    db.prepare('INSERT INTO accounts (id, name, settings, created_at) VALUES (?, ?, ?, ?)')
      .run(ACCOUNT_ID, `benchmark-${rows}`, '{}', Date.now());
    const gen = synth(ACCOUNT_ID, rows);
    const first = synth(ACCOUNT_ID, rows).next(0);
    // Column lists come from the store's own row mappers, so new columns are filled too.
    const insert = (table: string, keys: string[]) =>
      db.prepare(`INSERT INTO ${table} (${keys.join(', ')}) VALUES (${keys.map((c) => `@${c}`).join(', ')})`);
    const insRec = insert('recordings', ['seq', ...Object.keys(recordingColumns(first, 1))]);
    const partyKeys = Object.keys(partyRows(first, 1)[0]!);
    const insParty = insert('recording_parties', partyKeys);
    const insTag = insert('recording_tags', ['recording_seq', 'account_id', 'tag_lc']);

    let docBytes = 0;
    const batch = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const seq = i + 1;
        const rec = { ...gen.next(i), numericId: seq };
        const row = recordingColumns(rec, 1);
        docBytes += row.doc.length;
        insRec.run({ seq, ...row });
        for (const p of partyRows(rec, seq)) {
          if (Object.keys(p).length !== partyKeys.length) throw new Error('party rows changed shape mid-seed');
          insParty.run(p);
        }
        for (const t of tagRows(rec, seq)) {
          if (Object.keys(t).length !== 3) throw new Error('tag rows changed shape: update bench/seed.ts');
          insTag.run(t);
        }
      }
    });
    for (let from = 0; from < rows; from += BATCH) {
      batch(from, Math.min(rows, from + BATCH));
      if ((from / BATCH) % 4 === 3) log(`seed: ${(from + BATCH).toLocaleString('en-US')} rows, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
    const tInsert = performance.now();
    for (const ix of indexes) db.exec(ix.sql);
    const tIndex = performance.now();
    db.pragma('journal_mode = WAL');
    const pages = db.pragma('page_count', { simple: true }) as number;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const sizeBytes = pages * pageSize;
    const seedSeconds = (performance.now() - t0) / 1000;
    log(`seed: ${rows.toLocaleString('en-US')} recordings in ${seedSeconds.toFixed(1)} s (insert ${((tInsert - t0) / 1000).toFixed(1)} s, `
      + `indexes ${((tIndex - tInsert) / 1000).toFixed(1)} s); mean doc ${Math.round(docBytes / rows)} B, file ${(sizeBytes / 1e9).toFixed(2)} GB`);
    writeFileSync(join(dir, 'done.json'), JSON.stringify({ rows, seedSeconds, sizeBytes, docBytes: Math.round(docBytes / rows), builtAt: new Date().toISOString() }));
    return { dir, dbPath, keyFile, accountId: ACCOUNT_ID, rows, seedSeconds, cached: false, sizeBytes };
  } finally {
    db.close();
  }
}

const TRIAL_PREFIX = 'bench_try_';

/**
 * Adds candidate indexes (`--try-index`) to the cached database for one run, to measure a
 * proposed migration before writing it. They must be named bench_try_*; the next run drops
 * them again, even after a crash, so the cache keeps matching the real schema.
 */
export function addTrialIndexes(dbPath: string, statements: string[], log: (line: string) => void): void {
  if (statements.length === 0) return;
  const db = new BetterSqlite3(dbPath);
  try {
    for (const stmt of statements) {
      if (!new RegExp(`^\\s*CREATE\\s+INDEX\\s+${TRIAL_PREFIX}\\w+\\s+ON\\s`, 'i').test(stmt)) {
        throw new Error(`--try-index takes 'CREATE INDEX ${TRIAL_PREFIX}<name> ON ...', got ${JSON.stringify(stmt)}`);
      }
      const t0 = performance.now();
      db.exec(stmt);
      log(`seed: trial index built in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${stmt}`);
    }
  } finally {
    db.close();
  }
}

export function dropTrialIndexes(dbPath: string): void {
  const db = new BetterSqlite3(dbPath);
  try {
    const names = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '${TRIAL_PREFIX}%'`).pluck().all() as string[];
    for (const name of names) db.exec(`DROP INDEX ${name}`);
  } finally {
    db.close();
  }
}
