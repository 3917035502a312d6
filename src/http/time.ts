import { invalid } from '../core/errors.js';

/**
 * An ISO 8601 time from a query parameter: a date alone is midnight UTC, a date-time without a
 * zone is UTC. A `+` offset written into a URL unencoded arrives as a space
 * (`…T00:00:00 0000`): it is read as the `+` it was. A bad value is a 400 naming the parameter.
 */
export function parseIsoTime(name: string, raw: string): number {
  const v = raw.replace(/(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$/, '$1+$2');
  // Date.parse is lenient ('1' is 2001, 2026-02-30 is 2 March): the date must be written out and exist.
  if (!realDay(v)) throw invalid(`${name}: '${raw}' is not a valid ISO 8601 time`, { field: name });
  const zoned = /T.*(Z|[+-]\d{2}:?\d{2})$/.test(v);
  const ms = Date.parse(v.length === 10 ? `${v}T00:00:00Z` : zoned ? v : `${v}Z`);
  if (Number.isNaN(ms)) throw invalid(`${name}: '${raw}' is not a valid ISO 8601 time`, { field: name });
  return ms;
}

/** A UTC time in whole seconds, `2026-11-20T10:00:00Z`, as error envelopes and several doors print it. */
export const isoSeconds = (d: Date | string = new Date()): string => (typeof d === 'string' ? d : d.toISOString()).replace(/\.\d{3}Z$/, 'Z');

/** Whether a value starts with a written-out date (YYYY-MM-DD) that names a real day. */
export function realDay(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/.exec(v);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(2000, mo - 1, d));
  day.setUTCFullYear(y);
  return day.getUTCFullYear() === y && day.getUTCMonth() === mo - 1 && day.getUTCDate() === d;
}
