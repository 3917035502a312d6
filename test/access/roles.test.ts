import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startServer, multipart, type TestServer } from '../helpers/server.js';
import { makeFixture } from '../fixtures/media.js';
import { hashSecret, newId } from '../../src/auth/secrets.js';
import type { Role } from '../../src/core/principals.js';
import { assertError, call } from '../http/util.js';

const PASSWORD = 'correct horse battery';

describe('roles and visibility', () => {
  let server: TestServer;
  const tokens: Record<string, string> = {};
  const rec: Record<string, { id: string; mediaId: string }> = {};
  const userIds: Record<string, string> = {};

  before(async () => {
    server = await startServer();
    const users: Array<[string, Role, { upn?: string; groups?: string[] }]> = [
      ['ada', 'admin', {}], ['sue', 'supervisor', { groups: ['g-sales'] }],
      ['amy', 'agent', { upn: 'amy@acme.test' }], ['bob', 'agent', { upn: 'bob@acme.test' }],
    ];
    for (const [username, role, extra] of users) {
      userIds[username] = newId('usr', 10);
      await server.vault.store.createUser({
        id: userIds[username]!, accountId: server.accountId, username, passwordHash: await hashSecret(PASSWORD), role,
        createdAt: new Date().toISOString(), ...extra,
      });
      const login = await call(server, 'POST', '/api/v1/auth/login', { token: null, json: { username, password: PASSWORD } });
      assert.equal(login.status, 200, login.bytes.toString());
      tokens[username] = login.json.access_token;
    }
    const wav = await readFile(await makeFixture('wav-mulaw', { seconds: 1 }));
    const seed: Record<string, unknown> = {
      amyCall: { startTime: '2026-01-01T10:00:00Z', called: { upn: 'Amy@acme.test' } },
      salesCall: { startTime: '2026-01-01T11:00:00Z', accessGroups: [{ id: 'g-sales' }], calling: { phoneNumber: '+1 555 1234' }, called: { upn: 'carl@acme.test', displayName: 'Carl' }, userMetadata: { GSIP_RECORD: 'secret', keep: 'visible' } },
      otherCall: { startTime: '2026-01-01T12:00:00Z', calling: { phoneNumber: '+15550000' } },
    };
    for (const [name, meta] of Object.entries(seed)) {
      const { body, contentType } = multipart(meta, [{ fileName: 'a.wav', type: 'audio/wav', data: wav }]);
      const res = await call(server, 'POST', '/api/v1/recordings', { body, headers: { 'content-type': contentType } });
      rec[name] = { id: res.json.id, mediaId: res.json.media[0].id };
    }
    const { body, contentType } = multipart({ startTime: '2026-01-01T13:00:00Z' }, [{ fileName: 'a.wav', type: 'audio/wav', data: wav }]);
    const bobs = await call(server, 'POST', '/api/v1/recordings', { token: tokens.bob, body, headers: { 'content-type': contentType } });
    assert.equal(bobs.status, 201);
    assert.equal(bobs.json.ownerId, userIds.bob);
    rec.bobsUpload = { id: bobs.json.id, mediaId: bobs.json.media[0].id };
  });
  after(() => server.stop());

  const listed = async (who: string) => {
    const res = await call(server, 'GET', '/api/v1/recordings?sort=startTime', { token: tokens[who] ?? server.token });
    assert.equal(res.status, 200);
    return { ids: res.json.data.map((r: { id: string }) => r.id), total: res.json.total };
  };

  it('lets an API client and an admin see the whole account', async () => {
    const all = [rec.amyCall!.id, rec.salesCall!.id, rec.otherCall!.id, rec.bobsUpload!.id];
    assert.deepEqual((await listed('client')).ids, all);
    assert.deepEqual((await listed('ada')).ids, all);
  });

  it('shows an agent only the calls they took part in or uploaded, and counts only those', async () => {
    assert.deepEqual(await listed('amy'), { ids: [rec.amyCall!.id], total: 1 });
    assert.deepEqual(await listed('bob'), { ids: [rec.bobsUpload!.id], total: 1 });
  });

  it("shows a supervisor their groups' recordings", async () => {
    assert.deepEqual(await listed('sue'), { ids: [rec.salesCall!.id], total: 1 });
  });

  it('answers 404 — not 403 — for a recording the caller may not see, on every route', async () => {
    const { id, mediaId } = rec.otherCall!;
    for (const [method, path, json] of [
      ['GET', `/api/v1/recordings/${id}`, undefined],
      ['GET', `/api/v1/recordings/${id}/media/${mediaId}`, undefined],
      ['PATCH', `/api/v1/recordings/${id}`, { addNotes: [{ content: 'x' }] }],
    ] as const) {
      assertError(await call(server, method, path, { token: tokens.amy, ...(json ? { json } : {}) }), 404, 'RESOURCE_NOT_FOUND');
    }
    const own = await call(server, 'GET', `/api/v1/recordings/${rec.amyCall!.id}/media/${rec.amyCall!.mediaId}`, { token: tokens.amy });
    assert.equal(own.status, 200);
  });

  it('refuses actions outside a role with 403', async () => {
    assertError(await call(server, 'DELETE', `/api/v1/recordings/${rec.amyCall!.id}`, { token: tokens.amy }), 403, 'INSUFFICIENT_PERMISSIONS');
  });

  it('accepts HTTP Basic with a user\'s credentials and refuses a wrong password', async () => {
    const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
    const ok = await call(server, 'GET', '/api/v1/recordings', { token: null, headers: { authorization: basic('amy', PASSWORD) } });
    assert.equal(ok.status, 200);
    assert.equal(ok.json.total, 1);
    assertError(await call(server, 'GET', '/api/v1/recordings', { token: null, headers: { authorization: basic('amy', 'nope') } }), 401, 'INVALID_CLIENT_CREDENTIALS');
  });

  it('refuses a wrong password at login and says who the caller is', async () => {
    assertError(await call(server, 'POST', '/api/v1/auth/login', { token: null, json: { username: 'amy', password: 'wrong' } }), 401, 'INVALID_CLIENT_CREDENTIALS');
    const me = await call(server, 'GET', '/api/v1/auth/me', { token: tokens.sue });
    assert.equal(me.json.role, 'supervisor');
    assert.deepEqual(me.json.groups, ['g-sales']);
    assert.ok(!me.json.scopes.includes('admin'));
  });

  it('masks the configured fields for supervisors only, and refuses searches on them', async () => {
    assertError(await call(server, 'PUT', '/api/v1/settings/privacy', { token: tokens.sue, json: { agentFields: [], customerFields: [] } }), 403, 'INSUFFICIENT_PERMISSIONS');
    const set = await call(server, 'PUT', '/api/v1/settings/privacy', { token: tokens.ada, json: { agentFields: ['userName'], customerFields: ['callerPhoneNumber', 'GSIP_RECORD'] } });
    assert.equal(set.status, 200, set.bytes.toString());
    const sue = await call(server, 'GET', `/api/v1/recordings/${rec.salesCall!.id}`, { token: tokens.sue });
    assert.equal(sue.json.calling.phoneNumber, '*****');
    assert.equal(sue.json.called.upn, '*****');
    assert.equal(sue.json.called.displayName, '*****');
    assert.equal(sue.json.userMetadata.GSIP_RECORD, '*****');
    assert.equal(sue.json.userMetadata.keep, 'visible');
    const listed = await call(server, 'GET', '/api/v1/recordings', { token: tokens.sue });
    assert.equal(listed.json.data[0].calling.phoneNumber, '*****');
    const ada = await call(server, 'GET', `/api/v1/recordings/${rec.salesCall!.id}`, { token: tokens.ada });
    assert.equal(ada.json.calling.phoneNumber, '+1 555 1234');
    assertError(await call(server, 'GET', '/api/v1/recordings?phone=5551234', { token: tokens.sue }), 403, 'INSUFFICIENT_PERMISSIONS', /masked/);
    assertError(await call(server, 'GET', '/api/v1/recordings?user=carl@acme.test', { token: tokens.sue }), 403, 'INSUFFICIENT_PERMISSIONS', /masked/);
    assert.equal((await call(server, 'GET', '/api/v1/recordings?phone=15551234', { token: tokens.ada })).json.total, 1);
    assert.equal((await call(server, 'DELETE', '/api/v1/settings/privacy', { token: tokens.ada })).status, 200);
    assert.equal((await call(server, 'GET', `/api/v1/recordings/${rec.salesCall!.id}`, { token: tokens.sue })).json.calling.phoneNumber, '+1 555 1234');
  });

  it('revokes a token at logout', async () => {
    const login = await call(server, 'POST', '/api/v1/auth/login', { token: null, json: { username: 'bob', password: PASSWORD } });
    const token = login.json.access_token as string;
    assert.equal((await call(server, 'GET', '/api/v1/recordings', { token })).status, 200);
    assert.equal((await call(server, 'POST', '/api/v1/auth/logout', { token })).status, 204);
    assertError(await call(server, 'GET', '/api/v1/recordings', { token }), 401, 'INVALID_CLIENT_CREDENTIALS', /revoked/);
    assert.equal((await call(server, 'GET', '/api/v1/recordings', { token: tokens.bob })).status, 200, 'other sessions stay valid');
  });
});
