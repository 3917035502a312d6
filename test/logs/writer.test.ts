import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LogWriter, type Dropped } from '../../src/audit/writer.js';
import type { LogBatch } from '../../src/store/logs-write.js';
import type { ApiActivityInput } from '../../src/audit/model.js';

const activity = (n: number): ApiActivityInput => ({
  accountId: 'acc', at: n, method: 'GET', requestLine: `GET /${n}`, clientId: null, principalId: null, status: 200,
  durationMs: 1, errorDetails: null, requestId: `req_${n}`, ip: null,
});

function writer(write: (b: LogBatch) => Promise<void>, events: string[], recovered: Dropped[] = [], maxActivity = 5) {
  return new LogWriter(write, { intervalMs: 10, batchSize: 3, maxActivity, maxAudit: 100, maxSystem: 10 }, {
    failing: (err) => events.push(`failing: ${err.message}`),
    dropping: (kind) => events.push(`dropping ${kind}`),
    recovered: (d) => {
      events.push('recovered');
      recovered.push(d);
    },
  });
}

void describe('the log writer', () => {
  void test('writes in batches of at most batchSize, in the order entries were recorded, one batch at a time', async () => {
    const batches: number[][] = [];
    let inFlight = 0;
    const w = writer(async (b) => {
      assert.equal(inFlight++, 0, 'batches never overlap');
      await new Promise((r) => setTimeout(r, 5));
      batches.push(b.activity.map((a) => a.at));
      inFlight--;
    }, [], [], 100);
    for (let i = 1; i <= 7; i++) w.addActivity(activity(i));
    await w.flush();
    assert.deepEqual(batches.flat(), [1, 2, 3, 4, 5, 6, 7]);
    assert.ok(batches.every((b) => b.length <= 3));
    await w.close();
  });

  void test('while the database is down entries wait in memory, the oldest are dropped past the bound, and recovery reports the loss', async () => {
    let down = true;
    const written: number[] = [];
    const events: string[] = [];
    const recovered: Dropped[] = [];
    const w = writer(async (b) => {
      if (down) throw new Error('disk I/O error');
      written.push(...b.activity.map((a) => a.at));
    }, events, recovered);
    for (let i = 1; i <= 3; i++) w.addActivity(activity(i));
    await w.flush();
    assert.deepEqual(events, ['failing: disk I/O error']);
    for (let i = 4; i <= 8; i++) w.addActivity(activity(i));
    assert.equal(w.pending, 5, 'bounded');
    assert.deepEqual(events, ['failing: disk I/O error', 'dropping activity']);
    down = false;
    await w.flush();
    assert.deepEqual(written, [4, 5, 6, 7, 8], 'the newest entries survive, in order');
    assert.deepEqual(events.slice(2), ['recovered']);
    assert.deepEqual(recovered[0], { activity: 3, audit: 0, system: 0 });
    await w.close();
  });

  void test('close writes whatever is still buffered', async () => {
    const written: number[] = [];
    const w = new LogWriter(async (b) => void written.push(...b.activity.map((a) => a.at)),
      { intervalMs: 60_000, batchSize: 500, maxActivity: 10, maxAudit: 10, maxSystem: 10 },
      { failing: () => undefined, dropping: () => undefined, recovered: () => undefined });
    w.addActivity(activity(1));
    w.addActivity(activity(2));
    await w.close();
    assert.deepEqual(written, [1, 2]);
  });
});
