/**
 * The Kazoo recordings door (specs/kazoo-recordings-api.txt, NOTES.md): sign-in with a
 * credentials hash or an API key, the envelope, paging by start_key, Gregorian windows, the
 * document or its MP3 by Accept, PATCH of user_metadata, DELETE, and Kazoo-style errors.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { startServer, multipart, type TestServer } from '../helpers/server.js';
import { call, type Res } from '../http/util.js';
import { makeFixture } from '../fixtures/media.js';
import { hashSecret, newId, passwordEquivalentKeys } from '../../src/auth/secrets.js';

const GREGORIAN = 62_167_219_200;
const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

function assertEnvelope(res: Res, status = 200): void {
  assert.equal(res.status, status, res.bytes.toString());
  assert.equal(res.headers.get('content-type'), 'application/json');
  assert.equal(res.json.status, 'success');
  assert.equal(typeof res.json.request_id, 'string');
  assert.equal(typeof res.json.revision, 'string');
  assert.ok('data' in res.json);
}

function assertKazooError(res: Res, status: number, message?: string): void {
  assert.equal(res.status, status, res.bytes.toString());
  assert.equal(res.headers.get('content-type'), 'application/json');
  assert.equal(res.json.status, 'error');
  assert.equal(res.json.error, String(status));
  if (message) assert.equal(res.json.message, message);
  assert.equal(typeof res.json.data, 'object');
}

describe('Kazoo recordings door', () => {
  let server: TestServer;
  let account: string;
  let accountName: string;
  let token: string;
  let userId: string;
  const ids: string[] = [];
  let withAudio: string;
  let wav: Buffer;

  before(async () => {
    server = await startServer();
    account = server.accountId;
    accountName = (await server.vault.store.getAccount(account))!.name;
    userId = newId('usr', 10);
    await server.vault.store.createUser({
      id: userId, accountId: account, username: 'kim', passwordHash: await hashSecret('kim password 9'), role: 'admin',
      createdAt: new Date().toISOString(), credentialKeys: await passwordEquivalentKeys('kim', 'kim password 9', account),
    });
    const auth = await call(server, 'PUT', '/v2/user_auth', { token: null, json: { data: { credentials: md5('kim:kim password 9'), account_name: accountName } } });
    assertEnvelope(auth, 201);
    token = auth.json.auth_token;
    assert.equal(auth.json.data.account_id, account);
    assert.equal(auth.json.data.owner_id, userId);
    for (let i = 0; i < 280; i++) {
      const res = await call(server, 'POST', '/api/v1/recordings', {
        json: {
          startTime: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(), durationMs: 30_000 + i, callDirection: i % 2 ? 'incoming' : 'outgoing',
          calling: { phoneNumber: `+1555${String(i).padStart(4, '0')}`, displayName: `Caller ${i}` }, called: { extension: '200', ...(i % 4 === 0 ? { id: userId } : {}) },
          sipCallId: `sip-${i}`,
        },
      });
      ids.push(res.json.id);
    }
    wav = await readFile(await makeFixture('wav-mulaw', { seconds: 2 }));
    const { body, contentType } = multipart({ startTime: '2026-11-20T10:00:00Z' }, [{ fileName: 'a.wav', type: 'audio/wav', data: wav }]);
    withAudio = (await call(server, 'POST', '/api/v1/recordings', { body, headers: { 'content-type': contentType } })).json.id;
  });
  after(() => server?.stop());

  const kz = (method: string, path: string, opts: { json?: unknown; headers?: Record<string, string> } = {}) =>
    call(server, method, path, { token: null, ...opts, headers: { 'x-auth-token': token, ...(opts.headers ?? {}) } });

  it('signs in with the sha1 hash too, and refuses a wrong hash as Kazoo does', async () => {
    assertEnvelope(await call(server, 'PUT', '/v2/user_auth', { token: null, json: { data: { credentials: sha1('kim:kim password 9'), method: 'sha', account_name: accountName } } }), 201);
    assertKazooError(await call(server, 'PUT', '/v2/user_auth', { token: null, json: { data: { credentials: md5('kim:wrong'), account_name: accountName } } }), 401, 'invalid_credentials');
    assertKazooError(await call(server, 'PUT', '/v2/user_auth', { token: null, json: { data: { credentials: md5('kim:kim password 9'), account_name: 'nope' } } }), 401);
  });

  it('lets a user created before credential keys were kept sign in with user_auth once they signed in with their password', async () => {
    await server.vault.store.createUser({
      id: newId('usr', 10), accountId: account, username: 'old', passwordHash: await hashSecret('old password 7'), role: 'agent',
      createdAt: new Date().toISOString(),
    });
    const hash = md5('old:old password 7');
    assertKazooError(await call(server, 'PUT', '/v2/user_auth', { token: null, json: { data: { credentials: hash, account_name: accountName } } }), 401);
    assert.equal((await call(server, 'POST', '/api/v1/auth/login', { token: null, json: { username: 'old', password: 'old password 7' } })).status, 200);
    assertEnvelope(await call(server, 'PUT', '/v2/user_auth', { token: null, json: { data: { credentials: hash, account_name: accountName } } }), 201);
    assertEnvelope(await call(server, 'PUT', '/v2/user_auth', { token: null, json: { data: { credentials: sha1('old:old password 7'), method: 'sha', account_name: accountName } } }), 201);
  });

  it('signs in with an API key (client id and secret) through api_auth', async () => {
    const c = await server.client({});
    const res = await call(server, 'PUT', '/v2/api_auth', { token: null, json: { data: { api_key: `${c.clientId}.${c.secret}` } } });
    assertEnvelope(res, 201);
    assert.equal(res.json.data.account_id, account);
    const list = await call(server, 'GET', `/v2/accounts/${account}/recordings?page_size=1`, { token: null, headers: { 'x-auth-token': res.json.auth_token } });
    assertEnvelope(list);
    assertKazooError(await call(server, 'PUT', '/v2/api_auth', { token: null, json: { data: { api_key: `${c.clientId}.wrong` } } }), 401);
  });

  it('pages through the account\'s recordings by start_key, each exactly once, newest first', async () => {
    const seen: string[] = [];
    let key: string | undefined;
    for (let n = 0; n < 40; n++) {
      const res = await kz('GET', `/v2/accounts/${account}/recordings?page_size=25${key ? `&start_key=${encodeURIComponent(key)}` : ''}`);
      assertEnvelope(res);
      assert.ok(Array.isArray(res.json.data));
      seen.push(...res.json.data.map((d: { id: string }) => d.id));
      key = res.json.next_start_key;
      if (!key) break;
    }
    assert.equal(seen.length, 281);
    assert.equal(new Set(seen).size, 281);
    assert.deepEqual(new Set(seen), new Set([...ids, withAudio]));
    assert.equal(seen[0], withAudio);
  });

  it('renders the Kazoo recording document', async () => {
    const res = await kz('GET', `/v2/accounts/${account}/recordings/${ids[3]}`, { headers: { accept: 'application/json, text/javascript, */*; q=0.01' } });
    assertEnvelope(res);
    const d = res.json.data;
    assert.equal(d.id, ids[3]);
    assert.equal(d.call_id, 'sip-3');
    assert.equal(d.caller_id_number, '+15550003');
    assert.equal(d.caller_id_name, 'Caller 3');
    assert.equal(d.direction, 'inbound');
    assert.equal(d.duration, 30);
    assert.equal(d.duration_ms, 30_003);
    assert.equal(d.start, Date.UTC(2026, 10, 1, 0, 3) / 1000 + GREGORIAN);
    assert.match(d.from, /^\+15550003@/);
    for (const k of ['media_source', 'origin', 'content_type', 'custom_channel_vars', 'to']) assert.ok(k in d, k);
  });

  it('lists a user\'s recordings and filters by the Gregorian creation window', async () => {
    const mine = await kz('GET', `/v2/accounts/${account}/users/${userId}/recordings?page_size=100`);
    assertEnvelope(mine);
    assert.equal(mine.json.data.length, 70);
    const now = Math.floor(Date.now() / 1000) + GREGORIAN;
    assert.equal((await kz('GET', `/v2/accounts/${account}/recordings?created_from=${now - 3600}&created_to=${now + 60}&page_size=1`)).json.data.length, 1);
    assert.equal((await kz('GET', `/v2/accounts/${account}/recordings?created_from=${now - 86_400 * 40}&created_to=${now - 86_400 * 35}`)).json.data.length, 0);
    const tooWide = await kz('GET', `/v2/accounts/${account}/recordings?created_from=${now - 86_400 * 40}&created_to=${now}`);
    assertKazooError(tooWide, 400, 'validation error');
    assert.equal(typeof tooWide.json.data.created_from.date_range.message, 'string', 'crossbar names the broken rule');
    assert.equal(tooWide.json.data.created_from.date_range.cause, now - 86_400 * 40);
    // created_to includes the whole second it names: a window ending at this second finds what was just stored.
    const fresh = (await kz('POST', '/api/v1/recordings', { json: { startTime: '2026-11-01T00:00:00Z', calling: { extension: '4477' }, called: { phoneNumber: '+15557000001' } } })).json;
    const second = Math.floor(Date.parse(fresh.createdAt) / 1000) + GREGORIAN;
    const atIt = await kz('GET', `/v2/accounts/${account}/recordings?created_from=${second}&created_to=${second}`);
    assert.ok(atIt.json.data.some((r: { id: string }) => r.id === fresh.id), 'created_to is inclusive');
    // filter_caller_id_number looks at the calling party (its extension when it has no number), callee at the called.
    const byCaller = await kz('GET', `/v2/accounts/${account}/recordings?filter_caller_id_number=4477`);
    assert.deepEqual(byCaller.json.data.map((r: { id: string }) => r.id), [fresh.id]);
    assert.equal((await kz('GET', `/v2/accounts/${account}/recordings?filter_callee_id_number=4477`)).json.data.length, 0);
    assert.deepEqual((await kz('GET', `/v2/accounts/${account}/recordings?filter_callee_id_number=15557000001`)).json.data.map((r: { id: string }) => r.id), [fresh.id]);
    assert.equal((await kz('DELETE', `/v2/accounts/${account}/recordings/${fresh.id}`)).status, 200);
    const count = async (qs: string) => {
      let n = 0;
      let key: string | undefined;
      do {
        const res = await kz('GET', `/v2/accounts/${account}/recordings?${qs}&page_size=100${key ? `&start_key=${encodeURIComponent(key)}` : ''}`);
        n += res.json.data.length;
        key = res.json.next_start_key;
      } while (key);
      return n;
    };
    assert.equal(await count('filter_direction=outbound'), 140);
    assert.equal(await count('filter_direction=inbound'), 141);
  });

  it('serves the audio as MP3 for Accept: audio/mpeg or ?accept=audio/mpeg, inline on request', async () => {
    const a = await kz('GET', `/v2/accounts/${account}/recordings/${withAudio}`, { headers: { accept: 'audio/mpeg' } });
    assert.equal(a.status, 200, a.bytes.toString());
    assert.equal(a.headers.get('content-type'), 'audio/mpeg');
    assert.match(a.headers.get('content-disposition') ?? '', /^attachment; filename=/);
    assert.ok(a.bytes.length > 1000);
    // An MP3 frame sync (or an ID3 tag) at the start.
    assert.ok(a.bytes.subarray(0, 3).toString('latin1') === 'ID3' || (a.bytes[0] === 0xff && (a.bytes[1]! & 0xe0) === 0xe0));
    const b = await call(server, 'GET', `/v2/accounts/${account}/recordings/${withAudio}?accept=audio/mpeg&inline=true&auth_token=${token}`, { token: null });
    assert.equal(b.status, 200);
    assert.match(b.headers.get('content-disposition') ?? '', /^inline/);
  });

  it('patches user_metadata and deletes a recording, answering the document', async () => {
    const res = await kz('PATCH', `/v2/accounts/${account}/recordings/${ids[5]}`, { json: { data: { user_metadata: { tags: { important: 1 } } } } });
    assertEnvelope(res);
    assert.deepEqual(res.json.data.user_metadata, { tags: { important: 1 } });
    const del = await kz('DELETE', `/v2/accounts/${account}/recordings/${ids[6]}`, { json: { data: {} } });
    assertEnvelope(del);
    assert.equal(del.json.data.id, ids[6]);
    assertKazooError(await kz('GET', `/v2/accounts/${account}/recordings/${ids[6]}`), 404, 'bad_identifier');
  });

  it('answers errors in the Kazoo envelope: no token, another account, bad paging', async () => {
    assertKazooError(await call(server, 'GET', `/v2/accounts/${account}/recordings`, { token: null }), 401);
    assertKazooError(await kz('GET', `/v2/accounts/${newId('acc', 10)}/recordings`), 403);
    assertKazooError(await kz('GET', `/v2/accounts/${account}/recordings?page_size=0`), 400);
    assertKazooError(await kz('GET', `/v2/accounts/${account}/recordings?start_key=garbage`), 400);
    assertKazooError(await kz('GET', `/v2/accounts/${account}/recordings?filter_colour=red`), 400);
    const badKey = await kz('GET', `/v2/accounts/${account}/recordings?start_key=garbage`);
    assert.ok(badKey.json.data.start_key, 'the bad start_key is named');
    // Repeated parameters take their first value, never a 500.
    assertEnvelope(await kz('GET', `/v2/accounts/${account}/recordings?page_size=2&page_size=3&filter_owner_id=${userId}&filter_owner_id=x`));
    assertEnvelope(await kz('GET', `/v2/accounts/${account}/recordings/${ids[7]}?accept=application/json&accept=audio/mpeg`));
    // A method the resource does not take is 405 invalid_method; an unknown path 404 bad_identifier — both in the envelope.
    assertKazooError(await kz('POST', `/v2/accounts/${account}/recordings`, { json: { data: {} } }), 405, 'invalid_method');
    assertKazooError(await kz('PUT', `/v2/accounts/${account}/recordings/${ids[7]}`, { json: { data: {} } }), 405, 'invalid_method');
    assertKazooError(await kz('GET', '/v2/accounts/whatever/devices'), 404, 'bad_identifier');
  });

  it('takes the bodies real clients send: an empty PATCH, DELETE with no body, an empty JSON body or a form body', async () => {
    const same = await kz('PATCH', `/v2/accounts/${account}/recordings/${ids[8]}`, { json: { data: {} } });
    assertEnvelope(same);
    assert.equal(same.json.data.id, ids[8]);
    assertEnvelope(await kz('DELETE', `/v2/accounts/${account}/recordings/${ids[8]}`));
    assertEnvelope(await call(server, 'DELETE', `/v2/accounts/${account}/recordings/${ids[9]}`, { token: null, body: '', headers: { 'x-auth-token': token, 'content-type': 'application/json' } }));
    assertEnvelope(await call(server, 'DELETE', `/v2/accounts/${account}/recordings/${ids[10]}`, { token: null, body: 'x=1', headers: { 'x-auth-token': token, 'content-type': 'application/x-www-form-urlencoded' } }));
  });
});
