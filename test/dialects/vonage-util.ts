import assert from 'node:assert/strict';
import type { Res } from '../http/util.js';

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/;

/** The error body: Spring's {timestamp, status, error, message, path}. */
export function assertVonageError(res: Res, status: number): void {
  assert.equal(res.status, status, res.bytes.toString());
  assert.deepEqual(Object.keys(res.json).sort(), ['error', 'message', 'path', 'status', 'timestamp']);
  assert.equal(res.json.status, status);
  assert.equal(typeof res.json.error, 'string');
  assert.equal(typeof res.json.message, 'string');
  assert.match(res.json.timestamp, TIME);
  assert.ok(res.json.path.startsWith('/'));
}

