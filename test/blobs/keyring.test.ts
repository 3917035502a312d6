import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ErrorCode } from '../../src/core/errors.js';
import { KeyRing } from '../../src/blobs/keyring.js';
import { hasCode } from '../conformance/blob-store.js';

const base = mkdtempSync(join(tmpdir(), 'callvault-keyring-'));
after(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const newDir = () => join(base, `k${n++}`);

void describe('KeyRing', () => {
  void it('names a key by the first 16 hex characters of its SHA-256', () => {
    const key = randomBytes(32);
    const ring = KeyRing.fromBase64(key.toString('base64'));
    assert.equal(ring.currentId, createHash('sha256').update(key).digest('hex').slice(0, 16));
    assert.equal(KeyRing.keyIdOf(key), ring.currentId);
  });

  void it('rejects a master key that is not 32 bytes of base64', () => {
    for (const bad of ['', 'not base64!', randomBytes(16).toString('base64'), randomBytes(33).toString('base64')]) {
      assert.throws(() => KeyRing.fromBase64(bad), hasCode(ErrorCode.INTERNAL_SERVER_ERROR), bad);
    }
    assert.doesNotThrow(() => KeyRing.fromBase64(`${randomBytes(32).toString('base64')}\n`));
  });

  void it('wraps a data key as base64 of nonce, ciphertext and tag, and unwraps it', () => {
    const ring = KeyRing.generate();
    const dataKey = randomBytes(32);
    const a = ring.wrap(dataKey);
    const b = ring.wrap(dataKey);
    assert.equal(a.keyId, ring.currentId);
    assert.equal(Buffer.from(a.wrappedKey, 'base64').length, 12 + 32 + 16);
    assert.notEqual(a.wrappedKey, b.wrappedKey, 'a fresh nonce every time');
    assert.ok(!Buffer.from(a.wrappedKey, 'base64').includes(dataKey));
    assert.ok(ring.unwrap(a.wrappedKey, a.keyId).equals(dataKey));
    assert.ok(ring.unwrap(b.wrappedKey, b.keyId).equals(dataKey));
  });

  void it('refuses to unwrap with an unknown key id or a tampered wrapped key', () => {
    const ring = KeyRing.generate();
    const w = ring.wrap(randomBytes(32));
    assert.throws(() => ring.unwrap(w.wrappedKey, '0123456789abcdef'), (e: unknown) => {
      return hasCode(ErrorCode.INTERNAL_SERVER_ERROR)(e) && /0123456789abcdef/.test((e as Error).message);
    });
    const raw = Buffer.from(w.wrappedKey, 'base64');
    raw[20]! ^= 1;
    assert.throws(() => ring.unwrap(raw.toString('base64'), w.keyId), hasCode(ErrorCode.INTERNAL_SERVER_ERROR));
    assert.throws(() => ring.unwrap('c2hvcnQ=', w.keyId), hasCode(ErrorCode.INTERNAL_SERVER_ERROR));
    assert.throws(() => KeyRing.generate().unwrap(w.wrappedKey, w.keyId), hasCode(ErrorCode.INTERNAL_SERVER_ERROR));
  });

  void it('creates a keyring file with mode 0600 once, then loads the same key from it', async () => {
    const file = join(newDir(), 'keys', 'keyring.json');
    const first = await KeyRing.loadOrCreate(file);
    assert.equal(first.created, true);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { current: string; keys: Record<string, string> };
    assert.equal(doc.current, first.ring.currentId);
    assert.deepEqual(Object.keys(doc.keys), [first.ring.currentId]);
    assert.equal(Buffer.from(doc.keys[doc.current]!, 'base64').length, 32);

    const second = await KeyRing.loadOrCreate(file);
    assert.equal(second.created, false);
    assert.equal(second.ring.currentId, first.ring.currentId);
    const w = first.ring.wrap(randomBytes(32));
    assert.ok(second.ring.unwrap(w.wrappedKey, w.keyId).equals(first.ring.unwrap(w.wrappedKey, w.keyId)));
    assert.deepEqual(readdirSync(join(file, '..')), ['keyring.json'], 'no temp files left');
  });

  void it('creates only one key when two callers race to create the file', async () => {
    const file = join(newDir(), 'keyring.json');
    const results = await Promise.all([KeyRing.loadOrCreate(file), KeyRing.loadOrCreate(file), KeyRing.loadOrCreate(file)]);
    assert.equal(results.filter((r) => r.created).length, 1);
    assert.equal(new Set(results.map((r) => r.ring.currentId)).size, 1);
  });

  void it('rotates to a new current key, persists it and keeps the old one for unwrapping', async () => {
    const file = join(newDir(), 'keyring.json');
    const { ring } = await KeyRing.loadOrCreate(file);
    const oldId = ring.currentId;
    const old = ring.wrap(randomBytes(32));
    const newId = await ring.rotate();
    assert.equal(ring.currentId, newId);
    assert.equal(ring.wrap(randomBytes(32)).keyId, newId);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const reloaded = await KeyRing.load(file);
    assert.equal(reloaded.currentId, newId);
    assert.deepEqual(reloaded.ids().sort(), [oldId, newId].sort());
    assert.equal(reloaded.unwrap(old.wrappedKey, old.keyId).length, 32);
  });

  void it('picks up a key rotated in by another process when asked to unwrap with it', async () => {
    const file = join(newDir(), 'keyring.json');
    const { ring: mine } = await KeyRing.loadOrCreate(file);
    const theirs = await KeyRing.load(file);
    await theirs.rotate();
    const w = theirs.wrap(randomBytes(32));
    assert.equal(mine.has(w.keyId), false);
    assert.equal(mine.unwrap(w.wrappedKey, w.keyId).length, 32);
  });

  void it('retires an old key but never the current one', async () => {
    const file = join(newDir(), 'keyring.json');
    const { ring } = await KeyRing.loadOrCreate(file);
    const oldId = ring.currentId;
    await ring.rotate();
    await assert.rejects(ring.retire(ring.currentId), hasCode(ErrorCode.INTERNAL_SERVER_ERROR));
    await ring.retire(oldId);
    assert.deepEqual(ring.ids(), [ring.currentId]);
    assert.deepEqual((await KeyRing.load(file)).ids(), [ring.currentId]);
  });

  void it('refuses a keyring file that is malformed or does not match its ids', async () => {
    const dir = newDir();
    const { ring } = await KeyRing.loadOrCreate(join(dir, 'good.json'));
    const good = JSON.parse(readFileSync(join(dir, 'good.json'), 'utf8')) as { current: string; keys: Record<string, string> };
    const cases: Record<string, string> = {
      'not json': '{',
      'no keys': JSON.stringify({ current: ring.currentId }),
      'unknown current': JSON.stringify({ current: 'ffffffffffffffff', keys: good.keys }),
      'id mismatch': JSON.stringify({ current: 'ffffffffffffffff', keys: { ffffffffffffffff: good.keys[ring.currentId] } }),
      'short key': JSON.stringify({ current: ring.currentId, keys: { [ring.currentId]: 'AAAA' } }),
    };
    for (const [label, text] of Object.entries(cases)) {
      const file = join(dir, `${label.replace(/ /g, '-')}.json`);
      writeFileSync(file, text);
      await assert.rejects(KeyRing.load(file), hasCode(ErrorCode.INTERNAL_SERVER_ERROR), label);
      await assert.rejects(KeyRing.loadOrCreate(file), hasCode(ErrorCode.INTERNAL_SERVER_ERROR), label);
    }
  });
});
