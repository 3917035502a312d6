import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { RecordingService, newRecording } from '../../src/core/recordings.js';
import type { Principal } from '../../src/core/principals.js';

describe('deleting while someone sets a legal hold', () => {
  const dir = mkdtempSync(join(tmpdir(), 'callvault-race-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('never deletes a recording whose legal hold was accepted', async () => {
    const store = openSqliteStore(join(dir, 'race.db'));
    await store.migrate();
    await store.createAccount({ id: 'acc_r', name: 'r', settings: {}, createdAt: new Date().toISOString() });
    const p: Principal = { kind: 'client', id: 'cli_r', accountId: 'acc_r', scopes: new Set(['recordings:read', 'recordings:write', 'recordings:delete']) };
    const erased: string[][] = [];
    const svc = new RecordingService(store, { erase: async (s) => { erased.push(s.map((x) => x.blobKey)); } }, 1000);
    let held = 0, deleted = 0;
    for (let i = 0; i < 60; i++) {
      const rec = newRecording('acc_r', { startTime: '2026-01-01T00:00:00Z' }, [], p, new Date().toISOString());
      await store.insertRecording(rec, []);
      const [hold, del] = await Promise.allSettled([svc.patch(p, rec.id, { legalHold: true }), svc.delete(p, rec.id, { mediaOnly: false })]);
      const after = await store.getRecording('acc_r', rec.id);
      if (hold.status === 'fulfilled') {
        held++;
        assert.ok(after, `recording ${i} was deleted although its legal hold was accepted`);
        assert.equal(after.legalHold, true);
        assert.equal(del.status, 'rejected');
      }
      if (del.status === 'fulfilled') {
        deleted++;
        assert.equal(after, null);
        assert.equal(hold.status, 'rejected');
      }
    }
    assert.equal(held + deleted, 60, 'exactly one of the two wins each time');
    await store.close();
  });
});
