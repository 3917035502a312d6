import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startServer, multipart, type TestServer } from '../helpers/server.js';
import { makeFixture } from '../fixtures/media.js';
import { call } from './util.js';

describe('HEAD on media', () => {
  let server: TestServer;
  let path: string;
  let size: number;
  before(async () => {
    server = await startServer();
    const wav = await readFile(await makeFixture('wav-mulaw', { seconds: 2 }));
    size = wav.length;
    const { body, contentType } = multipart({ startTime: '2026-01-01T00:00:00Z' }, [{ fileName: 'a.wav', type: 'audio/wav', data: wav }]);
    const rec = await call(server, 'POST', '/api/v1/recordings', { body, headers: { 'content-type': contentType } });
    path = `/api/v1/recordings/${rec.json.id}/media/${rec.json.media[0].id}`;
  });
  after(() => server.stop());

  it('answers the same headers as GET, with the real length and no body', async () => {
    const get = await call(server, 'GET', path);
    const head = await call(server, 'HEAD', path);
    assert.equal(head.status, 200);
    assert.equal(head.bytes.length, 0);
    assert.equal(head.headers.get('content-length'), String(size));
    for (const h of ['content-type', 'etag', 'accept-ranges']) assert.equal(head.headers.get(h), get.headers.get(h), h);
    assert.ok(head.headers.get('x-request-id'));
  });

  it('describes a range without sending it', async () => {
    const head = await call(server, 'HEAD', path, { headers: { range: 'bytes=10-19' } });
    assert.equal(head.status, 206);
    assert.equal(head.headers.get('content-length'), '10');
    assert.equal(head.headers.get('content-range'), `bytes 10-19/${size}`);
  });
});
