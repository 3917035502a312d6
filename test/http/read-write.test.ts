import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { signToken } from '../../src/auth/tokens.js';
import { multipart, startServer, type TestServer } from '../helpers/server.js';
import { makeFixture, removeFixtures } from '../fixtures/media.js';
import { assertError, blobFiles, call, filesOf, recordingCount, type Res } from './util.js';

const START = '2024-06-01T10:00:00Z';

let server: TestServer;
/** 3 s of stereo 16-bit 8 kHz: 96 078 bytes, so it spans two 64 KiB sealed chunks. */
let data: Buffer;
let rec: { id: string; media: Array<{ id: string; size: number; sha256: string }> };

async function upload(metadata: Record<string, unknown> = {}, bytes = data, token = server.token): Promise<Res> {
  const mp = multipart({ startTime: START, ...metadata }, [{ fileName: 'call.wav', type: 'audio/wav', data: bytes }]);
  return call(server, 'POST', '/api/v1/recordings', { token, body: mp.body, headers: { 'content-type': mp.contentType } });
}

async function created(metadata: Record<string, unknown> = {}): Promise<string> {
  const res = await call(server, 'POST', '/api/v1/recordings', { json: { startTime: START, ...metadata } });
  assert.equal(res.status, 201, res.bytes.toString());
  return res.json.id as string;
}

before(async () => {
  server = await startServer();
  data = await readFile(await makeFixture('wav-pcm16', { seconds: 3, channels: 2 }));
  const res = await upload({ sysCallId: 'rw-main', calling: { upn: 'alice@example.com' } });
  assert.equal(res.status, 201, res.bytes.toString());
  rec = res.json;
});
after(async () => {
  await server?.stop();
  await removeFixtures();
});

const mediaPath = () => `/api/v1/recordings/${rec.id}/media/${rec.media[0]!.id}`;

void describe('reading a recording', () => {
  void test('GET by id returns the recording as it was created', async () => {
    const res = await call(server, 'GET', `/api/v1/recordings/${rec.id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, rec);
  });

  void test('GET of an id that does not exist is a 404 envelope', async () => {
    assertError(await call(server, 'GET', '/api/v1/recordings/rec_nosuchrecording'), 404, 'RESOURCE_NOT_FOUND');
  });

  void test('another account cannot read, change, delete or play the recording: every door answers 404', async () => {
    const other = await server.client({ newAccount: true });
    const t = other.token;
    assertError(await call(server, 'GET', `/api/v1/recordings/${rec.id}`, { token: t }), 404, 'RESOURCE_NOT_FOUND');
    assertError(await call(server, 'GET', mediaPath(), { token: t }), 404, 'RESOURCE_NOT_FOUND');
    assertError(await call(server, 'PATCH', `/api/v1/recordings/${rec.id}`, { token: t, json: { legalHold: true } }), 404, 'RESOURCE_NOT_FOUND');
    assertError(await call(server, 'DELETE', `/api/v1/recordings/${rec.id}`, { token: t }), 404, 'RESOURCE_NOT_FOUND');
    assertError(await call(server, 'DELETE', `/api/v1/recordings/${rec.id}?mediaOnly=true`, { token: t }), 404, 'RESOURCE_NOT_FOUND');
    assertError(await call(server, 'PUT', `/api/v1/recordings/${rec.id}/media/intruder`, { token: t, body: data, headers: { 'content-type': 'audio/wav' } }), 404, 'RESOURCE_NOT_FOUND');
    const list = await call(server, 'GET', '/api/v1/recordings?sysCallId=rw-main', { token: t });
    assert.equal(list.json.total, 0);

    const mine = await call(server, 'GET', `/api/v1/recordings/${rec.id}`);
    assert.deepEqual(mine.json, rec, 'the recording is untouched');
    const media = await call(server, 'GET', mediaPath());
    assert.ok(media.bytes.equals(data));
  });

  const hostile = [
    '..%2f..%2fetc%2fpasswd',
    '..%2F..%2F..%2Fetc%2Fshadow',
    encodeURIComponent("' OR 1=1 --"),
    encodeURIComponent("rec_x'; DROP TABLE recordings; --"),
    '%00',
    '%2e%2e',
    encodeURIComponent('<script>alert(1)</script>'),
  ];
  // Refused by the router before any route runs (frameworkErrors in app.ts gives them the envelope).
  const routerRefused = [
    'a'.repeat(300), // longer than maxParamLength: Fastify answers 414 {"error":"Bad Request","code":"FST_ERR_MAX_PARAM_LENGTH",...}
    '%E0%A4%A', // malformed percent-encoding: Fastify answers 400 {"error":"Bad Request","code":"FST_ERR_BAD_URL",...}
  ];
  for (const id of [...hostile, ...routerRefused]) {
    const label = id.length > 40 ? `${id.slice(0, 12)}… (${id.length} characters)` : JSON.stringify(safeDecode(id)).slice(1, -1);
    void test(`the hostile id '${label}' gets a 400 or 404 envelope, never a 500`, async () => {
      for (const [method, path] of [
        ['GET', `/api/v1/recordings/${id}`],
        ['PATCH', `/api/v1/recordings/${id}`],
        ['DELETE', `/api/v1/recordings/${id}`],
        ['GET', `/api/v1/recordings/${id}/media/${id}`],
        ['GET', `/api/v1/recordings/${rec.id}/media/${id}`],
        ['PUT', `/api/v1/recordings/${id}/media/m1`],
      ] as const) {
        const res = await call(server, method, path, method === 'PATCH' ? { json: { legalHold: true } } : method === 'PUT' ? { body: 'x', headers: { 'content-type': 'audio/wav' } } : {});
        assert.ok(res.status === 400 || res.status === 404, `${method} ${path} answered ${res.status}: ${res.bytes.toString()}`);
        assertError(res, res.status, res.status === 400 ? 'INVALID_REQUEST' : 'RESOURCE_NOT_FOUND');
      }
    });
  }

  void test('a literal ../ path sent without client-side normalisation is a 404 envelope', async () => {
    const res = await rawRequest('GET', '/api/v1/recordings/../../../etc/passwd', { authorization: `Bearer ${server.token}` });
    assert.ok(res.status === 400 || res.status === 404, `got ${res.status}`);
    const body = JSON.parse(res.body) as { error: { code: string } };
    assert.ok(['INVALID_REQUEST', 'RESOURCE_NOT_FOUND'].includes(body.error.code));
    assert.ok(!res.body.includes('root:'), 'no file content may leak');
  });

  void test('the recordings table survives the hostile ids', async () => {
    const res = await call(server, 'GET', `/api/v1/recordings/${rec.id}`);
    assert.equal(res.status, 200);
    assert.ok((await recordingCount(server)) >= 1);
  });
});

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function rawRequest(method: string, path: string, headers: Record<string, string>): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(server.url);
    const req = request({ hostname, port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

void describe('playing media', () => {
  void test('GET of the media returns every byte with its type, length, ETag and Accept-Ranges', async () => {
    const res = await call(server, 'GET', mediaPath());
    assert.equal(res.status, 200);
    assert.ok(res.bytes.equals(data), 'the decrypted bytes equal the upload');
    assert.equal(res.headers.get('content-type'), 'audio/wav');
    assert.equal(res.headers.get('content-length'), String(data.length));
    assert.equal(res.headers.get('accept-ranges'), 'bytes');
    assert.match(res.headers.get('etag') ?? '', /^"[0-9a-f]+"$/);
    assert.equal(res.headers.get('content-range'), null);
  });

  const size = () => data.length;
  const ranges: Array<[string, () => string, () => [number, number]]> = [
    ['the first byte', () => 'bytes=0-0', () => [0, 0]],
    ['the last byte', () => `bytes=${size() - 1}-${size() - 1}`, () => [size() - 1, size() - 1]],
    ['a suffix of 10 bytes', () => 'bytes=-10', () => [size() - 10, size() - 1]],
    ['an open range from byte 10', () => 'bytes=10-', () => [10, size() - 1]],
    ['a range across the sealed chunk boundary', () => 'bytes=65530-65545', () => [65530, 65545]],
    ['a range whose end is past the end', () => `bytes=100-${size() + 5000}`, () => [100, size() - 1]],
    ['a suffix longer than the file', () => `bytes=-${size() + 10}`, () => [0, size() - 1]],
  ];
  for (const [label, header, span] of ranges) {
    void test(`Range for ${label} answers 206 with the right Content-Range, Content-Length and bytes`, async () => {
      const [start, end] = span();
      const res = await call(server, 'GET', mediaPath(), { headers: { range: header() } });
      assert.equal(res.status, 206, res.bytes.toString().slice(0, 200));
      assert.equal(res.headers.get('content-range'), `bytes ${start}-${end}/${size()}`);
      assert.equal(res.headers.get('content-length'), String(end - start + 1));
      assert.equal(res.headers.get('accept-ranges'), 'bytes');
      assert.equal(res.headers.get('content-type'), 'audio/wav');
      assert.ok(res.bytes.equals(data.subarray(start, end + 1)), 'the range bytes equal the same bytes of the upload');
    });
  }

  for (const [label, header] of [['starting at the size', () => `bytes=${data.length}-`], ['far past the end', () => 'bytes=999999999-'], ['of zero suffix bytes', () => 'bytes=-0']] as const) {
    void test(`Range ${label} answers 416 with Content-Range bytes */size`, async () => {
      const res = await call(server, 'GET', mediaPath(), { headers: { range: header() } });
      assertError(res, 416, 'RANGE_NOT_SATISFIABLE');
      assert.equal(res.headers.get('content-range'), `bytes */${data.length}`);
    });
  }

  for (const header of ['bytes=0-1,5-6', 'items=0-5', 'bytes=abc', 'bytes=20-10']) {
    void test(`an unusable Range '${header}' is ignored and the whole media is sent`, async () => {
      const res = await call(server, 'GET', mediaPath(), { headers: { range: header } });
      assert.equal(res.status, 200);
      assert.ok(res.bytes.equals(data));
    });
  }

  void test('If-None-Match with the ETag answers 304 without a body', async () => {
    const first = await call(server, 'GET', mediaPath());
    const etag = first.headers.get('etag')!;
    const res = await call(server, 'GET', mediaPath(), { headers: { 'if-none-match': etag } });
    assert.equal(res.status, 304);
    assert.equal(res.bytes.length, 0);
    assert.equal(res.headers.get('etag'), etag);
    const weak = await call(server, 'GET', mediaPath(), { headers: { 'if-none-match': `"other", W/${etag}` } });
    assert.equal(weak.status, 304);
    const star = await call(server, 'GET', mediaPath(), { headers: { 'if-none-match': '*' } });
    assert.equal(star.status, 304);
  });

  void test('If-None-Match with another ETag sends the media', async () => {
    const res = await call(server, 'GET', mediaPath(), { headers: { 'if-none-match': '"0123456789abcdef"' } });
    assert.equal(res.status, 200);
    assert.ok(res.bytes.equals(data));
  });

  void test('If-Range honours the Range only while the ETag still matches', async () => {
    const etag = (await call(server, 'GET', mediaPath())).headers.get('etag')!;
    const same = await call(server, 'GET', mediaPath(), { headers: { range: 'bytes=0-99', 'if-range': etag } });
    assert.equal(same.status, 206);
    assert.equal(same.bytes.length, 100);
    const changed = await call(server, 'GET', mediaPath(), { headers: { range: 'bytes=0-99', 'if-range': '"stale"' } });
    assert.equal(changed.status, 200);
    assert.ok(changed.bytes.equals(data));
  });

  void test('GET of a media id the recording does not have is a 404 envelope', async () => {
    assertError(await call(server, 'GET', `/api/v1/recordings/${rec.id}/media/med_nosuchmedia`), 404, 'RESOURCE_NOT_FOUND');
  });
});

void describe('editing a recording', () => {
  void test('PATCH addTags adds tags that GET and the tag filter both see', async () => {
    const id = await created({ sysCallId: 'patch-tags' });
    const res = await call(server, 'PATCH', `/api/v1/recordings/${id}`, { json: { addTags: [{ tagName: 'Reviewed', content: 'ok' }, { tagName: 'coaching' }] } });
    assert.equal(res.status, 200, res.bytes.toString());
    assert.deepEqual(res.json.tags.map((t: { tagName: string }) => t.tagName), ['Reviewed', 'coaching']);
    assert.equal(res.json.tags[0].content, 'ok');
    assert.ok(res.json.tags.every((t: { id: string; createdAt: string }) => t.id && t.createdAt));
    const got = await call(server, 'GET', `/api/v1/recordings/${id}`);
    assert.deepEqual(got.json.tags, res.json.tags);
    const listed = await call(server, 'GET', '/api/v1/recordings?tag=reviewed');
    assert.deepEqual(listed.json.data.map((r: { id: string }) => r.id), [id]);
    assert.ok(got.json.events.some((e: { type: string }) => e.type === 'dataAdded'), 'the change is recorded as an event');
  });

  void test('PATCH addTags with an existing name replaces it instead of adding a twin', async () => {
    const id = await created({ tags: [{ tagName: 'topic', content: 'billing' }] });
    const res = await call(server, 'PATCH', `/api/v1/recordings/${id}`, { json: { addTags: [{ tagName: 'TOPIC', content: 'refund' }] } });
    assert.equal(res.status, 200);
    assert.equal(res.json.tags.length, 1);
    assert.equal(res.json.tags[0].content, 'refund');
  });

  void test('PATCH removeTags removes tags by name case-insensitively, and the tag filter forgets them', async () => {
    const id = await created({ tags: [{ tagName: 'tmp-tag-x' }, { tagName: 'keep' }] });
    assert.equal((await call(server, 'GET', '/api/v1/recordings?tag=tmp-tag-x')).json.total, 1);
    const res = await call(server, 'PATCH', `/api/v1/recordings/${id}`, { json: { removeTags: ['TMP-TAG-X'] } });
    assert.equal(res.status, 200, res.bytes.toString());
    assert.deepEqual(res.json.tags.map((t: { tagName: string }) => t.tagName), ['keep']);
    assert.equal((await call(server, 'GET', '/api/v1/recordings?tag=tmp-tag-x')).json.total, 0);
    assert.equal((await call(server, 'GET', '/api/v1/recordings?tag=keep')).json.total, 1);
  });

  void test('PATCH addNotes and removeNotes add and remove notes by id', async () => {
    const id = await created();
    const added = await call(server, 'PATCH', `/api/v1/recordings/${id}`, { json: { addNotes: [{ content: 'first' }, { content: 'second', visibility: 'private' }] } });
    assert.equal(added.status, 200, added.bytes.toString());
    const notes = added.json.notes as Array<{ id: string; content: string; visibility: string }>;
    assert.deepEqual(notes.map((n) => [n.content, n.visibility]), [['first', 'public'], ['second', 'private']]);
    const removed = await call(server, 'PATCH', `/api/v1/recordings/${id}`, { json: { removeNotes: [notes[0]!.id] } });
    assert.equal(removed.status, 200);
    assert.deepEqual(removed.json.notes.map((n: { content: string }) => n.content), ['second']);
    const got = await call(server, 'GET', `/api/v1/recordings/${id}`);
    assert.deepEqual(got.json.notes, removed.json.notes);
  });

  void test('PATCH userMetadata merges objects and a null value removes a key', async () => {
    const id = await created({ userMetadata: { crm: { ticket: 'T-1', stage: 'open' }, score: 3 } });
    const res = await call(server, 'PATCH', `/api/v1/recordings/${id}`, { json: { userMetadata: { crm: { stage: null, owner: 'ann' }, score: null, lang: 'fr' } } });
    assert.equal(res.status, 200, res.bytes.toString());
    assert.deepEqual(res.json.userMetadata, { crm: { ticket: 'T-1', owner: 'ann' }, lang: 'fr' });
    const got = await call(server, 'GET', `/api/v1/recordings/${id}`);
    assert.deepEqual(got.json.userMetadata, { crm: { ticket: 'T-1', owner: 'ann' }, lang: 'fr' });
  });

  void test('PATCH legalHold is reflected in GET and in the legalHold filter, and blocks deletion', async () => {
    const id = await created({ sysCallId: 'hold-me' });
    const res = await call(server, 'PATCH', `/api/v1/recordings/${id}`, { json: { legalHold: true } });
    assert.equal(res.status, 200);
    assert.equal(res.json.legalHold, true);
    assert.equal((await call(server, 'GET', `/api/v1/recordings/${id}`)).json.legalHold, true);
    const held = await call(server, 'GET', '/api/v1/recordings?legalHold=true&sysCallId=hold-me');
    assert.deepEqual(held.json.data.map((r: { id: string }) => r.id), [id]);

    assertError(await call(server, 'DELETE', `/api/v1/recordings/${id}`), 409, 'LEGAL_HOLD');
    assertError(await call(server, 'DELETE', `/api/v1/recordings/${id}?mediaOnly=true`), 409, 'LEGAL_HOLD');
    assert.equal((await call(server, 'GET', `/api/v1/recordings/${id}`)).status, 200, 'still there');

    const released = await call(server, 'PATCH', `/api/v1/recordings/${id}`, { json: { legalHold: false } });
    assert.equal(released.json.legalHold, false);
    assert.equal((await call(server, 'GET', '/api/v1/recordings?legalHold=true&sysCallId=hold-me')).json.total, 0);
    assert.equal((await call(server, 'DELETE', `/api/v1/recordings/${id}`)).status, 204);
  });

  void test('PATCH expires sets an expiry date and null clears it', async () => {
    const id = await created();
    const set = await call(server, 'PATCH', `/api/v1/recordings/${id}`, { json: { expires: '2030-01-01T00:00:00+01:00' } });
    assert.equal(set.status, 200, set.bytes.toString());
    assert.equal(set.json.expires, '2029-12-31T23:00:00.000Z');
    assert.equal((await call(server, 'GET', `/api/v1/recordings/${id}`)).json.expires, '2029-12-31T23:00:00.000Z');
    const cleared = await call(server, 'PATCH', `/api/v1/recordings/${id}`, { json: { expires: null } });
    assert.equal(cleared.status, 200);
    assert.equal(cleared.json.expires, undefined);
    assert.equal((await call(server, 'GET', `/api/v1/recordings/${id}`)).json.expires, undefined);
  });

  const badPatches: Array<[string, unknown, string?]> = [
    ['an unknown field', { colour: 'blue' }, 'colour'],
    ['an empty object', {}],
    ['a legalHold that is not a boolean', { legalHold: 'yes' }, 'legalHold'],
    ['a tag without a name', { addTags: [{ content: 'x' }] }, 'tagName'],
    ['an expires that is not a date', { expires: 'next week' }, 'expires'],
    ['a note without content', { addNotes: [{ visibility: 'public' }] }, 'content'],
  ];
  for (const [label, body, mentions] of badPatches) {
    void test(`PATCH with ${label} is refused with 400 and changes nothing`, async () => {
      const before = await call(server, 'GET', `/api/v1/recordings/${rec.id}`);
      assertError(await call(server, 'PATCH', `/api/v1/recordings/${rec.id}`, { json: body }), 400, 'INVALID_REQUEST', mentions);
      const afterwards = await call(server, 'GET', `/api/v1/recordings/${rec.id}`);
      assert.deepEqual(afterwards.json, before.json);
    });
  }

  void test('PATCH with no body is refused with 400', async () => {
    assertError(await call(server, 'PATCH', `/api/v1/recordings/${rec.id}`, { body: '', headers: { 'content-type': 'application/json' } }), 400, 'INVALID_REQUEST');
  });

  void test('PATCH with a body that is not JSON is refused with 400', async () => {
    assertError(await call(server, 'PATCH', `/api/v1/recordings/${rec.id}`, { body: '{legalHold:', headers: { 'content-type': 'application/json' } }), 400, 'INVALID_REQUEST');
  });
});

void describe('deleting', () => {
  void test('DELETE of a non-deletable recording is refused with 409 NON_DELETABLE', async () => {
    const id = await created({ nonDelete: true });
    assertError(await call(server, 'DELETE', `/api/v1/recordings/${id}`), 409, 'NON_DELETABLE');
    assertError(await call(server, 'DELETE', `/api/v1/recordings/${id}?mediaOnly=true`), 409, 'NON_DELETABLE');
    assert.equal((await call(server, 'GET', `/api/v1/recordings/${id}`)).status, 200);
  });

  void test('DELETE ?mediaOnly=true erases the media but keeps the recording', async () => {
    const up = await upload({ sysCallId: 'media-only' });
    assert.equal(up.status, 201);
    const id = up.json.id as string;
    const mediaId = up.json.media[0].id as string;
    assert.equal(filesOf(await blobFiles(server), id).length, 1);

    const del = await call(server, 'DELETE', `/api/v1/recordings/${id}?mediaOnly=true`);
    assert.equal(del.status, 204);
    assert.equal(del.bytes.length, 0);
    assert.ok(del.headers.get('x-request-id'));

    const got = await call(server, 'GET', `/api/v1/recordings/${id}`);
    assert.equal(got.status, 200);
    assert.equal(got.json.mediaStatus, 'deleted');
    assert.deepEqual(got.json.media.map((m: { status: string }) => m.status), ['deleted']);
    assertError(await call(server, 'GET', `/api/v1/recordings/${id}/media/${mediaId}`), 404, 'RESOURCE_NOT_FOUND');
    assert.deepEqual(filesOf(await blobFiles(server), id), [], 'the blob file is gone');
    const listed = await call(server, 'GET', '/api/v1/recordings?mediaStatus=deleted&sysCallId=media-only');
    assert.deepEqual(listed.json.data.map((r: { id: string }) => r.id), [id]);
    assertError(
      await call(server, 'PUT', `/api/v1/recordings/${id}/media/${mediaId}`, { body: data, headers: { 'content-type': 'audio/wav' } }),
      409, 'CONFLICT',
    );
  });

  void test('a full DELETE removes the recording from GET and from the list, and erases its media', async () => {
    const up = await upload({ sysCallId: 'gone-soon', tags: [{ tagName: 'doomed' }] });
    assert.equal(up.status, 201);
    const id = up.json.id as string;
    const count = await recordingCount(server);
    assert.equal(filesOf(await blobFiles(server), id).length, 1);

    const del = await call(server, 'DELETE', `/api/v1/recordings/${id}`);
    assert.equal(del.status, 204, del.bytes.toString());
    assertError(await call(server, 'GET', `/api/v1/recordings/${id}`), 404, 'RESOURCE_NOT_FOUND');
    assertError(await call(server, 'GET', `/api/v1/recordings/${id}/media/${up.json.media[0].id}`), 404, 'RESOURCE_NOT_FOUND');
    assert.equal(await recordingCount(server), count - 1);
    assert.equal((await call(server, 'GET', '/api/v1/recordings?sysCallId=gone-soon')).json.total, 0);
    assert.equal((await call(server, 'GET', '/api/v1/recordings?tag=doomed')).json.total, 0);
    assert.deepEqual(filesOf(await blobFiles(server), id), [], 'the blob file is gone');
    assertError(await call(server, 'DELETE', `/api/v1/recordings/${id}`), 404, 'RESOURCE_NOT_FOUND');
    assertError(await call(server, 'PATCH', `/api/v1/recordings/${id}`, { json: { legalHold: true } }), 404, 'RESOURCE_NOT_FOUND');
  });

  void test('DELETE with an unknown query parameter is refused with 400', async () => {
    const id = await created();
    assertError(await call(server, 'DELETE', `/api/v1/recordings/${id}?force=true`), 400, 'INVALID_REQUEST', 'force');
    assert.equal((await call(server, 'GET', `/api/v1/recordings/${id}`)).status, 200);
  });
});

void describe('scopes', () => {
  void test('a client with only recordings:read may list and read but gets 403 on every write and on media', async () => {
    const { token } = await server.client({ scopes: ['recordings:read'] });
    assert.equal((await call(server, 'GET', '/api/v1/recordings', { token })).status, 200);
    assert.equal((await call(server, 'GET', `/api/v1/recordings/${rec.id}`, { token })).status, 200);
    const count = await recordingCount(server);
    const files = await blobFiles(server);

    assertError(await upload({}, data, token), 403, 'INSUFFICIENT_PERMISSIONS');
    assertError(await call(server, 'POST', '/api/v1/recordings', { token, json: { startTime: START } }), 403, 'INSUFFICIENT_PERMISSIONS');
    assertError(await call(server, 'PATCH', `/api/v1/recordings/${rec.id}`, { token, json: { legalHold: true } }), 403, 'INSUFFICIENT_PERMISSIONS');
    assertError(await call(server, 'DELETE', `/api/v1/recordings/${rec.id}`, { token }), 403, 'INSUFFICIENT_PERMISSIONS');
    assertError(await call(server, 'DELETE', `/api/v1/recordings/${rec.id}?mediaOnly=true`, { token }), 403, 'INSUFFICIENT_PERMISSIONS');
    assertError(await call(server, 'GET', mediaPath(), { token }), 403, 'INSUFFICIENT_PERMISSIONS');
    assertError(await call(server, 'PUT', `/api/v1/recordings/${rec.id}/media/extra`, { token, body: data, headers: { 'content-type': 'audio/wav' } }), 403, 'INSUFFICIENT_PERMISSIONS');

    assert.equal(await recordingCount(server), count);
    assert.deepEqual(await blobFiles(server), files);
    assert.deepEqual(await server.vault.store.listPendingBlobs(), []);
    const got = await call(server, 'GET', `/api/v1/recordings/${rec.id}`);
    assert.equal(got.json.legalHold, false);
    assert.equal(got.json.media.length, 1);
  });

  void test('a client with only recordings:read cannot obtain a recording through an Idempotency-Key replay of a POST', async () => {
    const key = `scope-replay-${Date.now()}`;
    const first = await call(server, 'POST', '/api/v1/recordings', { json: { startTime: START }, headers: { 'idempotency-key': key } });
    assert.equal(first.status, 201);
    const { token } = await server.client({ scopes: ['recordings:read'] });
    const replay = await call(server, 'POST', '/api/v1/recordings', { token, json: { startTime: START }, headers: { 'idempotency-key': key } });
    assertError(replay, 403, 'INSUFFICIENT_PERMISSIONS');
  });

  void test('a client with recordings:read and media:read can play media', async () => {
    const { token } = await server.client({ scopes: ['recordings:read', 'media:read'] });
    const res = await call(server, 'GET', mediaPath(), { token, headers: { range: 'bytes=0-3' } });
    assert.equal(res.status, 206);
    assert.equal(res.bytes.toString('latin1'), 'RIFF');
  });

  void test('a client without recordings:delete cannot delete', async () => {
    const { token } = await server.client({ scopes: ['recordings:read', 'recordings:write'] });
    assertError(await call(server, 'DELETE', `/api/v1/recordings/${rec.id}`, { token }), 403, 'INSUFFICIENT_PERMISSIONS');
    assert.equal((await call(server, 'GET', `/api/v1/recordings/${rec.id}`)).status, 200);
  });
});

void describe('bearer tokens', () => {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const paths = () => [
    ['GET', '/api/v1/recordings'],
    ['GET', `/api/v1/recordings/${rec.id}`],
    ['GET', mediaPath()],
    ['PATCH', `/api/v1/recordings/${rec.id}`],
    ['DELETE', `/api/v1/recordings/${rec.id}`],
    ['POST', '/api/v1/recordings'],
  ] as const;

  async function assertRefused(headers: Record<string, string>, why: string): Promise<void> {
    for (const [method, path] of paths()) {
      const res = await call(server, method, path, {
        token: null, headers,
        ...(method === 'PATCH' ? { json: { legalHold: true } } : method === 'POST' ? { json: { startTime: START } } : {}),
      });
      assertError(res, 401, 'INVALID_CLIENT_CREDENTIALS');
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/, `${why}: WWW-Authenticate`);
    }
    const still = await call(server, 'GET', `/api/v1/recordings/${rec.id}`);
    assert.equal(still.status, 200);
    assert.equal(still.json.legalHold, false);
  }

  void test('no Authorization header is a 401 everywhere', async () => {
    await assertRefused({}, 'no token');
  });

  void test('a token that is not a JWT is a 401', async () => {
    await assertRefused({ authorization: 'Bearer not-a-token' }, 'garbage');
  });

  void test('a Basic Authorization header is a 401 on the API', async () => {
    await assertRefused({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }, 'basic');
  });

  void test('a token whose claims were edited (wider scope, other account) is a 401', async () => {
    const [h, p, s] = server.token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
    await assertRefused({ authorization: `Bearer ${h}.${b64({ ...claims, scope: 'admin' })}.${s}` }, 'tampered scope');
    await assertRefused({ authorization: `Bearer ${h}.${b64({ ...claims, acc: 'acc_someoneelse' })}.${s}` }, 'tampered account');
    const flipped = s.slice(0, -2) + (s.endsWith('AA') ? 'BB' : 'AA');
    await assertRefused({ authorization: `Bearer ${h}.${p}.${flipped}` }, 'tampered signature');
  });

  void test('an alg:none token is a 401', async () => {
    const [h, p] = server.token.split('.') as [string, string, string];
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>;
    await assertRefused({ authorization: `Bearer ${b64({ ...header, alg: 'none' })}.${p}.` }, 'alg none');
    await assertRefused({ authorization: `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${p}.` }, 'alg none without kid');
    await assertRefused({ authorization: `Bearer ${b64({ ...header, alg: 'HS512' })}.${p}.${server.token.split('.')[2]}` }, 'other alg');
  });

  void test('an expired token is a 401', async () => {
    const claims = JSON.parse(Buffer.from(server.token.split('.')[1]!, 'base64url').toString('utf8')) as { sub: string; acc: string; typ: 'client'; scope: string };
    const { token } = signToken({ sub: claims.sub, acc: claims.acc, typ: claims.typ, scope: claims.scope }, server.vault.signingKeys.current(), 900, Date.now() - 3_600_000);
    await assertRefused({ authorization: `Bearer ${token}` }, 'expired');
  });

  void test('a token signed by an unknown key is a 401', async () => {
    const claims = JSON.parse(Buffer.from(server.token.split('.')[1]!, 'base64url').toString('utf8')) as { sub: string; acc: string; typ: 'client'; scope: string };
    const { token } = signToken({ sub: claims.sub, acc: claims.acc, typ: claims.typ, scope: claims.scope }, { kid: 'forged', key: Buffer.alloc(32, 7) }, 900);
    await assertRefused({ authorization: `Bearer ${token}` }, 'unknown kid');
  });
});

void describe('request ids', () => {
  void test('every kind of response carries an X-Request-Id', async () => {
    const etag = (await call(server, 'GET', mediaPath())).headers.get('etag')!;
    const responses: Array<[string, Res]> = [
      ['200 list', await call(server, 'GET', '/api/v1/recordings')],
      ['200 get', await call(server, 'GET', `/api/v1/recordings/${rec.id}`)],
      ['200 media', await call(server, 'GET', mediaPath())],
      ['206 media', await call(server, 'GET', mediaPath(), { headers: { range: 'bytes=0-1' } })],
      ['304 media', await call(server, 'GET', mediaPath(), { headers: { 'if-none-match': etag } })],
      ['416 media', await call(server, 'GET', mediaPath(), { headers: { range: 'bytes=999999999-' } })],
      ['400 list', await call(server, 'GET', '/api/v1/recordings?pageSize=0')],
      ['401', await call(server, 'GET', '/api/v1/recordings', { token: null })],
      ['404 recording', await call(server, 'GET', '/api/v1/recordings/rec_missing')],
      ['404 route', await call(server, 'GET', '/api/v1/nowhere')],
      ['415', await call(server, 'POST', '/api/v1/recordings', { body: 'x', headers: { 'content-type': 'text/plain' } })],
      ['healthz', await call(server, 'GET', '/healthz', { token: null })],
    ];
    const seen = new Set<string>();
    for (const [label, res] of responses) {
      const id = res.headers.get('x-request-id');
      assert.ok(id && /^[A-Za-z0-9._:-]{1,128}$/.test(id), `${label} has no usable X-Request-Id`);
      seen.add(id);
    }
    assert.equal(seen.size, responses.length, 'request ids are unique');
  });

  void test('a well-formed X-Request-Id from the client is echoed, in the header and in the error envelope', async () => {
    const res = await call(server, 'GET', '/api/v1/recordings/rec_missing', { headers: { 'x-request-id': 'trace-abc.123:4' } });
    assertError(res, 404, 'RESOURCE_NOT_FOUND');
    assert.equal(res.headers.get('x-request-id'), 'trace-abc.123:4');
    assert.equal(res.json.error.request_id, 'trace-abc.123:4');
  });

  void test('a malformed X-Request-Id from the client is replaced by a server one', async () => {
    const res = await call(server, 'GET', '/api/v1/recordings', { headers: { 'x-request-id': 'bad id with spaces <>' } });
    assert.equal(res.status, 200);
    const id = res.headers.get('x-request-id');
    assert.ok(id && id !== 'bad id with spaces <>');
    assert.match(id, /^[A-Za-z0-9._:-]{1,128}$/);
  });
});
