import { forbidden, invalid } from '../../../core/errors.js';
import type { CallDirection } from '../../../core/model.js';
import type { Principal } from '../../../core/principals.js';
import { MAX_PAGE_SIZE, type PartyFilter, type RecordingFilter, type RecordingQuery, type SortField } from '../../../core/query.js';
import { parseIsoTime } from '../../time.js';

/** Query string or JSON body of a request: the filters have the same names in both. */
export type Source = Record<string, unknown>;

export const DIRECTIONS: Record<string, CallDirection> = { INBOUND: 'incoming', OUTBOUND: 'outgoing', INTRA_PBX: 'none' };

/** Company recordings are every recording not made on demand; on-demand ones belong to a user. */
export const ON_DEMAND = ['recordOnDemand', 'saveOnDemand'] as const;
export const COMPANY = ['fullTime', 'none'] as const;

export const DEFAULT_PAGE_SIZE = 10;
/** As in the native API: deeper pages are refused rather than scanned. */
const MAX_PAGE = 1_000_000;

function text(src: Source, name: string): string | undefined {
  const v = src[name];
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return text({ [name]: v[v.length - 1] }, name);
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') throw invalid(`${name} must be a string`, { field: name });
  return v.trim() === '' ? undefined : v.trim();
}

function integer(src: Source, name: string, min: number): number | undefined {
  const v = text(src, name);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v))) throw invalid(`${name} must be an integer of at least ${min}, got '${v}'`, { field: name });
  return Number(v);
}

/** `start:lte` covers the whole second it names when it has no fraction (the API's times are whole seconds). */
function time(src: Source, name: string, end: boolean): number | undefined {
  const v = text(src, name);
  if (v === undefined) return undefined;
  const ms = parseIsoTime(name, v);
  return end ? ms + (/[.,]\d+/.test(v) ? 1 : 1000) : ms;
}

/** The filters the document lists, on the canonical query; a value the document does not allow is a 400. */
export function toFilter(src: Source): RecordingFilter {
  const f: RecordingFilter = {};
  const dir = text(src, 'call_direction');
  if (dir !== undefined) {
    const d = DIRECTIONS[dir];
    if (!d) throw invalid(`call_direction must be one of ${Object.keys(DIRECTIONS).join(', ')}, got '${dir}'`, { field: 'call_direction' });
    f.callDirection = [d];
  }
  const callId = text(src, 'call_id');
  if (callId !== undefined) f.callId = [callId];
  const parties: PartyFilter[] = [];
  const caller = text(src, 'caller_id');
  // As rendered: the calling party's number, else its extension.
  if (caller !== undefined) parties.push({ roles: ['calling'], number: [caller] });
  const cnam = text(src, 'cnam');
  if (cnam !== undefined) parties.push({ roles: ['calling'], name: [cnam] });
  const dnis = text(src, 'dnis');
  // As rendered: the called party's number or extension (the answering party's when no called party is known).
  if (dnis !== undefined) parties.push({ roles: ['called', 'answeredBy'], number: [dnis] });
  if (parties.length) f.parties = parties;
  const ext = text(src, 'extension');
  if (ext !== undefined) f.extension = [ext];
  const minD = integer(src, 'duration:gte', 0);
  const maxD = integer(src, 'duration:lte', 0);
  if (minD !== undefined) f.minDurationMs = minD;
  if (maxD !== undefined) f.maxDurationMs = maxD;
  const from = time(src, 'start:gte', false);
  const to = time(src, 'start:lte', true);
  if (from !== undefined) f.from = from;
  if (to !== undefined) f.to = to;
  return f;
}

/** `transcription_ready=true|false` of the transcriptions list. */
export function transcriptionReady(src: Source): boolean | undefined {
  const v = text(src, 'transcription_ready');
  if (v === undefined) return undefined;
  if (v !== 'true' && v !== 'false') throw invalid(`transcription_ready must be true or false, got '${v}'`, { field: 'transcription_ready' });
  return v === 'true';
}

/** Order fields; `id` (the integer ids are given in storage order) sorts by when recordings were stored. */
const ORDER_FIELDS: Record<string, SortField> = { start: 'startTime', end: 'releaseTime', duration: 'durationMs', id: 'createdAt' };

/** `order=field:ASC|DESC` (default `start:DESC`); a field alone is ascending. */
export function toSort(src: Source): RecordingQuery['sort'] {
  const v = text(src, 'order') ?? 'start:DESC';
  const m = /^([a-z_]+)(?::(asc|desc))?$/i.exec(v);
  const field = m ? ORDER_FIELDS[m[1]!.toLowerCase()] : undefined;
  if (!m || !field) throw invalid(`order must be one of ${Object.keys(ORDER_FIELDS).join(', ')} with :ASC or :DESC, got '${v}'`, { field: 'order' });
  return { field, desc: (m[2] ?? 'asc').toLowerCase() === 'desc' };
}

/**
 * `page` (1-based, default 1; 0 is read as 1, since the document's own `first` links say
 * page=0) and `page_size` (default 10, at most 100: larger sizes are served 100 and say so).
 */
export function toPaging(src: Source): { page: number; pageSize: number } {
  const page = Math.max(1, integer(src, 'page', 0) ?? 1);
  if (page > MAX_PAGE) throw invalid(`page must be at most ${MAX_PAGE}`, { field: 'page' });
  const pageSize = Math.min(MAX_PAGE_SIZE, integer(src, 'page_size', 1) ?? DEFAULT_PAGE_SIZE);
  return { page, pageSize };
}

/** `account_id`: `self` or the caller's own account; callvault has no parent accounts. */
export function checkAccount(p: Principal, accountId: string): void {
  if (accountId !== 'self' && accountId !== p.accountId) throw forbidden(`the token does not belong to account ${accountId}`);
}

/** `user_id`: `self` is the caller; an agent may name only themselves (others see what their role allows). */
export function userOf(p: Principal, userId: string): string {
  if (userId === 'self') return p.id;
  if (p.kind === 'user' && p.role === 'agent' && userId !== p.id && userId.toLowerCase() !== p.upn?.toLowerCase()) {
    throw forbidden('a user may read only their own on-demand recordings');
  }
  return userId;
}
