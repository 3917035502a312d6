import { forbidden, invalid } from '../../../core/errors.js';
import type { Principal } from '../../../core/principals.js';
import type { RecordingFilter, RecordingQuery } from '../../../core/query.js';
import { SENTIMENT_LABELS } from '../../../core/model.js';
import { fromListV1 } from '../../../search/doors.js';
import { parseIsoTime } from '../../time.js';

/** The query string of GET /v1/recordings, as sent (every value a string). */
export type ListV1Query = Record<string, string | string[] | undefined>;

/** Most recordings one request may ask for; larger `quantity` values are served this many. */
export const MAX_QUANTITY = 1000;

/** A parameter's value (repeats joined as a list); a blank value is no value, as clients send every field. */
const one = (q: ListV1Query, name: string): string | undefined => {
  const v = q[name];
  const joined = Array.isArray(v) ? v.join(',') : v;
  return joined === undefined || joined.trim() === '' ? undefined : joined;
};
const list = (v: string | undefined): string[] => (v ?? '').split(',').map((x) => x.trim()).filter(Boolean);

function count(q: ListV1Query, name: string, min: number): number {
  const raw = one(q, name);
  if (raw === undefined || raw.trim() === '') throw invalid(`'${name}' is required`, { field: name });
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min || !Number.isSafeInteger(Number(raw))) {
    throw invalid(`'${name}' must be a whole number of at least ${min} (and below 2^53), got '${raw}'`, { field: name });
  }
  return Number(raw);
}

/** An ISO date or date-time; a date alone means that whole day (from its start, or through its end). */
function date(name: string, v: string, end: boolean): number {
  const ms = parseIsoTime(name, v);
  return end && /^\d{4}-\d{2}-\d{2}$/.test(v) ? ms + 86_400_000 : ms;
}

/**
 * `users`: a list of user ids to include or exclude. Accepted spellings: `include:a,b`,
 * `exclude:a,b`, `{"include":["a"]}` / `{"exclude":["a"]}`, or a plain list (include).
 */
export function parseUsers(raw: string): { include: string[] } | { exclude: string[] } {
  const s = raw.trim();
  if (s.startsWith('{')) {
    let o: unknown;
    try { o = JSON.parse(s); } catch { throw invalid("'users' is not valid JSON", { field: 'users' }); }
    const r = o as { include?: unknown; exclude?: unknown };
    const ids = (v: unknown) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? v as string[] : null);
    const inc = ids(r.include), exc = ids(r.exclude);
    if (inc && !r.exclude) return { include: inc };
    if (exc && !r.include) return { exclude: exc };
    throw invalid("'users' must hold either an include or an exclude list of user ids", { field: 'users' });
  }
  const m = /^(include|exclude)\s*[:=]\s*(.*)$/i.exec(s);
  if (m) return m[1]!.toLowerCase() === 'include' ? { include: list(m[2]) } : { exclude: list(m[2]) };
  return { include: list(s) };
}

/**
 * The canonical query for a list request. Tag ids are resolved by the caller (`tagNamesFor`).
 * A standard user (agent) may not ask for other users' recordings: 403.
 */
export function toQuery(q: ListV1Query, p: Principal, tagNamesFor: (ids: string[]) => string[]): RecordingQuery {
  const quantity = Math.min(MAX_QUANTITY, count(q, 'quantity', 1));
  const from = count(q, 'from', 0);
  const filter: RecordingFilter = {};
  const start = one(q, 'startdate');
  const end = one(q, 'enddate');
  if (end !== undefined && start === undefined) throw invalid("'enddate' needs a 'startdate'", { field: 'enddate' });
  if (start !== undefined) filter.from = date('startdate', start, false);
  if (end !== undefined) {
    filter.to = date('enddate', end, true);
    if (filter.to <= filter.from!) throw invalid("'enddate' must be after 'startdate'", { field: 'enddate' });
  }
  const sentiments = list(one(q, 'sentiment')).map((s) => s.toUpperCase());
  for (const s of sentiments) {
    if (!(SENTIMENT_LABELS as readonly string[]).includes(s)) throw invalid(`'sentiment': '${s}' is not one of ${SENTIMENT_LABELS.join(', ')}`, { field: 'sentiment' });
  }
  if (sentiments.length) filter.sentiment = sentiments;
  const tel = list(one(q, 'tel'));
  if (tel.length) filter.phone = tel;
  const users = one(q, 'users');
  if (users !== undefined) {
    const u = parseUsers(users);
    if ('include' in u) {
      const self = (id: string) => id === p.id || (!!p.upn && id.toLowerCase() === p.upn.toLowerCase());
      if (p.kind === 'user' && p.role === 'agent' && u.include.some((id) => !self(id))) {
        throw forbidden('a standard user may list only their own recordings');
      }
      if (u.include.length) filter.user = u.include;
    } else if (u.exclude.length) {
      filter.notUser = u.exclude;
    }
  }
  const tagIds = list(one(q, 'tagids'));
  if (tagIds.length) {
    const names = tagNamesFor(tagIds);
    // Ids of no known tag match nothing (not everything).
    filter.tag = names.length ? names : ['\u0000no such tag'];
  }
  const text = fromListV1(one(q, 'words'), one(q, 'noteswords'));
  if (text) filter.text = text;
  return { filter, sort: { field: 'startTime', desc: true }, pageSize: quantity, offset: from };
}
