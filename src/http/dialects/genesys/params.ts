import { ErrorCode, VaultError, invalid } from '../../../core/errors.js';
import type { MediaType } from '../../../core/model.js';
import type { PatternQuery, RecordingFilter, RecordingQuery } from '../../../core/query.js';

/** The query string as sent (a repeated parameter arrives as an array: its first value counts, see `one`). */
export type GenesysQuery = Record<string, string | string[] | undefined>;

/** The search parameters of which at least one is required. */
export const SEARCH_PARAMS = ['callerPhoneNumber', 'dialedPhoneNumber', 'startTime', 'endTime', 'userName', 'userData', 'includeLabels', 'excludeLabels'] as const;

export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 100;

/** The label that stands for "has a screen recording" (a media file of kind screen). */
export const SCREEN_LABEL = '__screenRecording';
const SCREEN: MediaType[] = ['sharing', 'sharingAndVideo'];
const NO_SCREEN: MediaType[] = ['none', 'audio', 'video'];

/**
 * One parameter's value: the first when it is repeated (as Java servlet containers read it),
 * and none when it is blank (`includeLabels=` searches for nothing, so it is no search).
 */
export const one = (q: GenesysQuery, name: string): string | undefined => {
  const v = q[name];
  const first = Array.isArray(v) ? v[0] : v;
  return first === undefined || first.trim() === '' ? undefined : first;
};

/** A Genesys return value (statusCode) travels with the error to the formatter. */
const bad = (message: string, field: string, statusCode: number) => new VaultError(ErrorCode.INVALID_REQUEST, message, { details: { field, statusCode } });

function whole(q: GenesysQuery, name: string, dflt: number, min: number, max: number): number {
  const raw = one(q, name);
  if (raw === undefined || raw === '') return dflt;
  if (!/^\d+$/.test(raw)) throw bad(`${name} must be a whole number, got '${raw}'`, name, 2);
  const n = Number(raw);
  if (n < min || n > max) throw bad(`${name} must be between ${min} and ${max}, got ${raw}`, name, 10);
  return n;
}

function epochMs(q: GenesysQuery, name: string): number | undefined {
  const raw = one(q, name);
  if (raw === undefined) return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw bad(`${name} must be a number of milliseconds since the epoch, got '${raw}'`, name, 2);
  return Number(raw);
}

/**
 * callerPhoneNumber / dialedPhoneNumber: every character but letters, digits, `*` and `?` is
 * dropped, as Genesys does before searching; `*` and `?` stay wildcards.
 */
export function phonePattern(raw: string): string {
  return raw.replace(/[^A-Za-z0-9*?]/g, '');
}

/**
 * userName / userData in the query syntax the spec describes: words separated by spaces are
 * alternatives (OR), `AND` between two words requires both, `OR` may be written out, `*` and
 * `?` are wildcards and a backslash makes the next character literal (a space included). The
 * result is the core's OR-of-ANDs of TextPatterns, whose escapes are the same backslashes.
 */
export function termQuery(name: string, raw: string): PatternQuery {
  const tokens: Array<{ text: string; operator: boolean }> = [];
  let cur = '';
  let escaped = false;
  const flush = () => {
    if (cur !== '') tokens.push({ text: cur, operator: !escaped && (cur === 'AND' || cur === 'OR') });
    cur = '';
    escaped = false;
  };
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === '\\' && i + 1 < raw.length) {
      cur += ch + raw[++i]!;
      escaped = true;
    } else if (/\s/.test(ch)) flush();
    else cur += ch;
  }
  flush();
  if (!tokens.length) throw bad(`${name} must not be empty`, name, 2);
  const groups: PatternQuery = [];
  let pending: 'AND' | 'OR' | null = null;
  for (const t of tokens) {
    if (t.operator) {
      if (pending || !groups.length) throw bad(`${name}: '${t.text}' must stand between two words`, name, 2);
      pending = t.text as 'AND' | 'OR';
      continue;
    }
    if (pending === 'AND') groups[groups.length - 1]!.push(t.text);
    else groups.push([t.text]);
    pending = null;
  }
  if (pending) throw bad(`${name}: '${pending}' must stand between two words`, name, 2);
  return groups;
}

const labels = (raw: string | undefined): string[] => (raw ?? '').split(',').map((x) => x.trim()).filter(Boolean);

/**
 * The canonical query for a search, or null when it can match nothing (a label both included
 * and excluded). At least one search parameter is required (400, statusCode 1).
 */
export function toQuery(q: GenesysQuery): RecordingQuery | null {
  if (!SEARCH_PARAMS.some((n) => one(q, n) !== undefined)) {
    throw bad(`at least one search parameter is required: ${SEARCH_PARAMS.join(', ')}`, 'startTime', 1);
  }
  const offset = whole(q, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
  const limit = whole(q, 'limit', DEFAULT_LIMIT, 1, MAX_LIMIT);
  const filter: RecordingFilter = {};
  const start = epochMs(q, 'startTime');
  const end = epochMs(q, 'endTime');
  if (start !== undefined) filter.from = start;
  if (end !== undefined) filter.releasedBy = end;
  const parties: NonNullable<RecordingFilter['parties']> = [];
  for (const [name, role] of [['callerPhoneNumber', 'calling'], ['dialedPhoneNumber', 'called']] as const) {
    const raw = one(q, name);
    if (raw !== undefined) parties.push({ roles: [role], phonePattern: [phonePattern(raw)] });
  }
  if (parties.length) filter.parties = parties;
  const userName = one(q, 'userName');
  if (userName !== undefined) filter.names = termQuery('userName', userName);
  const userData = one(q, 'userData');
  if (userData !== undefined) filter.userData = termQuery('userData', userData);
  const include = labels(one(q, 'includeLabels'));
  const exclude = labels(one(q, 'excludeLabels'));
  const lc = (xs: string[]) => new Set(xs.map((x) => x.toLowerCase()));
  const [inc, exc] = [lc(include), lc(exclude)];
  if ([...inc].some((x) => exc.has(x))) return null;
  if (inc.has(SCREEN_LABEL.toLowerCase())) filter.mediaType = SCREEN;
  if (exc.has(SCREEN_LABEL.toLowerCase())) filter.mediaType = NO_SCREEN;
  const tags = (xs: string[]) => xs.filter((x) => x.toLowerCase() !== SCREEN_LABEL.toLowerCase());
  if (tags(include).length) filter.allTags = tags(include);
  if (tags(exclude).length) filter.notTags = tags(exclude);
  return { filter, sort: { field: 'startTime', desc: true }, pageSize: limit, offset };
}

/** `subresources` (or `resources`, as the spec's label sample spells it): `*` or a list naming `labels`. */
export function wantsLabels(q: GenesysQuery): boolean {
  const raw = one(q, 'subresources') ?? one(q, 'resources');
  if (raw === undefined || raw === '') return false;
  const names = raw.split(',').map((x) => x.trim());
  for (const n of names) if (n !== '*' && n !== 'labels') throw invalid(`subresources: '${n}' is not supported (only labels or *)`, { field: 'subresources', statusCode: 2 });
  return true;
}
