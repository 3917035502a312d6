import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { startServer, type TestServer } from '../helpers/server.js';
import { BIN } from '../helpers/process.js';
import { call } from '../http/util.js';
import { createLogs } from '../../src/audit/index.js';
import type { SqlStore } from '../../src/store/index.js';
import { list, waitFor, type Json } from './util.js';

let server: TestServer;
let admin: string;
const SYSTEM = '/api/v1/system-activity-logs';

before(async () => {
  // Every file system has less free space than this: the storage check must raise its alarm.
  server = await startServer({ CALLVAULT_MIN_FREE_BYTES: String(Number.MAX_SAFE_INTEGER), CALLVAULT_STORAGE_CHECK_MS: '40' });
  admin = (await server.client({ scopes: ['admin'] })).token;
});
after(async () => {
  await server?.stop();
});

const storage = (d: Json[]) => d.filter((e) => e.alarmKey === `storage.space:${server.dir}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

void describe('the system activity log', () => {
  void test('without admin, logs:read shows the server\'s own events and the caller\'s account\'s, never another account\'s', async () => {
    const reader = await server.client({ scopes: ['logs:read'] });
    const other = await server.client({ newAccount: true });
    server.vault.logs.system('error', 'ai', 'The transcribe job of recording rec_mine failed: x', { data: { accountId: server.accountId, jobId: 1 } });
    server.vault.logs.system('error', 'ai', 'The transcribe job of recording rec_theirs failed: x', { data: { accountId: other.accountId, jobId: 2 } });
    const seen = await waitFor(server, reader.token, SYSTEM, { systemActivityType: 'ai' }, (d) => d.length >= 1, 'the own-account event');
    assert.deepEqual(seen.map((e) => e.description), ['The transcribe job of recording rec_mine failed: x']);
    const started = await list(server, reader.token, SYSTEM, { description: 'started' });
    assert.equal(started.total, 1, "the server's own events are shown");
    const all = await list(server, admin, SYSTEM, { systemActivityType: 'ai' });
    assert.equal(all.total, 2, 'admin sees every account\'s');
    const insights = await call(server, 'GET', '/api/integration/v1/systemActivityLogs?filter=(systemActivityType=ai)', { token: reader.token });
    assert.equal(insights.status, 200, insights.bytes.toString());
    assert.deepEqual(insights.json.data.map((e: Json) => e.description), ['The transcribe job of recording rec_mine failed: x']);
    assert.equal((await call(server, 'GET', SYSTEM, { token: other.token })).status, 403, 'without logs:read');
  });

  void test('start-up is an info event naming the address and the configuration, without secrets', async () => {
    const [e] = await waitFor(server, admin, SYSTEM, { description: 'started' }, (d) => d.length === 1, 'the start-up event');
    assert.equal(e.logType, 'info');
    assert.equal(e.systemActivityType, 'configuration');
    assert.match(e.description, /callvault started: listening on 127\.0\.0\.1:\d+/);
    assert.equal(e.data.dataDir, server.dir);
    assert.equal(e.data.logs.apiActivityRetentionDays, 90);
    assert.ok(!JSON.stringify(e).toLowerCase().includes('masterkey'));
  });

  void test('low free space raises one storage alarm while it lasts and one alarmClear when it ends', async () => {
    const raised = await waitFor(server, admin, SYSTEM, { systemActivityType: 'storage' }, (d) => storage(d).length > 0, 'the storage alarm');
    assert.deepEqual(storage(raised).map((e) => e.logType), ['alarm']);
    assert.match(storage(raised)[0].description, /below the .* threshold/);
    await sleep(250); // several more checks, still low
    assert.deepEqual(storage((await list(server, admin, SYSTEM, { systemActivityType: 'storage' })).data).map((e: Json) => e.logType), ['alarm']);

    server.config.logs.minFreeBytes = 0;
    await waitFor(server, admin, SYSTEM, { systemActivityType: 'storage' }, (d) => storage(d).length === 2, 'the alarm to clear');
    await sleep(250);
    const all = storage((await list(server, admin, SYSTEM, { systemActivityType: 'storage' })).data);
    assert.deepEqual(all.map((e: Json) => e.logType), ['alarm', 'alarmClear']);
    assert.match(all[1].description, /back to/);
  });

  void test('an alarm still raised when a process restarts is neither raised again nor forgotten', async () => {
    assert.equal(await server.vault.logs.raiseAlarm('test.fan', 'configuration', 'the fan stopped', { level: 'warning' }), true);
    assert.equal(await server.vault.logs.raiseAlarm('test.fan', 'configuration', 'the fan stopped'), false);
    await server.vault.logs.flush();
    const restarted = createLogs((server.vault.store as SqlStore).db, server.config);
    try {
      assert.equal(await restarted.raiseAlarm('test.fan', 'configuration', 'the fan stopped'), false);
      assert.equal(await restarted.clearAlarm('test.fan', 'the fan runs again'), true);
      assert.equal(await restarted.clearAlarm('test.fan'), false);
    } finally {
      await restarted.close();
    }
    const fan = (await list(server, admin, SYSTEM, { description: 'the fan' })).data as Json[];
    assert.deepEqual(fan.map((e) => e.logType), ['warning', 'warningClear']);
  });

  void test('rotating the master key from the command line is recorded', async () => {
    const r = spawnSync(process.execPath, [BIN, 'admin', 'keys', 'rotate', '--json', '--data', server.dir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const keyId = (JSON.parse(r.stdout) as { key_id: string }).key_id;
    const [e] = (await list(server, admin, SYSTEM, { description: 'rotated' })).data as Json[];
    assert.equal(e.systemActivityType, 'configuration');
    assert.equal(e.data.keyId, keyId);
  });

  void test('the system log needs logs:read, and admins of every account see all of it', async () => {
    const none = await server.client({ scopes: ['recordings:read'] });
    const res = await call(server, 'GET', SYSTEM, { token: none.token });
    assert.equal(res.status, 403);
    const elsewhere = await server.client({ newAccount: true, scopes: ['admin'] });
    const page = await list(server, elsewhere.token, SYSTEM, { description: 'started' });
    assert.equal(page.total, 1);
  });
});
