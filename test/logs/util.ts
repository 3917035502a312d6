/**
 * Helpers for the log tests: reading the logs through the real endpoints (waiting for the
 * entries of requests that just finished: they are recorded after the answer went out), and
 * running `callvault admin audit verify` as a separate process.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { TestServer } from '../helpers/server.js';
import { BIN } from '../helpers/process.js';
import { call } from '../http/util.js';

// The tests read JSON answers loosely.
export type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export async function list(server: TestServer, token: string, path: string, query: Record<string, string> = {}): Promise<Json> {
  const qs = new URLSearchParams({ pageSize: '100', sort: 'time', ...query }).toString();
  const res = await call(server, 'GET', `${path}?${qs}`, { token });
  assert.equal(res.status, 200, res.bytes.toString('utf8'));
  return res.json;
}

/** Polls an endpoint until `pick` finds what it wants in the entries (they arrive just after each answer). */
export async function waitFor(server: TestServer, token: string, path: string, query: Record<string, string>, pick: (data: Json[]) => boolean, what: string): Promise<Json[]> {
  const end = Date.now() + 5000;
  for (;;) {
    const page = await list(server, token, path, query);
    if (pick(page.data)) return page.data as Json[];
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}; got ${JSON.stringify(page.data, null, 1).slice(0, 3000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Audit entries of the caller's account whose objectId (or description) matches, once `count` of them are there. */
export function auditFor(server: TestServer, token: string, query: Record<string, string>, count: number): Promise<Json[]> {
  return waitFor(server, token, '/api/v1/audit-logs', query, (d) => d.length >= count, `${count} audit entries for ${JSON.stringify(query)}`);
}

export function verifyCli(dir: string, ...extra: string[]): { code: number | null; json: Json; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, 'admin', 'audit', 'verify', '--json', '--data', dir, ...extra], { encoding: 'utf8' });
  let json: Json;
  try {
    json = JSON.parse(r.stdout);
  } catch {
    json = undefined;
  }
  return { code: r.status, json, stderr: r.stderr };
}

export function verifyHuman(dir: string): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [BIN, 'admin', 'audit', 'verify', '--data', dir], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout };
}
