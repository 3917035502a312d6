import { Worker } from 'node:worker_threads';
import type { LogBatch } from './logs-write.js';

const encoder = new TextEncoder();

/**
 * Writes log batches to a SQLite file from a worker thread with its own connection: the
 * inserts, the hashing and the commit (most of what logging a request costs) run off the
 * request thread, with prepared statements. SQLite serialises the two connections' writes;
 * the worker takes the write lock before reading a chain head, so appends still never fork.
 * A worker that dies is replaced on the next batch (the failed batch is retried by LogWriter).
 */
export class SqliteLogSink {
  private worker: Worker | null = null;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private nextId = 0;

  constructor(private readonly path: string) {}

  private start(): Worker {
    const w = new Worker(new URL('./logs-sqlite-worker.js', import.meta.url), { workerData: { path: this.path } });
    w.unref();
    w.on('message', (m: { id: number; error?: string }) => {
      const p = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (this.waiting.size === 0) w.unref();
      if (m.error === undefined) p?.resolve();
      else p?.reject(new Error(m.error));
    });
    const fail = (err: Error) => {
      if (this.worker === w) this.worker = null;
      for (const p of this.waiting.values()) p.reject(err);
      this.waiting.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`the log writer thread exited (${code})`)));
    return w;
  }

  write(batch: LogBatch): Promise<void> {
    this.worker ??= this.start();
    const id = ++this.nextId;
    const done = new Promise<void>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    // Idle, the thread must not keep the process alive; with a batch in flight it must (shutdown waits for it).
    this.worker.ref();
    // As UTF-8 bytes whose buffer is handed over (not copied): far cheaper than cloning many objects or a long string.
    const bytes = encoder.encode(JSON.stringify(batch));
    this.worker.postMessage({ id, batch: bytes }, [bytes.buffer]);
    return done;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}
