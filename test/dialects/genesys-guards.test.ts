/**
 * The Genesys door's guards: DELETE and the settings answer 503 when the store is read-only
 * (config readOnly, refused in the core, so the native API refuses too), and HTTP Basic spends
 * the same per-name sign-in allowance as POST /api/v1/auth/login. Also: recordings stored
 * before migration 0011 are found by userData once it has run.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { startServer, type TestServer } from '../helpers/server.js';
import { assertError, call } from '../http/util.js';
import { newRecording } from '../../src/core/recordings.js';
import { migrationProvider } from '../../src/store/migrations.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { addUsers, assertGenesysError, basic, PASSWORD } from './genesys-helpers.js';

describe('Genesys door on a read-only store, and Basic sign-in throttling', () => {
  let server: TestServer;
  let id: string;

  before(async () => {
    server = await startServer({ CALLVAULT_READ_ONLY: 'true', CALLVAULT_LOGIN_BURST: '3', CALLVAULT_LOGIN_PER_MINUTE: '1', CALLVAULT_TRUST_PROXY: 'true' });
    await addUsers(server);
    // Data that was there before the store became read-only.
    const rec = newRecording(server.accountId, { startTime: '2015-09-10T16:58:22Z', calling: { phoneNumber: '8522001' } }, [],
      { kind: 'client', id: 'cli_seed', accountId: server.accountId, scopes: new Set() }, new Date().toISOString());
    await server.vault.store.insertRecording(rec, []);
    id = rec.id;
  });
  after(() => server?.stop());

  it('still reads, and answers DELETE with 503 and statusCode/statusMessage', async () => {
    const list = await call(server, 'GET', '/api/v2/recordings?callerPhoneNumber=8522001', { token: null, headers: { authorization: basic('ada') } });
    assert.equal(list.json.totalCount, 1);
    assertGenesysError(await call(server, 'DELETE', `/api/v2/recordings/${id}`, { token: null, headers: { authorization: basic('ada') } }), 503, 4, /read-only/);
    assertGenesysError(await call(server, 'POST', '/api/v2/settings/recording', { token: null, headers: { authorization: basic('ada') }, json: { name: 'metadata.privacy.agent_fields', value: 'userName' } }), 503, 4);
    assert.equal((await call(server, 'GET', `/api/v2/recordings/${id}`, { token: null, headers: { authorization: basic('ada') } })).status, 200);
  });

  it('refuses changes through the native API and the other doors too (READ_ONLY, 503)', async () => {
    const exporter = await server.client({ scopes: ['recordings:read', 'media:read', 'exports'] });
    const vonage = await call(server, 'POST', '/api/accounts/self/company_call_recordings/export', { token: exporter.token, json: {} });
    assert.equal(vonage.status, 503, vonage.bytes.toString());
    assert.equal(vonage.json.status, 503, 'in the Vonage error body');
    assertError(await call(server, 'POST', '/api/v1/recordings', { json: { startTime: '2026-01-01T00:00:00Z' } }), 503, 'READ_ONLY');
    assertError(await call(server, 'DELETE', `/api/v1/recordings/${id}`), 503, 'READ_ONLY');
    assertError(await call(server, 'PATCH', `/api/v1/recordings/${id}`, { json: { addNotes: [{ content: 'x' }] } }), 503, 'READ_ONLY');
  });

  it('spends the sign-in allowance of the name on each Basic password check, shared with the login route', async () => {
    // Each attempt from another address, so only the allowance of the name runs out.
    const as = (n: number, password: string) => ({ token: null, headers: { authorization: basic('sue', password), 'x-forwarded-for': `10.0.0.${n}` } });
    for (let i = 0; i < 3; i++) assertGenesysError(await call(server, 'GET', '/api/v2/recordings?startTime=0', as(i, 'nope')), 401, 20);
    const locked = await call(server, 'GET', '/api/v2/recordings?startTime=0', as(50, PASSWORD));
    assertGenesysError(locked, 429, 2);
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
    assertError(await call(server, 'POST', '/api/v1/auth/login', { token: null, headers: { 'x-forwarded-for': '10.0.0.51' }, json: { username: 'sue', password: PASSWORD } }), 429, 'RATE_LIMIT_EXCEEDED');
    // Another name from the same address is not locked out.
    assert.equal((await call(server, 'GET', '/api/v2/recordings?startTime=0', { token: null, headers: { authorization: basic('ada'), 'x-forwarded-for': '10.0.0.52' } })).status, 200);
  });
});

describe('migration 0011_user_data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'callvault-0011-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('indexes the user data of recordings stored before it ran', async () => {
    const store = openSqliteStore(join(dir, 'old.db'));
    try {
      await store.migrate();
      await store.createAccount({ id: 'acc_m', name: 'acc_m', settings: {}, createdAt: new Date().toISOString() });
      const rec = newRecording('acc_m', { startTime: '2015-01-01T00:00:00Z', userMetadata: { reason: 'CreditCard', n: { deep: 7 } } }, [],
        { kind: 'client', id: 'cli_m', accountId: 'acc_m', scopes: new Set() }, new Date().toISOString());
      await store.insertRecording(rec, []);
      // As before the migration: no table, migration not yet run.
      await sql`DROP TABLE recording_user_data`.execute(store.db);
      // Run the migration itself again (Kysely would refuse to re-run one that is not the last).
      const migrations = await migrationProvider('sqlite').getMigrations();
      await migrations['0011_user_data']!.up(store.db as unknown as Kysely<unknown>);
      const found = async (v: string) => (await store.listRecordings('acc_m', { filter: { userData: [[v]] }, sort: { field: 'startTime', desc: true }, pageSize: 10 }, 100)).total;
      assert.equal(await found('creditcard'), 1);
      assert.equal(await found('7'), 1);
      assert.equal(await found('reason'), 0);
    } finally {
      await store.close();
    }
  });
});
