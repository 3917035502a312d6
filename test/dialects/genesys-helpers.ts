/** Helpers shared by the Genesys door's tests. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestServer } from '../helpers/server.js';
import type { Res } from '../http/util.js';
import { hashSecret, newId } from '../../src/auth/secrets.js';
import type { Role } from '../../src/core/principals.js';

export const PASSWORD = 'genesys pass 42';
export const basic = (u: string, p = PASSWORD) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

export function assertGenesysError(res: Res, status: number, statusCode: number, mentions?: RegExp): void {
  assert.equal(res.status, status, res.bytes.toString());
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.deepEqual(Object.keys(res.json).sort(), ['statusCode', 'statusMessage']);
  assert.equal(res.json.statusCode, statusCode, res.json.statusMessage);
  assert.equal(typeof res.json.statusMessage, 'string');
  assert.ok(res.json.statusMessage.length > 0);
  if (mentions) assert.match(res.json.statusMessage, mentions);
}

/**
 * Checks an MP3 frame sync (or an ID3 tag) at the start and that ffprobe reads the bytes as
 * MP3, and returns how long they play: decoded to 8 kHz samples and counted, since a streamed
 * MP3 has no length header and ffprobe's bit-rate estimate is off by a tenth or two.
 */
export async function mp3Seconds(server: TestServer, bytes: Buffer): Promise<number> {
  assert.ok(bytes.subarray(0, 3).toString('latin1') === 'ID3' || (bytes[0] === 0xff && (bytes[1]! & 0xe0) === 0xe0), 'MP3 frame sync or ID3 tag');
  const file = join(server.dir, `probe-${newId('f', 6)}.mp3`);
  await writeFile(file, bytes);
  const probe = spawnSync(server.vault.tools.ffprobe, ['-v', 'error', '-show_entries', 'format=format_name', '-of', 'json', file], { encoding: 'utf8' });
  assert.equal((JSON.parse(probe.stdout) as { format: { format_name: string } }).format.format_name, 'mp3');
  const pcm = spawnSync(server.vault.tools.ffmpeg, ['-v', 'error', '-i', file, '-f', 's16le', '-ac', '1', '-ar', '8000', 'pipe:1'], { maxBuffer: 64 * 1024 * 1024 });
  assert.equal(pcm.status, 0, 'the MP3 decodes');
  return pcm.stdout.length / 2 / 8000;
}

/** Users of the default account, one per role, able to use HTTP Basic. */
export async function addUsers(server: TestServer): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const [username, role, extra] of [['ada', 'admin', {}], ['sue', 'supervisor', { groups: ['g1'] }], ['amy', 'agent', { upn: 'amy@acme.test' }]] as Array<[string, Role, object]>) {
    ids[username] = newId('usr', 10);
    await server.vault.store.createUser({
      id: ids[username]!, accountId: server.accountId, username, passwordHash: await hashSecret(PASSWORD), role, createdAt: new Date().toISOString(), ...extra,
    });
  }
  return ids;
}

