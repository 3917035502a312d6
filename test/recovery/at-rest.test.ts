import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { startServer, multipart, type TestServer } from '../helpers/server.js';
import { makeFixture, type FixtureKind } from '../fixtures/media.js';

const MAGICS = ['RIFF', 'WAVE', 'ID3', 'OggS', 'OpusHead', 'fLaC'].map((s) => Buffer.from(s));
const EBML = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);

function everyFile(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('media at rest', () => {
  let server: TestServer;
  const uploaded: Array<{ id: string; mediaId: string; bytes: Buffer }> = [];

  before(async () => {
    server = await startServer();
    for (const kind of ['wav-mulaw', 'wav-pcm16', 'mp3', 'ogg-opus', 'webm-opus'] as FixtureKind[]) {
      const bytes = readFileSync(await makeFixture(kind, { seconds: 2 }));
      const { body, contentType } = multipart({ startTime: '2026-11-01T00:00:00Z' }, [{ fileName: `a.${kind}`, type: 'application/octet-stream', data: bytes }]);
      const res = await fetch(`${server.url}/api/v1/recordings`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': contentType }, body });
      assert.equal(res.status, 201, await res.clone().text());
      const rec = (await res.json()) as { id: string; media: Array<{ id: string }> };
      uploaded.push({ id: rec.id, mediaId: rec.media[0]!.id, bytes });
    }
  });
  after(() => server.stop());

  it('holds no playable audio anywhere under the data folder', () => {
    const files = everyFile(server.dir);
    assert.ok(files.some((f) => f.includes(`${join('blobs', 'media')}`)), 'media objects exist');
    for (const f of files) {
      const content = readFileSync(f);
      for (const magic of [...MAGICS, EBML]) {
        if (f.endsWith('.db') || f.endsWith('-wal')) continue; // metadata may quote a MIME type, never bytes
        assert.equal(content.includes(magic), false, `${f} contains ${magic.toString('latin1')}`);
      }
      for (const u of uploaded) {
        // A 32-byte window from the middle of each upload must appear nowhere, database included.
        const window = u.bytes.subarray(Math.floor(u.bytes.length / 2), Math.floor(u.bytes.length / 2) + 32);
        assert.equal(content.includes(window), false, `${f} contains plaintext media`);
      }
    }
  });

  it('still plays every file after the master key is rotated under the running server', async () => {
    const r = spawnSync(process.execPath, [resolve('bin/callvault.js'), 'admin', 'keys', 'rotate', '--json', '--data', server.dir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const rotated = JSON.parse(r.stdout) as { rewrapped: number; key_id: string };
    assert.equal(rotated.rewrapped, uploaded.length + 1, 'every media key and the token signing key');
    const db = new BetterSqlite3(join(server.dir, 'callvault.db'), { readonly: true });
    const under = db.prepare('SELECT key_id FROM media UNION SELECT key_id FROM signing_keys').all() as Array<{ key_id: string }>;
    db.close();
    assert.deepEqual(under.map((x) => x.key_id), [rotated.key_id], 'nothing is left under the old master key');
    const again = spawnSync(process.execPath, [resolve('bin/callvault.js'), 'admin', 'keys', 'rewrap', '--json', '--data', server.dir], { encoding: 'utf8' });
    assert.equal((JSON.parse(again.stdout) as { rewrapped: number }).rewrapped, 0);
    for (const u of uploaded) {
      const res = await fetch(`${server.url}/api/v1/recordings/${u.id}/media/${u.mediaId}`, { headers: { authorization: `Bearer ${server.token}` } });
      assert.equal(res.status, 200);
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), u.bytes);
    }
  });
});
