import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve('bin/callvault.js');

/** Runs the CLI without blocking the event loop (the model host double lives in this process). */
function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = ''; let err = '';
    child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    child.on('close', (code) => done({ code, out, err }));
  });
}

describe('callvault models fetch', () => {
  let dir: string;
  let host: Server;
  let base: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'callvault-models-'));
    // Stands in for the model host (a third party we cannot reach here): it serves bytes that are not the real model.
    host = createServer((req, res) => {
      if (req.url === '/m/ggml-tiny.en.bin') res.end(Buffer.alloc(4096, 7));
      else { res.statusCode = 404; res.end(); }
    });
    await new Promise<void>((ok) => host.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(host.address() as { port: number }).port}/m`;
  });
  after(() => { host.close(); rmSync(dir, { recursive: true, force: true }); });

  it('refuses a download whose digest is not the model\'s, and leaves no partial file', async () => {
    const r = await cli(['models', 'fetch', 'tiny.en', '--dir', dir, '--url', base]);
    assert.notEqual(r.code, 0);
    assert.match(r.err, /corrupt: SHA-1/);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('names the known models when asked for an unknown one, and says when the host has no such file', async () => {
    const r = await cli(['models', 'fetch', 'huge', '--dir', dir]);
    assert.equal(r.code, 2);
    assert.match(r.err, /known models: .*base\.en/);
    const missing = await cli(['models', 'fetch', 'base.en', '--dir', dir, '--url', base]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.err, /HTTP 404/);
  });
});
