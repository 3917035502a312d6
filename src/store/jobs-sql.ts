import { sql, type Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import type { Job, JobKind, JobState, NewJob } from '../jobs/model.js';
import type { JobStore } from '../jobs/port.js';
import type { Database, JobsTable } from './schema.js';
import type { Dialect } from './migrations.js';

function jobFromRow(r: JobsTable): Job {
  return {
    id: r.id, accountId: r.account_id, kind: r.kind as JobKind, payload: JSON.parse(r.payload) as Job['payload'],
    state: r.state as JobState, attempts: Number(r.attempts), maxAttempts: Number(r.max_attempts), runAt: Number(r.run_at),
    lastError: r.last_error, createdAt: Number(r.created_at), updatedAt: Number(r.updated_at),
  };
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string };
  return e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === '23505';
}

/** The job queue in the metadata database (see JobStore). */
export class SqlJobStore implements JobStore {
  constructor(private readonly db: Kysely<Database>, private readonly dialect: Dialect) {}

  async enqueue(job: NewJob & { maxAttempts: number }, now: number): Promise<string> {
    const id = randomUUID();
    const recordingId = (job.payload as { recordingId?: string }).recordingId ?? null;
    try {
      await this.db.insertInto('jobs').values({
        id, account_id: job.accountId, kind: job.kind, payload: JSON.stringify(job.payload), state: 'queued', attempts: 0,
        max_attempts: job.maxAttempts, run_at: job.runAt ?? now, worker_id: null, lease_until: null, last_error: null,
        dedupe_key: job.dedupeKey ?? null, recording_id: recordingId, created_at: now, updated_at: now,
      }).execute();
      return id;
    } catch (err) {
      if (!job.dedupeKey || !isUniqueViolation(err)) throw err;
      const row = await this.db.selectFrom('jobs').select('id').where('dedupe_key', '=', job.dedupeKey)
        .where('state', 'in', ['queued', 'running']).executeTakeFirst();
      if (row) return row.id;
      return this.enqueue(job, now);
    }
  }

  async claim(workerId: string, kinds: readonly JobKind[], now: number, leaseMs: number): Promise<Job | null> {
    if (kinds.length === 0) return null;
    const kindList = sql.join(kinds.map((k) => sql`${k}`));
    // Due queued jobs first, then running ones whose worker stopped renewing (crashed).
    const lock = this.dialect === 'postgres' ? sql` FOR UPDATE SKIP LOCKED` : sql``;
    const pick = sql`SELECT id FROM jobs WHERE kind IN (${kindList}) AND (
        (state = 'queued' AND run_at <= ${now}) OR (state = 'running' AND lease_until < ${now}))
      ORDER BY run_at, created_at LIMIT 1${lock}`;
    // A running job gives its dedupe key up: work asked for while it runs (a new transcript
    // after the policy changed) is queued again rather than folded into a run that started earlier.
    const res = await sql<JobsTable>`UPDATE jobs SET state = 'running', worker_id = ${workerId}, lease_until = ${now + leaseMs},
        attempts = attempts + 1, updated_at = ${now}, dedupe_key = NULL
      WHERE id = (${pick}) RETURNING *`.execute(this.db);
    const row = res.rows[0];
    return row ? jobFromRow(row) : null;
  }

  async renew(id: string, workerId: string, until: number): Promise<boolean> {
    const r = await this.db.updateTable('jobs').set({ lease_until: until }).where('id', '=', id)
      .where('worker_id', '=', workerId).where('state', '=', 'running').executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async complete(id: string, workerId: string, now: number): Promise<void> {
    await this.db.updateTable('jobs').set({ state: 'done', lease_until: null, updated_at: now, last_error: null, dedupe_key: null })
      .where('id', '=', id).where('worker_id', '=', workerId).execute();
  }

  async fail(id: string, workerId: string, error: string, runAt: number | null, now: number): Promise<void> {
    const set = runAt === null
      ? { state: 'parked', lease_until: null, last_error: error, updated_at: now, dedupe_key: null }
      : { state: 'queued', lease_until: null, last_error: error, updated_at: now, run_at: runAt };
    await this.db.updateTable('jobs').set(set).where('id', '=', id).where('worker_id', '=', workerId).execute();
  }

  async release(id: string, workerId: string, now: number): Promise<void> {
    await this.db.updateTable('jobs').set((eb) => ({ state: 'queued', lease_until: null, updated_at: now, attempts: eb('attempts', '-', 1) }))
      .where('id', '=', id).where('worker_id', '=', workerId).where('state', '=', 'running').execute();
  }

  async get(id: string): Promise<Job | null> {
    const row = await this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? jobFromRow(row) : null;
  }

  async forRecording(accountId: string, recordingId: string, limit: number): Promise<Job[]> {
    const rows = await this.db.selectFrom('jobs').selectAll().where('account_id', '=', accountId)
      .where('recording_id', '=', recordingId).orderBy('created_at', 'desc').limit(limit).execute();
    return rows.map(jobFromRow);
  }

  async counts(): Promise<Record<string, { queued: number; running: number; parked: number }>> {
    const rows = await this.db.selectFrom('jobs').select(['kind', 'state', (eb) => eb.fn.countAll<number>().as('n')])
      .where('state', '!=', 'done').groupBy(['kind', 'state']).execute();
    const out: Record<string, { queued: number; running: number; parked: number }> = {};
    for (const r of rows) {
      const c = (out[r.kind] ??= { queued: 0, running: 0, parked: 0 });
      if (r.state === 'queued' || r.state === 'running' || r.state === 'parked') c[r.state] += Number(r.n);
    }
    return out;
  }

  async purgeDone(before: number): Promise<number> {
    const r = await this.db.deleteFrom('jobs').where('state', '=', 'done').where('updated_at', '<', before).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
