import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorFormatter } from '../../errors.js';
import { API_VERSION } from '../../app-version.js';
import { isoSeconds } from '../../time.js';

/** Unix seconds + this = Gregorian seconds (seconds since year 0), Kazoo's time unit. */
export const GREGORIAN_OFFSET = 62_167_219_200;
export const toGregorian = (ms: number): number => Math.floor(ms / 1000) + GREGORIAN_OFFSET;
export const fromGregorian = (s: number): number => (s - GREGORIAN_OFFSET) * 1000;

const NODE = `callvault@${process.pid}`;

/** Kazoo answers JSON as plain `application/json`: its web client treats a charset as a transport failure. */
export function sendEnvelope(req: FastifyRequest, reply: FastifyReply, data: unknown, extra: Record<string, unknown> = {}, status = 200): FastifyReply {
  const token = req.headers['x-auth-token'] ?? (req.query as Record<string, unknown> | undefined)?.auth_token;
  const body = {
    ...(typeof token === 'string' ? { auth_token: token } : {}),
    data, ...extra, revision: randomUUID().replace(/-/g, ''), timestamp: isoSeconds(),
    version: API_VERSION, node: NODE, request_id: req.id, status: 'success',
  };
  // JSON without a charset: the door's onSend hook (index.ts) sees to that for every answer.
  return reply.code(status).send(body);
}

/** Kazoo's error words for the statuses it uses. */
const MESSAGE: Record<number, string> = {
  400: 'invalid request', 401: 'invalid_credentials', 403: 'forbidden', 404: 'bad_identifier', 405: 'invalid_method', 409: 'conflicting_docs',
  413: 'request_too_large', 415: 'unsupported_media_type', 429: 'too_many_requests', 500: 'internal_error', 503: 'unavailable',
};

/** `{"status":"error","error":"404","message":"bad_identifier","data":{"message":…}}`, the code as a string. */
export const kazooFormatter: ErrorFormatter = (err, req) => ({
  status: err.status,
  body: {
    // A validation error names its field and the rule it broke, as crossbar does:
    // {"created_from": {"date_range": {"message": …, "cause": …}}}.
    data: {
      message: err.message,
      ...(err.details?.field ? { [String(err.details.field)]: { [String(err.details.rule ?? 'invalid')]: {
        message: err.message, ...(err.details.cause !== undefined ? { cause: err.details.cause } : {}),
      } } } : {}),
    },
    error: String(err.status), message: err.status === 400 && err.details?.field ? 'validation error' : MESSAGE[err.status] ?? 'error',
    status: 'error', request_id: req.id, timestamp: isoSeconds(), version: API_VERSION, node: NODE,
  },
});
