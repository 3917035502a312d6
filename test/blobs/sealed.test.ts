import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ErrorCode } from '../../src/core/errors.js';
import { DiskBlobStore } from '../../src/blobs/disk.js';
import { KeyRing } from '../../src/blobs/keyring.js';
import type { BlobBody, BlobStore } from '../../src/blobs/port.js';
import { SealedBlobs, type SealedInfo } from '../../src/blobs/sealed.js';
import { failingAfter, hasCode, inPieces, readAll } from '../conformance/blob-store.js';

const base = mkdtempSync(join(tmpdir(), 'callvault-sealed-'));
after(() => rmSync(base, { recursive: true, force: true }));
let n = 0;

async function setup(chunkSize?: number) {
  const root = join(base, `s${n++}`);
  const store = new DiskBlobStore(root);
  await store.init();
  const ring = KeyRing.generate();
  const sealed = new SealedBlobs(store, ring, chunkSize === undefined ? {} : { chunkSize });
  return { root, store, ring, sealed };
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Small deterministic PRNG so a failing range can be reproduced. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function readRange(sealed: SealedBlobs, key: string, info: SealedInfo, start: number, end: number) {
  return readAll(await sealed.open(key, info, { start, end }));
}

void describe('SealedBlobs', () => {
  void it('round-trips objects of every size around the chunk boundaries', async () => {
    const { sealed, store, ring } = await setup();
    const cs = sealed.chunkSize;
    assert.equal(cs, 64 * 1024);
    for (const size of [0, 1, cs - 1, cs, cs + 1, 3 * cs + 5, 3 * 1024 * 1024 + 17]) {
      const data = randomBytes(size);
      const key = `media/a/r/size-${size}`;
      const info = await sealed.seal(key, inPieces(data, 7777));
      const chunks = Math.max(1, Math.ceil(size / cs));
      assert.equal(info.size, size);
      assert.equal(info.sha256, sha(data));
      assert.equal(info.chunkSize, cs);
      assert.equal(info.keyId, ring.currentId);
      assert.equal(info.storedSize, 9 + size + 16 * chunks, `stored size for ${size}`);
      assert.deepEqual(await store.head(key), { size: info.storedSize });
      assert.ok((await readAll(await sealed.open(key, info))).equals(data), `round trip of ${size} bytes`);
    }
  });

  void it('returns exactly the requested bytes for many random and boundary ranges', async () => {
    const { sealed } = await setup(4096);
    const data = randomBytes(1024 * 1024 + 333);
    const info = await sealed.seal('media/a/r/ranges', inPieces(data, 10_000));
    const random = prng(42);
    const ranges: Array<[number, number]> = [
      [0, 0],
      [data.length - 1, data.length - 1],
      [0, data.length - 1],
      [4095, 4096],
      [4096, 4096],
      [4095, 4095],
      [8191, 12288],
      [data.length - 333, data.length - 1],
    ];
    for (let i = 0; i < 300; i++) {
      const start = Math.floor(random() * data.length);
      const len = 1 + Math.floor(random() * (random() < 0.5 ? 100 : 50_000));
      ranges.push([start, Math.min(data.length - 1, start + len - 1)]);
    }
    for (const [start, end] of ranges) {
      const got = await readRange(sealed, 'media/a/r/ranges', info, start, end);
      assert.ok(got.equals(data.subarray(start, end + 1)), `range ${start}-${end}`);
    }
    // An end past the object is clamped, as HTTP does.
    const tail = await readRange(sealed, 'media/a/r/ranges', info, data.length - 10, data.length + 1000);
    assert.ok(tail.equals(data.subarray(data.length - 10)));
  });

  void it('rejects ranges that start past the end of the plaintext', async () => {
    const { sealed } = await setup();
    const info = await sealed.seal('k/ten', inPieces(randomBytes(10), 10));
    await assert.rejects(sealed.open('k/ten', info, { start: 10, end: 20 }), hasCode(ErrorCode.RANGE_NOT_SATISFIABLE));
    const empty = await sealed.seal('k/empty', inPieces(Buffer.alloc(0), 1));
    await assert.rejects(sealed.open('k/empty', empty, { start: 0, end: 0 }), hasCode(ErrorCode.RANGE_NOT_SATISFIABLE));
    assert.equal((await readAll(await sealed.open('k/empty', empty))).length, 0);
  });

  void it('stores a CVS1 header and never the plaintext itself', async () => {
    const { sealed, root } = await setup();
    const pattern = Buffer.from('CALLVAULT-PLAINTEXT-MARKER-32B!!');
    assert.equal(pattern.length, 32);
    const data = Buffer.concat(Array.from({ length: 10_000 }, () => pattern));
    const info = await sealed.seal('media/a/r/pattern', inPieces(data, 65_536));
    const stored = readFileSync(join(root, 'media/a/r/pattern'));
    assert.equal(stored.length, info.storedSize);
    assert.equal(stored.subarray(0, 4).toString('ascii'), 'CVS1');
    assert.equal(stored[4], 1);
    assert.equal(stored.readUInt32BE(5), 64 * 1024);
    assert.equal(stored.indexOf(pattern), -1);
    assert.equal(stored.indexOf(pattern.subarray(0, 16)), -1);
  });

  void it('fails to read when one stored byte is changed, without releasing that chunk', async () => {
    const { sealed, root } = await setup(1024);
    const data = randomBytes(10 * 1024);
    const info = await sealed.seal('k/tamper', inPieces(data, 999));
    const path = join(root, 'k/tamper');
    const stored = readFileSync(path);
    stored[9 + 2 * (1024 + 16) + 100]! ^= 0x01; // inside chunk 2's ciphertext
    writeFileSync(path, stored);

    const received: Buffer[] = [];
    const stream = await sealed.open('k/tamper', info);
    await assert.rejects(
      (async () => {
        for await (const chunk of stream as AsyncIterable<Buffer>) received.push(chunk);
      })(),
      hasCode(ErrorCode.INTERNAL_SERVER_ERROR),
    );
    // Whatever was released before the error is authentic plaintext from chunks 0 and 1 only.
    const got = Buffer.concat(received);
    assert.ok(got.length <= 2048, `released ${got.length} bytes, reaching into the tampered chunk`);
    assert.ok(got.equals(data.subarray(0, got.length)));
    await assert.rejects(readRange(sealed, 'k/tamper', info, 2100, 2200), hasCode(ErrorCode.INTERNAL_SERVER_ERROR));
    // Chunks other than the damaged one still read: damage stays local.
    assert.ok((await readRange(sealed, 'k/tamper', info, 5000, 6000)).equals(data.subarray(5000, 6001)));
  });

  void it('fails to read when a tag or the header is changed', async () => {
    const { sealed, root } = await setup(1024);
    const data = randomBytes(3000);
    const info = await sealed.seal('k/tag', inPieces(data, 3000));
    const path = join(root, 'k/tag');
    const original = readFileSync(path);
    for (const offset of [9 + 1024 + 5, 5, 0]) {
      const stored = Buffer.from(original);
      stored[offset]! ^= 0x80;
      writeFileSync(path, stored);
      await assert.rejects(readAll(await sealed.open('k/tag', info)), hasCode(ErrorCode.INTERNAL_SERVER_ERROR), `byte ${offset}`);
    }
  });

  void it('fails to read a truncated object, even when cut exactly at a chunk boundary', async () => {
    const { sealed, root } = await setup(1024);
    const data = randomBytes(4096 + 100);
    const path = join(root, 'k/trunc');
    for (const cut of [9 + 4 * 1040, 9 + 4 * 1040 + 50, 9 + 1040, 9, 4]) {
      const info = await sealed.seal('k/trunc', inPieces(data, 4096));
      truncateSync(path, cut);
      await assert.rejects(readAll(await sealed.open('k/trunc', info)), hasCode(ErrorCode.INTERNAL_SERVER_ERROR), `cut at ${cut}`);
      await assert.rejects(
        (async () => readRange(sealed, 'k/trunc', info, data.length - 5, data.length - 1))(),
        hasCode(ErrorCode.INTERNAL_SERVER_ERROR),
        `tail read after cut at ${cut}`,
      );
    }
    // Cutting the final chunk off a chunk-aligned object leaves a full chunk that was not sealed as final.
    const aligned = randomBytes(4096);
    const info = await sealed.seal('k/aligned', inPieces(aligned, 500));
    const alignedPath = join(root, 'k/aligned');
    const twoChunks = readFileSync(alignedPath).subarray(0, 9 + 3 * 1040);
    writeFileSync(alignedPath, twoChunks);
    await assert.rejects(readAll(await sealed.open('k/aligned', { ...info, size: 3072 })), hasCode(ErrorCode.INTERNAL_SERVER_ERROR));
  });

  void it('fails to read when chunks are swapped or bytes are appended', async () => {
    const { sealed, root } = await setup(1024);
    const data = randomBytes(3 * 1024);
    const info = await sealed.seal('k/order', inPieces(data, 1024));
    const path = join(root, 'k/order');
    const original = readFileSync(path);
    const rec = (i: number) => original.subarray(9 + i * 1040, 9 + (i + 1) * 1040);
    writeFileSync(path, Buffer.concat([original.subarray(0, 9), rec(1), rec(0), rec(2)]));
    await assert.rejects(readAll(await sealed.open('k/order', info)), hasCode(ErrorCode.INTERNAL_SERVER_ERROR));
    writeFileSync(path, Buffer.concat([original, Buffer.from('extra')]));
    await assert.rejects(readAll(await sealed.open('k/order', info)), hasCode(ErrorCode.INTERNAL_SERVER_ERROR));
  });

  void it('fails to read when the recorded plaintext size is wrong', async () => {
    const { sealed } = await setup(1024);
    const info = await sealed.seal('k/size', inPieces(randomBytes(2500), 100));
    await assert.rejects(readAll(await sealed.open('k/size', { ...info, size: 2499 })), hasCode(ErrorCode.INTERNAL_SERVER_ERROR));
    await assert.rejects(readAll(await sealed.open('k/size', { ...info, size: 2501 })), hasCode(ErrorCode.INTERNAL_SERVER_ERROR));
  });

  void it('enforces maxBytes with PAYLOAD_TOO_LARGE and stores nothing', async () => {
    const { sealed, store, root } = await setup();
    await assert.rejects(
      sealed.seal('k/big', inPieces(randomBytes(200_000), 8192), { maxBytes: 100_000 }),
      hasCode(ErrorCode.PAYLOAD_TOO_LARGE),
    );
    assert.equal(await store.head('k/big'), null);
    assert.deepEqual(readdirSync(join(root, '.tmp')), []);
    const exact = randomBytes(100_000);
    const info = await sealed.seal('k/exact', inPieces(exact, 8192), { maxBytes: 100_000 });
    assert.ok((await readAll(await sealed.open('k/exact', info))).equals(exact));
  });

  void it('stores nothing and passes the error on when the plaintext source fails', async () => {
    const { sealed, store } = await setup();
    const boom = new Error('upload interrupted');
    await assert.rejects(sealed.seal('k/fail', failingAfter(randomBytes(300_000), boom)), (e) => e === boom);
    assert.equal(await store.head('k/fail'), null);
  });

  void it('still opens an object after rotate() and rewrap(), even once the old key is retired', async () => {
    const root = join(base, `s${n++}`);
    const store = new DiskBlobStore(root);
    await store.init();
    const { ring } = await KeyRing.loadOrCreate(join(root, 'keyring.json'));
    const sealed = new SealedBlobs(store, ring);
    const data = randomBytes(150_000);
    const info = await sealed.seal('k/rot', inPieces(data, 4096));
    const before = readFileSync(join(root, 'k/rot'));
    const oldId = ring.currentId;
    const newId = await ring.rotate();
    assert.notEqual(newId, oldId);
    const rewrapped = sealed.rewrap(info);
    assert.equal(rewrapped.keyId, newId);
    assert.notEqual(rewrapped.wrappedKey, info.wrappedKey);
    assert.ok(readFileSync(join(root, 'k/rot')).equals(before), 'media bytes are untouched');
    await ring.retire(oldId);
    const reloaded = await KeyRing.load(join(root, 'keyring.json'));
    assert.deepEqual(reloaded.ids(), [newId]);
    const reader = new SealedBlobs(store, reloaded);
    assert.ok((await readAll(await reader.open('k/rot', { ...info, ...rewrapped }))).equals(data));
    await assert.rejects(reader.open('k/rot', info), hasCode(ErrorCode.INTERNAL_SERVER_ERROR));
  });

  void it('cannot open an object with a keyring that lacks its master key', async () => {
    const { sealed, store } = await setup();
    const info = await sealed.seal('k/other', inPieces(randomBytes(100), 100));
    const stranger = new SealedBlobs(store, KeyRing.generate());
    await assert.rejects(stranger.open('k/other', info), hasCode(ErrorCode.INTERNAL_SERVER_ERROR));
  });

  void it('reports a missing object as not found and deletes idempotently', async () => {
    const { sealed, store } = await setup();
    const info = await sealed.seal('k/del', inPieces(randomBytes(100), 100));
    await sealed.delete('k/del');
    await sealed.delete('k/del');
    assert.equal(await store.head('k/del'), null);
    await assert.rejects(sealed.open('k/del', info), hasCode(ErrorCode.RESOURCE_NOT_FOUND));
  });

  void it('reads the source only a few chunks ahead of what the store has taken', async () => {
    const chunkSize = 64 * 1024;
    let produced = 0;
    let consumed = 0;
    let maxAhead = 0;
    const slowStore: BlobStore = {
      kind: 'test',
      init: async () => undefined,
      sweepInterrupted: async () => 0,
      setWriterId: () => undefined,
      put: async (_key: string, body: BlobBody) => {
        for await (const piece of body as AsyncIterable<Uint8Array>) {
          consumed += piece.length;
          maxAhead = Math.max(maxAhead, produced - consumed);
          await new Promise((r) => setImmediate(r));
        }
        return { size: consumed };
      },
      get: async () => {
        throw new Error('unused');
      },
      head: async () => null,
      delete: async () => undefined,
      list: async function* () {},
    };
    async function* source() {
      for (let i = 0; i < 32 * 1024 * 1024; i += 100_000) {
        const piece = Buffer.alloc(100_000, i & 0xff);
        produced += piece.length;
        yield piece;
      }
    }
    const info = await new SealedBlobs(slowStore, KeyRing.generate()).seal('k/mem', source());
    assert.equal(info.storedSize, consumed);
    assert.ok(maxAhead <= 2 * chunkSize + 100_000, `source ran ${maxAhead} bytes ahead`);
  });
});
