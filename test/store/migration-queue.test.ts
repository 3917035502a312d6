/**
 * Migration 0009_queue: the lower-cased queue name becomes a column for the Interaction
 * Insights `q=` filter; recordings stored before it ran are found by their queue once it has.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { newRecording } from '../../src/core/recordings.js';
import { migrationProvider } from '../../src/store/migrations.js';
import { openSqliteStore } from '../../src/store/sqlite.js';

describe('migration 0009_queue', () => {
  const dir = mkdtempSync(join(tmpdir(), 'callvault-0009-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('fills the queue column of recordings stored before it ran', async () => {
    const store = openSqliteStore(join(dir, 'old.db'));
    try {
      await store.migrate();
      await store.createAccount({ id: 'acc_q', name: 'acc_q', settings: {}, createdAt: new Date().toISOString() });
      const by = { kind: 'client' as const, id: 'cli_q', accountId: 'acc_q', scopes: new Set<never>() };
      await store.insertRecording(newRecording('acc_q', { startTime: '2015-01-01T00:00:00Z', queueName: 'Billing Queue' }, [], by, new Date().toISOString()), []);
      await store.insertRecording(newRecording('acc_q', { startTime: '2015-01-02T00:00:00Z' }, [], by, new Date().toISOString()), []);
      await store.insertRecording(newRecording('acc_q', { startTime: '2015-01-03T00:00:00Z', queueName: 'Équipe Nord' }, [], by, new Date().toISOString()), []);
      // As before the migration: no column. Then the migration itself runs over them.
      await sql`DROP INDEX recordings_queue`.execute(store.db);
      await sql`ALTER TABLE recordings DROP COLUMN queue_lc`.execute(store.db);
      const migrations = await migrationProvider('sqlite').getMigrations();
      await migrations['0009_queue']!.up(store.db as unknown as Kysely<unknown>);
      const found = async (q: string) => (await store.listRecordings('acc_q', { filter: { queueName: [q] }, sort: { field: 'startTime', desc: true }, pageSize: 10 }, 100)).total;
      assert.equal(await found('billing queue'), 1);
      assert.equal(await found('BILLING QUEUE'), 1);
      assert.equal(await found('other'), 0);
      assert.equal(await found('équipe nord'), 1, 'lower-cased beyond ASCII, as new rows are');
    } finally {
      await store.close();
    }
  });
});
