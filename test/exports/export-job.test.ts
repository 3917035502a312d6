/**
 * Export jobs in the core and on the job queue: the recordings a query finds for the asker are
 * chosen when asked, a worker streams them into a sealed ZIP, and the asker alone downloads
 * it; recordings deleted meanwhile are left out and said so; a bundle that cannot be made
 * leaves the job failed and nothing stored.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { startServer, multipart, type TestServer } from '../helpers/server.js';
import { call, eventually, blobFiles } from '../http/util.js';
import { makeFixture } from '../fixtures/media.js';
import { readZip } from '../helpers/zip.js';
import type { Principal } from '../../src/core/principals.js';
import { DEFAULT_CLIENT_SCOPES } from '../../src/core/principals.js';
import { PermanentJobError } from '../../src/jobs/model.js';

async function collect(s: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s as AsyncIterable<Buffer>) parts.push(c);
  return Buffer.concat(parts);
}

describe('export jobs', () => {
  let server: TestServer;
  let wav: Buffer;
  const ids: string[] = [];
  let p: Principal;

  before(async () => {
    // Workers off: each test starts the runner when it wants the job to run.
    server = await startServer();
    wav = await readFile(await makeFixture('wav-mulaw', { seconds: 1 }));
    for (let i = 0; i < 3; i++) {
      const { body, contentType } = multipart({ startTime: `2026-03-0${i + 1}T10:00:00Z`, calling: { phoneNumber: `+1555000000${i}` } },
        [{ fileName: `call-${i}.wav`, type: 'audio/wav', data: wav }]);
      ids.push((await call(server, 'POST', '/api/v1/recordings', { body, headers: { 'content-type': contentType } })).json.id);
    }
    p = { kind: 'client', id: 'cli_exporter', accountId: server.accountId, scopes: new Set([...DEFAULT_CLIENT_SCOPES, 'exports']) };
  });
  after(() => server?.stop());

  /** Waits for the export to finish (the queue as a whole never idles here: deletions schedule a later sweep). */
  const settled = (id: string) => eventually(async () => {
    assert.ok(['complete', 'failed'].includes((await server.vault.exports.get(p, id)).status));
  }, 60_000);

  it('needs the exports scope', async () => {
    const plain: Principal = { ...p, scopes: new Set(DEFAULT_CLIENT_SCOPES) };
    await assert.rejects(server.vault.exports.create(plain, 'recordings', { filter: {}, sort: { field: 'startTime', desc: true } }), { code: 'INSUFFICIENT_PERMISSIONS' });
  });

  it('leaves out a recording deleted after the export was asked for, and says so in the manifest', async () => {
    const job = await server.vault.exports.create(p, 'recordings', { filter: { from: Date.parse('2026-03-01T00:00:00Z') }, sort: { field: 'startTime', desc: true } });
    assert.equal(job.filesTotal, 3);
    await server.vault.recordings.delete(p, ids[1]!, { mediaOnly: false });
    server.vault.runner.start();
    await settled(job.id);
    const done = await server.vault.exports.get(p, job.id);
    assert.equal(done.status, 'complete', done.error ?? '');
    assert.equal(done.filesCompleted, 3);
    assert.ok(done.validUntil && Date.parse(done.validUntil) > Date.now());
    const files = readZip(await collect((await server.vault.exports.open(p, job.id)).stream));
    const manifest = JSON.parse(files.get('manifest.json')!.toString());
    assert.deepEqual(manifest.recordings.map((r: { recordingId: string }) => r.recordingId), [ids[2], ids[0]]);
    assert.deepEqual(manifest.skipped.map((s: { recordingId: string }) => s.recordingId), [ids[1]]);
    const rec0 = await server.vault.recordings.get(p, ids[0]!);
    assert.ok(files.get(`${rec0.numericId}/call-0.wav`)!.equals(wav));
    assert.equal(JSON.parse(files.get(`${rec0.numericId}/recording.json`)!.toString()).id, ids[0]);
    assert.equal([...files.keys()].some((k) => k.startsWith(`${rec0.numericId + 1}/`)), false, 'nothing of the deleted recording');
    assert.deepEqual((await server.vault.store.listPendingBlobs()).filter((b) => b.blobKey.startsWith('exports/')), [], 'no export blob left pending');
  });

  it('makes an empty bundle (manifest only) for a query that finds nothing', async () => {
    const job = await server.vault.exports.create(p, 'recordings_transcriptions', { filter: { from: Date.parse('2030-01-01T00:00:00Z') }, sort: { field: 'startTime', desc: true } });
    assert.equal(job.filesTotal, 0);
    await settled(job.id);
    assert.equal((await server.vault.exports.get(p, job.id)).status, 'complete');
    const files = readZip(await collect((await server.vault.exports.open(p, job.id)).stream));
    assert.deepEqual([...files.keys()], ['manifest.json']);
  });

  it('fails the job, and stores nothing, when the bundle cannot be sealed', async () => {
    const before = (await blobFiles(server)).filter((f) => f.startsWith('exports/'));
    const sealed = server.vault.sealed;
    const original = sealed.seal.bind(sealed);
    // Retrying cannot cure it: parked at once (a passing fault would be retried with backoff first).
    sealed.seal = (key, body, opts) => (key.startsWith('exports/') ? Promise.reject(new PermanentJobError('the disk is full')) : original(key, body, opts));
    try {
      const job = await server.vault.exports.create(p, 'recordings', { filter: {}, sort: { field: 'startTime', desc: true } });
      await eventually(async () => assert.equal((await server.vault.exports.get(p, job.id)).status, 'failed'), 60_000);
      const failed = await server.vault.exports.get(p, job.id);
      assert.match(failed.error ?? '', /disk is full/);
      await assert.rejects(server.vault.exports.open(p, job.id), { code: 'RESOURCE_NOT_FOUND' });
    } finally {
      sealed.seal = original;
    }
    assert.deepEqual((await server.vault.store.listPendingBlobs()).filter((b) => b.blobKey.startsWith('exports/')), [], 'no export blob left pending');
    assert.deepEqual((await blobFiles(server)).filter((f) => f.startsWith('exports/')), before);
  });

  it('takes a bundle back once a recording in it is deleted: a deleted recording is not served from a copy', async () => {
    const job = await server.vault.exports.create(p, 'recordings', { filter: {}, sort: { field: 'startTime', desc: true } });
    await settled(job.id);
    const blobsBefore = (await blobFiles(server)).filter((f) => f.startsWith('exports/'));
    await collect((await server.vault.exports.open(p, job.id)).stream);
    await server.vault.recordings.delete(p, ids[2]!, { mediaOnly: true });
    // Taken back at once, not only when someone next asks for it.
    // (Every bundle holding that recording goes, earlier tests' included.)
    const left = (await blobFiles(server)).filter((f) => f.startsWith('exports/'));
    assert.ok(left.length < blobsBefore.length, 'erased with the deletion');
    assert.ok(!left.some((f) => f.includes(job.id)), 'this bundle\'s blob is gone');
    assert.equal((await server.vault.exports.get(p, job.id)).status, 'expired');
    await assert.rejects(server.vault.exports.open(p, job.id), { code: 'RESOURCE_NOT_FOUND' });
    const after = await server.vault.exports.get(p, job.id);
    assert.equal(after.status, 'expired');
    assert.match(after.error ?? '', /deleted/);
    assert.deepEqual((await blobFiles(server)).filter((f) => f.startsWith('exports/')), left, 'nothing else removed on the way');
  });

  it('leaves out recordings whose media was deleted before it was asked for, so the bundle stays downloadable', async () => {
    // ids[2]'s media was deleted by the test above.
    const listed = (await server.vault.recordings.list(p, { filter: {}, sort: { field: 'startTime', desc: true }, pageSize: 100 })).items;
    assert.ok(listed.some((r) => r.id === ids[2] && r.mediaStatus === 'deleted'));
    const job = await server.vault.exports.create(p, 'recordings', { filter: {}, sort: { field: 'startTime', desc: true } });
    assert.equal(job.filesTotal, listed.length - 1);
    await settled(job.id);
    const bundle = await collect((await server.vault.exports.open(p, job.id)).stream);
    assert.ok(bundle.length > 0);
    assert.equal((await server.vault.exports.get(p, job.id)).status, 'complete');
  });

  it('shows a job only to the principal who asked for it', async () => {
    const job = await server.vault.exports.create(p, 'recordings', { filter: {}, sort: { field: 'startTime', desc: true } });
    const other: Principal = { ...p, id: 'cli_other' };
    await assert.rejects(server.vault.exports.get(other, job.id), { code: 'RESOURCE_NOT_FOUND' });
    assert.equal((await server.vault.exports.list(other, ['recordings'], { offset: 0, limit: 10 })).total, 0);
    assert.ok((await server.vault.exports.list(p, ['recordings'], { offset: 0, limit: 10 })).total >= 2);
  });
});
