import assert from 'node:assert/strict';
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, beforeEach, describe, test } from 'node:test';
import { multipart, startServer, type TestServer } from '../helpers/server.js';
import { activeProbes } from '../../src/media/probe.js';
import { makeEmptyFile, makeFixture, makeTextFile, makeTruncated, makeWithFfmpeg, removeFixtures } from '../fixtures/media.js';
import { assertError, assertNothingLeft, blobFiles, call, eventually, recordingCount, type Res } from './util.js';

const START = '2024-05-06T07:08:09Z';

let server: TestServer;
/** Stored blob files and visible recordings before each test: a refusal must change neither. */
let filesBefore: string[];
let countBefore: number;

before(async () => {
  server = await startServer();
  // One good recording, so "nothing changed" also means "nothing of it was removed".
  const wav = await readFile(await makeFixture('wav-pcm16', { seconds: 1 }));
  const mp = multipart({ startTime: START }, [{ fileName: 'ok.wav', type: 'audio/wav', data: wav }]);
  const res = await call(server, 'POST', '/api/v1/recordings', { body: mp.body, headers: { 'content-type': mp.contentType } });
  assert.equal(res.status, 201, res.bytes.toString());
});
after(async () => {
  await server?.stop();
  await removeFixtures();
});
beforeEach(async () => {
  filesBefore = await blobFiles(server);
  countBefore = await recordingCount(server);
});

async function assertUnchanged(s = server, files = filesBefore, count = countBefore): Promise<void> {
  await assertNothingLeft(s, files);
  assert.equal(await recordingCount(s), count, 'no recording may appear');
}

function post(metadata: unknown, files: Parameters<typeof multipart>[1], s = server): Promise<Res> {
  const mp = multipart(metadata, files);
  return call(s, 'POST', '/api/v1/recordings', { body: mp.body, headers: { 'content-type': mp.contentType } });
}

const wav = async (seconds = 1, channels = 1) => readFile(await makeFixture('wav-pcm16', { seconds, channels }));

/**
 * Sends the first `sendBytes` of a request whose Content-Length promises `body.length`, then
 * drops the connection. Resolves once the socket is closed.
 */
function abortedUpload(s: TestServer, path: string, method: string, contentType: string, body: Buffer, sendBytes: number): Promise<void> {
  return new Promise((resolve) => {
    const { hostname, port } = new URL(s.url);
    const req = request({
      hostname, port, path, method,
      headers: { authorization: `Bearer ${s.token}`, 'content-type': contentType, 'content-length': String(body.length) },
    });
    req.on('error', () => undefined); // the reset we cause ourselves
    req.on('response', (res) => res.resume());
    req.on('close', () => resolve());
    req.write(body.subarray(0, sendBytes), () => {
      // Give the server time to start sealing and probing the half it got.
      setTimeout(() => req.destroy(), 300);
    });
  });
}

void describe('interrupted uploads', () => {
  void test('a multipart upload whose connection drops mid-file leaves no recording, temp file or pending blob', async () => {
    const data = await wav(3, 2);
    const mp = multipart({ startTime: START, sysCallId: 'aborted-1' }, [{ fileName: 'big.wav', type: 'audio/wav', data }]);
    await abortedUpload(server, '/api/v1/recordings', 'POST', mp.contentType, mp.body, Math.floor(mp.body.length / 2));
    await eventually(() => assertUnchanged());
    await eventually(async () => assert.equal(activeProbes(), 0, 'no ffprobe child may be left running'));
    const hits = await call(server, 'GET', '/api/v1/recordings?sysCallId=aborted-1');
    assert.equal(hits.json.total, 0);
  });

  void test('a raw PUT whose connection drops mid-body adds no media to the recording', async () => {
    const created = await call(server, 'POST', '/api/v1/recordings', { json: { startTime: START } });
    assert.equal(created.status, 201, created.bytes.toString());
    const files = await blobFiles(server);
    const data = await wav(3, 2);
    await abortedUpload(server, `/api/v1/recordings/${created.json.id}/media/half`, 'PUT', 'audio/wav', data, Math.floor(data.length / 2));
    await eventually(() => assertNothingLeft(server, files));
    await eventually(async () => assert.equal(activeProbes(), 0, 'no ffprobe child may be left running'));
    const got = await call(server, 'GET', `/api/v1/recordings/${created.json.id}`);
    assert.deepEqual(got.json.media, []);
    assert.equal(got.json.mediaStatus, 'pending');
    const media = await call(server, 'GET', `/api/v1/recordings/${created.json.id}/media/half`);
    assertError(media, 404, 'RESOURCE_NOT_FOUND');
  });

  void test('a multipart body that ends before its closing boundary is refused with 400', async () => {
    const data = await wav(2);
    const mp = multipart({ startTime: START }, [{ fileName: 'cut.wav', type: 'audio/wav', data }]);
    const cut = mp.body.subarray(0, Math.floor(mp.body.length * 0.6));
    const res = await call(server, 'POST', '/api/v1/recordings', { body: cut, headers: { 'content-type': mp.contentType } });
    assertError(res, 400, 'INVALID_REQUEST');
    await assertUnchanged();
  });

  void test('a multipart request without a boundary parameter is refused with 400', async () => {
    const res = await call(server, 'POST', '/api/v1/recordings', { body: 'whatever', headers: { 'content-type': 'multipart/form-data' } });
    assertError(res, 400, 'INVALID_REQUEST');
    await assertUnchanged();
  });
});

void describe('media that is not an accepted recording', () => {
  void test('a text file labelled audio/wav is refused with 415', async () => {
    const text = await readFile(await makeTextFile());
    const res = await post({ startTime: START }, [{ fileName: 'notes.wav', type: 'audio/wav', data: text }]);
    assertError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    await assertUnchanged();
  });

  void test('a zero-byte media part is refused with 400 naming the file', async () => {
    const empty = await readFile(await makeEmptyFile());
    const res = await post({ startTime: START }, [{ fileName: 'empty.wav', type: 'audio/wav', data: empty }]);
    assertError(res, 400, 'INVALID_REQUEST', 'empty.wav');
    await assertUnchanged();
  });

  void test('a WAV cut off after its header is refused with 415', async () => {
    const truncated = await readFile(await makeTruncated(await makeFixture('wav-pcm16', { seconds: 1 }), 20));
    const res = await post({ startTime: START }, [{ fileName: 'cut.wav', type: 'audio/wav', data: truncated }]);
    assertError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    await assertUnchanged();
  });

  void test('a PNG image is refused with 415', async () => {
    const png = await readFile(await makeWithFfmpeg('red.png', ['-f', 'lavfi', '-i', 'color=c=red:s=16x16', '-frames:v', '1', '-c:v', 'png', '-f', 'image2pipe']));
    const res = await post({ startTime: START }, [{ fileName: 'red.png', type: 'image/png', data: png }]);
    assertError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    await assertUnchanged();
  });

  void test('PCM audio in an AVI container is refused with 415 naming the container', async () => {
    const avi = await readFile(await makeWithFfmpeg('tone.avi', ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=8000:duration=1', '-c:a', 'pcm_s16le', '-f', 'avi']));
    const res = await post({ startTime: START }, [{ fileName: 'tone.avi', type: 'audio/wav', data: avi }]);
    assertError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'avi');
    await assertUnchanged();
  });

  void test('FLAC inside an Ogg container is refused with 415 naming the codec', async () => {
    const flac = await readFile(await makeWithFfmpeg('tone-flac.ogg', ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=8000:duration=1', '-c:a', 'flac', '-f', 'ogg']));
    const res = await post({ startTime: START }, [{ fileName: 'tone.ogg', type: 'audio/ogg', data: flac }]);
    assertError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'flac');
    await assertUnchanged();
  });

  void test('random bytes are refused with 415', async () => {
    const res = await post({ startTime: START }, [{ fileName: 'noise.bin', type: 'application/octet-stream', data: randomBytes(20_000) }]);
    assertError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    await assertUnchanged();
  });

  void test('a bad second media part discards the first, already sealed, part', async () => {
    const good = await wav(1);
    const text = await readFile(await makeTextFile());
    const res = await post({ startTime: START }, [
      { name: 'a', fileName: 'good.wav', type: 'audio/wav', data: good },
      { name: 'b', fileName: 'bad.wav', type: 'audio/wav', data: text },
    ]);
    assertError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    await assertUnchanged();
  });

  void test('a raw PUT of a text file is refused with 415 and the recording is unchanged', async () => {
    const created = await call(server, 'POST', '/api/v1/recordings', { json: { startTime: START } });
    const files = await blobFiles(server);
    const text = await readFile(await makeTextFile());
    const res = await call(server, 'PUT', `/api/v1/recordings/${created.json.id}/media/m1`, { body: text, headers: { 'content-type': 'audio/wav' } });
    assertError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    await assertNothingLeft(server, files);
    const got = await call(server, 'GET', `/api/v1/recordings/${created.json.id}`);
    assert.deepEqual(got.json.media, []);
  });

  void test('a raw PUT labelled text/plain is still probed from its bytes', async () => {
    const created = await call(server, 'POST', '/api/v1/recordings', { json: { startTime: START } });
    const data = await wav(1);
    const res = await call(server, 'PUT', `/api/v1/recordings/${created.json.id}/media/m1`, { body: data, headers: { 'content-type': 'text/plain' } });
    assert.equal(res.status, 201, res.bytes.toString());
    assert.equal(res.json.media[0].size, data.length);
    assert.equal(res.json.media[0].container, 'wav');
  });

  void test('a raw PUT with an unknown ?codec is refused with 400', async () => {
    const created = await call(server, 'POST', '/api/v1/recordings', { json: { startTime: START } });
    const files = await blobFiles(server);
    const res = await call(server, 'PUT', `/api/v1/recordings/${created.json.id}/media/m1?codec=g729`, {
      body: await readFile(await makeFixture('raw-pcmu', { seconds: 1 })), headers: { 'content-type': 'application/octet-stream' },
    });
    assertError(res, 400, 'INVALID_REQUEST');
    await assertNothingLeft(server, files);
  });

  void test('a raw PUT into a recording that does not exist is refused with 404', async () => {
    const res = await call(server, 'PUT', '/api/v1/recordings/rec_doesnotexist/media/m1', { body: await wav(1), headers: { 'content-type': 'audio/wav' } });
    assertError(res, 404, 'RESOURCE_NOT_FOUND');
    await assertUnchanged();
  });
});

void describe('metadata that is missing or wrong', () => {
  void test('a metadata part that is not JSON is refused with 400', async () => {
    const res = await post('{"startTime": "2024-05-06T07:08:09Z",', [{ fileName: 'a.wav', type: 'audio/wav', data: await wav() }]);
    assertError(res, 400, 'INVALID_REQUEST', 'metadata');
    await assertUnchanged();
  });

  const wrong: Array<[string, Record<string, unknown>, string]> = [
    ['a numeric startTime', { startTime: 5 }, 'startTime'],
    ['a startTime that is not a date', { startTime: 'yesterday' }, 'startTime'],
    ['an unknown callDirection', { startTime: START, callDirection: 'sideways' }, 'callDirection'],
    ['an unknown field', { startTime: START, colour: 'blue' }, 'colour'],
    ['a negative durationMs', { startTime: START, durationMs: -1 }, 'durationMs'],
    ['a tag without a name', { startTime: START, tags: [{ content: 'x' }] }, 'tags'],
    ['a bad party phone type', { startTime: START, calling: { phoneNumber: 5551234 } }, 'calling.phoneNumber'],
    ['no startTime', { durationMs: 1000 }, 'startTime'],
  ];
  for (const [label, metadata, field] of wrong) {
    void test(`metadata with ${label} is refused with 400 naming '${field}'`, async () => {
      const res = await post(metadata, [{ fileName: 'a.wav', type: 'audio/wav', data: await wav() }]);
      assertError(res, 400, 'INVALID_REQUEST', field);
      await assertUnchanged();
    });
  }

  void test('a JSON-only POST with wrong types is refused with 400 naming the field', async () => {
    const res = await call(server, 'POST', '/api/v1/recordings', { json: { startTime: START, callDirection: 'sideways' } });
    assertError(res, 400, 'INVALID_REQUEST', 'callDirection');
    await assertUnchanged();
  });

  void test('a JSON-only POST whose body is not JSON is refused with 400', async () => {
    const res = await call(server, 'POST', '/api/v1/recordings', { body: '{"startTime":', headers: { 'content-type': 'application/json' } });
    assertError(res, 400, 'INVALID_REQUEST');
    await assertUnchanged();
  });

  void test('a JSON-only POST with an empty body is refused with 400', async () => {
    const res = await call(server, 'POST', '/api/v1/recordings', { body: '', headers: { 'content-type': 'application/json' } });
    assertError(res, 400, 'INVALID_REQUEST');
    await assertUnchanged();
  });

  void test('an upload without a metadata part is refused with 400 and its media discarded', async () => {
    const res = await post(undefined, [{ fileName: 'a.wav', type: 'audio/wav', data: await wav() }]);
    assertError(res, 400, 'INVALID_REQUEST', 'metadata');
    await assertUnchanged();
  });

  void test('invalid metadata sent as a file part after the media is refused and the sealed media discarded', async () => {
    const res = await post(undefined, [
      { name: 'media', fileName: 'a.wav', type: 'audio/wav', data: await wav() },
      { name: 'metadata', fileName: 'metadata.json', type: 'application/json', data: Buffer.from(JSON.stringify({ startTime: START, callDirection: 'sideways' })) },
    ]);
    assertError(res, 400, 'INVALID_REQUEST', 'callDirection');
    await assertUnchanged();
  });

  void test('two metadata parts are refused with 400', async () => {
    const meta = Buffer.from(JSON.stringify({ startTime: START }));
    const res = await post({ startTime: START }, [{ name: 'metadata', fileName: 'm.json', type: 'application/json', data: meta }]);
    assertError(res, 400, 'INVALID_REQUEST', 'metadata');
    await assertUnchanged();
  });

  void test('an unexpected form field is refused with 400 naming it', async () => {
    const boundary = 'xyzBOUNDARYxyz';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${JSON.stringify({ startTime: START })}\r\n`
      + `--${boundary}\r\nContent-Disposition: form-data; name="comment"\r\n\r\nhello\r\n--${boundary}--\r\n`;
    const res = await call(server, 'POST', '/api/v1/recordings', { body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    assertError(res, 400, 'INVALID_REQUEST', 'comment');
    await assertUnchanged();
  });

  void test('a POST with Content-Type text/plain is refused with 415', async () => {
    const res = await call(server, 'POST', '/api/v1/recordings', { body: JSON.stringify({ startTime: START }), headers: { 'content-type': 'text/plain' } });
    assertError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    await assertUnchanged();
  });

  void test('a POST of a bare WAV body is refused with 415', async () => {
    const res = await call(server, 'POST', '/api/v1/recordings', { body: await wav(), headers: { 'content-type': 'audio/wav' } });
    assertError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    await assertUnchanged();
  });
});

void describe('size limits', () => {
  let small: TestServer;
  before(async () => {
    small = await startServer({ CALLVAULT_MAX_MEDIA_BYTES: '50000', CALLVAULT_MAX_JSON_BYTES: '2048' });
  });
  after(async () => {
    await small?.stop();
  });

  void test('a media part larger than CALLVAULT_MAX_MEDIA_BYTES is refused with 413 and nothing is stored', async () => {
    const files = await blobFiles(small);
    const count = await recordingCount(small);
    const data = await wav(3, 2); // 96 kB
    assert.ok(data.length > 50_000);
    const res = await post({ startTime: START }, [{ fileName: 'big.wav', type: 'audio/wav', data }], small);
    assertError(res, 413, 'PAYLOAD_TOO_LARGE');
    await assertUnchanged(small, files, count);
  });

  void test('a media part just under the limit is accepted by the same server', async () => {
    const data = await wav(3); // 48 kB
    assert.ok(data.length < 50_000);
    const res = await post({ startTime: START }, [{ fileName: 'ok.wav', type: 'audio/wav', data }], small);
    assert.equal(res.status, 201, res.bytes.toString());
  });

  const bigMetadata = { startTime: START, userMetadata: { blob: 'x'.repeat(4000) } };

  void test('a metadata part larger than CALLVAULT_MAX_JSON_BYTES is refused with 413', async () => {
    const files = await blobFiles(small);
    const count = await recordingCount(small);
    const res = await post(bigMetadata, [{ fileName: 'a.wav', type: 'audio/wav', data: await wav(1) }], small);
    assertError(res, 413, 'PAYLOAD_TOO_LARGE');
    await assertUnchanged(small, files, count);
  });

  void test('a JSON-only POST larger than CALLVAULT_MAX_JSON_BYTES is refused with 413', async () => {
    const count = await recordingCount(small);
    const res = await call(small, 'POST', '/api/v1/recordings', { json: bigMetadata });
    assertError(res, 413, 'PAYLOAD_TOO_LARGE');
    assert.equal(await recordingCount(small), count);
  });

  void test('a PATCH body larger than CALLVAULT_MAX_JSON_BYTES is refused with 413', async () => {
    const created = await call(small, 'POST', '/api/v1/recordings', { json: { startTime: START } });
    const res = await call(small, 'PATCH', `/api/v1/recordings/${created.json.id}`, { json: { userMetadata: bigMetadata.userMetadata } });
    assertError(res, 413, 'PAYLOAD_TOO_LARGE');
    assert.deepEqual((await call(small, 'GET', `/api/v1/recordings/${created.json.id}`)).json.userMetadata, {});
  });

  void test('a raw PUT larger than the limit is refused with 413 and the recording keeps no media', async () => {
    const created = await call(small, 'POST', '/api/v1/recordings', { json: { startTime: START } });
    assert.equal(created.status, 201, created.bytes.toString());
    const files = await blobFiles(small);
    const res = await call(small, 'PUT', `/api/v1/recordings/${created.json.id}/media/big`, { body: await wav(3, 2), headers: { 'content-type': 'audio/wav' } });
    assertError(res, 413, 'PAYLOAD_TOO_LARGE');
    await assertNothingLeft(small, files);
    const got = await call(small, 'GET', `/api/v1/recordings/${created.json.id}`);
    assert.deepEqual(got.json.media, []);
  });
});
