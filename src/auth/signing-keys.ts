import { randomBytes } from 'node:crypto';
import type { KeyRing } from '../blobs/index.js';
import type { MetadataStore } from '../store/port.js';
import type { SigningKey } from './tokens.js';
import { newId } from './secrets.js';

/**
 * Token signing secrets live in the metadata store, wrapped by the master key, so every API
 * process of a deployment verifies every other's tokens. The newest key signs; all verify.
 */
export class SigningKeys {
  private byKid = new Map<string, SigningKey>();
  private newest: SigningKey | undefined;

  constructor(private readonly store: MetadataStore, private readonly ring: KeyRing) {}

  async load(): Promise<void> {
    let stored = await this.store.listSigningKeys();
    if (stored.length === 0) {
      await this.rotate();
      stored = await this.store.listSigningKeys();
    }
    this.byKid = new Map(stored.map((k) => [k.kid, { kid: k.kid, key: this.ring.unwrap(k.wrappedKey, k.keyId) }]));
    this.newest = this.byKid.get(stored[stored.length - 1]!.kid);
  }

  /** Adds a fresh signing key; tokens signed with older keys stay valid until they expire. */
  async rotate(): Promise<string> {
    const secret = randomBytes(32);
    const kid = newId('sk', 8);
    await this.store.addSigningKey({ kid, ...this.ring.wrap(secret), createdAt: Date.now() });
    this.byKid.set(kid, { kid, key: secret });
    this.newest = { kid, key: secret };
    return kid;
  }

  current(): SigningKey {
    if (!this.newest) throw new Error('signing keys not loaded');
    return this.newest;
  }

  find = (kid: string): SigningKey | undefined => this.byKid.get(kid);
}
