import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { multipart, startServer, type TestServer } from '../helpers/server.js';
import { makeFixture, removeFixtures } from '../fixtures/media.js';
import { call } from '../http/util.js';
import { hashSecret } from '../../src/auth/secrets.js';
import { GENESIS_HASH } from '../../src/audit/chain.js';
import { verifyAll } from '../../src/audit/verify.js';
import { withLogTables } from '../../src/store/logs-schema.js';
import type { SqlStore } from '../../src/store/index.js';
import { auditFor, list, type Json } from './util.js';

let server: TestServer;
let logs: string;
let rec: { id: string; media: Array<{ id: string }> };

before(async () => {
  server = await startServer();
  logs = (await server.client({ scopes: ['logs:read'] })).token;
  const data = await readFile(await makeFixture('wav-pcm16', { seconds: 1 }));
  const mp = multipart({ startTime: '2024-05-01T10:00:00Z' }, [{ fileName: 'call.wav', type: 'audio/wav', data }]);
  const res = await call(server, 'POST', '/api/v1/recordings', { body: mp.body, headers: { 'content-type': mp.contentType } });
  assert.equal(res.status, 201, res.bytes.toString());
  rec = res.json;
});
after(async () => {
  await server?.stop();
  await removeFixtures();
});

const me = () => ({ id: (JSON.parse(Buffer.from(server.token.split('.')[1]!, 'base64url').toString()) as { sub: string }).sub, kind: 'client' });
const one = (entries: Json[], item: string, action: string): Json => {
  const found = entries.filter((e) => e.item === item && e.action === action);
  assert.equal(found.length, 1, `one ${item}/${action} entry expected in ${JSON.stringify(entries.map((e) => `${e.item}/${e.action} ${e.description}`))}`);
  return found[0];
};

void describe('what the audit trail records', () => {
  void test('uploading, viewing, listing, playing, downloading and checking media are each recorded with who, what, where from and the request id', async () => {
    const media = `/api/v1/recordings/${rec.id}/media/${rec.media[0]!.id}`;
    const view = await call(server, 'GET', `/api/v1/recordings/${rec.id}`);
    assert.equal(view.status, 200);
    assert.equal((await call(server, 'GET', '/api/v1/recordings?tag=Sales&callDirection=incoming')).status, 200);
    assert.equal((await call(server, 'GET', media, { headers: { range: 'bytes=0-99' } })).status, 206);
    assert.equal((await call(server, 'GET', media)).status, 200);
    assert.equal((await call(server, 'HEAD', media)).status, 200);

    const entries = await auditFor(server, logs, { objectId: rec.id, outcome: 'success' }, 5);
    const upload = one(entries, 'call', 'upload');
    assert.deepEqual({ ...upload.principal, name: undefined }, { ...me(), name: undefined });
    assert.equal(upload.ip, '127.0.0.1');
    assert.match(upload.description, new RegExp(`uploaded recording ${rec.id}`));
    const viewed = one(entries, 'call', 'view');
    assert.equal(viewed.requestId, view.headers.get('x-request-id'));
    assert.match(one(entries, 'call', 'play').description, /played media/);
    assert.match(one(entries, 'call', 'download').description, /downloaded media/);
    assert.match(one(entries, 'call', 'access').description, /HEAD/);
    for (const e of entries) assert.equal(e.outcome, 'success');

    const listed = await auditFor(server, logs, { item: 'interactions', action: 'view' }, 1);
    assert.match(listed[0].description, /listed recordings \(tag=Sales, callDirection=incoming\)/);
  });

  void test('a PATCH is a modification, and legal hold, tag and note edits each add their own entry', async () => {
    const res = await call(server, 'PATCH', `/api/v1/recordings/${rec.id}`, {
      json: { legalHold: true, addTags: [{ tagName: 'Escalated' }], addNotes: [{ content: 'called back' }], userMetadata: { crm: 7 } },
    });
    assert.equal(res.status, 200, res.bytes.toString());
    const noteId = (res.json.notes as Array<{ id: string }>)[0]!.id;
    assert.equal((await call(server, 'PATCH', `/api/v1/recordings/${rec.id}`, { json: { removeTags: ['Escalated'], removeNotes: [noteId] } })).status, 200);

    const entries = await auditFor(server, logs, { objectId: rec.id, item: 'legalHold,tag,note' }, 5);
    assert.match(one(entries, 'legalHold', 'modify').description, /placed recording .* under legal hold/);
    assert.match(one(entries, 'tag', 'add').description, /Escalated/);
    assert.match(one(entries, 'tag', 'delete').description, /Escalated/);
    one(entries, 'note', 'add');
    assert.match(one(entries, 'note', 'delete').description, new RegExp(noteId));
    const modified = await auditFor(server, logs, { objectId: rec.id, item: 'call', action: 'modify' }, 2);
    assert.match(modified[0].description, /legalHold, addTags, addNotes, userMetadata/);
  });

  void test('deleting under legal hold is refused and recorded as such; after the hold is released the delete is recorded', async () => {
    assert.equal((await call(server, 'DELETE', `/api/v1/recordings/${rec.id}`)).status, 409);
    const refused = await auditFor(server, logs, { objectId: rec.id, item: 'call', action: 'delete', outcome: 'refused' }, 1);
    assert.equal(refused[0].item, 'call');
    assert.match(refused[0].description, /refused \(409\): delete recording .* — LEGAL_HOLD/);

    assert.equal((await call(server, 'PATCH', `/api/v1/recordings/${rec.id}`, { json: { legalHold: false } })).status, 200);
    assert.equal((await call(server, 'DELETE', `/api/v1/recordings/${rec.id}`)).status, 204);
    const released = await auditFor(server, logs, { objectId: rec.id, item: 'legalHold', description: 'released' }, 1);
    assert.equal(released[0].outcome, 'success');
    const deleted = await auditFor(server, logs, { objectId: rec.id, item: 'call', action: 'delete', outcome: 'success' }, 1);
    assert.match(deleted[0].description, /deleted recording/);
  });

  void test('a token request is a login; a wrong secret is a refused login filed under that client\'s account', async () => {
    const c = await server.client({ scopes: ['recordings:read'] });
    const bad = await call(server, 'POST', '/oauth/token', { token: null, json: { client_id: c.clientId, client_secret: 'wrong-secret' } });
    assert.equal(bad.status, 401);
    const entries = await auditFor(server, logs, { objectId: c.clientId, item: 'user', action: 'login' }, 2);
    const ok = entries.find((e) => e.outcome === 'success');
    const no = entries.find((e) => e.outcome === 'refused');
    assert.deepEqual(ok.principal, { id: c.clientId, kind: 'client', name: 'test' });
    assert.deepEqual(no.principal, { id: c.clientId, kind: 'unknown', name: null });
    assert.match(no.description, /refused \(401\): sign in as client .* INVALID_CLIENT_CREDENTIALS/);
    assert.ok(!JSON.stringify(entries).includes('wrong-secret'));
  });
});

void describe('users signing in and out', () => {
  void test("a user's password login, a wrong password and a logout are recorded with the user's name", async () => {
    const user = { id: 'usr_audit1', accountId: server.accountId, username: 'ann', passwordHash: await hashSecret('pa55word!'), role: 'admin' as const, firstName: 'Ann', lastName: 'Lee', createdAt: new Date().toISOString() };
    await server.vault.store.createUser(user);
    assert.equal((await call(server, 'POST', '/api/v1/auth/login', { token: null, json: { username: 'ann', password: 'nope-nope' } })).status, 401);
    const ok = await call(server, 'POST', '/api/v1/auth/login', { token: null, json: { username: 'ann', password: 'pa55word!' } });
    assert.equal(ok.status, 200);
    assert.equal((await call(server, 'POST', '/api/v1/auth/logout', { token: ok.json.access_token })).status, 204);
    const entries = await auditFor(server, logs, { objectId: user.id, item: 'user', sort: 'time' }, 3);
    assert.deepEqual(entries.map((e) => [e.action, e.outcome, e.principal.kind, e.principal.name]), [
      ['login', 'refused', 'unknown', null], ['login', 'success', 'user', 'Ann Lee'], ['logout', 'success', 'user', 'Ann Lee'],
    ]);
    assert.equal(entries[0].principal.id, 'ann');
    assert.ok(!JSON.stringify(entries).includes('pa55word') && !JSON.stringify(entries).includes('nope-nope'));
  });
});

void describe('refused attempts', () => {
  void test('a tampered token is refused and recorded under the account it claims, with the claimed client only', async () => {
    const [h, p, s] = server.token.split('.');
    const tampered = `${h}.${p}.${s!.slice(0, -4)}AAAA`;
    assert.equal((await call(server, 'GET', '/api/v1/recordings/rec_whatever', { token: tampered })).status, 401);
    const [e] = await auditFor(server, logs, { objectId: 'rec_whatever' }, 1);
    assert.equal(e.outcome, 'refused');
    assert.deepEqual(e.principal, { id: me().id, kind: 'unknown', name: null });
    assert.match(e.description, /refused \(401\): view recording rec_whatever/);
  });

  void test('a token that names no account is recorded in the unattributed chain', async () => {
    const res = await call(server, 'GET', '/api/v1/recordings/rec_garbage', { token: 'not-a-jwt' });
    assert.equal(res.status, 401);
    await server.vault.logs.flush();
    const page = await server.vault.logs.listAudit({
      accountId: '', from: 0, to: Date.now() + 1000, page: 1, pageSize: 10, sort: { field: 'time', desc: true }, objectId: 'rec_garbage',
    });
    assert.equal(page.total, 1);
    assert.equal(page.items[0]!.requestId, res.headers.get('x-request-id'));
  });

  void test('a missing scope is refused and recorded', async () => {
    const reader = await server.client({ scopes: ['recordings:read'] });
    assert.equal((await call(server, 'DELETE', '/api/v1/recordings/rec_scoped', { token: reader.token })).status, 403);
    const [e] = await auditFor(server, logs, { objectId: 'rec_scoped' }, 1);
    assert.equal(e.outcome, 'refused');
    assert.equal(e.principal.id, reader.clientId);
    assert.match(e.description, /INSUFFICIENT_PERMISSIONS/);
  });

  void test("another account's recording is a refused view in the caller's own trail, and nothing in the owner's", async () => {
    const up = await call(server, 'POST', '/api/v1/recordings', { json: { startTime: '2024-05-02T10:00:00Z' } });
    const other = await server.client({ newAccount: true, scopes: ['recordings:read', 'logs:read'] });
    assert.equal((await call(server, 'GET', `/api/v1/recordings/${up.json.id}`, { token: other.token })).status, 404);
    const [e] = await auditFor(server, other.token, { objectId: up.json.id }, 1);
    assert.equal(e.outcome, 'refused');
    assert.equal(e.principal.id, other.clientId);
    const mine = await list(server, logs, '/api/v1/audit-logs', { objectId: up.json.id });
    assert.deepEqual(mine.data.map((x: Json) => x.action), ['add']);
  });
});

void describe('the chain', () => {
  void test('every account chain verifies, each entry carrying the hash of the one before', async () => {
    await server.vault.logs.flush();
    const reports = await verifyAll(withLogTables((server.vault.store as SqlStore).db));
    assert.ok(reports.length >= 3, 'the default account, the other account and the unattributed chain');
    for (const r of reports) assert.ok(r.ok, JSON.stringify(r));
    const all = (await list(server, logs, '/api/v1/audit-logs', { sort: 'time', pageSize: '100' })).data as Json[];
    all.sort((a, b) => a.seq - b.seq);
    assert.equal(all[0].seq, 1);
    assert.equal(all[0].prevHash, GENESIS_HASH);
    for (let i = 1; i < all.length; i++) {
      assert.equal(all[i].seq, all[i - 1].seq + 1);
      assert.equal(all[i].prevHash, all[i - 1].hash);
    }
  });
});
