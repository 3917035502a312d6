/**
 * Issue 3's audit target: `callvault admin audit verify` over 1,000,000 entries in under 10 s.
 *
 *   node dist/bench/audit-verify.js [--entries=N] [--accounts=N]
 *
 * Seeds a fresh data folder with real chained entries (real SHA-256 hashes, the server's own
 * canonical form) through direct prepared statements in large transactions, then times the
 * verification twice: the library walk in this process, and the real CLI end to end.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { loadConfig } from '../src/config/index.js';
import { openStore } from '../src/store/index.js';
import { withLogTables } from '../src/store/logs-schema.js';
import { GENESIS_HASH, entryHash } from '../src/audit/chain.js';
import { AUDIT_ACTIONS } from '../src/audit/model.js';
import type { AuditEntry } from '../src/audit/model.js';
import { verifyAll } from '../src/audit/verify.js';

export interface AuditVerifyResult {
  entries: number;
  accounts: number;
  insertSeconds: number;
  /** The chain walk in-process (no process start-up). */
  verifySeconds: number;
  verifyEntriesPerSecond: number;
  /** `callvault admin audit verify --json` as a separate process, start-up included. */
  cliSeconds: number;
  ok: boolean;
}

const TARGET_SECONDS = 10;

export function seedAuditChains(dbPath: string, entries: number, accounts: number): void {
  const db = new BetterSqlite3(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const insert = db.prepare(`INSERT INTO audit_log (account_id, seq, id, at, item, action, outcome, principal_id, principal_kind,
    principal_name, description, ip, request_id, object_id, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const head = db.prepare(`INSERT INTO audit_heads (account_id, last_seq, last_hash, purged_seq, purged_hash, updated_at) VALUES (?, ?, ?, 0, ?, ?)`);
  const perAccount = Math.ceil(entries / accounts);
  const start = Date.now() - entries * 10;
  const salt = randomBytes(4).toString('hex');
  let n = 0;
  for (let a = 0; a < accounts; a++) {
    const accountId = `acc_bench${a}`;
    let prevHash = GENESIS_HASH;
    let seq = 0;
    const batch = db.transaction((count: number) => {
      for (let i = 0; i < count; i++) {
        seq++;
        const recording = `rec_${salt}${(n % 50_000).toString(36)}`;
        const e: Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'> = {
          accountId, id: `aud_${salt}${n.toString(36)}`, at: start + n * 10, item: 'call', action: AUDIT_ACTIONS[n % 8]!,
          outcome: n % 50 === 0 ? 'refused' : 'success', principalId: `cli_bench${n % 7}`, principalKind: 'client',
          principalName: `bench client ${n % 7}`, description: `viewed recording ${recording}`, ip: '10.0.0.1',
          requestId: `req_${n.toString(16)}`, objectId: recording,
        };
        const hash = entryHash(e, seq, prevHash);
        insert.run(e.accountId, seq, e.id, e.at, e.item, e.action, e.outcome, e.principalId, e.principalKind, e.principalName,
          e.description, e.ip, e.requestId, e.objectId, prevHash, hash);
        prevHash = hash;
        n++;
      }
    });
    const mine = Math.min(perAccount, entries - a * perAccount);
    for (let done = 0; done < mine; done += 50_000) batch(Math.min(50_000, mine - done));
    head.run(accountId, seq, prevHash, GENESIS_HASH, Date.now());
  }
  db.close();
}

export async function benchAuditVerify(dir: string, opts: { entries?: number; accounts?: number; log?: (line: string) => void } = {}): Promise<AuditVerifyResult> {
  const entries = opts.entries ?? 1_000_000;
  const accounts = opts.accounts ?? 4;
  const log = opts.log ?? ((line: string) => console.log(line));
  const data = mkdtempSync(join(dir, 'callvault-bench-audit-'));
  try {
    const config = loadConfig({ data, logLevel: 'silent' }, {});
    await (await openStore(config.database)).close(); // creates the schema
    let t = performance.now();
    seedAuditChains(config.database.path, entries, accounts);
    const insertSeconds = (performance.now() - t) / 1000;
    log(`audit verify: seeded ${entries.toLocaleString('en')} chained entries in ${accounts} accounts in ${insertSeconds.toFixed(1)} s (${Math.round(entries / insertSeconds).toLocaleString('en')} entries/s)`);

    const store = await openStore(config.database);
    t = performance.now();
    const reports = await verifyAll(withLogTables(store.db));
    const verifySeconds = (performance.now() - t) / 1000;
    await store.close();
    const checked = reports.reduce((s, r) => s + r.entries, 0);
    const ok = reports.every((r) => r.ok) && checked === entries;
    log(`audit verify: walked ${checked.toLocaleString('en')} entries in ${verifySeconds.toFixed(2)} s (${Math.round(checked / verifySeconds).toLocaleString('en')} entries/s), ${ok ? 'all chains OK' : 'FAILED'}`);

    t = performance.now();
    const bin = resolve(fileURLToPath(new URL('../../bin/callvault.js', import.meta.url)));
    const cli = spawnSync(process.execPath, [bin, 'admin', 'audit', 'verify', '--json', '--data', data], { encoding: 'utf8' });
    const cliSeconds = (performance.now() - t) / 1000;
    const cliOk = cli.status === 0 && (JSON.parse(cli.stdout || '{}') as { entries?: number }).entries === entries;
    log(`audit verify: \`callvault admin audit verify\` took ${cliSeconds.toFixed(2)} s end to end (target < ${TARGET_SECONDS} s): ${cliOk ? 'OK' : `FAILED ${cli.stderr}`}`);
    return {
      entries, accounts, insertSeconds, verifySeconds, verifyEntriesPerSecond: Math.round(checked / verifySeconds), cliSeconds, ok: ok && cliOk,
    };
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const r = await benchAuditVerify(tmpdir(), {
    ...(arg('entries') ? { entries: Number(arg('entries')) } : {}),
    ...(arg('accounts') ? { accounts: Number(arg('accounts')) } : {}),
  });
  console.log(JSON.stringify(r));
  process.exitCode = r.ok && r.cliSeconds < TARGET_SECONDS ? 0 : 1;
}
