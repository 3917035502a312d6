/**
 * fetchModel against a loopback HTTP server (never the real model host): a good download lands
 * under its name with nothing else left behind, and every way a download can go wrong leaves no
 * file that could pass for a model.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VaultError } from '../../src/core/errors.js';
import { MODEL_NAMES, MODEL_SHA1, fetchModel } from '../../src/asr/models.js';

const BODY = randomBytes(3 * 1024 * 1024 + 17);
const SHA1 = createHash('sha1').update(BODY).digest('hex');

function code(c: string, pattern?: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof VaultError, String(err));
    assert.equal(err.code, c, err.message);
    if (pattern) assert.match(err.message, pattern);
    return true;
  };
}

describe('fetchModel', () => {
  let server: Server;
  let base: string;
  let dir: string;
  const requests: string[] = [];

  before(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url === '/m/ggml-tiny.en.bin' || req.url === '/m/ggml-base.bin') {
        res.writeHead(200, { 'content-length': BODY.length });
        // Two writes so the client sees more than one chunk.
        res.write(BODY.subarray(0, 1 << 20));
        res.end(BODY.subarray(1 << 20));
      } else if (req.url === '/short/ggml-tiny.bin') {
        res.writeHead(200, { 'content-length': BODY.length });
        res.write(BODY.subarray(0, 1000), () => res.destroy());
      } else if (req.url === '/moved/ggml-tiny.en.bin') {
        res.writeHead(302, { location: '/m/ggml-tiny.en.bin' }).end();
      } else if (req.url === '/stall/ggml-tiny.bin') {
        res.writeHead(200, { 'content-length': BODY.length });
        res.write(BODY.subarray(0, 10));
      } else {
        res.writeHead(404).end('no such model');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = await mkdtemp(join(tmpdir(), 'callvault-models-'));
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('downloads ggml-NAME.bin, checks its SHA-1, follows redirects and leaves no temporary file', async () => {
    const target = join(dir, 'ok');
    let progress = 0;
    const got = await fetchModel('tiny.en', target, { baseUrl: `${base}/moved/`, sha1: SHA1, onProgress: (n) => { progress = n; } });
    assert.deepEqual(got, { path: join(target, 'ggml-tiny.en.bin'), bytes: BODY.length, sha1: SHA1, verified: true, reused: false });
    assert.ok((await readFile(got.path)).equals(BODY));
    assert.equal(progress, BODY.length);
    assert.deepEqual(await readdir(target), ['ggml-tiny.en.bin']);

    const before = requests.length;
    const again = await fetchModel('tiny.en', target, { baseUrl: `${base}/m`, sha1: SHA1 });
    assert.equal(again.reused, true);
    assert.equal(requests.length, before, 'a verified file already there is not downloaded again');
  });

  it('refuses a download whose digest does not match and keeps nothing', async () => {
    const target = join(dir, 'bad-sha');
    assert.equal(MODEL_SHA1.base?.length, 40, 'known models carry a published digest');
    // The built-in digest of "base" cannot match our random bytes.
    await assert.rejects(fetchModel('base', target, { baseUrl: `${base}/m` }), code('ENGINE_UNAVAILABLE', /corrupt: SHA-1/));
    assert.deepEqual(await readdir(target), []);
  });

  it('replaces a file with the wrong digest instead of trusting it', async () => {
    const target = join(dir, 'stale');
    await fetchModel('tiny.en', target, { baseUrl: `${base}/m`, sha1: SHA1 });
    await writeFile(join(target, 'ggml-tiny.en.bin'), 'half a model');
    const got = await fetchModel('tiny.en', target, { baseUrl: `${base}/m`, sha1: SHA1 });
    assert.equal(got.reused, false);
    assert.ok((await readFile(got.path)).equals(BODY));
  });

  it('refuses a truncated download', async () => {
    const target = join(dir, 'short');
    await assert.rejects(fetchModel('tiny', target, { baseUrl: `${base}/short`, sha1: null }), code('ENGINE_UNAVAILABLE', /broke off after 1000 bytes|stopped at 1000 of/));
    assert.deepEqual(await readdir(target), []);
  });

  it('gives up on a stalled download', async () => {
    const target = join(dir, 'stall');
    await assert.rejects(fetchModel('tiny', target, { baseUrl: `${base}/stall`, sha1: null, stallTimeoutMs: 300 }), code('ENGINE_UNAVAILABLE', /stalled/));
    assert.deepEqual(await readdir(target), []);
  });

  it('says the model is not there on 404, and rejects names it does not know', async () => {
    await assert.rejects(fetchModel('small', join(dir, 'missing'), { baseUrl: `${base}/nowhere`, sha1: null }), code('RESOURCE_NOT_FOUND', /HTTP 404/));
    await assert.rejects(fetchModel('../../etc/passwd', join(dir, 'x')), code('INVALID_REQUEST', /unknown whisper model.*base\.en/));
    assert.ok(MODEL_NAMES.includes('large-v3-turbo'));
  });

  it('explains an unreachable host as a network problem', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await assert.rejects(fetchModel('tiny', join(dir, 'offline'), { baseUrl: `http://127.0.0.1:${port}` }),
      code('ENGINE_UNAVAILABLE', /ECONNREFUSED.*offline/s));
  });

  it('stops when the caller aborts', async () => {
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 100);
    await assert.rejects(fetchModel('tiny', join(dir, 'abort'), { baseUrl: `${base}/stall`, sha1: null, signal: ctl.signal }),
      (err: unknown) => (err as Error).name === 'AbortError');
    assert.deepEqual(await readdir(join(dir, 'abort')), []);
  });
});
