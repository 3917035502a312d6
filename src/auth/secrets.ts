import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Passwords and client secrets are kept only as scrypt hashes (memory-hard), in a
 * self-describing string: scrypt$N$r$p$salt$hash (base64url), so parameters can be raised
 * later without breaking old hashes.
 */
const N = 16384, R = 8, P = 1, KEYLEN = 32;

// scrypt runs on libuv's thread pool, which file I/O shares: at most two at a time, so a
// flood of logins can slow logins down but never stall media streaming.
const MAX_CONCURRENT = 2;
let running = 0;
const waiting: Array<() => void> = [];

async function derive(secret: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await new Promise((resolve, reject) => {
      scrypt(secret, salt, KEYLEN, { ...opts, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
    });
  } finally {
    running--;
    waiting.shift()?.();
  }
}

export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, { N, r: R, p: P });
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * A lookup key for a password-equivalent hash some clients send instead of a password (Kazoo's
 * md5 or sha1 of "username:password"): scrypt with a salt fixed per account, so the same hash
 * finds its user by equality while nothing stored can be replayed or cheaply reversed.
 */
export async function credentialKey(hashHex: string, accountId: string): Promise<string> {
  const key = await derive(hashHex.trim().toLowerCase(), Buffer.from(`callvault-credentials:${accountId}`), { N, r: R, p: P });
  return key.toString('base64url');
}

/** The lookup keys of the md5 and sha1 of "username:password" that Kazoo clients sign in with. */
export async function passwordEquivalentKeys(username: string, password: string, accountId: string): Promise<string[]> {
  const text = `${username}:${password}`;
  return Promise.all(['md5', 'sha1'].map((alg) => credentialKey(createHash(alg).update(text).digest('hex'), accountId)));
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const expected = Buffer.from(parts[5]!, 'base64url');
  const key = await derive(secret, Buffer.from(parts[4]!, 'base64url'), { N: n, r, p });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A random identifier with a readable prefix, e.g. rec_5k3j… (base32, 100 bits). */
export function newId(prefix: string, bytes = 13): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const buf = randomBytes(bytes);
  let out = '';
  let bits = 0, value = 0;
  for (const b of buf) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return `${prefix}_${out}`;
}

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}
