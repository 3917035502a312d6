/**
 * Finds ffmpeg and ffprobe: an explicit configured path first, else the system's (on PATH), else
 * the static binaries shipped by the @ffmpeg-installer/@ffprobe-installer npm packages. Each
 * candidate is checked once by running `-version`; the answer is cached per set of options.
 */
import { execFile } from 'node:child_process';
import { constants as fsc } from 'node:fs';
import { access, chmod, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { ErrorCode, VaultError } from '../core/errors.js';

export type ToolSource = 'config' | 'system' | 'npm';
export type ToolName = 'ffmpeg' | 'ffprobe';

export interface MediaTools {
  ffmpeg: string;
  ffprobe: string;
  /** Where the tools came from: `config` if any configured path was used, else `system` if any came from PATH, else `npm`. */
  source: ToolSource;
  /** Per tool, where it came from. */
  sources: { ffmpeg: ToolSource; ffprobe: ToolSource };
  /** First line of each tool's `-version` output. */
  versions: { ffmpeg: string; ffprobe: string };
}

export interface ResolveOptions {
  ffmpegPath?: string;
  ffprobePath?: string;
  /** The PATH to search for system binaries; defaults to `process.env.PATH`. */
  searchPath?: string;
  /** Skip the system search (e.g. to pin the npm binaries). */
  skipSystem?: boolean;
}

const NPM_PACKAGES: Record<ToolName, string> = { ffmpeg: '@ffmpeg-installer/ffmpeg', ffprobe: '@ffprobe-installer/ffprobe' };
const VERSION_TIMEOUT_MS = 10_000;

const cache = new Map<string, Promise<MediaTools>>();

export function resolveMediaTools(opts: ResolveOptions = {}): Promise<MediaTools> {
  const key = JSON.stringify([opts.ffmpegPath ?? null, opts.ffprobePath ?? null, opts.searchPath ?? process.env.PATH ?? '', !!opts.skipSystem]);
  let p = cache.get(key);
  if (!p) {
    p = resolveUncached(opts);
    cache.set(key, p);
    // A failure is not cached: the operator may install ffmpeg and retry.
    p.catch(() => cache.delete(key));
  }
  return p;
}

/** Forgets every cached resolution (tests, or after the configuration changes). */
export function clearMediaToolsCache(): void {
  cache.clear();
}

async function resolveUncached(opts: ResolveOptions): Promise<MediaTools> {
  const [ffmpeg, ffprobe] = await Promise.all([
    resolveTool('ffmpeg', opts.ffmpegPath, opts),
    resolveTool('ffprobe', opts.ffprobePath, opts),
  ]);
  const all = [ffmpeg.source, ffprobe.source];
  const source: ToolSource = all.includes('config') ? 'config' : all.includes('system') ? 'system' : 'npm';
  return {
    ffmpeg: ffmpeg.path,
    ffprobe: ffprobe.path,
    source,
    sources: { ffmpeg: ffmpeg.source, ffprobe: ffprobe.source },
    versions: { ffmpeg: ffmpeg.version, ffprobe: ffprobe.version },
  };
}

interface Found {
  path: string;
  source: ToolSource;
  version: string;
}

async function resolveTool(name: ToolName, configured: string | undefined, opts: ResolveOptions): Promise<Found> {
  if (configured) {
    // A configured path that does not work is a configuration error: say so, don't fall back.
    try {
      return { path: configured, source: 'config', version: await checkVersion(configured, name) };
    } catch (err) {
      throw toolError(`the configured ${name} at '${configured}' is not usable: ${reason(err)}`, err);
    }
  }
  const tried: string[] = [];
  if (!opts.skipSystem) {
    const onPath = await findOnPath(name, opts.searchPath ?? process.env.PATH ?? '');
    if (onPath) {
      try {
        return { path: onPath, source: 'system', version: await checkVersion(onPath, name) };
      } catch (err) {
        tried.push(`system ${onPath}: ${reason(err)}`);
      }
    } else {
      tried.push('not found on PATH');
    }
  }
  try {
    const npmPath = npmBinaryPath(name);
    await ensureExecutable(npmPath);
    return { path: npmPath, source: 'npm', version: await checkVersion(npmPath, name) };
  } catch (err) {
    tried.push(`npm ${NPM_PACKAGES[name]}: ${reason(err)}`);
  }
  throw toolError(`no usable ${name} was found (${tried.join('; ')}); install ${name} or set its path in the configuration`);
}

/** The first executable regular file called `name` in the directories of `searchPath`. */
export async function findOnPath(name: string, searchPath: string): Promise<string | undefined> {
  for (const dir of searchPath.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      if (!(await stat(candidate)).isFile()) continue;
      await access(candidate, fsc.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function npmBinaryPath(name: ToolName): string {
  const require = createRequire(import.meta.url);
  // The packages throw (a string, for @ffmpeg-installer) on unsupported platforms.
  const mod: unknown = require(NPM_PACKAGES[name]);
  const path = (mod as { path?: unknown } | null)?.path;
  if (typeof path !== 'string' || !path) throw new Error('the package exports no binary path');
  return path;
}

/**
 * Makes sure the owner may execute `file`, adding u+x when it is missing (npm installs without
 * running postinstall scripts leave the shipped binaries non-executable).
 */
export async function ensureExecutable(file: string): Promise<void> {
  const st = await stat(file);
  if (!st.isFile()) throw new Error(`${file} is not a file`);
  if ((st.mode & 0o100) !== 0) {
    try {
      await access(file, fsc.X_OK);
      return;
    } catch {
      // owner bit set but we are not the owner; fall through to the clear error below
    }
  }
  try {
    await chmod(file, (st.mode & 0o7777) | 0o100);
    await access(file, fsc.X_OK);
  } catch (err) {
    throw new Error(`${file} is not executable and could not be made so (${reason(err)})`, { cause: err });
  }
}

/** Runs `<file> -version` and returns the first line; rejects when it fails or does not look like `name`. */
function checkVersion(file: string, name: ToolName): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, ['-version'], { timeout: VERSION_TIMEOUT_MS, maxBuffer: 1 << 20, windowsHide: true }, (err, stdout) => {
      if (err) return reject(err);
      const first = stdout.split('\n', 1)[0]?.trim() ?? '';
      if (!first.toLowerCase().startsWith(`${name} version`)) return reject(new Error(`'-version' printed '${first.slice(0, 80)}'`));
      resolve(first);
    });
  });
}

function reason(err: unknown): string {
  if (err instanceof Error) return err.message.split('\n', 1)[0] ?? err.message;
  return String(err);
}

function toolError(message: string, cause?: unknown): VaultError {
  return new VaultError(ErrorCode.INTERNAL_SERVER_ERROR, message, cause === undefined ? undefined : { cause });
}
