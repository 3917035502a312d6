import { isoSeconds } from '../../time.js';
import type { FastifyRequest } from 'fastify';
import type { ErrorFormatter } from '../../errors.js';

/**
 * Where Vonage serves this API: the document's server (`/t/vbc.prod/call_recording`), the bare
 * `/api/…` paths, and the `/v1/api/…` spelling of Vonage's own tutorials (NOTES.md), under the
 * server path or not. The door answers the same under each; links keep the prefix asked for.
 */
export const VONAGE_PREFIXES = ['', '/v1', '/t/vbc.prod/call_recording', '/t/vbc.prod/call_recording/v1'] as const;

/** Vonage's time form: whole seconds, UTC, `+0000` (`2019-01-01T00:00:00+0000`). */
export function vonageTime(t: string | number | Date): string {
  return isoSeconds(t instanceof Date ? t : new Date(t)).replace(/Z$/, '+0000');
}

/** `https://host[:port]<prefix>` of this request: links are absolute, as in the document's examples. */
export const origin = (req: FastifyRequest, prefix: string): string => `${req.protocol}://${req.host}${prefix}`;

const REASON: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict',
  413: 'Payload Too Large', 415: 'Unsupported Media Type', 416: 'Range Not Satisfiable', 422: 'Unprocessable Entity',
  429: 'Too Many Requests', 431: 'Request Header Fields Too Large', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

/**
 * The document lists 401, 403 and 404 without a body. Vonage's services behind the gateway are
 * Spring (HAL answers), whose error body is `{timestamp, status, error, message, path}`: this
 * door answers that for every error, with the timestamp in the API's own time form.
 */
export const vonageFormatter: ErrorFormatter = (err, req) => ({
  status: err.status,
  body: {
    timestamp: vonageTime(Date.now()), status: err.status, error: REASON[err.status] ?? 'Error', message: err.message,
    path: req.url.split('?')[0],
  },
});
