import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliJson, provisionClient, spawnServer, stopServer } from '../helpers/process.js';

const dir = mkdtempSync(join(tmpdir(), 'callvault-sk-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const kidOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;

describe('token signing key rotation from the command line, with servers running', () => {
  it('a new key is loaded by running servers and signs after its activation delay; --drop-old ends the tokens of older keys', async () => {
    const data = join(dir, 'data');
    const client = provisionClient(data);
    const a = await spawnServer(data);
    const b = await spawnServer(data);
    try {
      const oldToken = await client.token(a.base);
      const oldKid = kidOf(oldToken);
      const ok = async (base: string, token: string) =>
        (await fetch(`${base}/api/v1/recordings?pageSize=1`, { headers: { authorization: `Bearer ${token}` } })).status;
      assert.equal(await ok(b.base, oldToken), 200, 'one server verifies the other\'s tokens');

      const rotated = cliJson(['admin', 'signing-keys', 'rotate', '--json', '--data', data]);
      assert.notEqual(rotated.kid, oldKid);
      const listed = cliJson(['admin', 'signing-keys', 'list', '--json', '--data', data]) as unknown as { keys: Array<{ kid: string; signing: boolean }> };
      assert.deepEqual(listed.keys.map((k) => k.kid).sort(), [oldKid, rotated.kid].sort());

      // Until every server has loaded it, the new key does not sign; afterwards it does.
      assert.equal(kidOf(await client.token(a.base)), oldKid);
      const activates = Date.parse(rotated.activates_at!);
      await new Promise((r) => setTimeout(r, Math.max(0, activates - Date.now()) + 200));
      const newToken = await client.token(a.base);
      assert.equal(kidOf(newToken), rotated.kid);
      assert.equal(await ok(b.base, newToken), 200, 'the other server verifies tokens of the new key');
      assert.equal(await ok(b.base, oldToken), 200, 'tokens of the old key stay valid until it is dropped');

      const dropped = cliJson(['admin', 'signing-keys', 'rotate', '--drop-old', '--json', '--data', data]) as unknown as { dropped: string[] };
      assert.deepEqual(dropped.dropped.sort(), [oldKid, rotated.kid].sort());
      await new Promise((r) => setTimeout(r, 5600));
      assert.equal(await ok(a.base, oldToken), 401);
      assert.equal(await ok(b.base, newToken), 401);
      // Signing goes on with the only key left, at once (there is no older one to fall back on).
      assert.equal(await ok(b.base, await client.token(a.base)), 200);
    } finally {
      await stopServer(a.child);
      await stopServer(b.child);
    }
  });
});
