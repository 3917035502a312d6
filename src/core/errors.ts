/**
 * Every failure the domain can report, as a stable code. Doors map a code to their own
 * envelope and status; the core never speaks HTTP. Status numbers live here only because
 * every door agrees on them (a door may still override in its formatter).
 */
export const ErrorCode = {
  INVALID_REQUEST: 'INVALID_REQUEST',
  INVALID_CLIENT_CREDENTIALS: 'INVALID_CLIENT_CREDENTIALS',
  INSUFFICIENT_PERMISSIONS: 'INSUFFICIENT_PERMISSIONS',
  RESOURCE_NOT_FOUND: 'RESOURCE_NOT_FOUND',
  /** The resource exists but does not take this method (the Kazoo door's `invalid_method`). */
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  CONFLICT: 'CONFLICT',
  LEGAL_HOLD: 'LEGAL_HOLD',
  NON_DELETABLE: 'NON_DELETABLE',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  RANGE_NOT_SATISFIABLE: 'RANGE_NOT_SATISFIABLE',
  HEADERS_TOO_LARGE: 'HEADERS_TOO_LARGE',
  RATE_LIMIT_EXCEEDED: 'RATE_LIMIT_EXCEEDED',
  READ_ONLY: 'READ_ONLY',
  /** Audio that could not be decoded or is unfit for the work asked (silence, too long). */
  UNPROCESSABLE: 'UNPROCESSABLE',
  /** A speech or media engine, its binary or its model is missing or broken. */
  ENGINE_UNAVAILABLE: 'ENGINE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const statusOf: Record<ErrorCode, number> = {
  INVALID_REQUEST: 400,
  INVALID_CLIENT_CREDENTIALS: 401,
  INSUFFICIENT_PERMISSIONS: 403,
  RESOURCE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  LEGAL_HOLD: 409,
  NON_DELETABLE: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RANGE_NOT_SATISFIABLE: 416,
  HEADERS_TOO_LARGE: 431,
  RATE_LIMIT_EXCEEDED: 429,
  INTERNAL_SERVER_ERROR: 500,
  READ_ONLY: 503,
  UNPROCESSABLE: 422,
  ENGINE_UNAVAILABLE: 503,
};

export class VaultError extends Error {
  readonly code: ErrorCode;
  /** Extra machine-readable facts (e.g. the field that failed, the size limit). */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VaultError';
    this.code = code;
    this.details = options?.details;
  }

  get status(): number {
    return statusOf[this.code];
  }
}

export const invalid = (message: string, details?: Record<string, unknown>) =>
  new VaultError(ErrorCode.INVALID_REQUEST, message, details ? { details } : undefined);
export const notFound = (what: string) => new VaultError(ErrorCode.RESOURCE_NOT_FOUND, `${what} was not found`);
export const forbidden = (message: string) => new VaultError(ErrorCode.INSUFFICIENT_PERMISSIONS, message);
export const unauthorized = (message = 'The client credentials provided are invalid or expired') =>
  new VaultError(ErrorCode.INVALID_CLIENT_CREDENTIALS, message);
/** The store is in read-only mode (config `readOnly`): nothing may change. */
export const readOnly = () => new VaultError(ErrorCode.READ_ONLY, 'the recording store is read-only: nothing can be changed now');
export const conflict = (message: string) => new VaultError(ErrorCode.CONFLICT, message);
export const unsupportedMedia = (message: string) => new VaultError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, message);
export const tooLarge = (message: string) => new VaultError(ErrorCode.PAYLOAD_TOO_LARGE, message);
