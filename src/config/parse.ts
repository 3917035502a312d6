import { ErrorCode, VaultError } from '../core/errors.js';

/** A configuration value that cannot be used: the process stops with a message naming it. */
export function bad(message: string): never {
  throw new VaultError(ErrorCode.INVALID_REQUEST, `configuration: ${message}`);
}

export function int(name: string, value: unknown, min: number, max: number): number {
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isInteger(n) || n < min || n > max) bad(`${name} must be an integer between ${min} and ${max}, got ${JSON.stringify(value)}`);
  return n;
}

export function bool(name: string, value: unknown, dflt: boolean): boolean {
  if (value === undefined || value === '') return dflt;
  if (value === true || value === 'true' || value === '1') return true;
  if (value === false || value === 'false' || value === '0') return false;
  return bad(`${name} must be true or false, got ${JSON.stringify(value)}`);
}
