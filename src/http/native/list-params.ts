import { parseQuery } from '../../search/query.js';
import { Type, type Static } from '@sinclair/typebox';
import { invalid } from '../../core/errors.js';
import {
  CALL_DIRECTIONS, CALL_TYPES, INSIGHTS_STATUSES, MEDIA_STATUSES, MEDIA_TYPES, PROFILE_TYPES, RELEASE_CAUSES, SENTIMENT_LABELS, TRANSCRIPTION_STATUSES,
} from '../../core/model.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, SORT_FIELDS, type RecordingQuery, type SortField } from '../../core/query.js';
import { parseIsoTime } from '../time.js';

const List = (description: string) => Type.Optional(Type.Array(Type.String({ maxLength: 1024 }), { maxItems: 50, description: `${description} (repeat the parameter or separate values with commas)` }));
/** ISO 8601: a date (midnight UTC), or a date-time with or without a zone (UTC if none). */
const TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const Time = (description: string) => Type.Optional(Type.String({ pattern: TIME.source, maxLength: 40, description }));


/** Query parameters of GET /api/v1/recordings. Unknown parameters are refused. */
export const ListParamsSchema = Type.Object({
  from: Time('Earliest startTime (inclusive), ISO 8601'),
  to: Time('Latest startTime (exclusive), ISO 8601'),
  callDirection: List(`One of ${CALL_DIRECTIONS.join(', ')}`),
  callType: List('Call types'),
  phone: List("Any party's phone number; punctuation is ignored"),
  user: List("Any party's UPN or user id, or the owner"),
  tag: List('Tag names (any of)'),
  q: Type.Optional(Type.String({ maxLength: 1000, description: 'Search spoken words and notes: "phrases", AND, OR, NOT or -word, prefix*, (groups), fields agent: customer: other: transcript: notes:. Matching recordings carry hits.' })),
  mediaStatus: List('Media statuses'),
  transcriptionStatus: List('Transcription statuses'),
  insightsStatus: List('Insights statuses'),
  sentiment: List('The call\'s overall sentiment: POSITIVE, NEUTRAL, NEGATIVE (calls with insights only)'),
  releaseCause: List('Release causes'),
  profileType: List('Recording types: fullTime, recordOnDemand, saveOnDemand, none'),
  mediaType: List('Media types: none, audio, sharing, video, sharingAndVideo'),
  group: List('Access group ids'),
  extension: List("Any party's extension"),
  sysCallId: List('System call ids'),
  sipCallId: List('SIP Call-IDs'),
  minDurationMs: Type.Optional(Type.Integer({ minimum: 0 })),
  maxDurationMs: Type.Optional(Type.Integer({ minimum: 0 })),
  legalHold: Type.Optional(Type.Boolean()),
  sort: Type.Optional(Type.String({ pattern: `^-?(${SORT_FIELDS.join('|')})$`, description: 'field or -field (descending); default -startTime' })),
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })),
}, { additionalProperties: false });
export type ListParams = Static<typeof ListParamsSchema>;

function values<T extends string>(name: string, raw: string[] | undefined, allowed?: readonly T[]): T[] | undefined {
  if (!raw) return undefined;
  const out = raw.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  if (allowed) {
    for (const v of out) {
      if (!(allowed as readonly string[]).includes(v)) throw invalid(`${name}: '${v}' is not one of ${allowed.join(', ')}`, { field: name });
    }
  }
  return out.length ? (out as T[]) : undefined;
}

export function toRecordingQuery(p: ListParams): RecordingQuery {
  const from = p.from ? parseIsoTime('from', p.from) : undefined;
  const to = p.to ? parseIsoTime('to', p.to) : undefined;
  if (from !== undefined && to !== undefined && from >= to) throw invalid("'from' must be before 'to'", { field: 'from' });
  if (p.minDurationMs !== undefined && p.maxDurationMs !== undefined && p.minDurationMs > p.maxDurationMs) {
    throw invalid("'minDurationMs' must not exceed 'maxDurationMs'", { field: 'minDurationMs' });
  }
  if (p.cursor && p.page) throw invalid("use either 'cursor' or 'page', not both", { field: 'page' });
  const sort = p.sort ?? '-startTime';
  const desc = sort.startsWith('-');
  const filter: RecordingQuery['filter'] = {};
  const set = <K extends keyof RecordingQuery['filter']>(k: K, v: RecordingQuery['filter'][K] | undefined) => {
    if (v !== undefined) filter[k] = v;
  };
  set('from', from);
  set('to', to);
  set('callDirection', values('callDirection', p.callDirection, CALL_DIRECTIONS));
  set('callType', values('callType', p.callType, CALL_TYPES));
  set('phone', values('phone', p.phone));
  set('user', values('user', p.user));
  set('tag', values('tag', p.tag));
  set('mediaStatus', values('mediaStatus', p.mediaStatus, MEDIA_STATUSES));
  set('transcriptionStatus', values('transcriptionStatus', p.transcriptionStatus, TRANSCRIPTION_STATUSES));
  set('insightsStatus', values('insightsStatus', p.insightsStatus, INSIGHTS_STATUSES));
  set('sentiment', values('sentiment', p.sentiment, SENTIMENT_LABELS));
  set('releaseCause', values('releaseCause', p.releaseCause, RELEASE_CAUSES));
  set('profileType', values('profileType', p.profileType, PROFILE_TYPES));
  set('mediaType', values('mediaType', p.mediaType, MEDIA_TYPES));
  set('group', values('group', p.group));
  set('extension', values('extension', p.extension));
  set('sysCallId', values('sysCallId', p.sysCallId));
  set('sipCallId', values('sipCallId', p.sipCallId));
  set('minDurationMs', p.minDurationMs);
  set('maxDurationMs', p.maxDurationMs);
  set('legalHold', p.legalHold);
  if (p.q !== undefined && p.q.trim() !== '') filter.text = parseQuery(p.q);
  return {
    filter,
    sort: { field: (desc ? sort.slice(1) : sort) as SortField, desc },
    pageSize: p.pageSize ?? DEFAULT_PAGE_SIZE,
    ...(p.cursor ? { cursor: p.cursor } : {}),
    ...(p.page ? { page: p.page } : {}),
  };
}
