import type { LogBatch, PendingAudit } from '../store/logs-write.js';
import type { ApiActivityInput, SystemEventInput } from './model.js';

export interface WriterOptions {
  /** A batch is written at most this long after its first entry arrived. */
  intervalMs: number;
  /** …or as soon as this many entries wait. Also the most of each kind written per transaction. */
  batchSize: number;
  /** Buffer bounds while the database cannot be written: past them the oldest entries are dropped. */
  maxActivity: number;
  maxAudit: number;
  maxSystem: number;
}

export interface WriterEvents {
  /** Writing failed (first failure after a success). */
  failing(err: Error): void;
  /** A write succeeded after failures; `dropped` counts what was lost meanwhile. */
  recovered(dropped: Dropped): void;
  /** The first entry was dropped since the last recovery. */
  dropping(kind: keyof Dropped): void;
}

export interface Dropped { activity: number; audit: number; system: number }

/**
 * Buffers log entries in memory and writes them in batches, one transaction each, off the
 * request path. Batches are written strictly one after another, so audit entries are chained
 * in the order they were recorded. If the database cannot be written, entries stay buffered
 * (bounded; the oldest go first, counted) and writing is retried with backoff.
 */
export class LogWriter {
  private audit: PendingAudit[] = [];
  private activity: ApiActivityInput[] = [];
  private system: SystemEventInput[] = [];
  private timer: NodeJS.Timeout | null = null;
  private queue: Promise<void> = Promise.resolve();
  private failures = 0;
  private dropped: Dropped = { activity: 0, audit: 0, system: 0 };

  constructor(
    private readonly write: (batch: LogBatch) => Promise<void>,
    private readonly opts: WriterOptions,
    private readonly events: WriterEvents,
  ) {}

  get pending(): number {
    return this.audit.length + this.activity.length + this.system.length;
  }

  get droppedSoFar(): Dropped {
    return { ...this.dropped };
  }

  addAudit(e: PendingAudit): void {
    this.push(this.audit, e, this.opts.maxAudit, 'audit');
  }

  addActivity(e: ApiActivityInput): void {
    this.push(this.activity, e, this.opts.maxActivity, 'activity');
  }

  addSystem(e: SystemEventInput): void {
    this.push(this.system, e, this.opts.maxSystem, 'system');
  }

  private push<T>(buf: T[], e: T, max: number, kind: keyof Dropped): void {
    buf.push(e);
    if (buf.length > max) {
      buf.shift();
      if (this.dropped.activity + this.dropped.audit + this.dropped.system === 0) this.events.dropping(kind);
      this.dropped[kind]++;
    }
    if (this.failures > 0) return; // the retry timer is already set
    if (this.pending >= this.opts.batchSize) void this.flush();
    else this.schedule(this.opts.intervalMs);
  }

  private schedule(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, ms);
    this.timer.unref();
  }

  /** Writes everything buffered so far (what arrives meanwhile is written too). Never rejects. */
  flush(): Promise<void> {
    this.queue = this.queue.then(() => this.drain());
    return this.queue;
  }

  private async drain(): Promise<void> {
    while (this.pending > 0) {
      const n = this.opts.batchSize;
      const batch: LogBatch = { audit: this.audit.splice(0, n), activity: this.activity.splice(0, n), system: this.system.splice(0, n) };
      try {
        await this.write(batch);
      } catch (err) {
        // Put the batch back in front, within the bounds, and retry later.
        this.audit = [...batch.audit, ...this.audit];
        this.activity = [...batch.activity, ...this.activity];
        this.system = [...batch.system, ...this.system];
        this.trim();
        if (this.failures++ === 0) this.events.failing(err as Error);
        if (this.timer) clearTimeout(this.timer);
        this.timer = null;
        this.schedule(Math.min(30_000, 250 * 2 ** Math.min(this.failures, 7)));
        return;
      }
      if (this.failures > 0) {
        this.failures = 0;
        const dropped = this.dropped;
        this.dropped = { activity: 0, audit: 0, system: 0 };
        this.events.recovered(dropped);
      }
    }
  }

  private trim(): void {
    const cut = <T>(buf: T[], max: number, kind: keyof Dropped): T[] => {
      if (buf.length <= max) return buf;
      this.dropped[kind] += buf.length - max;
      return buf.slice(buf.length - max);
    };
    this.audit = cut(this.audit, this.opts.maxAudit, 'audit');
    this.activity = cut(this.activity, this.opts.maxActivity, 'activity');
    this.system = cut(this.system, this.opts.maxSystem, 'system');
  }

  /** Writes what is left; entries that still cannot be written are reported, not hidden. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.failures = 0;
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending > 0) {
      process.stderr.write(`warning: ${this.pending} log entries could not be written before shutdown\n`);
    }
  }
}
