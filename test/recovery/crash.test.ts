import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { request, type ClientRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { makeFixture } from '../fixtures/media.js';
import { provisionClient, spawnServer, stopServer, until } from '../helpers/process.js';

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Starts a multipart upload of a 60 s WAV and sends only its first half; `finish` sends the rest. */
async function halfUpload(base: string, token: string): Promise<{ req: ClientRequest; status: Promise<number>; finish: () => void }> {
  const wav = readFileSync(await makeFixture('wav-mulaw', { seconds: 60, channels: 2 }));
  const boundary = 'halfboundary';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n{"startTime":"2026-11-01T00:00:00Z"}\r\n`
    + `--${boundary}\r\nContent-Disposition: form-data; name="media"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  let req!: ClientRequest;
  const status = new Promise<number>((res) => {
    req = request(`${base}/api/v1/recordings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + wav.length + tail.length },
    }, (r) => { r.resume(); r.on('end', () => res(r.statusCode ?? 0)); });
    req.on('error', () => res(0));
  });
  req.write(head);
  req.write(wav.subarray(0, wav.length / 2));
  return { req, status, finish: () => req.end(Buffer.concat([wav.subarray(wav.length / 2), tail])) };
}

function pendingRows(dir: string): number {
  const d = new BetterSqlite3(join(dir, 'callvault.db'), { readonly: true, fileMustExist: true });
  try {
    return (d.prepare('SELECT count(*) AS n FROM pending_blobs').get() as { n: number }).n;
  } finally {
    d.close();
  }
}

describe('server processes sharing a data folder', () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  const fresh = () => {
    const d = mkdtempSync(join(tmpdir(), 'callvault-proc-'));
    dirs.push(d);
    return d;
  };
  after(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('lets a second server start without disturbing the first one\'s upload in flight', async () => {
    const dir = fresh();
    const client = provisionClient(dir);
    const first = await spawnServer(dir);
    children.push(first.child);
    const upload = await halfUpload(first.base, await client.token(first.base));
    await until('the upload to be in flight', () => filesUnder(join(dir, 'blobs', '.tmp')).length > 0);
    const second = await spawnServer(dir);
    children.push(second.child);
    upload.finish();
    assert.equal(await upload.status, 201);
  });

  it('cleans what a crash mid-upload left, once the server has started again', async () => {
    const dir = fresh();
    const client = provisionClient(dir);
    const first = await spawnServer(dir);
    children.push(first.child);
    const token = await client.token(first.base);
    const upload = await halfUpload(first.base, token);
    await until('the upload to be in flight', () => pendingRows(dir) === 1 && filesUnder(join(dir, 'blobs', '.tmp')).length > 0);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    upload.req.destroy();
    assert.equal(pendingRows(dir), 1, 'the crash left a pending marker');
    assert.ok(filesUnder(join(dir, 'blobs', '.tmp')).length > 0, 'the crash left a partial object');

    const second = await spawnServer(dir);
    children.push(second.child);
    try {
      assert.equal(pendingRows(dir), 0);
      assert.deepEqual(filesUnder(join(dir, 'blobs')), []);
      const list = (await (await fetch(`${second.base}/api/v1/recordings`, { headers: { authorization: `Bearer ${token}` } })).json()) as { total: number };
      assert.equal(list.total, 0, 'no partial recording is visible');
    } finally {
      await stopServer(second.child);
    }
  });
});
