import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { VaultError } from '../../src/core/errors.js';
import { clearMediaToolsCache, ensureExecutable, findOnPath, resolveMediaTools } from '../../src/media/binaries.js';

let dir: string;
let npm: { ffmpeg: string; ffprobe: string };

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'callvault-bin-'));
  const t = await resolveMediaTools({ searchPath: '' });
  npm = { ffmpeg: t.ffmpeg, ffprobe: t.ffprobe };
});
beforeEach(() => clearMediaToolsCache());
after(async () => {
  clearMediaToolsCache();
  await rm(dir, { recursive: true, force: true });
});

async function script(folder: string, name: string, body: string): Promise<string> {
  await mkdir(folder, { recursive: true });
  const file = join(folder, name);
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, 0o755);
  return file;
}

void describe('resolveMediaTools', () => {
  void test('with nothing on PATH it falls back to the npm-shipped binaries and checks their versions', async () => {
    const t = await resolveMediaTools({ searchPath: join(dir, 'nothing-here') });
    assert.equal(t.source, 'npm');
    assert.deepEqual(t.sources, { ffmpeg: 'npm', ffprobe: 'npm' });
    assert.match(t.ffmpeg, /@ffmpeg-installer/);
    assert.match(t.ffprobe, /@ffprobe-installer/);
    assert.match(t.versions.ffmpeg, /^ffmpeg version /);
    assert.match(t.versions.ffprobe, /^ffprobe version /);
    assert.ok(((await stat(t.ffprobe)).mode & 0o100) !== 0, 'the npm ffprobe is executable by its owner');
  });

  void test('the answer is cached for the same options', async () => {
    const a = resolveMediaTools({ searchPath: '' });
    const b = resolveMediaTools({ searchPath: '' });
    assert.equal(a, b);
    assert.equal(await a, await b);
  });

  void test('explicitly configured paths win and are reported as config', async () => {
    const t = await resolveMediaTools({ ffmpegPath: npm.ffmpeg, ffprobePath: npm.ffprobe });
    assert.equal(t.source, 'config');
    assert.equal(t.ffmpeg, npm.ffmpeg);
    assert.equal(t.ffprobe, npm.ffprobe);
  });

  void test('a configured path that does not exist is a clear error, not a silent fallback', async () => {
    await assert.rejects(resolveMediaTools({ ffprobePath: '/opt/nowhere/ffprobe' }), (err: unknown) => {
      assert.ok(err instanceof VaultError);
      assert.match(err.message, /configured ffprobe at '\/opt\/nowhere\/ffprobe' is not usable/);
      return true;
    });
  });

  void test('a configured binary that is not ffprobe is refused', async () => {
    const fake = await script(join(dir, 'fake'), 'ffprobe', 'echo "hello world"');
    await assert.rejects(resolveMediaTools({ ffprobePath: fake }), /is not usable: '-version' printed 'hello world'/);
  });

  void test('binaries on PATH are preferred to the npm ones and reported as system', async () => {
    const bin = join(dir, 'system-bin');
    await script(bin, 'ffmpeg', `exec '${npm.ffmpeg}' "$@"`);
    await script(bin, 'ffprobe', `exec '${npm.ffprobe}' "$@"`);
    const t = await resolveMediaTools({ searchPath: `${join(dir, 'empty')}:${bin}` });
    assert.equal(t.source, 'system');
    assert.equal(t.ffmpeg, join(bin, 'ffmpeg'));
    assert.equal(t.ffprobe, join(bin, 'ffprobe'));
  });

  void test('a broken system binary is skipped in favour of the npm one', async () => {
    const bin = join(dir, 'broken-bin');
    await script(bin, 'ffmpeg', 'exit 1');
    await script(bin, 'ffprobe', 'exit 1');
    const t = await resolveMediaTools({ searchPath: bin });
    assert.equal(t.source, 'npm');
    assert.equal(t.ffprobe, npm.ffprobe);
  });

  void test('skipSystem pins the npm binaries even when PATH has some', async () => {
    const bin = join(dir, 'system-bin-2');
    await script(bin, 'ffprobe', `exec '${npm.ffprobe}' "$@"`);
    const t = await resolveMediaTools({ searchPath: bin, skipSystem: true });
    assert.equal(t.source, 'npm');
  });
});

void describe('helpers', () => {
  void test('findOnPath skips folders and non-executable files', async () => {
    const a = join(dir, 'p-a');
    const b = join(dir, 'p-b');
    await mkdir(join(a, 'ffprobe'), { recursive: true }); // a folder named ffprobe
    await mkdir(b, { recursive: true });
    await writeFile(join(b, 'ffprobe'), 'x', { mode: 0o644 });
    const c = await script(join(dir, 'p-c'), 'ffprobe', 'exit 0');
    assert.equal(await findOnPath('ffprobe', `${a}::${b}:${join(dir, 'p-c')}`), c);
    assert.equal(await findOnPath('ffprobe', `${a}:${b}`), undefined);
  });

  void test('ensureExecutable adds the owner execute bit to a shipped binary that lacks it', async () => {
    const file = join(dir, 'no-exec-bit');
    await writeFile(file, '#!/bin/sh\n', { mode: 0o644 });
    await chmod(file, 0o644);
    await ensureExecutable(file);
    assert.equal((await stat(file)).mode & 0o777, 0o744);
  });
});
