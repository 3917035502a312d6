import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ErrorCode, VaultError } from '../core/errors.js';

// The keyring file: {"current":"<id>","keys":{"<id>":"<base64 of 32 bytes>"}}, mode 0600.

export const KEY_BYTES = 32;
const BASE64_KEY = /^[A-Za-z0-9+/]{43}=?$/;

interface KeyringFile {
  current: string;
  keys: Record<string, string>;
}

export const keyError = (message: string, cause?: unknown) =>
  new VaultError(ErrorCode.INTERNAL_SERVER_ERROR, message, cause === undefined ? undefined : { cause });

/** First 16 hex characters of SHA-256 of the key bytes. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

export function serializeKeyring(keys: Map<string, Buffer>, current: string): string {
  const doc: KeyringFile = { current, keys: {} };
  for (const [id, key] of keys) doc.keys[id] = key.toString('base64');
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export function decodeKey(encoded: string, what: string): Buffer {
  if (!BASE64_KEY.test(encoded)) throw keyError(`${what} must be ${KEY_BYTES} bytes encoded as base64 (44 characters)`);
  return Buffer.from(encoded, 'base64');
}

export function parseKeyringFile(text: string, file: string): { keys: Map<string, Buffer>; current: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw keyError(`Keyring file ${file} is not valid JSON`, e);
  }
  const { current, keys } = (doc ?? {}) as Partial<KeyringFile>;
  if (typeof current !== 'string' || typeof keys !== 'object' || keys === null) {
    throw keyError(`Keyring file ${file} must look like {"current":"<id>","keys":{"<id>":"<base64>"}}`);
  }
  const map = new Map<string, Buffer>();
  for (const [id, encoded] of Object.entries(keys)) {
    const key = decodeKey(typeof encoded === 'string' ? encoded : '', `Key ${id} in ${file}`);
    if (keyIdOf(key) !== id) throw keyError(`Key ${id} in keyring file ${file} does not match its id (corrupted?)`);
    map.set(id, key);
  }
  if (!map.has(current)) throw keyError(`Keyring file ${file} names current key ${current}, which it does not contain`);
  return { keys: map, current };
}

/**
 * Writes the keyring atomically (temp file, fsync, then rename) with mode 0600. With
 * `exclusive`, the file is only created if absent (hard link) and false is returned if it exists.
 */
export async function writeKeyringFile(file: string, content: string, exclusive: boolean): Promise<boolean> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${basename(file)}.${randomBytes(8).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.chmod(0o600); // whatever the umask
      await fh.writeFile(content, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (!exclusive) {
      await rename(tmp, file);
    } else {
      try {
        await link(tmp, file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw e;
      }
    }
    await syncDir(dir);
    return true;
  } finally {
    await rm(tmp, { force: true }).catch(() => undefined);
  }
}

async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // some platforms cannot fsync a folder
  }
}
