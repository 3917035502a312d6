import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { multipart, startServer, type TestServer } from '../helpers/server.js';
import { makeFixture, removeFixtures, type FixtureKind } from '../fixtures/media.js';
import { assertError, blobFiles, call, filesOf, recordingCount, sha256, type Res } from './util.js';

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
  await removeFixtures();
});

const START = '2024-05-06T07:08:09Z';

async function fixture(kind: FixtureKind, seconds = 1, channels = 1): Promise<Buffer> {
  return readFile(await makeFixture(kind, { seconds, channels }));
}

function postMultipart(metadata: unknown, files: Parameters<typeof multipart>[1], headers: Record<string, string> = {}): Promise<Res> {
  const mp = multipart(metadata, files);
  return call(server, 'POST', '/api/v1/recordings', { body: mp.body, headers: { 'content-type': mp.contentType, ...headers } });
}

interface Expect { mimeType: string; codec: string; container: string; sampleRate: number; type: string }

const KINDS: Array<[FixtureKind, string, Expect]> = [
  ['wav-pcm16', 'a PCM WAV', { mimeType: 'audio/wav', codec: 'pcm_s16le', container: 'wav', sampleRate: 8000, type: 'audio/wav' }],
  ['wav-mulaw', 'a μ-law WAV', { mimeType: 'audio/wav', codec: 'pcm_mulaw', container: 'wav', sampleRate: 8000, type: 'audio/wav' }],
  ['wav-alaw', 'an A-law WAV', { mimeType: 'audio/wav', codec: 'pcm_alaw', container: 'wav', sampleRate: 8000, type: 'audio/x-wav' }],
  ['mp3', 'an MP3', { mimeType: 'audio/mpeg', codec: 'mp3', container: 'mp3', sampleRate: 16000, type: 'audio/mpeg' }],
  ['ogg-opus', 'an Ogg/Opus file', { mimeType: 'audio/ogg', codec: 'opus', container: 'ogg', sampleRate: 48000, type: 'audio/ogg' }],
  ['webm-opus', 'a WebM/Opus file', { mimeType: 'audio/webm', codec: 'opus', container: 'webm', sampleRate: 48000, type: 'audio/webm' }],
];

/** Checks one media entry against the bytes that were uploaded. */
function assertMedia(m: any, data: Buffer, want: Omit<Expect, 'type'> & { channels: number; seconds: number; fileName?: string }): void { // eslint-disable-line @typescript-eslint/no-explicit-any
  assert.match(m.id, /^[A-Za-z0-9_-]{1,64}$/);
  assert.equal(m.kind, 'audio');
  assert.equal(m.mimeType, want.mimeType);
  assert.equal(m.codec, want.codec);
  assert.equal(m.container, want.container);
  assert.equal(m.channels, want.channels);
  assert.equal(m.sampleRate, want.sampleRate);
  assert.ok(Math.abs(m.durationMs - want.seconds * 1000) <= 100, `durationMs ${m.durationMs} should be within 100 ms of ${want.seconds * 1000}`);
  assert.equal(m.size, data.length);
  assert.equal(m.sha256, sha256(data));
  assert.equal(m.status, 'available');
  if (want.fileName !== undefined) assert.equal(m.fileName, want.fileName);
}

void describe('multipart upload of every accepted kind', () => {
  for (const [kind, label, want] of KINDS) {
    void test(`${label} uploaded as multipart is stored with its probed facts and served back byte for byte`, async () => {
      const data = await fixture(kind);
      const fileName = `call.${kind}`;
      const res = await postMultipart({ startTime: START, callDirection: 'incoming' }, [{ fileName, type: want.type, data }]);
      assert.equal(res.status, 201, res.bytes.toString());
      const rec = res.json;
      assert.equal(res.headers.get('location'), `/api/v1/recordings/${rec.id}`);
      assert.ok(res.headers.get('x-request-id'));
      assert.equal(res.headers.get('idempotent-replayed'), null);
      assert.equal(rec.startTime, START);
      assert.equal(rec.callDirection, 'incoming');
      assert.equal(rec.mediaStatus, 'available');
      assert.equal(rec.media.length, 1);
      assertMedia(rec.media[0], data, { ...want, channels: 1, seconds: 1, fileName });
      // With no durationMs or releaseTime in the metadata, the recording takes the media's duration.
      assert.equal(rec.durationMs, rec.media[0].durationMs);

      const got = await call(server, 'GET', res.headers.get('location')!);
      assert.equal(got.status, 200);
      assert.deepEqual(got.json, rec);
      const media = await call(server, 'GET', `/api/v1/recordings/${rec.id}/media/${rec.media[0].id}`);
      assert.equal(media.status, 200);
      assert.equal(media.headers.get('content-type'), want.mimeType);
      assert.ok(media.bytes.equals(data), 'served bytes must equal the upload');
    });
  }

  void test('a stereo WAV reports two channels', async () => {
    const data = await fixture('wav-pcm16', 1, 2);
    const res = await postMultipart({ startTime: START }, [{ fileName: 'stereo.wav', type: 'audio/wav', data }]);
    assert.equal(res.status, 201, res.bytes.toString());
    assertMedia(res.json.media[0], data, { mimeType: 'audio/wav', codec: 'pcm_s16le', container: 'wav', sampleRate: 8000, channels: 2, seconds: 1 });
  });

  void test('several media parts in one upload all become media of the one recording', async () => {
    const a = await fixture('wav-mulaw');
    const b = await fixture('ogg-opus', 2);
    const res = await postMultipart({ startTime: START }, [
      { name: 'caller', fileName: 'caller.wav', type: 'audio/wav', data: a },
      { name: 'callee', fileName: 'callee.ogg', type: 'audio/ogg', data: b },
    ]);
    assert.equal(res.status, 201, res.bytes.toString());
    assert.equal(res.json.media.length, 2);
    assert.notEqual(res.json.media[0].id, res.json.media[1].id);
    assert.equal(res.json.media[0].sha256, sha256(a));
    assert.equal(res.json.media[1].sha256, sha256(b));
    assert.ok(Math.abs(res.json.durationMs - 2000) <= 100, 'the recording lasts as long as its longest media');
    assert.equal(filesOf(await blobFiles(server), res.json.id).length, 2, 'one blob file per media');
  });

  void test('raw G.711 μ-law is accepted when metadata mediaInfo names its part and declares the codec', async () => {
    const data = await fixture('raw-pcmu');
    const res = await postMultipart(
      { startTime: START, mediaInfo: { caller: { codec: 'pcmu' } } },
      [{ name: 'caller', fileName: 'caller.raw', type: 'application/octet-stream', data }],
    );
    assert.equal(res.status, 201, res.bytes.toString());
    assertMedia(res.json.media[0], data, { mimeType: 'audio/basic', codec: 'pcm_mulaw', container: 'mulaw', sampleRate: 8000, channels: 1, seconds: 1 });
  });

  void test('raw G.711 A-law is accepted when metadata mediaInfo names its file name', async () => {
    const data = await fixture('raw-pcma', 2);
    const res = await postMultipart(
      { startTime: START, mediaInfo: { 'leg-b.bin': { codec: 'pcma', sampleRate: 8000, channels: 1 } } },
      [{ fileName: 'leg-b.bin', type: 'application/octet-stream', data }],
    );
    assert.equal(res.status, 201, res.bytes.toString());
    assertMedia(res.json.media[0], data, { mimeType: 'audio/x-alaw-basic', codec: 'pcm_alaw', container: 'alaw', sampleRate: 8000, channels: 1, seconds: 2, fileName: 'leg-b.bin' });
  });
});

void describe('idempotent uploads', () => {
  void test('the same Idempotency-Key twice yields one recording, the second answer being a 200 replay', async () => {
    const data = await fixture('wav-pcm16');
    const count = await recordingCount(server);
    const key = `idem-${Date.now()}`;
    const first = await postMultipart({ startTime: START, sysCallId: `sys-${key}` }, [{ fileName: 'a.wav', type: 'audio/wav', data }], { 'idempotency-key': key });
    assert.equal(first.status, 201, first.bytes.toString());
    assert.equal(first.headers.get('idempotent-replayed'), null);
    const filesAfterFirst = await blobFiles(server);

    const second = await postMultipart({ startTime: START, sysCallId: `sys-${key}` }, [{ fileName: 'a.wav', type: 'audio/wav', data }], { 'idempotency-key': key });
    assert.equal(second.status, 200, second.bytes.toString());
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.equal(second.headers.get('location'), `/api/v1/recordings/${first.json.id}`);
    assert.equal(second.json.id, first.json.id);
    assert.deepEqual(second.json.media, first.json.media);
    assert.equal(await recordingCount(server), count + 1);
    assert.deepEqual(await blobFiles(server), filesAfterFirst, 'a replay stores no new blob');
    assert.deepEqual(await server.vault.store.listPendingBlobs(), []);
  });

  void test('an Idempotency-Key replay of a JSON-only upload returns the first recording', async () => {
    const count = await recordingCount(server);
    const key = `json-idem-${Date.now()}`;
    const first = await call(server, 'POST', '/api/v1/recordings', { json: { startTime: START, durationMs: 5000 }, headers: { 'idempotency-key': key } });
    assert.equal(first.status, 201, first.bytes.toString());
    const second = await call(server, 'POST', '/api/v1/recordings', { json: { startTime: START, durationMs: 5000 }, headers: { 'idempotency-key': key } });
    assert.equal(second.status, 200);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.equal(second.json.id, first.json.id);
    assert.equal(await recordingCount(server), count + 1);
  });

  void test('an Idempotency-Key is scoped to its account', async () => {
    const other = await server.client({ newAccount: true });
    const key = `shared-key-${Date.now()}`;
    const mine = await call(server, 'POST', '/api/v1/recordings', { json: { startTime: START }, headers: { 'idempotency-key': key } });
    const theirs = await call(server, 'POST', '/api/v1/recordings', { token: other.token, json: { startTime: START }, headers: { 'idempotency-key': key } });
    assert.equal(mine.status, 201);
    assert.equal(theirs.status, 201);
    assert.notEqual(theirs.json.id, mine.json.id);
  });

  void test('an Idempotency-Key with spaces or control characters is refused with 400', async () => {
    const count = await recordingCount(server);
    const res = await call(server, 'POST', '/api/v1/recordings', { json: { startTime: START }, headers: { 'idempotency-key': 'has a space' } });
    assertError(res, 400, 'INVALID_REQUEST', 'Idempotency-Key');
    assert.equal(await recordingCount(server), count);
  });

  void test('the same sysCallId with the same media bytes and no key is recognised as the same recording', async () => {
    const data = await fixture('wav-alaw', 2);
    const count = await recordingCount(server);
    const sysCallId = `dup-call-${Date.now()}`;
    const first = await postMultipart({ startTime: START, sysCallId }, [{ fileName: 'a.wav', type: 'audio/wav', data }]);
    assert.equal(first.status, 201, first.bytes.toString());
    const files = await blobFiles(server);

    const second = await postMultipart({ startTime: START, sysCallId }, [{ fileName: 'again.wav', type: 'audio/wav', data }]);
    assert.equal(second.status, 200, second.bytes.toString());
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.equal(second.json.id, first.json.id);
    assert.equal(await recordingCount(server), count + 1);
    assert.deepEqual(await blobFiles(server), files, 'the duplicate\'s sealed copy is discarded');
    assert.deepEqual(await server.vault.store.listPendingBlobs(), []);

    // A different call id with the same bytes is a different recording.
    const third = await postMultipart({ startTime: START, sysCallId: `${sysCallId}-other` }, [{ fileName: 'a.wav', type: 'audio/wav', data }]);
    assert.equal(third.status, 201);
    assert.notEqual(third.json.id, first.json.id);
    assert.equal(await recordingCount(server), count + 2);
  });
});

void describe('JSON-only upload then PUT of raw media', () => {
  void test('a JSON-only POST creates a recording with pending media', async () => {
    const count = await recordingCount(server);
    const res = await call(server, 'POST', '/api/v1/recordings', {
      json: { startTime: START, durationMs: 61_000, callDirection: 'outgoing', calling: { upn: 'a@example.com', phoneNumber: '+1 555 0100' }, tags: [{ tagName: 'first' }] },
    });
    assert.equal(res.status, 201, res.bytes.toString());
    assert.equal(res.headers.get('location'), `/api/v1/recordings/${res.json.id}`);
    assert.equal(res.json.mediaStatus, 'pending');
    assert.deepEqual(res.json.media, []);
    assert.equal(res.json.durationMs, 61_000);
    assert.equal(res.json.callDirection, 'outgoing');
    assert.equal(res.json.calling.upn, 'a@example.com');
    assert.equal(res.json.tags[0].tagName, 'first');
    assert.equal(await recordingCount(server), count + 1);
  });

  void test('PUT of raw media into a JSON-created recording answers 201 and the recording gets the media', async () => {
    const created = await call(server, 'POST', '/api/v1/recordings', { json: { startTime: START } });
    assert.equal(created.status, 201, created.bytes.toString());
    assert.equal(created.json.durationMs, 0);
    const data = await fixture('mp3', 2);
    const put = await call(server, 'PUT', `/api/v1/recordings/${created.json.id}/media/leg-a?fileName=leg-a.mp3`, {
      body: data, headers: { 'content-type': 'audio/mpeg' },
    });
    assert.equal(put.status, 201, put.bytes.toString());
    assert.equal(put.json.id, created.json.id);
    assert.equal(put.json.mediaStatus, 'available');
    assert.equal(put.json.media.length, 1);
    assert.equal(put.json.media[0].id, 'leg-a');
    assertMedia(put.json.media[0], data, { mimeType: 'audio/mpeg', codec: 'mp3', container: 'mp3', sampleRate: 16000, channels: 1, seconds: 2, fileName: 'leg-a.mp3' });
    assert.equal(put.json.durationMs, put.json.media[0].durationMs, 'a recording without a duration takes its media\'s');

    const got = await call(server, 'GET', `/api/v1/recordings/${created.json.id}`);
    assert.deepEqual(got.json.media, put.json.media);
    assert.equal(got.json.mediaStatus, 'available');
    const media = await call(server, 'GET', `/api/v1/recordings/${created.json.id}/media/leg-a`);
    assert.equal(media.status, 200);
    assert.ok(media.bytes.equals(data));
  });

  void test('PUT of raw G.711 with ?codec=pcmu is probed as μ-law', async () => {
    const created = await call(server, 'POST', '/api/v1/recordings', { json: { startTime: START } });
    const data = await fixture('raw-pcmu', 2);
    const put = await call(server, 'PUT', `/api/v1/recordings/${created.json.id}/media/raw1?codec=pcmu`, {
      body: data, headers: { 'content-type': 'application/octet-stream' },
    });
    assert.equal(put.status, 201, put.bytes.toString());
    assertMedia(put.json.media[0], data, { mimeType: 'audio/basic', codec: 'pcm_mulaw', container: 'mulaw', sampleRate: 8000, channels: 1, seconds: 2 });
  });

  void test('PUT of the same media id with the same bytes is a harmless 200 replay, with different bytes a 409', async () => {
    const created = await call(server, 'POST', '/api/v1/recordings', { json: { startTime: START } });
    const id = created.json.id as string;
    const data = await fixture('wav-pcm16', 2);
    const first = await call(server, 'PUT', `/api/v1/recordings/${id}/media/m1`, { body: data, headers: { 'content-type': 'audio/wav' } });
    assert.equal(first.status, 201, first.bytes.toString());
    const files = await blobFiles(server);
    assert.equal(filesOf(files, id).length, 1);

    const again = await call(server, 'PUT', `/api/v1/recordings/${id}/media/m1`, { body: data, headers: { 'content-type': 'audio/wav' } });
    assert.equal(again.status, 200, again.bytes.toString());
    assert.deepEqual(again.json.media, first.json.media);

    const other = await fixture('wav-mulaw', 2);
    const clash = await call(server, 'PUT', `/api/v1/recordings/${id}/media/m1`, { body: other, headers: { 'content-type': 'audio/wav' } });
    assertError(clash, 409, 'CONFLICT');

    assert.deepEqual(await blobFiles(server), files, 'neither the replay nor the clash stores a blob');
    assert.deepEqual(await server.vault.store.listPendingBlobs(), []);
    const got = await call(server, 'GET', `/api/v1/recordings/${id}/media/m1`);
    assert.ok(got.bytes.equals(data), 'the first bytes are kept');
  });

  void test('PUT of a second media id adds it next to the first', async () => {
    const created = await call(server, 'POST', '/api/v1/recordings', { json: { startTime: START, durationMs: 9000 } });
    const id = created.json.id as string;
    const a = await fixture('wav-pcm16');
    const b = await fixture('webm-opus');
    assert.equal((await call(server, 'PUT', `/api/v1/recordings/${id}/media/a`, { body: a, headers: { 'content-type': 'audio/wav' } })).status, 201);
    const put = await call(server, 'PUT', `/api/v1/recordings/${id}/media/b`, { body: b, headers: { 'content-type': 'audio/webm' } });
    assert.equal(put.status, 201, put.bytes.toString());
    assert.deepEqual(put.json.media.map((m: { id: string }) => m.id), ['a', 'b']);
    assert.equal(put.json.durationMs, 9000, 'a declared duration is kept');
    assert.equal(filesOf(await blobFiles(server), id).length, 2);
  });
});
