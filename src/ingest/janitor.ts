import { hostname } from 'node:os';
import type { BlobStore } from '../blobs/index.js';
import type { MetadataStore, NodeInfo } from '../store/port.js';
import type { MediaIntake } from './intake.js';

/**
 * Cleans up after server processes that died mid-upload, without touching the uploads of
 * processes that still run (several may share one database and blob store). Every process
 * registers itself with a heartbeat; a process is gone when its heartbeat is stale, or — on
 * this same host — when its pid no longer exists (so a restart after a crash cleans at once).
 */
export class Janitor {
  private timer: NodeJS.Timeout | undefined;
  private readonly host = hostname();

  constructor(
    private readonly store: MetadataStore,
    private readonly blobs: BlobStore,
    private readonly intake: MediaIntake,
    readonly nodeId: string,
    private readonly opts: { heartbeatMs: number; deadAfterMs: number } = { heartbeatMs: 15_000, deadAfterMs: 90_000 },
  ) {}

  isLive(n: NodeInfo, now = Date.now()): boolean {
    if (n.id === this.nodeId) return true;
    if (now - n.seenAt > this.opts.deadAfterMs) return false;
    if (n.host !== this.host) return true;
    try {
      process.kill(n.pid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }

  /** Registers this process, sweeps once, then keeps a heartbeat (and sweeps) in the background. */
  async start(): Promise<number> {
    await this.beat();
    const swept = await this.sweep();
    this.timer = setInterval(() => {
      this.beat().then(() => this.sweep()).catch(() => undefined);
    }, this.opts.heartbeatMs);
    this.timer.unref();
    return swept;
  }

  private beat(): Promise<void> {
    const now = Date.now();
    return this.store.upsertNode({ id: this.nodeId, host: this.host, pid: process.pid, startedAt: now, seenAt: now });
  }

  /** Removes pending media and temp files of dead processes; returns how many objects went. */
  async sweep(): Promise<number> {
    const now = Date.now();
    const nodes = await this.store.listNodes();
    const live = new Set(nodes.filter((n) => this.isLive(n, now)).map((n) => n.id));
    const orphans = (await this.store.listPendingBlobs()).filter((p) => !live.has(p.nodeId)).map((p) => p.blobKey);
    await this.intake.discard(orphans);
    for (const n of nodes) if (!live.has(n.id)) await this.store.removeNode(n.id);
    return orphans.length + (await this.blobs.sweepInterrupted((w) => live.has(w)));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.store.removeNode(this.nodeId);
  }
}
