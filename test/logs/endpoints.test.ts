import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer, type TestServer } from '../helpers/server.js';
import { assertError, call } from '../http/util.js';
import { auditFor, list, waitFor, type Json } from './util.js';

let server: TestServer;
let logs: { token: string; clientId: string; accountId: string };
const AUDIT = '/api/v1/audit-logs';
const ACTIVITY = '/api/v1/api-activity-logs';

before(async () => {
  server = await startServer();
  logs = await server.client({ scopes: ['logs:read'] });
  // Known traffic: three recordings viewed, one missing, one listed with a literal % in a filter value.
  for (let i = 0; i < 3; i++) {
    const up = await call(server, 'POST', '/api/v1/recordings', { json: { startTime: `2024-06-0${i + 1}T10:00:00Z` } });
    assert.equal((await call(server, 'GET', `/api/v1/recordings/${up.json.id}`)).status, 200);
  }
  assert.equal((await call(server, 'GET', '/api/v1/recordings/rec_missing')).status, 404);
  assert.equal((await call(server, 'GET', '/api/v1/recordings?tag=100%25_done')).status, 200);
  await auditFor(server, logs.token, { item: 'interactions' }, 1);
});
after(async () => {
  await server?.stop();
});

void describe('log endpoints', () => {
  void test('filter the audit trail by item, action, outcome, principal and description (case-insensitive)', async () => {
    const views = await list(server, logs.token, AUDIT, { item: 'call', action: 'view' });
    assert.equal(views.total, 4);
    assert.deepEqual(views.data.map((e: Json) => e.outcome).sort(), ['refused', 'success', 'success', 'success']);
    assert.equal((await list(server, logs.token, AUDIT, { item: 'call', action: 'view', outcome: 'refused' })).total, 1);
    assert.equal((await list(server, logs.token, AUDIT, { action: 'add,view', item: 'call' })).total, 7);
    assert.equal((await list(server, logs.token, AUDIT, { description: 'VIEWED RECORDING' })).total, 3);
    const byClient = await list(server, logs.token, AUDIT, { principal: logs.clientId });
    assert.ok(byClient.data.every((e: Json) => e.principal.id === logs.clientId));
    assert.equal((await list(server, logs.token, AUDIT, { userFullName: 'TES' })).total > 0, true);
    assert.equal((await list(server, logs.token, AUDIT, { userFullName: 'nobody' })).total, 0);
  });

  void test('LIKE wildcards in a text filter are taken literally', async () => {
    assert.equal((await list(server, logs.token, AUDIT, { description: '100%_done' })).total, 1);
    assert.equal((await list(server, logs.token, AUDIT, { description: '1%0' })).total, 0);
    assert.equal((await list(server, logs.token, AUDIT, { description: 'recor_ing' })).total, 0);
  });

  void test('filter the activity log by method, status (code or class) and request text', async () => {
    assert.equal((await list(server, logs.token, ACTIVITY, { status: '404' })).total, 1);
    assert.equal((await list(server, logs.token, ACTIVITY, { status: '4xx' })).total, 1);
    assert.equal((await list(server, logs.token, ACTIVITY, { method: 'post', request: '/api/v1/recordings' })).total, 3);
    assert.equal((await list(server, logs.token, ACTIVITY, { method: 'GET', request: 'rec_missing' })).total, 1);
  });

  void test('sort by time either way (or by another field), page with a total, default newest first', async () => {
    // Reading the trail adds to it: look at the recordings' entries only.
    const all = await list(server, logs.token, AUDIT, { sort: 'time', item: 'call' });
    const times = all.data.map((e: Json) => Date.parse(e.time));
    assert.deepEqual(times, [...times].sort((a, b) => a - b));
    const newest = await call(server, 'GET', `${AUDIT}?pageSize=2&item=call`, { token: logs.token });
    assert.equal(newest.json.data[0].id, all.data[all.data.length - 1].id);
    const p2 = await list(server, logs.token, AUDIT, { sort: 'time', pageSize: '2', page: '2', item: 'call' });
    assert.deepEqual([p2.page, p2.pageSize, p2.total], [2, 2, all.total]);
    assert.deepEqual(p2.data.map((e: Json) => e.id), all.data.slice(2, 4).map((e: Json) => e.id));
    const byStatus = await list(server, logs.token, ACTIVITY, { sort: '-status' });
    assert.equal(byStatus.data[0].status, 404);
  });

  void test('the time window: from and to are inclusive, and an old window is empty', async () => {
    const all = await list(server, logs.token, AUDIT, { sort: 'time' });
    const first = all.data[0];
    const only = await list(server, logs.token, AUDIT, { from: '2000-01-01', to: first.time, sort: 'time' });
    assert.ok(only.total >= 1);
    assert.ok(only.data.every((e: Json) => Date.parse(e.time) <= Date.parse(first.time)));
    assert.equal((await list(server, logs.token, AUDIT, { from: '2020-01-01T00:00:00Z', to: '2020-01-02T00:00:00Z' })).total, 0);
  });

  void test('bad parameters answer 400: unknown names, unknown values, a reversed window, an oversized page', async () => {
    for (const path of [AUDIT, ACTIVITY, '/api/v1/system-activity-logs']) {
      assertError(await call(server, 'GET', `${path}?colour=red`, { token: logs.token }), 400, 'INVALID_REQUEST', /colour/);
    }
    assertError(await call(server, 'GET', `${AUDIT}?action=explode`, { token: logs.token }), 400, 'INVALID_REQUEST', /explode/);
    assertError(await call(server, 'GET', `${AUDIT}?from=2024-02-01&to=2024-01-01`, { token: logs.token }), 400, 'INVALID_REQUEST');
    assertError(await call(server, 'GET', `${AUDIT}?pageSize=101`, { token: logs.token }), 400, 'INVALID_REQUEST');
    assertError(await call(server, 'GET', `${AUDIT}?from=yesterday`, { token: logs.token }), 400, 'INVALID_REQUEST');
    assertError(await call(server, 'GET', `${AUDIT}?sort=hash`, { token: logs.token }), 400, 'INVALID_REQUEST');
    assertError(await call(server, 'GET', `${ACTIVITY}?status=999`, { token: logs.token }), 400, 'INVALID_REQUEST');
  });

  void test('without logs:read the audit and activity logs answer 403, and that refusal is itself audited', async () => {
    const res = await call(server, 'GET', AUDIT);
    assertError(res, 403, 'INSUFFICIENT_PERMISSIONS');
    assertError(await call(server, 'GET', ACTIVITY), 403, 'INSUFFICIENT_PERMISSIONS');
    const id = res.headers.get('x-request-id');
    const found = await waitFor(server, logs.token, AUDIT, { item: 'auditTrail', outcome: 'refused' }, (d) => d.some((e: Json) => e.requestId === id), 'the refused view');
    assert.match(found.find((e: Json) => e.requestId === id).description, /refused \(403\): view the audit trail/);
  });

  void test("another account's entries are never visible", async () => {
    const other = await server.client({ newAccount: true, scopes: ['logs:read', 'recordings:read'] });
    const mine = await list(server, other.token, AUDIT);
    assert.ok(mine.data.length > 0, 'its own login at least');
    assert.ok(mine.data.every((e: Json) => e.principal.id === other.clientId), JSON.stringify(mine.data));
    assert.equal((await list(server, other.token, AUDIT, { description: 'viewed recording' })).total, 0);
    assert.equal((await list(server, other.token, ACTIVITY, { request: '/api/v1/recordings/rec_' })).total, 0);
  });
});
