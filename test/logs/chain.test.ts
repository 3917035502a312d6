import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { loadConfig } from '../../src/config/index.js';
import { openStore, type SqlStore } from '../../src/store/index.js';
import { withLogTables, type LogsDb } from '../../src/store/logs-schema.js';
import { writeLogBatch, type PendingAudit } from '../../src/store/logs-write.js';
import { SqliteLogSink } from '../../src/store/logs-sqlite.js';
import { CANONICAL_SQL, GENESIS_HASH, canonicalText, cleanText, entryHash } from '../../src/audit/chain.js';
import { verifyAll } from '../../src/audit/verify.js';

const dir = mkdtempSync(join(tmpdir(), 'callvault-chain-'));
let store: SqlStore;
let db: LogsDb;
let n = 0;

const entry = (over: Partial<PendingAudit> = {}): PendingAudit => ({
  accountId: 'acc_chain', item: 'call', action: 'view', outcome: 'success', principalId: 'usr_1', principalKind: 'user',
  principalName: 'Zoë Ünal 🎧', description: 'viewed recording rec_1 — «quoted» "double" \\ back', ip: '::1', requestId: 'req_1',
  objectId: 'rec_1', id: `aud_t${++n}`, at: 1_700_000_000_000 + n, ...over,
});

before(async () => {
  store = await openStore(loadConfig({ data: dir, logLevel: 'silent' }, {}).database);
  db = withLogTables(store.db);
});
after(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

void describe('the canonical form', () => {
  void test('the database builds exactly the text the writer hashed, for unicode, empty and absent values alike', async () => {
    const tricky = [
      entry(),
      entry({ principalId: null, principalName: null, ip: null, requestId: null, objectId: null }),
      entry({ principalId: '', principalName: '', ip: '', requestId: '', objectId: '', description: '' }),
      entry({ description: 'x'.repeat(2000) }),
    ];
    await writeLogBatch(db, 'sqlite', { audit: tricky, activity: [], system: [] });
    const rows = await sql<{ seq: number; text: string; prev_hash: string }>`SELECT seq, ${sql.raw(CANONICAL_SQL)} AS text, prev_hash FROM audit_log WHERE account_id = 'acc_chain' ORDER BY seq`.execute(db);
    assert.equal(rows.rows.length, 4);
    rows.rows.forEach((r, i) => assert.equal(r.text, canonicalText(tricky[i]!, r.seq, r.prev_hash)));
    // Absent and empty must not hash alike.
    assert.notEqual(entryHash(tricky[1]!, 1, GENESIS_HASH), entryHash({ ...tricky[1]!, principalId: '', principalName: '', ip: '', requestId: '', objectId: '' }, 1, GENESIS_HASH));
  });

  void test('control characters cannot be hashed (they would forge field boundaries) and are cleaned when recorded', () => {
    assert.throws(() => canonicalText(entry({ description: 'a\x1fb' }), 1, GENESIS_HASH), /control characters/);
    assert.equal(cleanText('a\x1fb\nc\x00d\x7f'), 'a b c d ');
  });
});

void describe('appending', () => {
  void test('the query-builder path and the worker-thread path extend the same chain, which verifies', async () => {
    const sink = new SqliteLogSink(join(dir, 'callvault.db'));
    try {
      for (let round = 0; round < 3; round++) {
        await writeLogBatch(db, 'sqlite', { audit: [entry(), entry({ accountId: 'acc_other' })], activity: [], system: [] });
        await sink.write({ audit: [entry(), entry(), entry({ accountId: 'acc_other' })], activity: [], system: [] });
      }
      // Concurrent batches from both paths still serialise on the chain head.
      await Promise.all([
        writeLogBatch(db, 'sqlite', { audit: Array.from({ length: 50 }, () => entry()), activity: [], system: [] }),
        sink.write({ audit: Array.from({ length: 50 }, () => entry()), activity: [], system: [] }),
      ]);
    } finally {
      await sink.close();
    }
    const reports = await verifyAll(db);
    assert.deepEqual(reports.map((r) => [r.accountId, r.ok, r.entries]), [['acc_chain', true, 4 + 9 + 100], ['acc_other', true, 6]]);
  });
});
