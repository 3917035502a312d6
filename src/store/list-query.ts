import { sql, type ExpressionBuilder, type Expression, type SqlBool, type SelectQueryBuilder } from 'kysely';
import { invalid } from '../core/errors.js';
import type { PartyFilter, PatternQuery, RecordingFilter, RecordingQuery, SortField, TextPattern, Viewer } from '../core/query.js';
import type { Database } from './schema.js';
import { phoneDigits } from './rows.js';

type Eb = ExpressionBuilder<Database, 'recordings'>;

const SORT_COLUMN = {
  startTime: 'start_time',
  releaseTime: 'release_time',
  durationMs: 'duration_ms',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
} as const satisfies Record<SortField, keyof Database['recordings']>;

/**
 * Every filter of the canonical query as one WHERE expression (values always bound, never
 * spliced). A text filter needs its compiled FTS5 expression (`match`, see search-match.ts).
 */
export function filterExpression(eb: Eb, accountId: string, f: RecordingFilter, match?: string): Expression<SqlBool> {
  const c: Expression<SqlBool>[] = [eb('recordings.account_id', '=', accountId), eb('recordings.deleted_at', 'is', null)];
  if (f.from !== undefined) c.push(eb('recordings.start_time', '>=', f.from));
  if (f.to !== undefined) c.push(eb('recordings.start_time', '<', f.to));
  if (f.callDirection?.length) c.push(eb('recordings.call_direction', 'in', f.callDirection));
  if (f.callType?.length) c.push(eb('recordings.call_type', 'in', f.callType));
  if (f.mediaStatus?.length) c.push(eb('recordings.media_status', 'in', f.mediaStatus));
  if (f.transcriptionStatus?.length) c.push(eb('recordings.transcription_status', 'in', f.transcriptionStatus));
  if (f.insightsStatus?.length) c.push(eb('recordings.insights_status', 'in', f.insightsStatus));
  if (f.minDurationMs !== undefined) c.push(eb('recordings.duration_ms', '>=', f.minDurationMs));
  if (f.maxDurationMs !== undefined) c.push(eb('recordings.duration_ms', '<=', f.maxDurationMs));
  if (f.legalHold !== undefined) c.push(eb('recordings.legal_hold', '=', f.legalHold ? 1 : 0));
  if (f.sysCallId?.length) c.push(eb('recordings.sys_call_id', 'in', f.sysCallId));
  if (f.sipCallId?.length) c.push(eb('recordings.sip_call_id', 'in', f.sipCallId));
  if (f.queueName?.length) c.push(eb('recordings.queue_lc', 'in', f.queueName.map((q) => q.toLowerCase())));
  if (f.callUuid?.length) c.push(eb('recordings.call_uuid', 'in', f.callUuid));
  if (f.callId?.length) {
    const ids = f.callId;
    c.push(eb.or([eb('recordings.sys_call_id', 'in', ids), eb('recordings.sip_call_id', 'in', ids), eb('recordings.call_uuid', 'in', ids)]));
  }
  if (f.releaseCause?.length) c.push(eb('recordings.release_cause', 'in', f.releaseCause));
  if (f.profileType?.length) c.push(eb('recordings.profile_type', 'in', f.profileType));
  if (f.mediaType?.length) c.push(eb('recordings.media_type', 'in', f.mediaType));
  if (f.region?.length) c.push(eb('recordings.region', 'in', f.region));
  if (f.group?.length) {
    const groups = f.group;
    c.push(eb.exists(eb.selectFrom('recording_groups as g').select(sql.lit(1).as('one'))
      .whereRef('g.recording_seq', '=', 'recordings.seq').where('g.group_id', 'in', groups)));
  }
  if (f.extension?.length) c.push(partyExists(eb, { roles: [], extension: f.extension }));
  for (const pf of f.parties ?? []) c.push(partyExists(eb, pf));
  if (f.visibleTo) c.push(visibleExpression(eb, f.visibleTo));
  if (f.text) {
    if (match === undefined) throw new Error('a text filter needs its compiled match expression');
    c.push(sql<SqlBool>`recordings.search_key IN (SELECT rowid FROM transcript_fts WHERE transcript_fts MATCH ${match})`);
  }
  if (f.phone?.length) {
    const digits = f.phone.map(phoneDigits).filter((d) => d !== '');
    c.push(eb.exists(eb.selectFrom('recording_parties as p').select(sql.lit(1).as('one'))
      .whereRef('p.recording_seq', '=', 'recordings.seq').where('p.phone_digits', 'in', digits.length ? digits : ['-'])));
  }
  if (f.user?.length) {
    const users = f.user;
    c.push(eb.exists(eb.selectFrom('recording_parties as u').select(sql.lit(1).as('one'))
      .whereRef('u.recording_seq', '=', 'recordings.seq')
      .where((w) => w.or(userMatches(w, 'u', users)))));
  }
  if (f.notUser?.length) {
    const users = f.notUser;
    c.push(eb.not(eb.exists(eb.selectFrom('recording_parties as nu').select(sql.lit(1).as('one'))
      .whereRef('nu.recording_seq', '=', 'recordings.seq')
      .where((w) => w.or([w('nu.upn_lc', 'in', users.map((x) => x.toLowerCase())), w('nu.user_id', 'in', users)])))));
  }
  if (f.createdFrom !== undefined) c.push(eb('recordings.created_at', '>=', f.createdFrom));
  if (f.createdTo !== undefined) c.push(eb('recordings.created_at', '<', f.createdTo));
  if (f.sentiment?.length) c.push(eb('recordings.sentiment', 'in', f.sentiment));
  if (f.tag?.length) {
    const tags = f.tag.map((t) => t.toLowerCase());
    c.push(eb.exists(eb.selectFrom('recording_tags as t').select(sql.lit(1).as('one'))
      .whereRef('t.recording_seq', '=', 'recordings.seq').where('t.tag_lc', 'in', tags)));
  }
  for (const tag of new Set(f.allTags?.map((t) => t.toLowerCase()))) c.push(tagExists(eb, [tag]));
  if (f.notTags?.length) c.push(eb.not(tagExists(eb, f.notTags.map((t) => t.toLowerCase()))));
  if (f.releasedBy !== undefined) c.push(eb('recordings.release_time', '<=', f.releasedBy));
  if (f.names?.length) c.push(anyGroup(eb, f.names, (p) => nameExists(eb, p)));
  if (f.userData?.length) c.push(anyGroup(eb, f.userData, (p) => userDataExists(eb, p)));
  return eb.and(c);
}

function tagExists(eb: Eb, tags: string[]): Expression<SqlBool> {
  return eb.exists(eb.selectFrom('recording_tags as at').select(sql.lit(1).as('one'))
    .whereRef('at.recording_seq', '=', 'recordings.seq').where('at.tag_lc', 'in', tags));
}

/**
 * A core TextPattern as a LIKE pattern (escape character `\`): `*` → `%`, `?` → `_`, and
 * LIKE's own `%`, `_` and `\` taken literally. Lower-cased when the column is.
 */
export function likePattern(p: TextPattern, lower: boolean): string {
  let out = '';
  for (let i = 0; i < p.length; i++) {
    const ch = p[i]!;
    if (ch === '*') out += '%';
    else if (ch === '?') out += '_';
    else {
      const lit = ch === '\\' && i + 1 < p.length ? p[++i]! : ch;
      const c = lower ? lit.toLowerCase() : lit;
      out += c === '%' || c === '_' || c === '\\' ? `\\${c}` : c;
    }
  }
  return out;
}

const like = (column: string, pattern: string) => sql<SqlBool>`${sql.ref(column)} LIKE ${pattern} ESCAPE '\\'`;

/** OR over the groups, AND within each. */
function anyGroup(eb: Eb, q: PatternQuery, one: (p: TextPattern) => Expression<SqlBool>): Expression<SqlBool> {
  return eb.or(q.map((group) => eb.and(group.map(one))));
}

/** Some party whose upn, display name, or a word of it matches. */
function nameExists(eb: Eb, p: TextPattern): Expression<SqlBool> {
  const lp = likePattern(p, true);
  return eb.exists(eb.selectFrom('recording_parties as np').select(sql.lit(1).as('one'))
    .whereRef('np.recording_seq', '=', 'recordings.seq')
    .where((w) => w.or([
      like('np.upn_lc', lp),
      like('np.name_lc', lp), like('np.name_lc', `${lp} %`), like('np.name_lc', `% ${lp}`), like('np.name_lc', `% ${lp} %`),
    ])));
}

function userDataExists(eb: Eb, p: TextPattern): Expression<SqlBool> {
  return eb.exists(eb.selectFrom('recording_user_data as ud').select(sql.lit(1).as('one'))
    .whereRef('ud.recording_seq', '=', 'recordings.seq').where(like('ud.value_lc', likePattern(p, true))));
}

/** EXISTS a party row (in the given roles, if any) matching every given field. */
function partyExists(eb: Eb, pf: PartyFilter): Expression<SqlBool> {
  return eb.exists(eb.selectFrom('recording_parties as pf').select(sql.lit(1).as('one'))
    .whereRef('pf.recording_seq', '=', 'recordings.seq')
    .where((w) => {
      const c: Expression<SqlBool>[] = [];
      if (pf.roles.length) c.push(w('pf.role', 'in', pf.roles));
      if (pf.phone?.length) {
        const digits = pf.phone.map(phoneDigits).filter((d) => d !== '');
        c.push(w('pf.phone_digits', 'in', digits.length ? digits : ['-']));
      }
      if (pf.number?.length) {
        const digits = pf.number.map(phoneDigits).filter((d) => d !== '');
        c.push(w.or([
          w('pf.phone_digits', 'in', digits.length ? digits : ['-']),
          w.and([w('pf.phone_digits', 'is', null), w('pf.extension', 'in', pf.number)]),
        ]));
      }
      if (pf.user?.length) c.push(w.or(userMatches(w, 'pf', pf.user)));
      if (pf.name?.length) c.push(w('pf.name_lc', 'in', pf.name.map((x) => x.toLowerCase())));
      if (pf.extension?.length) c.push(w('pf.extension', 'in', pf.extension));
      if (pf.any?.length) {
        const values = pf.any;
        const lower = values.map((x) => x.toLowerCase());
        const digits = values.map(phoneDigits).filter((d) => d !== '');
        c.push(w.or([
          ...userMatches(w, 'pf', values),
          w('pf.name_lc', 'in', lower),
          w('pf.extension', 'in', values),
          ...(digits.length ? [w('pf.phone_digits', 'in', digits)] : []),
        ]));
      }
      // A party without a phone number is shown (and found) by its extension.
      if (pf.phonePattern?.length) {
        c.push(w.or(pf.phonePattern.map((p) => w.or([
          like('pf.phone_digits', likePattern(p, false)),
          w.and([w('pf.phone_digits', 'is', null), like('pf.extension', likePattern(p, false))]),
        ]))));
      }
      return w.and(c);
    }));
}

/**
 * A party row naming one of `users`: by UPN or user id, and for a value without '@' by a UPN
 * of that name in any domain (LIKE 'name@%', wildcards in the value escaped).
 */
function userMatches<DB, TB extends keyof DB>(w: ExpressionBuilder<DB, TB>, alias: 'u' | 'pf', users: string[]): Expression<SqlBool>[] {
  const upn = sql.ref<string>(`${alias}.upn_lc`);
  const out: Expression<SqlBool>[] = [
    w(upn, 'in', users.map((x) => x.toLowerCase())),
    w(sql.ref<string>(`${alias}.user_id`), 'in', users),
  ];
  for (const name of users) {
    if (name === '' || name.includes('@')) continue;
    const pattern = `${name.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}@%`;
    out.push(sql<SqlBool>`${upn} LIKE ${pattern} ESCAPE '\\'`);
  }
  return out;
}

/** Owner, a party by id or upn, or a shared access group (see core/access.ts). */
function visibleExpression(eb: Eb, v: Viewer): Expression<SqlBool> {
  const any: Expression<SqlBool>[] = [];
  if (v.userIds.length) any.push(eb('recordings.owner_id', 'in', v.userIds));
  if (v.userIds.length || v.upns.length) {
    any.push(eb.exists(eb.selectFrom('recording_parties as vp').select(sql.lit(1).as('one'))
      .whereRef('vp.recording_seq', '=', 'recordings.seq')
      .where((w) => w.or([
        ...(v.userIds.length ? [w('vp.user_id', 'in', v.userIds)] : []),
        ...(v.upns.length ? [w('vp.upn_lc', 'in', v.upns)] : []),
      ]))));
  }
  if (v.groups.length) {
    any.push(eb.exists(eb.selectFrom('recording_groups as vg').select(sql.lit(1).as('one'))
      .whereRef('vg.recording_seq', '=', 'recordings.seq').where('vg.group_id', 'in', v.groups)));
  }
  return any.length ? eb.or(any) : sql<SqlBool>`1 = 0`;
}

/** `f` is the sort field, or `startTime@search` for a search paged by its search key. */
interface CursorState { v: number; s: number; f: string; d: boolean }

export function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify([state.f, state.d ? 1 : 0, state.v, state.s])).toString('base64url');
}

export function decodeCursor(cursor: string, q: RecordingQuery, field: string = q.sort.field): CursorState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('cursor is malformed', { field: 'cursor' });
  }
  if (!Array.isArray(parsed) || parsed.length !== 4 || typeof parsed[2] !== 'number' || typeof parsed[3] !== 'number'
    || !Number.isSafeInteger(parsed[2]) || !Number.isSafeInteger(parsed[3])) {
    throw invalid('cursor is malformed', { field: 'cursor' });
  }
  if (parsed[0] !== field || parsed[1] !== (q.sort.desc ? 1 : 0)) {
    throw invalid('cursor belongs to a different sort order or search', { field: 'cursor' });
  }
  return { f: field, d: q.sort.desc, v: parsed[2], s: parsed[3] };
}

/** Adds ordering, keyset position and limit (one extra row tells whether a next page exists). */
export function applyPaging<O>(qb: SelectQueryBuilder<Database, 'recordings', O>, q: RecordingQuery) {
  const col = SORT_COLUMN[q.sort.field];
  const dir = q.sort.desc ? 'desc' : 'asc';
  let out = qb.orderBy(`recordings.${col}`, dir).orderBy('recordings.seq', dir).limit(q.pageSize + 1);
  if (q.cursor) {
    const cur = decodeCursor(q.cursor, q);
    const op = q.sort.desc ? '<' : '>';
    out = out.where((eb) => eb.or([
      eb(`recordings.${col}`, op, cur.v),
      eb.and([eb(`recordings.${col}`, '=', cur.v), eb('recordings.seq', op, cur.s)]),
    ]));
  } else if (q.offset) {
    out = out.offset(q.offset);
  } else if (q.page && q.page > 1) {
    out = out.offset((q.page - 1) * q.pageSize);
  }
  return out;
}

export function sortColumn(field: SortField) {
  return SORT_COLUMN[field];
}
