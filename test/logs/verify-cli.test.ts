import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { startServer, type TestServer } from '../helpers/server.js';
import { call } from '../http/util.js';
import { verifyAll, type ChainReport } from '../../src/audit/verify.js';
import { withLogTables } from '../../src/store/logs-schema.js';
import type { SqlStore } from '../../src/store/index.js';
import { verifyCli, verifyHuman, type Json } from './util.js';

let server: TestServer;
let db: BetterSqlite3.Database;

/** Some audited traffic in the default account; returns once it is all stored. */
async function traffic(n: number): Promise<void> {
  for (let i = 0; i < n; i++) assert.equal((await call(server, 'GET', `/api/v1/recordings?tag=t${i}`)).status, 200);
  await new Promise((r) => setTimeout(r, 50)); // the last entry is recorded just after its answer
  await server.vault.logs.flush();
}

const row = (seq: number) => db.prepare('SELECT * FROM audit_log WHERE account_id = ? AND seq = ?').get(server.accountId, seq) as Record<string, unknown>;
const mine = (j: Json) => (j.chains as Json[]).find((c) => c.account_id === server.accountId);
/** The same walk in-process (the CLI costs a process start; it is run where the command line itself is the point). */
async function walk(): Promise<ChainReport> {
  return (await verifyAll(withLogTables((server.vault.store as SqlStore).db), [server.accountId]))[0]!;
}

before(async () => {
  server = await startServer();
  await traffic(5);
  db = new BetterSqlite3(join(server.dir, 'callvault.db'));
  db.pragma('busy_timeout = 5000');
});
after(async () => {
  db?.close();
  await server?.stop();
});

void describe('callvault admin audit verify', () => {
  void test('reports OK with the number of entries checked when nobody touched the trail', () => {
    const r = verifyCli(server.dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.json.ok, true);
    assert.equal(mine(r.json).entries, mine(r.json).last_seq);
    assert.ok(mine(r.json).entries >= 6, 'the login and five lists');
  });

  void test('an entry edited behind the server\'s back fails verification, naming that entry', async () => {
    const victim = row(3);
    db.prepare('UPDATE audit_log SET description = ? WHERE account_id = ? AND seq = 3').run('nothing to see here', server.accountId);
    const r = verifyCli(server.dir);
    assert.equal(r.code, 1);
    assert.equal(r.json.ok, false);
    const b = mine(r.json).broken;
    assert.deepEqual([b.problem, b.seq, b.id], ['edited', 3, victim.id]);
    assert.equal(b.found, victim.hash);
    assert.notEqual(b.expected, victim.hash);
    const human = verifyHuman(server.dir);
    assert.equal(human.code, 1);
    assert.match(human.out, new RegExp(`BROKEN at entry #3 \\(${String(victim.id)}\\): edited`));
    db.prepare('UPDATE audit_log SET description = ? WHERE account_id = ? AND seq = 3').run(victim.description, server.accountId);
    assert.equal((await walk()).ok, true);
  });

  void test('a removed entry shows as a gap, and a removed last entry as a truncated chain', async () => {
    const third = row(3);
    db.prepare('DELETE FROM audit_log WHERE account_id = ? AND seq = 3').run(server.accountId);
    const r = verifyCli(server.dir);
    assert.equal(r.code, 1);
    assert.deepEqual([mine(r.json).broken.problem, mine(r.json).broken.seq], ['removed', 3]);
    db.prepare(`INSERT INTO audit_log (${Object.keys(third).join(', ')}) VALUES (${Object.keys(third).map(() => '?').join(', ')})`).run(...Object.values(third));
    assert.equal((await walk()).ok, true);

    const last = db.prepare('SELECT max(seq) AS s FROM audit_log WHERE account_id = ?').get(server.accountId) as { s: number };
    const lastRow = row(last.s);
    db.prepare('DELETE FROM audit_log WHERE account_id = ? AND seq = ?').run(server.accountId, last.s);
    const t = await walk();
    assert.deepEqual([t.broken?.problem, t.broken?.seq], ['truncated', last.s]);
    db.prepare(`INSERT INTO audit_log (${Object.keys(lastRow).join(', ')}) VALUES (${Object.keys(lastRow).map(() => '?').join(', ')})`).run(...Object.values(lastRow));
  });

  void test('an entry rewritten with a fresh hash of its own is caught at the next entry, which no longer links to it', async () => {
    const { entryHash } = await import('../../src/audit/chain.js');
    const { auditFromRow } = await import('../../src/store/logs-query.js');
    const two = auditFromRow(row(2) as never);
    const hash = entryHash({ ...two, description: 'forged' }, two.seq, two.prevHash);
    db.prepare('UPDATE audit_log SET description = ?, hash = ? WHERE account_id = ? AND seq = 2').run('forged', hash, server.accountId);
    const r = await walk();
    assert.deepEqual([r.broken?.problem, r.broken?.seq, r.broken?.expected, r.broken?.found], ['relinked', 3, hash, two.hash]);
    db.prepare('UPDATE audit_log SET description = ?, hash = ? WHERE account_id = ? AND seq = 2').run(two.description, two.hash, server.accountId);
  });

  void test('--account walks only that account, and the human report says OK with the count', () => {
    const other = verifyCli(server.dir, '--account', `test-${server.accountId}`);
    assert.equal(other.code, 0, other.stderr);
    assert.deepEqual(other.json.chains.map((c: Json) => c.account_id), [server.accountId]);
    const human = verifyHuman(server.dir);
    assert.equal(human.code, 0);
    assert.match(human.out, /audit trail OK: \d+ entries in \d+ chain\(s\) verified/);
    const unknown = verifyCli(server.dir, '--account', 'nobody');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /not found/);
  });

  void test('retention removes the oldest entries behind a checkpoint; what is left, and what comes after, still verifies', async () => {
    const old = db.prepare('SELECT seq, at FROM audit_log WHERE account_id = ? AND seq = 4').get(server.accountId) as { seq: number; at: number };
    server.config.logs.auditRetentionDays = 1;
    try {
      const removed = await server.vault.logs.purge(old.at + 86_400_000 + 1);
      assert.ok(removed.audit >= 4);
    } finally {
      server.config.logs.auditRetentionDays = 0;
    }
    await traffic(2);
    const r = await walk();
    assert.equal(r.ok, true, JSON.stringify(r));
    const through = r.purgedThrough;
    assert.ok(through >= 4);
    assert.equal((db.prepare('SELECT min(seq) AS s FROM audit_log WHERE account_id = ?').get(server.accountId) as { s: number }).s, through + 1);
    assert.equal(r.entries, r.lastSeq - through);
    // Removing the first entry left is still noticed.
    db.prepare('DELETE FROM audit_log WHERE account_id = ? AND seq = ?').run(server.accountId, through + 1);
    assert.equal((await walk()).broken?.problem, 'removed');
  });
});
