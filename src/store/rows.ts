import type { Insertable } from 'kysely';
import { mediaTypeOf, partiesOf, type Recording } from '../core/model.js';
import type { RecordingGroupsTable, RecordingPartiesTable, RecordingsTable, RecordingTagsTable, RecordingUserDataTable } from './schema.js';

/** Digits only, so every spelling of a phone number compares equal. */
export function phoneDigits(s: string): string {
  return s.replace(/\D+/g, '');
}

const ms = (iso: string | undefined): number | null => (iso === undefined ? null : Date.parse(iso));

/** The columns a recording is filtered and sorted on; the whole document goes in `doc`. */
export function recordingColumns(r: Recording, rev: number): Omit<Insertable<RecordingsTable>, 'seq'> {
  const { numericId: _n, ...doc } = r;
  const start = Date.parse(r.startTime);
  return {
    id: r.id,
    account_id: r.accountId,
    owner_id: r.ownerId ?? null,
    rev,
    start_time: start,
    release_time: ms(r.releaseTime) ?? start + r.durationMs,
    duration_ms: r.durationMs,
    call_direction: r.callDirection,
    call_type: r.callType,
    release_cause: r.releaseCause ?? null,
    profile_type: r.profileType,
    sys_call_id: r.sysCallId ?? null,
    sip_call_id: r.sipCallId ?? null,
    call_uuid: r.callUuid ?? null,
    media_status: r.mediaStatus,
    transcription_status: r.transcriptionStatus,
    insights_status: r.insightsStatus,
    sentiment: r.sentiment?.label ?? null,
    queue_lc: r.queueName?.toLowerCase() ?? null,
    media_type: mediaTypeOf(r),
    region: r.region ?? null,
    legal_hold: r.legalHold ? 1 : 0,
    non_delete: r.nonDelete ? 1 : 0,
    expires: ms(r.expires),
    created_at: Date.parse(r.createdAt),
    updated_at: Date.parse(r.updatedAt),
    deleted_at: null,
    doc: JSON.stringify(doc),
  };
}

export function partyRows(r: Recording, seq: number): RecordingPartiesTable[] {
  const rows: RecordingPartiesTable[] = [];
  for (const { role, party } of partiesOf(r)) {
    const digits = party.phoneNumber ? phoneDigits(party.phoneNumber) : '';
    rows.push({
      recording_seq: seq,
      account_id: r.accountId,
      role,
      upn_lc: party.upn ? party.upn.toLowerCase() : null,
      user_id: party.id ?? null,
      phone_digits: digits === '' ? null : digits,
      extension: party.extension ?? null,
      name_lc: party.displayName ? party.displayName.toLowerCase() : null,
    });
  }
  if (r.ownerId) rows.push({ recording_seq: seq, account_id: r.accountId, role: 'owner', upn_lc: null, user_id: r.ownerId, phone_digits: null, extension: null, name_lc: null });
  return rows;
}

export function tagRows(r: Recording, seq: number): RecordingTagsTable[] {
  const seen = new Set<string>();
  const rows: RecordingTagsTable[] = [];
  for (const t of r.tags) {
    const lc = t.tagName.toLowerCase();
    if (seen.has(lc)) continue;
    seen.add(lc);
    rows.push({ recording_seq: seq, account_id: r.accountId, tag_lc: lc });
  }
  return rows;
}

/** Longest user-data value kept for search (longer values are searched by their start). */
const MAX_USER_DATA_VALUE = 512;

/** Every scalar leaf of the user data (nested objects and arrays included), once each. */
export function userDataRows(r: Pick<Recording, 'accountId' | 'userMetadata'>, seq: number): RecordingUserDataTable[] {
  const values = new Set<string>();
  const walk = (v: unknown): void => {
    if (v === null || v === undefined) return;
    if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object') Object.values(v as Record<string, unknown>).forEach(walk);
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') values.add(String(v).toLowerCase().slice(0, MAX_USER_DATA_VALUE));
  };
  walk(r.userMetadata);
  return [...values].map((value_lc) => ({ recording_seq: seq, account_id: r.accountId, value_lc }));
}

export function groupRows(r: Recording, seq: number): RecordingGroupsTable[] {
  return [...new Set(r.accessGroups.map((g) => g.id))].map((group_id) => ({ recording_seq: seq, account_id: r.accountId, group_id }));
}

export function recordingFromRow(row: { seq: number; doc: string }): Recording {
  const doc = JSON.parse(row.doc) as Omit<Recording, 'numericId'>;
  return { ...doc, numericId: Number(row.seq) };
}
