import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { spawnServer, stopServer } from '../helpers/process.js';
import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve('bin/callvault.js');

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('the callvault command line', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'callvault-cli-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('creates an account, a client and a user as JSON, showing the client secret once', () => {
    const acc = cli(['admin', 'account', 'create', 'acme', '--json', '--data', dir]);
    assert.equal(acc.code, 0, acc.err);
    const account = JSON.parse(acc.out) as { account_id: string };
    assert.match(account.account_id, /^acc_/);

    const cl = cli(['admin', 'client', 'create', '--account', 'acme', '--scopes', 'recordings:read media:read', '--json', '--data', dir]);
    assert.equal(cl.code, 0, cl.err);
    const client = JSON.parse(cl.out) as Record<string, string>;
    assert.deepEqual(Object.keys(client).slice(0, 3), ['account_id', 'client_id', 'client_secret']);
    assert.equal(client.account_id, account.account_id);
    // Only a hash of the secret is stored.
    const db = readFileSync(join(dir, 'callvault.db'));
    assert.equal(db.includes(Buffer.from(client.client_secret!)), false);

    const us = cli(['admin', 'user', 'create', '--account', 'acme', '--username', 'ann', '--password', 'pa55word!', '--role', 'supervisor', '--json', '--data', dir]);
    assert.equal(us.code, 0, us.err);
    assert.equal((JSON.parse(us.out) as { role: string }).role, 'supervisor');
  });

  it('explains bad admin input with a non-zero exit', () => {
    assert.equal(cli(['admin', 'account', 'create', 'acme', '--data', dir]).code, 2); // duplicate
    assert.match(cli(['admin', 'client', 'create', '--account', 'nope', '--data', dir]).err, /not found/);
    assert.match(cli(['admin', 'client', 'create', '--account', 'acme', '--scopes', 'root', '--data', dir]).err, /unknown scope/);
    assert.match(cli(['admin', 'user', 'create', '--account', 'acme', '--username', 'x', '--password', 'p', '--role', 'admin', '--data', dir]).err, /password/);
    assert.match(cli(['admin', 'user', 'create', '--account', 'acme', '--username', 'x', '--password', 'longenough', '--role', 'god', '--data', dir]).err, /role/);
    assert.notEqual(cli(['frobnicate']).code, 0);
  });

  it('serves on the given port, generating a 0600 master key on first start', async () => {
    const { child, port } = await spawnServer(dir);
    try {
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.equal(health.status, 200);
      assert.ok(health.headers.get('x-request-id'));
      assert.equal(statSync(join(dir, 'master-keys.json')).mode & 0o777, 0o600);
      const openapi = (await (await fetch(`http://127.0.0.1:${port}/openapi.json`)).json()) as { paths: Record<string, unknown> };
      assert.ok(openapi.paths['/api/v1/recordings']);
    } finally {
      await stopServer(child);
    }
  });

  it('rotates the master key without touching media', () => {
    const before = JSON.parse(readFileSync(join(dir, 'master-keys.json'), 'utf8')) as { current: string };
    const r = cli(['admin', 'keys', 'rotate', '--json', '--data', dir]);
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out) as { key_id: string };
    const after = JSON.parse(readFileSync(join(dir, 'master-keys.json'), 'utf8')) as { current: string; keys: Record<string, string> };
    assert.notEqual(after.current, before.current);
    assert.equal(after.current, out.key_id);
    assert.ok(after.keys[before.current], 'old key kept so older wrapped keys still open');
  });
});
