/**
 * Downloads a named whisper.cpp model (`ggml-NAME.bin`) for `callvault models fetch NAME`. The
 * file is streamed to a temporary name in the target folder, checked (length against the
 * server's Content-Length, SHA-1 against the published digest where we know it) and only then
 * renamed into place, so an interrupted or corrupt download never passes for a model.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, VaultError } from '../core/errors.js';

export const DEFAULT_MODEL_BASE_URL = 'https://huggingface.co/ggerganov/whisper.cpp/resolve/main';

/** Published SHA-1 digests of the common models (whisper.cpp's models/README.md). */
export const MODEL_SHA1: Readonly<Record<string, string>> = {
  tiny: 'bd577a113a864445d4c299885e0cb97d4ba92b5f',
  'tiny.en': 'c78c86eb1a8faa21b369bcd33207cc90d64ae9df',
  base: '465707469ff3a37a2b9b8d8f89f2f99de7299dac',
  'base.en': '137c40403d78fd54d454da0f9bd998f78703390c',
  small: '55356645c2b361a969dfd0ef2c5a50d530afd8d5',
  'small.en': 'db8a495a91d927739e50b3fc1cc4c6b8f6c2d022',
  'small.en-tdrz': 'b6c6e7e89af1a35c08e6de56b66ca6a02a2fdfa1',
  medium: 'fd9727b6e1217c2f614f9b698455c4ffd82463b4',
  'medium.en': '8c30f0e44ce9560643ebd10bbe50cd20eafd3723',
  'large-v1': 'b1caaf735c4cc1429223d5a74f0f4d0b9b59a299',
  'large-v2': '0f4c8e34f21cf1a914c59d8b3ce882345ad349d6',
  'large-v2-q5_0': '00e39f2196344e901b3a2bd5814807a769bd1630',
  'large-v3': 'ad82bf6a9043ceed055076d0fd39f5f186ff8062',
  'large-v3-q5_0': 'e6e2ed78495d403bef4b7cff42ef4aaadcfea8de',
  'large-v3-turbo': '4af2b29d7ec73d781377bfd1758ca957a807e941',
  'large-v3-turbo-q5_0': 'e050f7970618a659205450ad97eb95a18d69c9ee',
};

/** Every name the upstream download script offers; quantized variants without a digest are checked by length only. */
export const MODEL_NAMES: readonly string[] = [
  'tiny', 'tiny.en', 'tiny-q5_1', 'tiny.en-q5_1', 'tiny-q8_0',
  'base', 'base.en', 'base-q5_1', 'base.en-q5_1', 'base-q8_0',
  'small', 'small.en', 'small.en-tdrz', 'small-q5_1', 'small.en-q5_1', 'small-q8_0',
  'medium', 'medium.en', 'medium-q5_0', 'medium.en-q5_0', 'medium-q8_0',
  'large-v1', 'large-v2', 'large-v2-q5_0', 'large-v2-q8_0', 'large-v3', 'large-v3-q5_0',
  'large-v3-turbo', 'large-v3-turbo-q5_0', 'large-v3-turbo-q8_0',
];

export interface FetchModelOptions {
  /** Where `ggml-NAME.bin` is fetched from; default DEFAULT_MODEL_BASE_URL. */
  baseUrl?: string;
  /** Expected SHA-1 (hex); default MODEL_SHA1[name]; null skips the digest check. */
  sha1?: string | null;
  /** Download again even if a file with that name (and the right digest) is there. */
  force?: boolean;
  signal?: AbortSignal;
  /** Abort when no byte arrives for this long; default 60 s. */
  stallTimeoutMs?: number;
  onProgress?: (receivedBytes: number, totalBytes: number | undefined) => void;
}

export interface FetchedModel {
  path: string;
  bytes: number;
  sha1: string;
  /** True when the digest was compared with a known one. */
  verified: boolean;
  /** True when the file was already there and nothing was downloaded. */
  reused: boolean;
}

export function modelFileName(name: string): string {
  return `ggml-${name}.bin`;
}

function checkName(name: string): void {
  if (!MODEL_NAMES.includes(name)) {
    throw new VaultError(ErrorCode.INVALID_REQUEST, `unknown whisper model ${JSON.stringify(name)}; known models: ${MODEL_NAMES.join(', ')}`,
      { details: { model: name } });
  }
}

async function sha1Of(path: string): Promise<string> {
  const hash = createHash('sha1');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Downloads model NAME into DIR (created if needed) and returns where it is. */
export async function fetchModel(name: string, dir: string, opts: FetchModelOptions = {}): Promise<FetchedModel> {
  checkName(name);
  const expected = opts.sha1 === undefined ? MODEL_SHA1[name] : opts.sha1 ?? undefined;
  const path = join(dir, modelFileName(name));
  await mkdir(dir, { recursive: true });
  if (!opts.force) {
    const existing = await stat(path).catch(() => undefined);
    if (existing?.isFile() && existing.size > 0) {
      const sha1 = await sha1Of(path);
      if (!expected || sha1 === expected) return { path, bytes: existing.size, sha1, verified: !!expected, reused: true };
    }
  }
  const url = `${(opts.baseUrl ?? DEFAULT_MODEL_BASE_URL).replace(/\/+$/, '')}/${modelFileName(name)}`;
  const tmp = join(dir, `.${modelFileName(name)}.${process.pid}.${Date.now().toString(36)}.part`);
  try {
    const { bytes, sha1 } = await download(url, tmp, opts);
    if (expected && sha1 !== expected) {
      throw new VaultError(ErrorCode.ENGINE_UNAVAILABLE,
        `the download of ${url} is corrupt: SHA-1 ${sha1}, expected ${expected}; try again`, { details: { model: name, sha1, expected } });
    }
    await rename(tmp, path);
    return { path, bytes, sha1, verified: !!expected, reused: false };
  } finally {
    await rm(tmp, { force: true });
  }
}

async function download(url: string, tmp: string, opts: FetchModelOptions): Promise<{ bytes: number; sha1: string }> {
  const ctl = new AbortController();
  const onAbort = () => ctl.abort(opts.signal?.reason);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const stallMs = opts.stallTimeoutMs ?? 60_000;
  let stalled = false;
  let timer = setTimeout(() => { stalled = true; ctl.abort(); }, stallMs);
  const poke = () => {
    clearTimeout(timer);
    timer = setTimeout(() => { stalled = true; ctl.abort(); }, stallMs);
  };
  const fh = await open(tmp, 'w');
  let bytes = 0;
  try {
    const res = await fetch(url, { signal: ctl.signal, redirect: 'follow' });
    if (!res.ok || !res.body) {
      throw new VaultError(res.status === 404 ? ErrorCode.RESOURCE_NOT_FOUND : ErrorCode.ENGINE_UNAVAILABLE,
        `could not download ${url}: HTTP ${res.status} ${res.statusText}`, { details: { url, status: res.status } });
    }
    const lengthHeader = res.headers.get('content-length');
    const total = lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
    const hash = createHash('sha1');
    for await (const chunk of res.body) {
      poke();
      hash.update(chunk);
      await fh.write(chunk);
      bytes += chunk.length;
      opts.onProgress?.(bytes, total);
    }
    if (total !== undefined && bytes !== total) {
      throw new VaultError(ErrorCode.ENGINE_UNAVAILABLE, `the download of ${url} stopped at ${bytes} of ${total} bytes; try again`);
    }
    await fh.sync();
    return { bytes, sha1: hash.digest('hex') };
  } catch (err) {
    if (err instanceof VaultError) throw err;
    opts.signal?.throwIfAborted();
    if (stalled) throw new VaultError(ErrorCode.ENGINE_UNAVAILABLE, `the download of ${url} stalled (nothing for ${stallMs / 1000} s)`, { cause: err });
    throw offline(url, err, bytes);
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    await fh.close();
  }
}

/** fetch reports every network failure as "fetch failed"; the reason is in its cause chain. */
function offline(url: string, err: unknown, received: number): VaultError {
  let why = err instanceof Error ? err.message : String(err);
  for (let c: unknown = err; c instanceof Error; c = c.cause) {
    const code = (c as NodeJS.ErrnoException).code;
    if (code) { why = `${code}${c.message && !c.message.includes(code) ? ` ${c.message}` : ''}`; break; }
  }
  if (received > 0) {
    return new VaultError(ErrorCode.ENGINE_UNAVAILABLE, `the download of ${url} broke off after ${received} bytes (${why}); try again`, { cause: err });
  }
  return new VaultError(ErrorCode.ENGINE_UNAVAILABLE,
    `could not download ${url} (${why}). Is this machine offline? Download ggml model files elsewhere and copy them into the models folder.`,
    { cause: err });
}
