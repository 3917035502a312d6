import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode, VaultError, statusOf } from '../core/errors.js';
import { isoSeconds } from './time.js';

/** A door's way of writing an error: each door answers in its own envelope. */
export type ErrorFormatter = (err: VaultError, req: FastifyRequest) => { status: number; body: unknown; headers?: Record<string, string> };

const BY_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.INVALID_REQUEST, 401: ErrorCode.INVALID_CLIENT_CREDENTIALS, 403: ErrorCode.INSUFFICIENT_PERMISSIONS,
  404: ErrorCode.RESOURCE_NOT_FOUND, 405: ErrorCode.METHOD_NOT_ALLOWED, 409: ErrorCode.CONFLICT, 413: ErrorCode.PAYLOAD_TOO_LARGE,
  415: ErrorCode.UNSUPPORTED_MEDIA_TYPE, 416: ErrorCode.RANGE_NOT_SATISFIABLE, 429: ErrorCode.RATE_LIMIT_EXCEEDED,
};

/** Normalises anything thrown (domain errors, framework errors, bugs) into a VaultError. */
export function toVaultError(err: unknown): VaultError {
  if (err instanceof VaultError) return err;
  const e = err as FastifyError & { validationContext?: string };
  if (e.validation) {
    const first = e.validation[0];
    const where = e.validationContext ?? 'request';
    const field = first?.instancePath ? first.instancePath.replace(/^\//, '').replace(/\//g, '.') : (first?.params as { missingProperty?: string; additionalProperty?: string } | undefined)?.missingProperty;
    const extra = (first?.params as { additionalProperty?: string } | undefined)?.additionalProperty;
    const message = extra ? `${where}: unknown parameter '${extra}'` : `${where}${field ? ` '${field}'` : ''} ${first?.message ?? 'is invalid'}`;
    return new VaultError(ErrorCode.INVALID_REQUEST, message, { details: { field: extra ?? field } });
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return new VaultError(ErrorCode.PAYLOAD_TOO_LARGE, 'The request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return new VaultError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, `Content-Type is not supported here`);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY': return new VaultError(ErrorCode.INVALID_REQUEST, 'The JSON body is empty');
    case 'FST_ERR_CTP_INVALID_JSON_BODY': return new VaultError(ErrorCode.INVALID_REQUEST, 'The body is not valid JSON');
    default: break;
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    return new VaultError(BY_STATUS[status] ?? ErrorCode.INVALID_REQUEST, e.message || 'Bad request');
  }
  return new VaultError(ErrorCode.INTERNAL_SERVER_ERROR, 'The server failed to handle the request', { cause: err });
}

/** The native (and Interaction Insights) envelope: {"error":{code,description,request_id,timestamp}}. */
export const nativeFormatter: ErrorFormatter = (err, req) => ({
  status: err.status,
  body: { error: { code: err.code, description: err.message, request_id: req.id, timestamp: isoSeconds() } },
});

/** What went wrong in each answered error, "CODE: description", for the API activity log (whatever the door's envelope). */
const sentErrors = new WeakMap<FastifyRequest, string>();
export const errorDetailsOf = (req: FastifyRequest): string | undefined => sentErrors.get(req);

export function sendError(err: unknown, req: FastifyRequest, reply: FastifyReply, format: ErrorFormatter = nativeFormatter): FastifyReply {
  const vErr = toVaultError(err);
  sentErrors.set(req, `${vErr.code}: ${vErr.message}`.slice(0, 1000));
  if (vErr.status >= 500) req.log.error({ err }, 'request failed');
  const { status, body, headers } = format(vErr, req);
  reply.header('x-request-id', req.id);
  if (headers) reply.headers(headers);
  if (statusOf[vErr.code] === 401 && !headers?.['www-authenticate']) reply.header('www-authenticate', 'Bearer');
  const retryAfter = vErr.details?.retryAfter;
  if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  return reply.code(status).type('application/json').send(body);
}
