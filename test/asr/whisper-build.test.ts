/**
 * The whisper.cpp build: the real one (cached; compiled here if this machine has none) must use
 * AVX, and the caching, locking and failure handling are exercised on a small real CMake project
 * so that racing builds, stale locks and broken sources cost seconds instead of minutes each.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { VaultError } from '../../src/core/errors.js';
import {
  countYmmInstructions, defaultWhisperBinary, ensureWhisperBuilt, whisperBuildDir, whisperCacheRoot, whisperSource, type WhisperSource,
} from '../../src/asr/whisper-build.js';
import { whisperBuild } from '../fixtures/whisper-engine.js';

const run = promisify(execFile);

/** A source tree with the same target name and output folder as whisper.cpp's. */
async function smallProject(root: string, name: string, main: string | null): Promise<WhisperSource> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'CMakeLists.txt'), [
    'cmake_minimum_required(VERSION 3.14)',
    'project(small C)',
    'add_executable(whisper-cli main.c)',
    'set_target_properties(whisper-cli PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)',
  ].join('\n'));
  if (main !== null) await writeFile(join(dir, 'main.c'), main);
  return { dir, version: `test-${name}` };
}

const HELLO = '#include <stdio.h>\nint main(void) { puts("small build"); return 0; }\n';

describe('whisper.cpp build', () => {
  let scratch: string;
  before(async () => { scratch = await mkdtemp(join(tmpdir(), 'callvault-whisper-build-')); });
  after(async () => { await rm(scratch, { recursive: true, force: true }); });

  it('builds whisper-cli from the shipped source with AVX instructions, once', async () => {
    const source = whisperSource();
    assert.match(source.version, /^\d+\.\d+\.\d+/);
    const first = await whisperBuild();
    assert.equal(first.binary, defaultWhisperBinary(process.env, source));
    assert.equal(first.version, source.version);
    const { stderr } = await run(first.binary, ['-h']);
    assert.match(stderr, /usage: .*whisper-cli/, 'the binary runs and prints its usage');
    const again = await ensureWhisperBuilt();
    assert.deepEqual([again.binary, again.built], [first.binary, false], 'the second call reuses the cache');
    const ymm = await countYmmInstructions(first.binary);
    if (ymm === undefined) return void process.stderr.write('# objdump missing: AVX check skipped\n');
    assert.ok(ymm > 0, 'the binary uses 256-bit AVX registers');
  });

  it('puts the cache where CALLVAULT_WHISPER_CACHE or XDG_CACHE_HOME say', () => {
    assert.equal(whisperCacheRoot({ CALLVAULT_WHISPER_CACHE: '/srv/cv', XDG_CACHE_HOME: '/x' }), '/srv/cv');
    assert.equal(whisperCacheRoot({ XDG_CACHE_HOME: '/x', HOME: '/home/u' }), '/x/callvault');
    assert.equal(whisperCacheRoot({ HOME: '/home/u' }), '/home/u/.cache/callvault');
    assert.equal(defaultWhisperBinary({ CALLVAULT_WHISPER_CACHE: '/srv/cv' }, { dir: '/src', version: '9.9.9' }), '/srv/cv/whisper.cpp-9.9.9/bin/whisper-cli');
  });

  it('compiles once when two builds start at the same time, and leaves only the result', async () => {
    const source = await smallProject(scratch, 'race', HELLO);
    const cacheRoot = join(scratch, 'cache-race');
    const [a, b] = await Promise.all([ensureWhisperBuilt({ source, cacheRoot }), ensureWhisperBuilt({ source, cacheRoot })]);
    assert.deepEqual([a.built, b.built].sort(), [false, true], 'one built, the other waited and reused it');
    assert.equal(a.binary, b.binary);
    assert.equal((await run(a.binary)).stdout.trim(), 'small build');
    assert.deepEqual(await readdir(cacheRoot), ['whisper.cpp-test-race'], 'no lock or temporary folder left');
    assert.deepEqual((await readdir(whisperBuildDir(cacheRoot, source.version))).sort(), ['bin', 'build-info.json']);
  });

  it('takes over a lock left by a process that died', async () => {
    const source = await smallProject(scratch, 'stale', HELLO);
    const cacheRoot = join(scratch, 'cache-stale');
    await mkdir(cacheRoot, { recursive: true });
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => dead.on('close', r));
    await writeFile(`${whisperBuildDir(cacheRoot, source.version)}.lock`, JSON.stringify({ pid: dead.pid, host: hostname() }));
    const lines: string[] = [];
    const got = await ensureWhisperBuilt({ source, cacheRoot, log: (l) => lines.push(l) });
    assert.equal(got.built, true);
    assert.ok(lines.some((l) => l.includes(`stale build lock left by process ${dead.pid}`)), lines.join('\n'));
    assert.deepEqual(await readdir(cacheRoot), ['whisper.cpp-test-stale']);
  });

  it('reports a failed build with the compiler output and caches nothing', async () => {
    const source = await smallProject(scratch, 'broken', '#include <stdio.h>\nint main(void) { return undeclared_symbol; }\n');
    const cacheRoot = join(scratch, 'cache-broken');
    await assert.rejects(ensureWhisperBuilt({ source, cacheRoot }), (err: unknown) => {
      assert.ok(err instanceof VaultError);
      assert.equal(err.code, 'ENGINE_UNAVAILABLE');
      assert.match(err.message, /building whisper\.cpp failed[\s\S]*undeclared_symbol/);
      return true;
    });
    assert.deepEqual(await readdir(cacheRoot), []);
    assert.equal(existsSync(whisperBuildDir(cacheRoot, source.version)), false);
  });
});
