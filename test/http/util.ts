/**
 * Small helpers shared by the HTTP integration tests: a fetch wrapper that always reads the
 * body, envelope checks, and the "nothing left behind" checks on the blob folder and the
 * pending_blobs table.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { TestServer } from '../helpers/server.js';

export interface Res {
  status: number;
  headers: Headers;
  /** Raw body bytes. */
  bytes: Buffer;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface CallOptions {
  token?: string | null;
  headers?: Record<string, string>;
  /** Sent as application/json unless a content-type header is given. */
  json?: unknown;
  body?: Buffer | string;
}

/** One HTTP call with fetch; the body is always read so connections are reused cleanly. */
export async function call(server: TestServer, method: string, path: string, opts: CallOptions = {}): Promise<Res> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const token = opts.token === undefined ? server.token : opts.token;
  if (token !== null && headers.authorization === undefined) headers.authorization = `Bearer ${token}`;
  let body: Buffer | string | undefined = opts.body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${server.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const bytes = Buffer.from(await res.arrayBuffer());
  let json: unknown;
  if ((res.headers.get('content-type') ?? '').includes('application/json') && bytes.length > 0) {
    json = JSON.parse(bytes.toString('utf8'));
  }
  return { status: res.status, headers: res.headers, bytes, json };
}

/** Asserts the native error envelope, its code, and that request_id matches X-Request-Id. */
export function assertError(res: Res, status: number, code: string, mentions?: string | RegExp): void {
  assert.equal(res.status, status, `expected ${status} ${code}, got ${res.status}: ${res.bytes.toString('utf8').slice(0, 500)}`);
  assert.ok(res.json && typeof res.json === 'object', 'error body must be JSON');
  const err = res.json.error;
  assert.ok(err && typeof err === 'object', `error body must have an "error" object: ${res.bytes.toString('utf8')}`);
  assert.deepEqual(Object.keys(err).sort(), ['code', 'description', 'request_id', 'timestamp']);
  assert.equal(err.code, code, `expected code ${code}: ${err.description}`);
  assert.equal(typeof err.description, 'string');
  assert.ok(err.description.length > 0);
  assert.equal(err.request_id, res.headers.get('x-request-id'));
  assert.match(err.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  if (mentions !== undefined) {
    if (typeof mentions === 'string') assert.ok(err.description.includes(mentions), `description should mention ${mentions}: ${err.description}`);
    else assert.match(err.description, mentions);
  }
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

async function walk(dir: string, root: string, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await walk(p, root, out);
    else out.push(relative(root, p));
  }
}

/** Every file under <server.dir>/blobs (including .tmp), as paths relative to that folder. */
export async function blobFiles(server: TestServer): Promise<string[]> {
  const out: string[] = [];
  const root = join(server.dir, 'blobs');
  await walk(root, root, out);
  return out.sort();
}

/** Files of the blob store's temporary folder. */
export async function tmpFiles(server: TestServer): Promise<string[]> {
  return (await blobFiles(server)).filter((f) => f.startsWith('.tmp/') || f.startsWith('.tmp\\'));
}

/**
 * After a refused or aborted upload: no temp file, no pending blob, and the set of stored
 * blob files is exactly what it was before.
 */
export async function assertNothingLeft(server: TestServer, before: string[]): Promise<void> {
  assert.deepEqual(await tmpFiles(server), [], 'the blob temp folder must be empty');
  assert.deepEqual(await server.vault.store.listPendingBlobs(), [], 'pending_blobs must be empty');
  assert.deepEqual(await blobFiles(server), before, 'no blob file may be added or removed');
}

/** Polls `check` (which throws while not yet true) until it passes or the time is up. */
export async function eventually(check: () => Promise<void>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Number of recordings the default client sees. */
export async function recordingCount(server: TestServer, token = server.token): Promise<number> {
  const res = await call(server, 'GET', '/api/v1/recordings?pageSize=1', { token });
  assert.equal(res.status, 200, res.bytes.toString('utf8'));
  return res.json.total as number;
}

/** Blob files that belong to one recording (media/<account>/<recording>/…). */
export function filesOf(files: string[], recordingId: string): string[] {
  return files.filter((f) => f.split(/[\\/]/).includes(recordingId));
}
