import { VaultError } from '../core/errors.js';
import { backoffMs, DEFAULT_POLICY, PermanentJobError, type Job, type JobKind, type JobPolicy, type NewJob } from './model.js';
import type { JobStore } from './port.js';

export interface JobContext {
  signal: AbortSignal;
}

export interface JobHandler<K extends JobKind> {
  run(job: Job<K>, ctx: JobContext): Promise<void>;
  /** Called once when the job is given up (parked): record the failure where users see it. */
  parked?(job: Job<K>, error: string): Promise<void>;
  /** Jobs of this kind run at once in this process (speech engines are CPU-bound: keep it low). */
  concurrency?: number;
}

export type JobHandlers = { [K in JobKind]?: JobHandler<K> };

/** Errors retrying cannot cure: the job is parked at once with the error text. */
function isPermanent(err: unknown): boolean {
  if (err instanceof PermanentJobError) return true;
  return err instanceof VaultError && (err.code === 'UNPROCESSABLE' || err.code === 'ENGINE_UNAVAILABLE'
    || err.code === 'RESOURCE_NOT_FOUND' || err.code === 'INVALID_REQUEST');
}

function messageOf(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  return m.length > 2000 ? `${m.slice(0, 2000)}…` : m;
}

/**
 * The queue as producers see it: enqueue with the kind's policy, and wake this process's
 * runner so a job added here starts without waiting for the next poll.
 */
export class JobQueue {
  private readonly listeners = new Set<() => void>();
  constructor(readonly store: JobStore, private readonly policies: Partial<Record<JobKind, Partial<JobPolicy>>> = {}) {}

  policyOf(kind: JobKind): JobPolicy {
    return { ...DEFAULT_POLICY, ...this.policies[kind] };
  }

  async enqueue<K extends JobKind>(job: NewJob<K>): Promise<string> {
    const id = await this.store.enqueue({ ...job, maxAttempts: this.policyOf(job.kind).maxAttempts }, Date.now());
    for (const l of this.listeners) l();
    return id;
  }

  onEnqueue(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export interface RunnerOptions {
  workerId: string;
  pollMs?: number;
  /** Told about every parked job (system activity log). */
  onParked?: (job: Job, error: string) => void;
  onError?: (err: unknown) => void;
}

/**
 * Runs jobs from the queue in this process: per kind up to `concurrency` at once, each with a
 * lease renewed while it runs. A failure is retried after a backoff; a permanent failure or the
 * last attempt parks the job with its error, and the handler's `parked` records it for users.
 * A job claimed past its attempts (its worker died during the last one) is parked unrun.
 */
export class JobRunner {
  private readonly running = new Map<string, { kind: JobKind; abort: AbortController; done: Promise<void> }>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private ticking = false;
  private again = false;
  private unlisten: (() => void) | undefined;

  constructor(private readonly queue: JobQueue, private readonly handlers: JobHandlers, private readonly opts: RunnerOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.unlisten = this.queue.onEnqueue(() => this.tick());
    this.tick();
  }

  /** Stops claiming, aborts running jobs and hands them back uncounted. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unlisten?.();
    if (this.timer) clearTimeout(this.timer);
    for (const r of this.running.values()) r.abort.abort(new Error('the server is stopping'));
    await Promise.all([...this.running.values()].map((r) => r.done));
  }

  /** Resolves when nothing is running and nothing of the handled kinds is due (tests, shutdown). */
  async idle(timeoutMs = 60_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const counts = await this.queue.store.counts();
      const pending = Object.entries(counts).some(([k, c]) => k in this.handlers && (c.queued > 0 || c.running > 0));
      if (!pending && this.running.size === 0) return;
      if (Date.now() > end) throw new Error('jobs did not finish in time');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  private tick(): void {
    if (this.stopped) return;
    if (this.ticking) { this.again = true; return; }
    this.ticking = true;
    if (this.timer) clearTimeout(this.timer);
    this.fill().catch((err: unknown) => this.opts.onError?.(err)).finally(() => {
      this.ticking = false;
      if (this.stopped) return;
      if (this.again) { this.again = false; this.tick(); return; }
      this.timer = setTimeout(() => this.tick(), this.opts.pollMs ?? 1000);
      this.timer.unref();
    });
  }

  private freeKinds(): JobKind[] {
    const busy = new Map<JobKind, number>();
    for (const r of this.running.values()) busy.set(r.kind, (busy.get(r.kind) ?? 0) + 1);
    return (Object.keys(this.handlers) as JobKind[]).filter((k) => (busy.get(k) ?? 0) < (this.handlers[k]?.concurrency ?? 1));
  }

  private async fill(): Promise<void> {
    for (;;) {
      const kinds = this.freeKinds();
      if (kinds.length === 0 || this.stopped) return;
      const lease = Math.max(...kinds.map((k) => this.queue.policyOf(k).leaseMs));
      const job = await this.queue.store.claim(this.opts.workerId, kinds, Date.now(), lease);
      if (!job) return;
      const abort = new AbortController();
      const done = this.execute(job, abort).finally(() => { this.running.delete(job.id); this.tick(); });
      this.running.set(job.id, { kind: job.kind, abort, done });
    }
  }

  private async execute(job: Job, abort: AbortController): Promise<void> {
    const store = this.queue.store;
    const policy = this.queue.policyOf(job.kind);
    const handler = this.handlers[job.kind] as JobHandler<JobKind> | undefined;
    if (!handler) return;
    if (job.attempts > job.maxAttempts) {
      const error = job.lastError ?? `its worker stopped during attempt ${job.maxAttempts} of ${job.maxAttempts}`;
      await this.park(job, handler, `gave up: ${error}`);
      return;
    }
    const renew = setInterval(() => {
      store.renew(job.id, this.opts.workerId, Date.now() + policy.leaseMs).then((mine) => {
        if (!mine) abort.abort(new Error('lease lost'));
      }, (err: unknown) => this.opts.onError?.(err));
    }, Math.max(1000, policy.leaseMs / 3));
    renew.unref();
    try {
      await handler.run(job, { signal: abort.signal });
      await store.complete(job.id, this.opts.workerId, Date.now());
    } catch (err) {
      if (this.stopped && abort.signal.aborted) {
        await store.release(job.id, this.opts.workerId, Date.now());
        return;
      }
      const error = messageOf(err);
      if (isPermanent(err) || job.attempts >= job.maxAttempts) {
        await this.park(job, handler, error);
      } else {
        await store.fail(job.id, this.opts.workerId, error, Date.now() + backoffMs(policy, job.attempts), Date.now());
      }
    } finally {
      clearInterval(renew);
    }
  }

  private async park(job: Job, handler: JobHandler<JobKind>, error: string): Promise<void> {
    await this.queue.store.fail(job.id, this.opts.workerId, error, null, Date.now());
    try {
      await handler.parked?.(job, error);
    } catch (err) {
      this.opts.onError?.(err);
    }
    this.opts.onParked?.(job, error);
  }
}
