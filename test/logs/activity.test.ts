import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startServer, type TestServer } from '../helpers/server.js';
import { call } from '../http/util.js';
import { waitFor, type Json } from './util.js';

let server: TestServer;
let logs: { token: string; clientId: string };
const ACTIVITY = '/api/v1/api-activity-logs';

before(async () => {
  server = await startServer();
  logs = await server.client({ scopes: ['logs:read'] });
});
after(async () => {
  await server?.stop();
});

const byRequestId = (id: string | null) => waitFor(server, logs.token, ACTIVITY, {}, (d) => d.some((e: Json) => e.requestId === id), `the activity row of ${id}`)
  .then((d) => d.find((e: Json) => e.requestId === id) as Json);

void describe('the API activity log', () => {
  void test('every request gets a row: method, request line, client, status, server time and its request id', async () => {
    const t0 = Date.now();
    const res = await call(server, 'GET', '/api/v1/recordings?tag=a&pageSize=5');
    assert.equal(res.status, 200);
    const row = await byRequestId(res.headers.get('x-request-id'));
    assert.equal(row.method, 'GET');
    assert.equal(row.request, 'GET /api/v1/recordings?tag=a&pageSize=5');
    assert.equal(row.status, 200);
    assert.equal(row.errorDetails, null);
    assert.equal(row.ip, '127.0.0.1');
    assert.equal(typeof row.durationMs, 'number');
    assert.ok(row.durationMs >= 0 && row.durationMs < 5000);
    assert.ok(Date.parse(row.time) >= t0 - 1000 && Date.parse(row.time) <= Date.now());
    assert.match(row.clientId, /^cli_/);
    assert.equal(row.principalId, row.clientId);
  });

  void test('refusals carry the error code and description', async () => {
    const res = await call(server, 'GET', '/api/v1/recordings/rec_missing');
    assert.equal(res.status, 404);
    const row = await byRequestId(res.headers.get('x-request-id'));
    assert.equal(row.status, 404);
    assert.match(row.errorDetails, /^RESOURCE_NOT_FOUND: .*rec_missing/);
  });

  void test('secret query values never reach the log: auth_token, client_secret and password are masked', async () => {
    const res = await call(server, 'GET', '/api/v1/recordings?auth_token=S3cr3tTok&client_secret=S3cr3tSec&password=S3cr3tPw&tag=kept');
    assert.equal(res.status, 400);
    const row = await byRequestId(res.headers.get('x-request-id'));
    assert.equal(row.request, 'GET /api/v1/recordings?auth_token=***&client_secret=***&password=***&tag=kept');
    assert.match(row.errorDetails, /INVALID_REQUEST: .*unknown parameter/);
    const audit = await waitFor(server, logs.token, '/api/v1/audit-logs', { item: 'interactions', outcome: 'refused' }, (d) => d.length > 0, 'the refused list');
    assert.ok(!JSON.stringify(audit).includes('S3cr3t'));
    await server.vault.logs.flush();
    for (const f of ['callvault.db', 'callvault.db-wal']) {
      const bytes = await readFile(join(server.dir, f)).catch(() => Buffer.alloc(0));
      assert.equal(bytes.includes('S3cr3t'), false, `${f} must not hold a secret`);
    }
  });

  void test("a token request's secret is never logged, and its row names the client", async () => {
    const c = await server.client({ scopes: ['recordings:read'] });
    const res = await call(server, 'POST', '/oauth/token', { token: null, json: { client_id: c.clientId, client_secret: c.secret } });
    assert.equal(res.status, 200);
    const row = await byRequestId(res.headers.get('x-request-id'));
    assert.equal(row.request, 'POST /oauth/token');
    assert.equal(row.clientId, c.clientId);
    await server.vault.logs.flush();
    const db = await readFile(join(server.dir, 'callvault.db-wal')).catch(() => Buffer.alloc(0));
    assert.equal(db.includes(c.secret), false);
  });

  void test('requests the router refuses before any route runs (a malformed URL, an unknown path) are logged too', async () => {
    const bad = await call(server, 'GET', '/api/v1/recordings/%E0%A4%A');
    assert.equal(bad.status, 400);
    const unknown = await call(server, 'GET', '/api/v1/nowhere');
    assert.equal(unknown.status, 404);
    const anonymous = await call(server, 'GET', '/api/v1/nowhere-anonymous', { token: null });
    assert.equal(anonymous.status, 404);
    // Filed under the account the (unchecked) token names, without a principal: nothing checked it.
    const rows = await waitFor(server, logs.token, ACTIVITY, { request: '%E0%A4%A' }, (d) => d.length === 1, 'the malformed request');
    assert.deepEqual([rows[0].status, rows[0].principalId], [400, null]);
    const row = await byRequestId(unknown.headers.get('x-request-id'));
    assert.deepEqual([row.status, row.principalId], [404, null]);
    // Without any credentials it is logged under no account.
    await server.vault.logs.flush();
    const page = await server.vault.logs.listActivity({
      accountId: '', from: 0, to: Date.now() + 1000, page: 1, pageSize: 10, sort: { field: 'time', desc: true }, request: '/nowhere-anonymous',
    });
    assert.equal(page.items[0]?.status, 404);
  });

  void test('an upload the client abandons half-way is logged as 499 with its request id', async () => {
    const id = `req-abandoned-${Date.now()}`;
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
    await new Promise<void>((ok) => socket.once('connect', () => ok()));
    socket.write(`POST /api/v1/recordings HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${server.token}\r\n`
      + `X-Request-Id: ${id}\r\nContent-Type: multipart/form-data; boundary=xx\r\nContent-Length: 1000000\r\n\r\n`
      + '--xx\r\nContent-Disposition: form-data; name="media"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\nRIFF');
    await new Promise((ok) => setTimeout(ok, 200));
    socket.destroy();
    const row = await byRequestId(id);
    assert.equal(row.status, 499);
    assert.match(row.errorDetails, /closed the connection/);
    assert.equal(row.request, 'POST /api/v1/recordings');
  });
});
