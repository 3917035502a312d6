import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { KEY_BYTES, decodeKey, keyError, keyIdOf, parseKeyringFile, serializeKeyring, writeKeyringFile } from './keyring-file.js';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Domain separation: a wrapped data key cannot be mistaken for any other GCM message. */
const WRAP_AAD = Buffer.from('callvault/data-key/v1', 'ascii');

export interface WrappedKey {
  wrappedKey: string;
  keyId: string;
}

/**
 * Master keys (key-encryption keys) by id, one of them current. Data keys are wrapped with
 * the current key and unwrapped with whichever key wrapped them, so rotation only adds a key
 * and re-wraps data keys; media is never re-encrypted.
 *
 * A ring loaded from a file persists rotations to it. A ring from `fromBase64`/`generate`
 * lives in memory only: rotating it loses the new key at exit, so only rotate file rings in
 * production.
 */
export class KeyRing {
  /** The keyring file backing this ring, if any. */
  readonly file: string | undefined;
  private readonly keys: Map<string, Buffer>;
  private current: string;
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(keys: Map<string, Buffer>, current: string, file: string | undefined) {
    this.keys = keys;
    this.current = current;
    this.file = file;
  }

  /** First 16 hex characters of SHA-256 of the key bytes. */
  static keyIdOf(key: Buffer): string {
    return keyIdOf(key);
  }

  /** A ring with one fresh random key, in memory only. */
  static generate(): KeyRing {
    const key = randomBytes(KEY_BYTES);
    const id = KeyRing.keyIdOf(key);
    return new KeyRing(new Map([[id, key]]), id, undefined);
  }

  /** A ring with one key given as base64 (e.g. CALLVAULT_MASTER_KEY), in memory only. */
  static fromBase64(encoded: string): KeyRing {
    const key = decodeKey(encoded.trim(), 'the master key');
    const id = KeyRing.keyIdOf(key);
    return new KeyRing(new Map([[id, key]]), id, undefined);
  }

  /** Loads a keyring file; fails if it is absent or malformed. */
  static async load(file: string): Promise<KeyRing> {
    const { keys, current } = parseKeyringFile(await readFile(file, 'utf8'), file);
    return new KeyRing(keys, current, file);
  }

  /** Loads a keyring file, or creates it with one random key when it does not exist. */
  static async loadOrCreate(file: string): Promise<{ ring: KeyRing; created: boolean }> {
    try {
      return { ring: await KeyRing.load(file), created: false };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const fresh = KeyRing.generate();
    const ring = new KeyRing(fresh.keys, fresh.current, file);
    // Create-if-absent: two processes booting at once must not each write their own key.
    if (await writeKeyringFile(file, ring.serialize(), true)) return { ring, created: true };
    return { ring: await KeyRing.load(file), created: false };
  }

  get currentId(): string {
    return this.current;
  }

  ids(): string[] {
    return [...this.keys.keys()];
  }

  has(keyId: string): boolean {
    return this.keys.has(keyId);
  }

  /** Adds a fresh key, makes it current and persists the ring (when file-backed); returns its id. */
  rotate(): Promise<string> {
    return this.serialized(async () => {
      await this.mergeFromFile();
      const key = randomBytes(KEY_BYTES);
      const id = KeyRing.keyIdOf(key);
      this.keys.set(id, key);
      const previous = this.current;
      this.current = id;
      try {
        await this.persist();
      } catch (e) {
        this.current = previous;
        this.keys.delete(id);
        throw e;
      }
      return id;
    });
  }

  /** Drops a non-current key once nothing is wrapped with it any more (see SealedBlobs.rewrap). */
  retire(keyId: string): Promise<void> {
    return this.serialized(async () => {
      await this.mergeFromFile();
      if (keyId === this.current) throw keyError(`Cannot retire master key ${keyId}: it is the current key`);
      const key = this.keys.get(keyId);
      if (key === undefined) return;
      this.keys.delete(keyId);
      try {
        await this.persist();
      } catch (e) {
        this.keys.set(keyId, key);
        throw e;
      }
    });
  }

  /** Encrypts a data key with the current master key (AES-256-GCM, base64 of nonce|ciphertext|tag). */
  wrap(dataKey: Buffer): WrappedKey {
    if (dataKey.length !== KEY_BYTES) throw keyError(`A data key must be ${KEY_BYTES} bytes, got ${dataKey.length}`);
    const master = this.keys.get(this.current) as Buffer;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', master, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(WRAP_AAD);
    const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return { wrappedKey: Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64'), keyId: this.current };
  }

  unwrap(wrappedKey: string, keyId: string): Buffer {
    let master = this.keys.get(keyId);
    if (master === undefined && this.file !== undefined) {
      // Another process sharing the file may have rotated since we loaded it.
      this.mergeFromFileSync();
      master = this.keys.get(keyId);
    }
    if (master === undefined) {
      throw keyError(`Cannot unwrap data key: master key ${keyId} is not in the keyring (was it retired or never loaded?)`);
    }
    const raw = Buffer.from(wrappedKey, 'base64');
    if (raw.length !== NONCE_BYTES + KEY_BYTES + TAG_BYTES) {
      throw keyError(`Cannot unwrap data key: wrapped key has ${raw.length} bytes, expected ${NONCE_BYTES + KEY_BYTES + TAG_BYTES}`);
    }
    const decipher = createDecipheriv('aes-256-gcm', master, raw.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(WRAP_AAD);
    decipher.setAuthTag(raw.subarray(NONCE_BYTES + KEY_BYTES));
    try {
      return Buffer.concat([decipher.update(raw.subarray(NONCE_BYTES, NONCE_BYTES + KEY_BYTES)), decipher.final()]);
    } catch (e) {
      throw keyError(`Cannot unwrap data key with master key ${keyId}: authentication failed (wrong key or corrupted wrapped key)`, e);
    }
  }

  private serialize(): string {
    return serializeKeyring(this.keys, this.current);
  }

  private async persist(): Promise<void> {
    if (this.file !== undefined) await writeKeyringFile(this.file, this.serialize(), false);
  }

  private async mergeFromFile(): Promise<void> {
    if (this.file === undefined) return;
    try {
      this.merge(parseKeyringFile(await readFile(this.file, 'utf8'), this.file));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }

  private mergeFromFileSync(): void {
    try {
      this.merge(parseKeyringFile(readFileSync(this.file as string, 'utf8'), this.file as string));
    } catch {
      // unreadable now: the caller reports the missing key
    }
  }

  /** Adds keys found on disk; never changes the current key or drops one held in memory. */
  private merge(other: { keys: Map<string, Buffer> }): void {
    for (const [id, key] of other.keys) if (!this.keys.has(id)) this.keys.set(id, key);
  }

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = this.writes.then(task, task);
    this.writes = run.catch(() => undefined);
    return run;
  }
}
