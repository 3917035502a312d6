import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { ErrorCode, VaultError } from '../../src/core/errors.js';
import type { BlobStore } from '../../src/blobs/port.js';

/** Reads a stream to the end. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer | string>) parts.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(parts);
}

/** Yields `data` in pieces of `size` bytes. */
export async function* inPieces(data: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

/** Yields `good` then fails, like a client connection dropping mid-upload. */
export async function* failingAfter(good: Buffer, error: Error): AsyncGenerator<Uint8Array> {
  yield* inPieces(good, 1000);
  throw error;
}

export async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

export const hasCode = (code: string) => (e: unknown) => e instanceof VaultError && e.code === code;

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * The behaviour every BlobStore adapter must share. `make` returns a fresh, empty store;
 * the suite calls `init()` itself.
 */
export function blobStoreConformance(name: string, make: () => Promise<BlobStore>): void {
  const fresh = async () => {
    const store = await make();
    await store.init();
    return store;
  };

  void describe(`BlobStore conformance: ${name}`, () => {
    void it('stores an object and returns the same bytes and size', async () => {
      const store = await fresh();
      const data = randomBytes(10_000);
      assert.deepEqual(await store.put('media/a1/r1/m1', inPieces(data, 999)), { size: 10_000 });
      assert.deepEqual(await store.head('media/a1/r1/m1'), { size: 10_000 });
      assert.ok((await readAll(await store.get('media/a1/r1/m1'))).equals(data));
    });

    void it('accepts a Node readable stream as the body', async () => {
      const store = await fresh();
      const data = randomBytes(3000);
      await store.put('k/stream', Readable.from([data.subarray(0, 1000), data.subarray(1000)]));
      assert.ok((await readAll(await store.get('k/stream'))).equals(data));
    });

    void it('stores and reads back a zero-byte object', async () => {
      const store = await fresh();
      assert.deepEqual(await store.put('k/empty', inPieces(Buffer.alloc(0), 1)), { size: 0 });
      assert.deepEqual(await store.head('k/empty'), { size: 0 });
      assert.equal((await readAll(await store.get('k/empty'))).length, 0);
      await assert.rejects(store.get('k/empty', { start: 0, end: 0 }), hasCode(ErrorCode.RANGE_NOT_SATISFIABLE));
    });

    void it('serves byte ranges with an inclusive end', async () => {
      const store = await fresh();
      const data = randomBytes(5000);
      await store.put('k/ranges', inPieces(data, 4096));
      const cases: Array<[string, number, number]> = [
        ['first byte', 0, 0],
        ['last byte', 4999, 4999],
        ['single middle byte', 2500, 2500],
        ['whole object', 0, 4999],
        ['middle span', 100, 4199],
        ['tail from an offset', 4096, 4999],
      ];
      for (const [label, start, end] of cases) {
        const got = await readAll(await store.get('k/ranges', { start, end }));
        assert.ok(got.equals(data.subarray(start, end + 1)), label);
      }
    });

    void it('clamps a range end past the object and rejects a start past it', async () => {
      const store = await fresh();
      const data = randomBytes(100);
      await store.put('k/clamp', inPieces(data, 100));
      assert.ok((await readAll(await store.get('k/clamp', { start: 90, end: 10_000 }))).equals(data.subarray(90)));
      await assert.rejects(store.get('k/clamp', { start: 100, end: 200 }), hasCode(ErrorCode.RANGE_NOT_SATISFIABLE));
    });

    void it('rejects malformed ranges as invalid requests', async () => {
      const store = await fresh();
      await store.put('k/bad-range', inPieces(randomBytes(10), 10));
      for (const range of [
        { start: 5, end: 4 },
        { start: -1, end: 3 },
        { start: 1.5, end: 3 },
      ]) {
        await assert.rejects(store.get('k/bad-range', range), hasCode(ErrorCode.INVALID_REQUEST), JSON.stringify(range));
      }
    });

    void it('reports a missing key as not found on get and null on head', async () => {
      const store = await fresh();
      await assert.rejects(store.get('media/none/here'), hasCode(ErrorCode.RESOURCE_NOT_FOUND));
      await assert.rejects(store.get('media/none/here', { start: 0, end: 1 }), hasCode(ErrorCode.RESOURCE_NOT_FOUND));
      assert.equal(await store.head('media/none/here'), null);
    });

    void it('deletes an object, and deleting again or deleting a missing key succeeds', async () => {
      const store = await fresh();
      await store.put('media/a/r/m', inPieces(randomBytes(10), 10));
      await store.put('media/a/r/other', inPieces(randomBytes(10), 10));
      await store.delete('media/a/r/m');
      assert.equal(await store.head('media/a/r/m'), null);
      await assert.rejects(store.get('media/a/r/m'), hasCode(ErrorCode.RESOURCE_NOT_FOUND));
      await store.delete('media/a/r/m');
      await store.delete('never/existed');
      assert.deepEqual(await store.head('media/a/r/other'), { size: 10 });
    });

    void it('lists keys under a prefix in ascending order', async () => {
      const store = await fresh();
      const keys = ['media/acc1/r2/m1', 'media/acc1/r1/m2', 'media/acc1/r1/m1', 'media/acc1-b/r1/m1', 'media/acc2/r1/m1', 'other/x'];
      for (const k of keys) await store.put(k, inPieces(Buffer.from(k), 4));
      assert.deepEqual(await collect(store.list('media/acc1/')), ['media/acc1/r1/m1', 'media/acc1/r1/m2', 'media/acc1/r2/m1']);
      assert.deepEqual(await collect(store.list('media/acc1')), [
        'media/acc1-b/r1/m1',
        'media/acc1/r1/m1',
        'media/acc1/r1/m2',
        'media/acc1/r2/m1',
      ]);
      assert.deepEqual(await collect(store.list('')), [...keys].sort());
      assert.deepEqual(await collect(store.list('media/acc1/r1/m1')), ['media/acc1/r1/m1']);
      assert.deepEqual(await collect(store.list('media/nobody/')), []);
    });

    void it('rejects keys that could escape the root or are not plain segments', async () => {
      const store = await fresh();
      const bad = ['', '/abs', 'trailing/', 'a//b', '..', '../up', 'a/../b', 'a/./b', '.hidden', 'a/.tmp', 'sp ace', 'back\\slash', 'ümlaut', 'a/b?c', 'x'.repeat(1025)];
      for (const key of bad) {
        await assert.rejects(store.put(key, inPieces(Buffer.from('x'), 1)), hasCode(ErrorCode.INVALID_REQUEST), `put ${key}`);
        await assert.rejects(store.get(key), hasCode(ErrorCode.INVALID_REQUEST), `get ${key}`);
        await assert.rejects(store.head(key), hasCode(ErrorCode.INVALID_REQUEST), `head ${key}`);
        await assert.rejects(store.delete(key), hasCode(ErrorCode.INVALID_REQUEST), `delete ${key}`);
      }
      await assert.rejects(collect(store.list('../')), hasCode(ErrorCode.INVALID_REQUEST));
      await assert.rejects(collect(store.list('/media')), hasCode(ErrorCode.INVALID_REQUEST));
      assert.deepEqual(await collect(store.list('')), []);
    });

    void it('leaves no object when the source stream errors halfway', async () => {
      const store = await fresh();
      const boom = new Error('client went away');
      await assert.rejects(store.put('k/broken', failingAfter(randomBytes(50_000), boom)), (e) => e === boom);
      assert.equal(await store.head('k/broken'), null);
      assert.deepEqual(await collect(store.list('')), []);
    });

    void it('leaves no object when a Node stream is destroyed mid-upload', async () => {
      const store = await fresh();
      const source = new Readable({ read() {} });
      source.push(randomBytes(20_000));
      setImmediate(() => source.destroy(new Error('aborted')));
      await assert.rejects(store.put('k/aborted', source), /aborted/);
      assert.equal(await store.head('k/aborted'), null);
    });

    void it('replaces an object on overwrite, and a failed overwrite keeps the old one', async () => {
      const store = await fresh();
      const first = randomBytes(4000);
      const second = randomBytes(1500);
      await store.put('k/over', inPieces(first, 1000));
      assert.deepEqual(await store.put('k/over', inPieces(second, 1000)), { size: 1500 });
      assert.deepEqual(await store.head('k/over'), { size: 1500 });
      assert.ok((await readAll(await store.get('k/over'))).equals(second));
      await assert.rejects(store.put('k/over', failingAfter(randomBytes(9000), new Error('boom'))), /boom/);
      assert.ok((await readAll(await store.get('k/over'))).equals(second));
    });

    void it('streams a 5 MB object in and out intact', async () => {
      const store = await fresh();
      const data = randomBytes(5 * 1024 * 1024 + 123);
      const { size } = await store.put('media/big/r/m', inPieces(data, 64 * 1024));
      assert.equal(size, data.length);
      assert.equal(sha(await readAll(await store.get('media/big/r/m'))), sha(data));
      const start = 3 * 1024 * 1024 - 7;
      const end = start + 1024 * 1024;
      assert.ok((await readAll(await store.get('media/big/r/m', { start, end }))).equals(data.subarray(start, end + 1)));
    });
  });
}
