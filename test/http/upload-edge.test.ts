import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startServer, multipart, type TestServer } from '../helpers/server.js';
import { makeFixture, makeTruncated } from '../fixtures/media.js';
import { assertError, assertNothingLeft, blobFiles, call } from './util.js';

describe('upload edge cases', () => {
  let server: TestServer;
  let a: Buffer, b: Buffer;
  before(async () => {
    server = await startServer();
    a = await readFile(await makeFixture('wav-mulaw', { seconds: 2 }));
    b = await readFile(await makeFixture('wav-alaw', { seconds: 2 }));
  });
  after(() => server.stop());

  const post = (meta: unknown, files: Array<{ fileName: string; type: string; data: Buffer; name?: string }>, headers: Record<string, string> = {}) => {
    const { body, contentType } = multipart(meta, files);
    return call(server, 'POST', '/api/v1/recordings', { body, headers: { 'content-type': contentType, ...headers } });
  };

  it('refuses a WAV file that is shorter than its header says, keeping nothing', async () => {
    const before = await blobFiles(server);
    const cut = await readFile(await makeTruncated(await makeFixture('wav-pcm16', { seconds: 3 }), 1000));
    const res = await post({ startTime: '2026-01-01T00:00:00Z' }, [{ fileName: 'cut.wav', type: 'audio/wav', data: cut }]);
    assertError(res, 400, 'INVALID_REQUEST', /truncated/);
    await assertNothingLeft(server, before);
  });

  it('says so when metadata describing a media part arrives after it', async () => {
    const before = await blobFiles(server);
    const { body: mediaFirst, contentType } = (() => {
      const boundary = 'late-meta';
      const parts = [
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="media"; filename="c.ulaw"\r\nContent-Type: application/octet-stream\r\n\r\n`),
        a, Buffer.from('\r\n'),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${JSON.stringify({ startTime: '2026-01-01T00:00:00Z', mediaInfo: { media: { kind: 'screen' } } })}\r\n--${boundary}--\r\n`),
      ];
      return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
    })();
    const res = await call(server, 'POST', '/api/v1/recordings', { body: mediaFirst, headers: { 'content-type': contentType } });
    assertError(res, 400, 'INVALID_REQUEST', /must come before/);
    await assertNothingLeft(server, before);
  });

  it('keeps what the uploader says of each media file: times and paused spans', async () => {
    const res = await post({
      startTime: '2026-01-01T00:00:00Z',
      mediaInfo: { media: { startTime: '2026-01-01T00:00:01Z', stopTime: '2026-01-01T00:00:03Z', pauseMasks: [{ startMs: 500, endMs: 900 }] } },
    }, [{ name: 'media', fileName: 'a.wav', type: 'audio/wav', data: a }]);
    assert.equal(res.status, 201);
    assert.equal(res.json.media[0].startTime, '2026-01-01T00:00:01Z');
    assert.equal(res.json.media[0].stopTime, '2026-01-01T00:00:03Z');
    assert.deepEqual(res.json.media[0].pauseMasks, [{ startMs: 500, endMs: 900 }]);
  });

  it('refuses a raw hint it cannot honour without leaving a pending marker', async () => {
    const rec = await call(server, 'POST', '/api/v1/recordings', { json: { startTime: '2026-01-01T00:00:00Z' } });
    const before = await blobFiles(server);
    const res = await call(server, 'PUT', `/api/v1/recordings/${rec.json.id}/media/leg1`, { body: a.subarray(58), headers: { 'content-type': 'audio/PCMU; rate=500' } });
    assertError(res, 400, 'INVALID_REQUEST');
    await assertNothingLeft(server, before);
  });

  it('treats the same call id with a different set of media as a new recording', async () => {
    const one = await post({ startTime: '2026-01-01T00:00:00Z', sysCallId: 'edge-1' }, [{ fileName: 'a.wav', type: 'audio/wav', data: a }]);
    assert.equal(one.status, 201);
    const same = await post({ startTime: '2026-01-01T00:00:00Z', sysCallId: 'edge-1' }, [{ fileName: 'a.wav', type: 'audio/wav', data: a }]);
    assert.equal(same.status, 200);
    assert.equal(same.json.id, one.json.id);
    const more = await post({ startTime: '2026-01-01T00:00:00Z', sysCallId: 'edge-1' }, [{ fileName: 'a.wav', type: 'audio/wav', data: a }, { name: 'leg2', fileName: 'b.wav', type: 'audio/wav', data: b }]);
    assert.equal(more.status, 201, 'the second file must not be dropped');
    assert.notEqual(more.json.id, one.json.id);
    assert.equal(more.json.media.length, 2);
  });

  it('remembers the Idempotency-Key of a replay recognised by call id and hash', async () => {
    const first = await post({ startTime: '2026-01-01T00:00:00Z', sysCallId: 'edge-2' }, [{ fileName: 'a.wav', type: 'audio/wav', data: a }]);
    const replay = await post({ startTime: '2026-01-01T00:00:00Z', sysCallId: 'edge-2' }, [{ fileName: 'a.wav', type: 'audio/wav', data: a }], { 'idempotency-key': 'edge-key-2' });
    assert.equal(replay.json.id, first.json.id);
    const byKey = await post({ startTime: '2026-01-01T00:00:00Z' }, [{ fileName: 'b.wav', type: 'audio/wav', data: b }], { 'idempotency-key': 'edge-key-2' });
    assert.equal(byKey.status, 200);
    assert.equal(byKey.json.id, first.json.id);
  });

  it('answers 409 at once when the key\'s recording was deleted', async () => {
    const made = await post({ startTime: '2026-01-01T00:00:00Z' }, [{ fileName: 'a.wav', type: 'audio/wav', data: a }], { 'idempotency-key': 'edge-key-3' });
    assert.equal(made.status, 201);
    assert.equal((await call(server, 'DELETE', `/api/v1/recordings/${made.json.id}`)).status, 204);
    const again = await post({ startTime: '2026-01-01T00:00:00Z' }, [{ fileName: 'a.wav', type: 'audio/wav', data: a }], { 'idempotency-key': 'edge-key-3' });
    assertError(again, 409, 'CONFLICT', /deleted/);
  });
});
