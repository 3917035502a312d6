import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { provisionClient, spawnServer, stopServer } from '../helpers/process.js';

const dir = mkdtempSync(join(tmpdir(), 'callvault-logs-shutdown-'));
after(() => rmSync(dir, { recursive: true, force: true }));

void describe('stopping the server', () => {
  void test('entries still buffered when SIGTERM arrives are written before the process exits', async () => {
    const { token } = provisionClient(dir);
    const { child, base } = await spawnServer(dir);
    let requestId: string | null;
    try {
      const res = await fetch(`${base}/api/v1/recordings/rec_last`, { headers: { authorization: `Bearer ${await token(base)}` } });
      assert.equal(res.status, 404);
      requestId = res.headers.get('x-request-id');
    } finally {
      await stopServer(child); // at once: well inside the 200 ms batching delay
    }
    assert.equal(child.exitCode, 0);
    const db = new BetterSqlite3(join(dir, 'callvault.db'), { readonly: true });
    try {
      const has = (q: string, ...args: unknown[]) => (db.prepare(q).get(...args) as { n: number }).n;
      assert.equal(has('SELECT count(*) AS n FROM api_activity WHERE request_id = ? AND status = 404', requestId), 1);
      assert.equal(has("SELECT count(*) AS n FROM audit_log WHERE request_id = ? AND outcome = 'refused' AND object_id = 'rec_last'", requestId), 1);
      assert.equal(has("SELECT count(*) AS n FROM system_activity WHERE description = 'callvault stopped'"), 1);
    } finally {
      db.close();
    }
  });
});
