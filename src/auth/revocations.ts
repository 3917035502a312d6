import type { MetadataStore } from '../store/port.js';

/**
 * Revoked token ids, checked on every request from memory. The set is reloaded from the
 * database every few seconds, so a logout made through another server process takes effect
 * everywhere within `refreshMs`; in this process it takes effect at once.
 */
export class Revocations {
  private ids = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly store: MetadataStore, private readonly refreshMs = 5000) {}

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => { this.refresh().catch(() => undefined); }, this.refreshMs);
    this.timer.unref();
  }

  async refresh(): Promise<void> {
    this.ids = new Set(await this.store.activeRevocations(Date.now()));
  }

  has(jti: string): boolean {
    return this.ids.has(jti);
  }

  async revoke(jti: string, accountId: string, expiresAt: number): Promise<void> {
    await this.store.revokeToken(jti, accountId, expiresAt);
    this.ids.add(jti);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
