import type {
  CallDirection, CallType, InsightsStatus, MediaStatus, MediaType, PartyRole, ProfileType, ReleaseCause, TranscriptionStatus,
} from './model.js';
import type { QueryNode } from '../search/ast.js';

/**
 * A condition on the parties of a call in given roles (e.g. the Interaction Insights
 * `calling=`/`called=` filters): some party in one of `roles` matches every field given.
 */
export interface PartyFilter {
  roles: Array<PartyRole | 'participant' | 'owner'>;
  phone?: string[];
  user?: string[];
  /** Display names, case-insensitive exact. */
  name?: string[];
  /** A party's number as doors show it: its phone number (digits compared) or, if it has none, its extension. */
  number?: string[];
  extension?: string[];
  /**
   * Free values naming a party however the caller knows it (the Interaction Insights
   * `called=`, `p=` filters): each may match the UPN (or the UPN's name before the '@'), user
   * id, phone number (digits), extension or display name (case-insensitive) of one party.
   */
  any?: string[];
  /** Phone-digit patterns (any of; see TextPattern), e.g. the Genesys `callerPhoneNumber=1416*`. */
  phonePattern?: TextPattern[];
}

/**
 * A wildcard pattern: `*` stands for any run of characters, `?` for exactly one, and a
 * backslash makes the next character literal (`\*`). Everything else is literal.
 */
export type TextPattern = string;

/** Patterns combined: any of the groups holds when every pattern in it matches (an OR of ANDs). */
export type PatternQuery = TextPattern[][];

/** Fields a list can be sorted on; every door maps its own sort names onto these. */
export const SORT_FIELDS = ['startTime', 'releaseTime', 'durationMs', 'createdAt', 'updatedAt'] as const;
export type SortField = (typeof SORT_FIELDS)[number];

/** The one query every door turns its own syntax into. Times are epoch milliseconds. */
export interface RecordingFilter {
  from?: number;
  to?: number;
  callDirection?: CallDirection[];
  callType?: CallType[];
  /** Any party's phone number (digits compared, so +1 (555) 010-0000 matches 15550100000). */
  phone?: string[];
  /**
   * Any party's upn or user id, or the owner. A value without '@' also matches a UPN with that
   * name in any domain (`user1` finds user1@company.com), as user names are often given.
   */
  user?: string[];
  tag?: string[];
  /** When the recording was stored (createdAt, ms): from inclusive, to exclusive. */
  createdFrom?: number;
  createdTo?: number;
  /** Not a call any of these users (id or upn) took part in or owns. */
  notUser?: string[];
  /** The call's overall sentiment label, once insights are ready. */
  sentiment?: string[];
  mediaStatus?: MediaStatus[];
  transcriptionStatus?: TranscriptionStatus[];
  insightsStatus?: InsightsStatus[];
  minDurationMs?: number;
  maxDurationMs?: number;
  legalHold?: boolean;
  sysCallId?: string[];
  sipCallId?: string[];
  /** Call queue names, case-insensitive exact. */
  queueName?: string[];
  callUuid?: string[];
  /** Any of the call's ids (sysCallId, sipCallId or callUuid) is one of these. */
  callId?: string[];
  releaseCause?: ReleaseCause[];
  profileType?: ProfileType[];
  mediaType?: MediaType[];
  /** Access group ids (any of). */
  group?: string[];
  /** Any party's extension. */
  extension?: string[];
  region?: string[];
  /**
   * People on the call by name: a pattern matches a party whose upn, whole display name or any
   * word of it (a first or last name) it matches, case-insensitively; each pattern of a group
   * may match a different party.
   */
  names?: PatternQuery;
  /** The values (never the keys) of the call's user data (`userMetadata` leaves), case-insensitively. */
  userData?: PatternQuery;
  /** Every one of these tags (case-insensitive), where `tag` asks for any of them. */
  allTags?: string[];
  /** None of these tags. */
  notTags?: string[];
  /** Ended (releaseTime, ms) at or before this. */
  releasedBy?: number;
  /** Role-scoped party conditions, all of which must hold. */
  parties?: PartyFilter[];
  /** Words spoken or written in notes (the search query language, parsed). */
  text?: QueryNode;
  /** Set by the access policy, never by a door: only recordings this viewer may see. */
  visibleTo?: Viewer;
}

/** Whose recordings a restricted caller sees: taking part (id or upn), owning, or a shared access group. */
export interface Viewer { userIds: string[]; upns: string[]; groups: string[] }

export interface RecordingQuery {
  filter: RecordingFilter;
  sort: { field: SortField; desc: boolean };
  pageSize: number;
  /** Keyset cursor from a previous page (opaque to callers). */
  cursor?: string;
  /** 1-based page for offset paging; ignored when a cursor is given. */
  page?: number;
  /** Rows to skip, for doors that page by a zero-based index (wins over page). */
  offset?: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  /** True when counting stopped at the cap: total is then a lower bound. */
  totalEstimated: boolean;
  nextCursor?: string;
  page?: number;
}

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 25;
