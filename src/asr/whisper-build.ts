/**
 * Builds whisper.cpp's `whisper-cli` from the source tree the `nodejs-whisper` npm package ships
 * (we use that package for its source only, never its bindings or downloader). Prebuilt whisper
 * binaries we tried lacked AVX and ran 20–30× slower, so the vault compiles for the CPU it runs on.
 *
 * The result lives in `<cache root>/whisper.cpp-<version>/bin/whisper-cli`. Two processes may
 * start a build at once (a test run and a server, say): a lock file makes the second wait instead
 * of compiling twice, and the build happens in a private temporary folder that is renamed into
 * place only when complete, so a crash or a broken lock can cost time but never leave a
 * half-written binary at the final path.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism, homedir, hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { ErrorCode, VaultError } from '../core/errors.js';

export interface WhisperSource {
  /** The whisper.cpp source folder (holds CMakeLists.txt, src/, ggml/). */
  dir: string;
  /** whisper.cpp's own version, from its CMakeLists.txt, e.g. "1.9.1". */
  version: string;
}

export interface WhisperBuild {
  binary: string;
  version: string;
  /** The versioned folder that holds bin/ and build-info.json. */
  dir: string;
  /** False when an earlier build (ours or another process's) was reused. */
  built: boolean;
  /** Compile time of the build that produced the binary. */
  buildSeconds: number;
}

export interface BuildOptions {
  /** Parent folder of the versioned build folders; default `whisperCacheRoot(process.env)`. */
  cacheRoot?: string;
  /** Parallel compile jobs; default: every available core. */
  jobs?: number;
  /** Progress lines (cmake's own output goes to a log file, shown only on failure). */
  log?: (line: string) => void;
  source?: WhisperSource;
}

/** The cmake switches, recorded in build-info.json so an operator can see how the binary was made. */
export const WHISPER_CMAKE_FLAGS: readonly string[] = [
  '-DCMAKE_BUILD_TYPE=Release',
  // One self-contained executable: nothing to find at run time but libc, libstdc++ and libgomp.
  '-DBUILD_SHARED_LIBS=OFF',
  // -march=native: AVX/AVX2/FMA/F16C wherever this CPU has them.
  '-DGGML_NATIVE=ON',
  '-DGGML_CUDA=OFF', '-DGGML_VULKAN=OFF', '-DGGML_METAL=OFF', '-DGGML_BLAS=OFF', '-DGGML_CCACHE=OFF',
  '-DWHISPER_CURL=OFF', '-DWHISPER_SDL2=OFF',
  '-DWHISPER_BUILD_TESTS=OFF', '-DWHISPER_BUILD_SERVER=OFF', '-DWHISPER_BUILD_EXAMPLES=ON',
];

const SOURCE_PACKAGE = 'nodejs-whisper';
const LOCK_POLL_MS = 1000;
const INFO_FILE = 'build-info.json';

export function whisperSource(): WhisperSource {
  let pkgJson: string;
  try {
    pkgJson = createRequire(import.meta.url).resolve(`${SOURCE_PACKAGE}/package.json`);
  } catch (cause) {
    throw new VaultError(ErrorCode.ENGINE_UNAVAILABLE,
      `whisper.cpp source is missing: the npm package ${SOURCE_PACKAGE} is not installed (run npm install)`, { cause });
  }
  const dir = join(dirname(pkgJson), 'cpp', 'whisper.cpp');
  let cmake: string;
  try {
    cmake = readFileSync(join(dir, 'CMakeLists.txt'), 'utf8');
  } catch (cause) {
    throw new VaultError(ErrorCode.ENGINE_UNAVAILABLE, `whisper.cpp source is incomplete: ${dir}/CMakeLists.txt is missing`, { cause });
  }
  const m = /project\(\s*"whisper\.cpp"\s+VERSION\s+([0-9][0-9A-Za-z.+-]*)\s*\)/.exec(cmake);
  if (!m?.[1]) throw new VaultError(ErrorCode.ENGINE_UNAVAILABLE, `cannot read whisper.cpp's version from ${dir}/CMakeLists.txt`);
  return { dir, version: m[1] };
}

/** CALLVAULT_WHISPER_CACHE, else $XDG_CACHE_HOME/callvault, else ~/.cache/callvault. */
export function whisperCacheRoot(env: NodeJS.ProcessEnv): string {
  if (env.CALLVAULT_WHISPER_CACHE) return env.CALLVAULT_WHISPER_CACHE;
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'callvault');
}

export function whisperBuildDir(cacheRoot: string, version: string): string {
  return join(cacheRoot, `whisper.cpp-${version}`);
}

/** Where `ensureWhisperBuilt` puts the binary for the shipped source: the default for the engine's `binary` option. */
export function defaultWhisperBinary(env: NodeJS.ProcessEnv, source: WhisperSource = whisperSource()): string {
  return join(whisperBuildDir(whisperCacheRoot(env), source.version), 'bin', 'whisper-cli');
}

function readBuild(dir: string, version: string): WhisperBuild | undefined {
  const binary = join(dir, 'bin', 'whisper-cli');
  if (!existsSync(binary)) return undefined;
  try {
    const info = JSON.parse(readFileSync(join(dir, INFO_FILE), 'utf8')) as { buildSeconds?: number };
    return { binary, version, dir, built: false, buildSeconds: info.buildSeconds ?? 0 };
  } catch {
    // The info file is written before the folder is renamed into place, so its absence means
    // someone copied or edited the folder by hand: still a usable binary.
    return { binary, version, dir, built: false, buildSeconds: 0 };
  }
}

/** Returns the cached build, compiling it first if no process has yet. */
export async function ensureWhisperBuilt(opts: BuildOptions = {}): Promise<WhisperBuild> {
  const source = opts.source ?? whisperSource();
  const root = opts.cacheRoot ?? whisperCacheRoot(process.env);
  const dir = whisperBuildDir(root, source.version);
  const log = opts.log ?? (() => {});
  const ready = readBuild(dir, source.version);
  if (ready) return ready;
  await mkdir(root, { recursive: true });
  const lockPath = `${dir}.lock`;
  let told = false;
  for (;;) {
    if (await tryLock(lockPath)) break;
    const owner = await lockOwner(lockPath);
    if (owner && !owner.alive) {
      log(`whisper.cpp: removing a stale build lock left by process ${owner.pid}`);
      await rm(lockPath, { force: true });
      continue;
    }
    if (!told) log(`whisper.cpp: another process (${owner?.pid ?? '?'}) is building ${source.version}; waiting`);
    told = true;
    await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
    const done = readBuild(dir, source.version);
    if (done) return done;
  }
  try {
    const again = readBuild(dir, source.version);
    if (again) return again;
    return await buildInto(source, root, dir, opts.jobs ?? availableParallelism(), log);
  } finally {
    await rm(lockPath, { force: true });
  }
}

async function tryLock(lockPath: string): Promise<boolean> {
  try {
    const fh = await open(lockPath, 'wx');
    await fh.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() }));
    await fh.close();
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

async function lockOwner(lockPath: string): Promise<{ pid: number; alive: boolean } | undefined> {
  let info: { pid?: unknown; host?: unknown };
  try {
    info = JSON.parse(await readFile(lockPath, 'utf8')) as typeof info;
  } catch {
    // Vanished, or caught between create and write: look again on the next round.
    return undefined;
  }
  if (typeof info.pid !== 'number') return undefined;
  // A lock from another host (shared cache folder) cannot be probed: trust it.
  if (info.host !== hostname()) return { pid: info.pid, alive: true };
  try {
    process.kill(info.pid, 0);
    return { pid: info.pid, alive: true };
  } catch (err) {
    return { pid: info.pid, alive: (err as NodeJS.ErrnoException).code === 'EPERM' };
  }
}

async function buildInto(source: WhisperSource, root: string, dir: string, jobs: number, log: (l: string) => void): Promise<WhisperBuild> {
  const work = await mkdtemp(join(root, `.whisper.cpp-${source.version}-build-`));
  const logFile = join(work, 'build.log');
  const t0 = performance.now();
  try {
    log(`whisper.cpp ${source.version}: configuring (${source.dir})`);
    await run('cmake', ['-S', source.dir, '-B', join(work, 'build'), ...WHISPER_CMAKE_FLAGS], logFile);
    log(`whisper.cpp ${source.version}: compiling whisper-cli with ${jobs} job(s)`);
    await run('cmake', ['--build', join(work, 'build'), '--config', 'Release', '--target', 'whisper-cli', '-j', String(jobs)], logFile);
    const buildSeconds = Math.round((performance.now() - t0) / 100) / 10;
    const staged = join(work, 'out');
    await mkdir(join(staged, 'bin'), { recursive: true });
    await copyFile(join(work, 'build', 'bin', 'whisper-cli'), join(staged, 'bin', 'whisper-cli'));
    await writeFile(join(staged, INFO_FILE), JSON.stringify({
      version: source.version, source: source.dir, cmakeFlags: WHISPER_CMAKE_FLAGS, buildSeconds, jobs,
      builtAt: new Date().toISOString(), host: hostname(),
    }, null, 2));
    try {
      await rename(staged, dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Someone finished first (their lock was taken for stale): theirs is as good as ours.
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    }
    log(`whisper.cpp ${source.version}: built in ${buildSeconds} s -> ${dir}`);
    return { binary: join(dir, 'bin', 'whisper-cli'), version: source.version, dir, built: true, buildSeconds };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function run(cmd: string, args: string[], logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    child.on('error', (err) => {
      out.end();
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      reject(new VaultError(ErrorCode.ENGINE_UNAVAILABLE, missing
        ? `building whisper.cpp needs ${cmd} and a C++ compiler (Debian: apt-get install cmake g++ make)`
        : `could not run ${cmd}: ${err.message}`, { cause: err }));
    });
    child.on('close', (code, signal) => {
      out.end(() => {
        if (code === 0) return resolve();
        const tail = safeTail(logFile, 40);
        reject(new VaultError(ErrorCode.ENGINE_UNAVAILABLE,
          `building whisper.cpp failed (${cmd} ${args[0]} exited ${signal ?? code}):\n${tail}`));
      });
    });
  });
}

function safeTail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no build log)';
  }
}

/**
 * How many instructions in FILE's disassembly use 256-bit ymm registers (AVX/AVX2): 0 means the
 * build fell back to SSE and will be many times slower. Undefined when objdump is not installed.
 */
export function countYmmInstructions(file: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const child = spawn('objdump', ['-d', '--no-show-raw-insn', file], { stdio: ['ignore', 'pipe', 'ignore'] });
    let count = 0;
    let rest = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) if (l.includes('ymm')) count++;
    });
    child.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'ENOENT' ? resolve(undefined) : reject(err)));
    child.on('close', (code) => {
      if (rest.includes('ymm')) count++;
      if (code === 0) resolve(count);
      else reject(new Error(`objdump -d ${file} exited ${code}`));
    });
  });
}
