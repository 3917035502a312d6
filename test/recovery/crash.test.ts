import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { makeFixture } from '../fixtures/media.js';

const BIN = resolve('bin/callvault.js');

function cli(args: string[]): Record<string, string> {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, string>;
}

async function serve(dir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--data', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await new Promise<number>((res, rej) => {
    let text = '';
    const onData = (d: Buffer) => {
      text += d.toString();
      const m = /listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(text);
      if (m) res(Number(m[1]));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => rej(new Error(`server exited ${code}: ${text}`)));
  });
  return { child, port };
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

const until = async (what: string, check: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe('two server processes on one data folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'callvault-twin-'));
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets the second start without disturbing the first one\'s upload in flight', async () => {
    cli(['admin', 'account', 'create', 'acme', '--json', '--data', dir]);
    const client = cli(['admin', 'client', 'create', '--account', 'acme', '--json', '--data', dir]);
    const first = await serve(dir);
    children.push(first.child);
    const base = `http://127.0.0.1:${first.port}`;
    const tok = (await (await fetch(`${base}/oauth/token`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: client.client_id, client_secret: client.client_secret }),
    })).json()) as { access_token: string };
    const wav = readFileSync(await makeFixture('wav-mulaw', { seconds: 60, channels: 2 }));
    const boundary = 'twinboundary';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n{"startTime":"2026-11-01T00:00:00Z"}\r\n`
      + `--${boundary}\r\nContent-Disposition: form-data; name="media"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\n`);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const answer = new Promise<number>((res, rej) => {
      const req = request(`${base}/api/v1/recordings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tok.access_token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + wav.length + tail.length },
      }, (r) => { r.resume(); r.on('end', () => res(r.statusCode ?? 0)); });
      req.on('error', rej);
      req.write(head);
      req.write(wav.subarray(0, wav.length / 2));
      const half = (async () => {
        await until('the upload to be in flight', () => filesUnder(join(dir, 'blobs', '.tmp')).length > 0);
        const second = await serve(dir);
        children.push(second.child);
        req.end(Buffer.concat([wav.subarray(wav.length / 2), tail]));
      })();
      half.catch(rej);
    });
    assert.equal(await answer, 201);
  });
});

describe('a crash in the middle of an upload', () => {
  const dir = mkdtempSync(join(tmpdir(), 'callvault-crash-'));
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves nothing behind once the server has started again', async () => {
    cli(['admin', 'account', 'create', 'acme', '--json', '--data', dir]);
    const client = cli(['admin', 'client', 'create', '--account', 'acme', '--json', '--data', dir]);
    const first = await serve(dir);
    children.push(first.child);
    const base = `http://127.0.0.1:${first.port}`;
    const tok = (await (await fetch(`${base}/oauth/token`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: client.client_id, client_secret: client.client_secret }),
    })).json()) as { access_token: string };

    const wav = readFileSync(await makeFixture('wav-mulaw', { seconds: 60, channels: 2 }));
    const boundary = 'crashboundary';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n{"startTime":"2026-11-01T00:00:00Z"}\r\n`
      + `--${boundary}\r\nContent-Disposition: form-data; name="media"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\n`);
    const req = request(`${base}/api/v1/recordings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tok.access_token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + wav.length + 100 },
    });
    req.on('error', () => undefined);
    req.write(head);
    req.write(wav.subarray(0, Math.floor(wav.length / 2)));

    const db = () => new BetterSqlite3(join(dir, 'callvault.db'), { readonly: true, fileMustExist: true });
    const pending = () => {
      const d = db();
      try {
        return (d.prepare('SELECT count(*) AS n FROM pending_blobs').get() as { n: number }).n;
      } finally {
        d.close();
      }
    };
    await until('the upload to be in flight', () => pending() === 1 && filesUnder(join(dir, 'blobs', '.tmp')).length > 0);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    req.destroy();
    assert.equal(pending(), 1, 'the crash left a pending marker');
    assert.ok(filesUnder(join(dir, 'blobs', '.tmp')).length > 0, 'the crash left a partial object');

    const second = await serve(dir);
    children.push(second.child);
    try {
      assert.equal(pending(), 0);
      assert.deepEqual(filesUnder(join(dir, 'blobs')), []);
      const list = (await (await fetch(`http://127.0.0.1:${second.port}/api/v1/recordings`, {
        headers: { authorization: `Bearer ${tok.access_token}` },
      })).json()) as { total: number };
      assert.equal(list.total, 0, 'no partial recording is visible');
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((r) => second.child.once('exit', r));
    }
  });
});
