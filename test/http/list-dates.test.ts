import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../helpers/server.js';
import { assertError, call } from './util.js';

describe('time windows and uploaded events', () => {
  let server: TestServer;
  const ids: string[] = [];
  before(async () => {
    server = await startServer();
    for (const t of ['2026-11-19T23:30:00Z', '2026-11-20T00:30:00Z', '2026-11-21T12:00:00+02:00']) {
      ids.push((await call(server, 'POST', '/api/v1/recordings', { json: { startTime: t } })).json.id);
    }
  });
  after(() => server.stop());

  it('accepts plain dates as midnight UTC and zone-less times as UTC', async () => {
    const byDate = await call(server, 'GET', '/api/v1/recordings?from=2026-11-20&to=2026-11-21&sort=startTime');
    assert.deepEqual(byDate.json.data.map((r: { id: string }) => r.id), [ids[1]]);
    const byTime = await call(server, 'GET', '/api/v1/recordings?from=2026-11-19T23:00:00&to=2026-11-20T01:00&sort=startTime');
    assert.deepEqual(byTime.json.data.map((r: { id: string }) => r.id), [ids[0], ids[1]]);
    const zoned = await call(server, 'GET', `/api/v1/recordings?from=${encodeURIComponent('2026-11-21T11:00:00+02:00')}`);
    assert.deepEqual(zoned.json.data.map((r: { id: string }) => r.id), [ids[2]]);
  });

  it('refuses times that are not ISO 8601', async () => {
    for (const bad of ['yesterday', '2026-13-45', '20261120', '2026-11-20T25:00:00Z']) {
      assertError(await call(server, 'GET', `/api/v1/recordings?from=${encodeURIComponent(bad)}`), 400, 'INVALID_REQUEST');
    }
  });

  it('takes call events from the uploader but not data-change events, which are the vault\'s own', async () => {
    const ok = await call(server, 'POST', '/api/v1/recordings', { json: { startTime: '2026-11-20T00:00:00Z', events: [{ type: 'hold', at: '2026-11-20T00:01:00Z' }] } });
    assert.equal(ok.status, 201);
    assert.deepEqual(ok.json.events.map((e: { type: string }) => e.type), ['hold']);
    const forged = await call(server, 'POST', '/api/v1/recordings', { json: { startTime: '2026-11-20T00:00:00Z', events: [{ type: 'dataDeleted', at: '2026-11-20T00:01:00Z' }] } });
    assertError(forged, 400, 'INVALID_REQUEST', /events/);
  });
});
