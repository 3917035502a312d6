import { invalid } from '../../../core/errors.js';
import {
  CALL_DIRECTIONS, CALL_TYPES, INSIGHTS_STATUSES, MEDIA_TYPES, PROFILE_TYPES, RELEASE_CAUSES, TRANSCRIPTION_STATUSES,
  type MediaStatus, type PartyRole,
} from '../../../core/model.js';
import { MAX_PAGE_SIZE, type PartyFilter, type RecordingFilter, type RecordingQuery, type SortField } from '../../../core/query.js';
import { fromInsightsText } from '../../../search/doors.js';
import { parseIsoTime } from '../../time.js';
import { compactTable, enumValues, parseFilter, type Criterion } from './filter.js';

/** The recordings list's filter keys, as section 2.3.1 spells them. */
export const RECORDING_KEYS = [
  'from', 'to', 'called', 'calling', 'transferredBy', 'transferredTo', 'onBehalfOf', 'answeredBy', 'sysCallId', 'relCause',
  'callDir', 'callType', 'g', 'u', 'text', 'tags', 'p', 'mStatus', 'rType', 'mType', 'q', 'tStatus', 'iStatus',
] as const;

/** Party keys and the roles of the canonical model they look at. */
const PARTY_KEYS: Record<string, PartyRole[]> = {
  called: ['called'], calling: ['calling'], transferredby: ['transferredBy'], transferredto: ['transferTo'],
  onbehalfof: ['onBehalfOf'], answeredby: ['answeredBy'],
};

/**
 * mStatus: the document's words onto media statuses. "Active Call" is a call still going on:
 * being recorded, paused, or waiting for its media.
 */
const MEDIA_STATUS: Record<string, MediaStatus | MediaStatus[]> = {
  available: 'available', pending: 'pending', recording: 'recording', activecall: ['recording', 'paused', 'awaiting'],
  failed: 'failed', unavailable: 'unavailable', deleted: 'deleted',
};

/** mType "Video&Sharing" is the canonical sharingAndVideo (compacted: videosharing). */
const MEDIA_TYPE = compactTable(MEDIA_TYPES, { videosharing: 'sharingAndVideo' });

/** rType "Full Time" / "Record On Demand" / "Save On Demand" compact to the canonical names. */
const PROFILE_TYPE = compactTable(PROFILE_TYPES);

/**
 * Sort fields of the recordings list; `duration` is accepted for durationMs, and `timestamp`
 * (the field of section 1.2.4.2's example) means the call's start.
 */
const SORTS: Record<string, SortField> = {
  starttime: 'startTime', timestamp: 'startTime', releasetime: 'releaseTime', duration: 'durationMs', durationms: 'durationMs', createdat: 'createdAt', updatedat: 'updatedAt',
};

export const DEFAULT_PAGE_SIZE = 25;

/** The query as single values: a parameter given twice (`page=1&page=2`) is a 400, not a guess. */
export function singleValues<T extends Record<string, unknown>>(q: T): { [K in keyof T]: string | undefined } {
  for (const [k, v] of Object.entries(q)) {
    if (Array.isArray(v)) throw invalid(`the parameter '${k}' is given more than once`, { field: k });
  }
  return q as { [K in keyof T]: string | undefined };
}


/** page (from 1) and pageSize (1-100); anything else is a 400, not silently changed. */
export function paging(q: { page?: string; pageSize?: string }): { page: number; pageSize: number } {
  const int = (name: string, v: string | undefined, max: number, dflt: number) => {
    if (v === undefined || v === '') return dflt;
    if (!/^\d+$/.test(v.trim()) || Number(v) < 1 || Number(v) > max) {
      throw invalid(`${name} must be a whole number from 1 to ${max}`, { field: name });
    }
    return Number(v);
  };
  return { page: int('page', q.page, 1_000_000, 1), pageSize: int('pageSize', q.pageSize, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE) };
}

/** `sort=field` or `sort=-field` (descending) over the given names; `fallback` when absent. */
export function sortOf<T extends string>(sort: string | undefined, names: Record<string, T>, fallback: { field: T; desc: boolean }): { field: T; desc: boolean } {
  if (sort === undefined || sort.trim() === '') return fallback;
  const s = sort.trim();
  const desc = s.startsWith('-');
  const name = (desc || s.startsWith('+') ? s.slice(1) : s).toLowerCase();
  const field = names[name];
  if (!field) throw invalid(`sort: '${s}' is not a sort field here; use one of ${Object.keys(names).join(', ')} (prefix '-' for descending)`, { field: 'sort' });
  return { field, desc };
}

/**
 * An ISO 8601 time of a filter (a `+` offset that arrived as a space is read as '+', see
 * parseIsoTime). `end` makes the bound inclusive to the precision written:
 * `to=2026-06-17T23:59:59Z` includes 23:59:59.999, `to=2026-06-17` the whole day.
 */
export function filterTime(c: Criterion | undefined, end: boolean): number | undefined {
  if (!c) return undefined;
  if (c.values.length !== 1) throw invalid(`filter: '${c.key}' takes one time`, { field: 'filter' });
  const v = c.values[0]!;
  const ms = parseIsoTime(`filter: ${c.key}`, v);
  if (!end) return ms;
  const time = /T(\d{2}:\d{2})(:\d{2})?(\.\d+)?/.exec(v);
  if (!time) return ms + 86_400_000 - 1;
  if (!time[2]) return ms + 60_000 - 1;
  if (!time[3]) return ms + 1000 - 1;
  return ms;
}

/** The list's `filter`, `sort`, `page` and `pageSize` as the canonical query. */
export function toRecordingQuery(q: { filter?: string; sort?: string; page?: string; pageSize?: string }): RecordingQuery {
  const c = parseFilter(q.filter, RECORDING_KEYS);
  const f: RecordingFilter = {};
  const from = filterTime(c.get('from'), false);
  const to = filterTime(c.get('to'), true);
  if (from !== undefined && to !== undefined && from > to) throw invalid("filter: 'from' is after 'to'", { field: 'filter' });
  if (from !== undefined) f.from = from;
  if (to !== undefined) f.to = to + 1; // the core's bound is exclusive
  const parties: PartyFilter[] = [];
  for (const [key, roles] of Object.entries(PARTY_KEYS)) {
    const crit = c.get(key);
    if (crit) parties.push({ roles, any: crit.values });
  }
  if (c.get('p')) parties.push({ roles: [], any: c.get('p')!.values });
  if (parties.length) f.parties = parties;
  const set = <K extends keyof RecordingFilter>(k: K, v: RecordingFilter[K] | undefined) => { if (v !== undefined) f[k] = v; };
  set('sysCallId', c.get('syscallid')?.values);
  set('releaseCause', enumValues(c.get('relcause'), compactTable(RELEASE_CAUSES)));
  set('callDirection', enumValues(c.get('calldir'), compactTable(CALL_DIRECTIONS)));
  set('callType', enumValues(c.get('calltype'), compactTable(CALL_TYPES)));
  set('group', c.get('g')?.values);
  set('user', c.get('u')?.values);
  set('tag', c.get('tags')?.values);
  set('mediaStatus', enumValues(c.get('mstatus'), MEDIA_STATUS));
  set('profileType', enumValues(c.get('rtype'), PROFILE_TYPE));
  set('mediaType', enumValues(c.get('mtype'), MEDIA_TYPE));
  set('queueName', c.get('q')?.values);
  set('transcriptionStatus', enumValues(c.get('tstatus'), compactTable(TRANSCRIPTION_STATUSES)));
  set('insightsStatus', enumValues(c.get('istatus'), compactTable(INSIGHTS_STATUSES)));
  const text = c.get('text');
  if (text) f.text = fromInsightsText(text.raw);
  const { page, pageSize } = paging(q);
  return { filter: f, sort: sortOf(q.sort, SORTS, { field: 'startTime', desc: true }), pageSize, page };
}
