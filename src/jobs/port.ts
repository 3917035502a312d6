import type { Job, JobKind, NewJob } from './model.js';

/**
 * The durable queue, kept in the metadata database so no other server is needed. Claiming is
 * atomic (one UPDATE … RETURNING on SQLite; FOR UPDATE SKIP LOCKED on PostgreSQL) and every
 * running job carries a lease its worker renews; a job whose lease ran out (its process died)
 * is claimed again by any worker.
 */
export interface JobStore {
  /** Adds a job; with a dedupe key still queued or running, returns that job's id instead. */
  enqueue(job: NewJob & { maxAttempts: number }, now: number): Promise<string>;
  /** Takes the next due job of one of the kinds, or null. */
  claim(workerId: string, kinds: readonly JobKind[], now: number, leaseMs: number): Promise<Job | null>;
  /** Extends the lease; false when the job is no longer this worker's (lease lost). */
  renew(id: string, workerId: string, until: number): Promise<boolean>;
  complete(id: string, workerId: string, now: number): Promise<void>;
  /** Puts the job back for another attempt at `runAt`, or parks it when `runAt` is null. */
  fail(id: string, workerId: string, error: string, runAt: number | null, now: number): Promise<void>;
  /** Hands a running job back without counting the attempt (graceful shutdown). */
  release(id: string, workerId: string, now: number): Promise<void>;
  get(id: string): Promise<Job | null>;
  /** The newest jobs about a recording, newest first. */
  forRecording(accountId: string, recordingId: string, limit: number): Promise<Job[]>;
  /** How many jobs are queued or running per kind (for status and tests). */
  counts(): Promise<Record<string, { queued: number; running: number; parked: number }>>;
  /** Removes finished jobs older than `before`; returns how many. */
  purgeDone(before: number): Promise<number>;
}
