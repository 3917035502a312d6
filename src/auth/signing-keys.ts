import { randomBytes } from 'node:crypto';
import type { KeyRing } from '../blobs/index.js';
import type { MetadataStore } from '../store/port.js';
import type { SigningKey } from './tokens.js';
import { newId } from './secrets.js';

/**
 * Token signing secrets live in the metadata store, wrapped by the master key, so every API
 * process of a deployment verifies every other's tokens. Every process reloads the set every
 * few seconds. A new key only starts signing once it is older than `activationDelayMs` — by
 * then every process has loaded it and can verify what it signs. Removing old keys (rotation
 * after a leak) makes the tokens they signed invalid everywhere within the reload interval.
 */
export class SigningKeys {
  private byKid = new Map<string, SigningKey>();
  private stored: Array<{ kid: string; createdAt: number }> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: MetadataStore,
    private readonly ring: KeyRing,
    private readonly opts: { refreshMs?: number; activationDelayMs?: number } = {},
  ) {}

  private get activationDelayMs(): number {
    return this.opts.activationDelayMs ?? 2 * (this.opts.refreshMs ?? 5000);
  }

  async load(): Promise<void> {
    let stored = await this.store.listSigningKeys();
    if (stored.length === 0) {
      // The first key signs at once (current() falls back to the oldest key): nobody else has tokens yet.
      await this.store.addSigningKey({ kid: newId('sk', 8), ...this.ring.wrap(randomBytes(32)), createdAt: Date.now() });
      stored = await this.store.listSigningKeys();
    }
    const next = new Map<string, SigningKey>();
    for (const k of stored) next.set(k.kid, this.byKid.get(k.kid) ?? { kid: k.kid, key: this.ring.unwrap(k.wrappedKey, k.keyId) });
    this.byKid = next;
    this.stored = stored.map((k) => ({ kid: k.kid, createdAt: k.createdAt }));
  }

  /** Loads now and then every `refreshMs`. */
  async start(): Promise<void> {
    await this.load();
    this.timer = setInterval(() => { this.load().catch(() => undefined); }, this.opts.refreshMs ?? 5000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * Adds a fresh signing key (it signs after the activation delay). With `dropOlderThanMs`,
   * keys created that long before now are removed; tokens they signed stop working.
   */
  async rotate(opts: { dropOlderThanMs?: number } = {}): Promise<{ kid: string; activatesAt: number; dropped: string[] }> {
    const kid = newId('sk', 8);
    const now = Date.now();
    await this.store.addSigningKey({ kid, ...this.ring.wrap(randomBytes(32)), createdAt: now });
    const dropped: string[] = [];
    if (opts.dropOlderThanMs !== undefined) {
      for (const k of await this.store.listSigningKeys()) {
        if (k.kid !== kid && k.createdAt <= now - opts.dropOlderThanMs) {
          await this.store.removeSigningKey(k.kid);
          dropped.push(k.kid);
        }
      }
    }
    await this.load();
    return { kid, activatesAt: now + this.activationDelayMs, dropped };
  }

  /** The key that signs now: the newest one past its activation delay (or the oldest, if none is). */
  current(): SigningKey {
    const now = Date.now();
    let pick: { kid: string } | undefined;
    for (const k of this.stored) if (k.createdAt <= now - this.activationDelayMs || !pick) pick = k;
    const key = pick ? this.byKid.get(pick.kid) : undefined;
    if (!key) throw new Error('signing keys not loaded');
    return key;
  }

  list(): Array<{ kid: string; createdAt: number; signing: boolean }> {
    const signing = this.stored.length ? this.current().kid : undefined;
    return this.stored.map((k) => ({ ...k, signing: k.kid === signing }));
  }

  find = (kid: string): SigningKey | undefined => this.byKid.get(kid);
}
