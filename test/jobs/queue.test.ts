import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { SqlJobStore } from '../../src/store/jobs-sql.js';
import { JobQueue, JobRunner, type JobHandlers } from '../../src/jobs/runner.js';
import { PermanentJobError, type Job } from '../../src/jobs/model.js';
import { VaultError } from '../../src/core/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'callvault-jobs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function openQueue(policy = { backoffBaseMs: 20, leaseMs: 1000 }) {
  const store = openSqliteStore(join(dir, `${Math.random().toString(16).slice(2)}.db`));
  await store.migrate();
  const jobs = new SqlJobStore(store.db, 'sqlite');
  const queue = new JobQueue(jobs, { media: policy, transcribe: policy, analyse: policy });
  return { store, jobs, queue };
}

const payload = (n: number) => ({ recordingId: `rec-${n}` });

describe('the job queue', () => {
  it('runs a job once and marks it done', async () => {
    const { store, jobs, queue } = await openQueue();
    const seen: string[] = [];
    const runner = new JobRunner(queue, { media: { run: async (j) => { seen.push(j.payload.recordingId); } } }, { workerId: 'w1', pollMs: 20 });
    runner.start();
    const id = await queue.enqueue({ accountId: 'a', kind: 'media', payload: payload(1) });
    await runner.idle(5000);
    await runner.stop();
    assert.deepEqual(seen, ['rec-1']);
    const job = await jobs.get(id);
    assert.equal(job?.state, 'done');
    assert.equal(job?.attempts, 1);
    await store.close();
  });

  it('does not queue the same work twice while it waits, but queues it again once started', async () => {
    const { store, jobs, queue } = await openQueue();
    const a = await queue.enqueue({ accountId: 'a', kind: 'media', payload: payload(1), dedupeKey: 'media:rec-1' });
    const b = await queue.enqueue({ accountId: 'a', kind: 'media', payload: payload(1), dedupeKey: 'media:rec-1' });
    assert.equal(a, b);
    const claimed = await jobs.claim('w', ['media'], Date.now(), 1000);
    assert.equal(claimed?.id, a);
    // Asked for again while it runs: the running job may already be past what changed.
    const c = await queue.enqueue({ accountId: 'a', kind: 'media', payload: payload(1), dedupeKey: 'media:rec-1' });
    assert.notEqual(c, a);
    assert.equal(await queue.enqueue({ accountId: 'a', kind: 'media', payload: payload(1), dedupeKey: 'media:rec-1' }), c);
    await jobs.complete(a, 'w', Date.now());
    await store.close();
  });

  it('retries a failing job with backoff and keeps the last error until it succeeds', async () => {
    const { store, jobs, queue } = await openQueue();
    const attempts: number[] = [];
    const runner = new JobRunner(queue, {
      media: { run: async (j) => { attempts.push(Date.now()); if (j.attempts < 3) throw new Error(`flaky ${j.attempts}`); } },
    }, { workerId: 'w1', pollMs: 10 });
    runner.start();
    const id = await queue.enqueue({ accountId: 'a', kind: 'media', payload: payload(2) });
    await runner.idle(10_000);
    await runner.stop();
    assert.equal(attempts.length, 3);
    // Backoff grows: 20 ms before the second attempt, 80 ms before the third.
    assert.ok(attempts[1]! - attempts[0]! >= 15, `first retry after ${attempts[1]! - attempts[0]!} ms`);
    assert.ok(attempts[2]! - attempts[1]! >= 60, `second retry after ${attempts[2]! - attempts[1]!} ms`);
    const job = await jobs.get(id);
    assert.equal(job?.state, 'done');
    await store.close();
  });

  it('parks a job after its last attempt, with its error, and tells the handler and the operator once', async () => {
    const { store, jobs, queue } = await openQueue();
    const parked: Array<[string, string]> = [];
    const told: string[] = [];
    const handlers: JobHandlers = {
      transcribe: { run: async () => { throw new Error('engine crashed'); }, parked: async (j, e) => { parked.push([j.id, e]); } },
    };
    const runner = new JobRunner(queue, handlers, { workerId: 'w1', pollMs: 10, onParked: (_j, e) => told.push(e) });
    runner.start();
    const id = await queue.enqueue({ accountId: 'a', kind: 'transcribe', payload: { recordingId: 'r', reason: 'request' } });
    await runner.idle(20_000);
    await runner.stop();
    const job = await jobs.get(id);
    assert.equal(job?.state, 'parked');
    assert.equal(job?.attempts, 4);
    assert.equal(job?.lastError, 'engine crashed');
    assert.deepEqual(parked, [[id, 'engine crashed']]);
    assert.deepEqual(told, ['engine crashed']);
    await store.close();
  });

  it('parks at once on an error retrying cannot cure (corrupt audio, missing engine)', async () => {
    const { store, jobs, queue } = await openQueue();
    const runner = new JobRunner(queue, {
      media: { run: async () => { throw new PermanentJobError('not audio'); } },
      transcribe: { run: async () => { throw new VaultError('ENGINE_UNAVAILABLE', 'model file /x is missing'); } },
    }, { workerId: 'w1', pollMs: 10 });
    runner.start();
    const a = await queue.enqueue({ accountId: 'a', kind: 'media', payload: payload(3) });
    const b = await queue.enqueue({ accountId: 'a', kind: 'transcribe', payload: { recordingId: 'r', reason: 'policy' } });
    await runner.idle(5000);
    await runner.stop();
    assert.deepEqual([(await jobs.get(a))?.attempts, (await jobs.get(a))?.state], [1, 'parked']);
    assert.deepEqual([(await jobs.get(b))?.lastError, (await jobs.get(b))?.state], ['model file /x is missing', 'parked']);
    await store.close();
  });

  it('hands the job of a worker that stopped renewing its lease to another worker, and parks it past its attempts', async () => {
    const { store, jobs, queue } = await openQueue({ backoffBaseMs: 10, leaseMs: 50 });
    const id = await queue.enqueue({ accountId: 'a', kind: 'media', payload: payload(4) });
    // Four workers claim it and die (never renew, never finish).
    for (let i = 0; i < 4; i++) {
      const j = await jobs.claim(`dead-${i}`, ['media'], Date.now(), 50);
      assert.equal(j?.id, id, `claim ${i}`);
      assert.equal(await jobs.claim(`other-${i}`, ['media'], Date.now(), 50), null, 'a leased job is not claimed twice');
      await new Promise((r) => setTimeout(r, 60));
    }
    let ran = false;
    const parked: Job[] = [];
    const runner = new JobRunner(queue, { media: { run: async () => { ran = true; }, parked: async (j) => { parked.push(j); } } }, { workerId: 'live', pollMs: 10 });
    runner.start();
    await runner.idle(5000);
    await runner.stop();
    assert.equal(ran, false, 'a job past its attempts is not run again');
    assert.equal((await jobs.get(id))?.state, 'parked');
    assert.match((await jobs.get(id))?.lastError ?? '', /gave up/);
    assert.equal(parked.length, 1);
    await store.close();
  });

  it('runs no more jobs of a kind at once than its concurrency, and hands running jobs back uncounted on stop', async () => {
    const { store, jobs, queue } = await openQueue();
    let now = 0;
    let peak = 0;
    const runner = new JobRunner(queue, {
      analyse: {
        concurrency: 2,
        run: async (_j, ctx) => {
          now++; peak = Math.max(peak, now);
          await new Promise<void>((resolve, reject) => {
            const t = setTimeout(resolve, 40);
            ctx.signal.addEventListener('abort', () => { clearTimeout(t); reject(new Error('aborted')); });
          });
          now--;
        },
      },
    }, { workerId: 'w1', pollMs: 10 });
    runner.start();
    for (let i = 0; i < 6; i++) await queue.enqueue({ accountId: 'a', kind: 'analyse', payload: payload(i) });
    await runner.idle(10_000);
    assert.equal(peak, 2);
    const slow = new JobRunner(queue, { analyse: { run: (_j, ctx) => new Promise((_r, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted')))) } }, { workerId: 'w2', pollMs: 10 });
    await runner.stop();
    slow.start();
    const id = await queue.enqueue({ accountId: 'a', kind: 'analyse', payload: payload(9) });
    await new Promise((r) => setTimeout(r, 50));
    await slow.stop();
    const job = await jobs.get(id);
    assert.deepEqual([job?.state, job?.attempts], ['queued', 0]);
    await store.close();
  });
});
