import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ErrorCode } from '../../src/core/errors.js';
import { DiskBlobStore } from '../../src/blobs/disk.js';
import { createBlobStore } from '../../src/blobs/index.js';
import { blobStoreConformance, collect, failingAfter, hasCode, inPieces, readAll } from '../conformance/blob-store.js';

const base = mkdtempSync(join(tmpdir(), 'callvault-disk-'));
after(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
const newRoot = () => join(base, `store-${n++}`);

blobStoreConformance('disk', async () => new DiskBlobStore(newRoot()));

void describe('DiskBlobStore', () => {
  void it('sweeps temp files of writers that are gone, and only those, keeping stored objects', async () => {
    const root = newRoot();
    const store = new DiskBlobStore(root);
    store.setWriterId('me');
    await store.init();
    await store.put('media/a/r/m', inPieces(Buffer.from('kept'), 2));
    writeFileSync(join(root, '.tmp', 'dead~deadbeef'), 'half an upload of a crashed process');
    writeFileSync(join(root, '.tmp', 'alive~cafe'), 'an upload in flight in another process');
    writeFileSync(join(root, '.tmp', 'me~f00d'), 'our own upload in flight');
    writeFileSync(join(root, '.tmp', 'no-writer'), 'written by an older version');
    mkdirSync(join(root, '.tmp', 'odd-folder'));
    assert.equal(await store.sweepInterrupted((w) => w === 'alive'), 3);
    assert.deepEqual(readdirSync(join(root, '.tmp')).sort(), ['alive~cafe', 'me~f00d']);
    assert.equal((await readAll(await store.get('media/a/r/m'))).toString(), 'kept');
  });

  void it('leaves no temp file behind when the source errors', async () => {
    const root = newRoot();
    const store = new DiskBlobStore(root);
    await store.init();
    await assert.rejects(store.put('k/x', failingAfter(randomBytes(100_000), new Error('drop'))), /drop/);
    assert.deepEqual(readdirSync(join(root, '.tmp')), []);
    assert.equal(existsSync(join(root, 'k')), false);
  });

  void it('creates files with mode 0600 and folders with mode 0700', async () => {
    const root = newRoot();
    const store = new DiskBlobStore(root);
    await store.init();
    await store.put('media/acc/rec/m1', inPieces(Buffer.from('secret'), 3));
    assert.equal(statSync(join(root, 'media/acc/rec/m1')).mode & 0o777, 0o600);
    for (const dir of ['', '.tmp', 'media', 'media/acc', 'media/acc/rec']) {
      assert.equal(statSync(join(root, dir)).mode & 0o777, 0o700, dir || 'root');
    }
  });

  void it('keeps an upload in progress invisible until it completes', async () => {
    const root = newRoot();
    const store = new DiskBlobStore(root);
    await store.init();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* slow() {
      yield Buffer.from('first half ');
      await gate;
      yield Buffer.from('second half');
    }
    const upload = store.put('k/slow', slow());
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(await store.head('k/slow'), null);
    assert.deepEqual(await collect(store.list('')), []);
    assert.equal(readdirSync(join(root, '.tmp')).length, 1);
    release();
    await upload;
    assert.equal((await readAll(await store.get('k/slow'))).toString(), 'first half second half');
    assert.deepEqual(readdirSync(join(root, '.tmp')), []);
  });

  void it('removes folders emptied by a delete but not ones still in use', async () => {
    const root = newRoot();
    const store = new DiskBlobStore(root);
    await store.init();
    await store.put('media/acc/rec1/m1', inPieces(Buffer.from('a'), 1));
    await store.put('media/acc/rec2/m1', inPieces(Buffer.from('b'), 1));
    await store.delete('media/acc/rec1/m1');
    assert.equal(existsSync(join(root, 'media/acc/rec1')), false);
    assert.equal(existsSync(join(root, 'media/acc/rec2/m1')), true);
    await store.delete('media/acc/rec2/m1');
    assert.equal(existsSync(join(root, 'media')), false);
    assert.equal(existsSync(join(root, '.tmp')), true);
  });

  void it('works without init() by creating its folders on first write', async () => {
    const root = newRoot();
    const store = new DiskBlobStore(root);
    await store.put('k/lazy', inPieces(Buffer.from('ok'), 1));
    assert.equal((await readAll(await store.get('k/lazy'))).toString(), 'ok');
  });

  void it('treats a key that names a folder as missing, and a key under an object as a conflict', async () => {
    const store = new DiskBlobStore(newRoot());
    await store.init();
    await store.put('a/b/c', inPieces(Buffer.from('x'), 1));
    assert.equal(await store.head('a/b'), null);
    await assert.rejects(store.get('a/b'), hasCode(ErrorCode.RESOURCE_NOT_FOUND));
    await store.delete('a/b');
    assert.deepEqual(await store.head('a/b/c'), { size: 1 });
    await assert.rejects(store.put('a/b/c/d', inPieces(Buffer.from('y'), 1)), hasCode(ErrorCode.CONFLICT));
    await assert.rejects(store.put('a/b', inPieces(Buffer.from('y'), 1)), hasCode(ErrorCode.CONFLICT));
    assert.equal(await store.head('a/b/c/d'), null);
  });

  void it('is what createBlobStore builds for a disk config', async () => {
    const root = newRoot();
    const store = createBlobStore({ kind: 'disk', root });
    assert.equal(store.kind, 'disk');
    assert.ok(store instanceof DiskBlobStore);
    await store.init();
    await store.put('k/v', inPieces(Buffer.from('v'), 1));
    assert.equal(existsSync(join(root, 'k/v')), true);
  });
});
