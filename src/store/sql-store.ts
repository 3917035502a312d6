import { Migrator, sql, type ExpressionBuilder, type Kysely, type SqlBool, type Transaction } from 'kysely';
import { conflict } from '../core/errors.js';
import type { Recording } from '../core/model.js';
import type { Page, RecordingQuery } from '../core/query.js';
import type { Account, ApiClient, Scope, User } from '../core/principals.js';
import type { MediaSecret, MetadataStore, NodeInfo, StoredSigningKey } from './port.js';
import type { Database } from './schema.js';
import { migrationProvider, type Dialect } from './migrations.js';
import { groupRows, partyRows, recordingColumns, recordingFromRow, tagRows, userDataRows } from './rows.js';
import { applyPaging, decodeCursor, encodeCursor, filterExpression, sortColumn } from './list-query.js';
import { compileMatch } from './search-match.js';

/** The cursor field of searches paged by search key (see listByText). */
const SEARCH_CURSOR = 'startTime@search';

/**
 * A page from the rows of a list query (one more than the page size when a next page exists)
 * and the capped count; the cursor names the sort field it continues (or the search order).
 */
function pageOf(rows: Array<{ seq: number; doc: string; sortValue: unknown }>, q: RecordingQuery, n: number, countCap: number, cursorField: string): Page<Recording> {
  const more = rows.length > q.pageSize;
  const pageRows = more ? rows.slice(0, q.pageSize) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    items: pageRows.map(recordingFromRow),
    total: Math.min(n, countCap),
    totalEstimated: n > countCap,
    ...(more && last ? { nextCursor: encodeCursor({ f: cursorField, d: q.sort.desc, v: Number(last.sortValue), s: Number(last.seq) }) } : {}),
    ...(q.cursor ? {} : { page: q.page ?? 1 }),
  };
}

const iso = (ms: number | null): string | undefined => (ms === null ? undefined : new Date(Number(ms)).toISOString());

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e.code === '23505';
}

/** The metadata store over Kysely: the same queries serve SQLite and PostgreSQL. */
export class SqlStore implements MetadataStore {
  constructor(readonly db: Kysely<Database>, readonly dialect: Dialect) {}

  async migrate(): Promise<void> {
    const migrator = new Migrator({ db: this.db, provider: migrationProvider(this.dialect) });
    const { error } = await migrator.migrateToLatest();
    if (error) throw error;
  }

  close(): Promise<void> {
    return this.db.destroy();
  }

  async createAccount(a: Account): Promise<void> {
    try {
      await this.db.insertInto('accounts').values({ id: a.id, name: a.name, settings: JSON.stringify(a.settings), created_at: Date.parse(a.createdAt) }).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`an account named ${JSON.stringify(a.name)} already exists`);
      throw err;
    }
  }

  private static account(row: Database['accounts']): Account {
    return { id: row.id, name: row.name, settings: JSON.parse(row.settings) as Record<string, unknown>, createdAt: iso(row.created_at)! };
  }

  async getAccount(id: string): Promise<Account | null> {
    const row = await this.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? SqlStore.account(row) : null;
  }

  async findAccountByName(name: string): Promise<Account | null> {
    const row = await this.db.selectFrom('accounts').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? SqlStore.account(row) : null;
  }

  async updateAccountSettings(id: string, settings: Record<string, unknown>): Promise<void> {
    await this.db.updateTable('accounts').set({ settings: JSON.stringify(settings) }).where('id', '=', id).execute();
  }

  async createClient(c: ApiClient): Promise<void> {
    await this.db.insertInto('clients').values({
      id: c.id, account_id: c.accountId, name: c.name, secret_hash: c.secretHash, scopes: c.scopes.join(' '),
      created_at: Date.parse(c.createdAt), revoked_at: c.revokedAt ? Date.parse(c.revokedAt) : null,
    }).execute();
  }

  async getClient(id: string): Promise<ApiClient | null> {
    const row = await this.db.selectFrom('clients').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return null;
    const revokedAt = iso(row.revoked_at);
    return {
      id: row.id, accountId: row.account_id, name: row.name, secretHash: row.secret_hash,
      scopes: row.scopes.split(' ').filter(Boolean) as Scope[], createdAt: iso(row.created_at)!,
      ...(revokedAt ? { revokedAt } : {}),
    };
  }

  async createUser(u: User): Promise<void> {
    const { id, accountId, username, passwordHash, role, createdAt, disabledAt: _d, credentialKeys, ...rest } = u;
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx.insertInto('users').values({
          id, account_id: accountId, username, password_hash: passwordHash, role, doc: JSON.stringify(rest),
          created_at: Date.parse(createdAt), disabled_at: null,
        }).execute();
        for (const key of credentialKeys ?? []) {
          await trx.insertInto('user_credential_keys').values({ account_id: accountId, credential_key: key, user_id: id }).execute();
        }
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`a user named ${JSON.stringify(username)} already exists in this account`);
      throw err;
    }
  }

  private static user(row: Database['users']): User {
    const disabledAt = iso(row.disabled_at);
    return {
      ...(JSON.parse(row.doc) as Partial<User>),
      id: row.id, accountId: row.account_id, username: row.username, passwordHash: row.password_hash,
      role: row.role as User['role'], createdAt: iso(row.created_at)!, ...(disabledAt ? { disabledAt } : {}),
    };
  }

  async findUserByCredentialKey(accountId: string, key: string): Promise<User | null> {
    const row = await this.db.selectFrom('user_credential_keys as k').innerJoin('users', 'users.id', 'k.user_id').selectAll('users')
      .where('k.account_id', '=', accountId).where('k.credential_key', '=', key).executeTakeFirst();
    return row ? SqlStore.user(row) : null;
  }

  async hasCredentialKeys(accountId: string, userId: string): Promise<boolean> {
    const row = await this.db.selectFrom('user_credential_keys').select('user_id').where('account_id', '=', accountId).where('user_id', '=', userId)
      .limit(1).executeTakeFirst();
    return !!row;
  }

  async addCredentialKeys(accountId: string, userId: string, keys: string[]): Promise<void> {
    if (!keys.length) return;
    await this.db.insertInto('user_credential_keys').values(keys.map((credential_key) => ({ account_id: accountId, credential_key, user_id: userId })))
      .onConflict((oc) => oc.columns(['account_id', 'credential_key']).doNothing()).execute();
  }

  async getUser(accountId: string, id: string): Promise<User | null> {
    const row = await this.db.selectFrom('users').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
    return row ? SqlStore.user(row) : null;
  }

  async findUser(accountId: string, username: string): Promise<User | null> {
    const row = await this.db.selectFrom('users').selectAll().where('account_id', '=', accountId).where('username', '=', username).executeTakeFirst();
    return row ? SqlStore.user(row) : null;
  }

  async findUsersByUsername(username: string): Promise<User[]> {
    const rows = await this.db.selectFrom('users').selectAll().where('username', '=', username).limit(10).execute();
    return rows.map(SqlStore.user);
  }

  async revokeToken(jti: string, accountId: string, expiresAt: number): Promise<void> {
    await this.db.insertInto('revoked_tokens').values({ jti, account_id: accountId, expires_at: expiresAt })
      .onConflict((oc) => oc.column('jti').doNothing()).execute();
  }

  async activeRevocations(now: number): Promise<string[]> {
    await this.db.deleteFrom('revoked_tokens').where('expires_at', '<=', now).execute();
    const rows = await this.db.selectFrom('revoked_tokens').select('jti').execute();
    return rows.map((r) => r.jti);
  }

  private async writeIndexes(trx: Transaction<Database>, rec: Recording, seq: number): Promise<void> {
    await trx.deleteFrom('recording_parties').where('recording_seq', '=', seq).execute();
    await trx.deleteFrom('recording_tags').where('recording_seq', '=', seq).execute();
    await trx.deleteFrom('recording_groups').where('recording_seq', '=', seq).execute();
    await trx.deleteFrom('recording_user_data').where('recording_seq', '=', seq).execute();
    const userData = userDataRows(rec, seq);
    if (userData.length) await trx.insertInto('recording_user_data').values(userData).execute();
    const groups = groupRows(rec, seq);
    if (groups.length) await trx.insertInto('recording_groups').values(groups).execute();
    const parties = partyRows(rec, seq);
    if (parties.length) await trx.insertInto('recording_parties').values(parties).execute();
    const tags = tagRows(rec, seq);
    if (tags.length) await trx.insertInto('recording_tags').values(tags).execute();
  }

  private static mediaRow(accountId: string, seq: number, s: MediaSecret) {
    return {
      id: s.mediaId, recording_seq: seq, account_id: accountId, blob_key: s.blobKey, size: s.size, sha256: s.sha256,
      chunk_size: s.chunkSize, wrapped_key: s.wrappedKey, key_id: s.keyId, created_at: Date.now(),
    };
  }

  async insertRecording(rec: Recording, secrets: MediaSecret[], idempotencyKey?: string): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      if (idempotencyKey !== undefined) {
        try {
          await trx.insertInto('idempotency').values({ account_id: rec.accountId, key: idempotencyKey, recording_id: rec.id, created_at: Date.now() }).execute();
        } catch (err) {
          if (isUniqueViolation(err)) throw conflict('idempotency key already used');
          throw err;
        }
      }
      const row = await trx.insertInto('recordings').values(recordingColumns(rec, 1)).returning('seq').executeTakeFirstOrThrow();
      const seq = Number(row.seq);
      await this.writeIndexes(trx, rec, seq);
      for (const s of secrets) {
        await trx.insertInto('media').values(SqlStore.mediaRow(rec.accountId, seq, s)).execute();
        await trx.deleteFrom('pending_blobs').where('blob_key', '=', s.blobKey).execute();
      }
      return seq;
    });
  }

  async getRecording(accountId: string, id: string): Promise<Recording | null> {
    const row = await this.db.selectFrom('recordings').select(['seq', 'doc'])
      .where('id', '=', id).where('account_id', '=', accountId).where('deleted_at', 'is', null).executeTakeFirst();
    return row ? recordingFromRow(row) : null;
  }

  async getRecordingByNumericId(accountId: string, numericId: number): Promise<Recording | null> {
    if (!Number.isSafeInteger(numericId) || numericId < 1) return null;
    const row = await this.db.selectFrom('recordings').select(['seq', 'doc'])
      .where('seq', '=', numericId).where('account_id', '=', accountId).where('deleted_at', 'is', null).executeTakeFirst();
    return row ? recordingFromRow(row) : null;
  }

  async getRevision(accountId: string, id: string): Promise<number | null> {
    const row = await this.db.selectFrom('recordings').select('rev')
      .where('id', '=', id).where('account_id', '=', accountId).where('deleted_at', 'is', null).executeTakeFirst();
    return row ? Number(row.rev) : null;
  }

  /** Writes the document if the revision matches; returns the recording's seq, or null when stale. */
  private async writeDoc(trx: Transaction<Database>, rec: Recording, expectedRev: number): Promise<number | null> {
    const { id: _id, account_id: _a, created_at: _c, ...cols } = recordingColumns(rec, expectedRev + 1);
    const res = await trx.updateTable('recordings').set(cols)
      .where('id', '=', rec.id).where('account_id', '=', rec.accountId).where('rev', '=', expectedRev).where('deleted_at', 'is', null)
      .returning('seq').executeTakeFirst();
    if (!res) return null;
    await this.writeIndexes(trx, rec, Number(res.seq));
    return Number(res.seq);
  }

  updateRecording(rec: Recording, expectedRev: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => (await this.writeDoc(trx, rec, expectedRev)) !== null);
  }

  addMedia(rec: Recording, expectedRev: number, secret: MediaSecret): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const seq = await this.writeDoc(trx, rec, expectedRev);
      if (seq === null) return false;
      await trx.insertInto('media').values(SqlStore.mediaRow(rec.accountId, seq, secret)).execute();
      await trx.deleteFrom('pending_blobs').where('blob_key', '=', secret.blobKey).execute();
      return true;
    });
  }

  async listRecordings(accountId: string, q: RecordingQuery, countCap: number): Promise<Page<Recording>> {
    const match = q.filter.text ? await compileMatch(this.db, q.filter.text) : undefined;
    if (match !== undefined && q.sort.field === 'startTime' && this.dialect === 'sqlite') return this.listByText(accountId, q, match, countCap);
    const col = sortColumn(q.sort.field);
    const base = this.db.selectFrom('recordings').where((eb) => filterExpression(eb, accountId, q.filter, match));
    const rows = await applyPaging(base.select(['recordings.seq', 'recordings.doc', `recordings.${col} as sortValue`]), q).execute();
    const counted = await this.db.selectFrom(base.select('recordings.seq').limit(countCap + 1).as('capped'))
      .select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return pageOf(rows, q, Number(counted.n), countCap, q.sort.field);
  }

  /**
   * A search in start-time order, driven by the index: FTS5 hands out matches by rowid (the
   * search key, which sorts like the start time) and the other filters are checked on each, so
   * the first page costs about 25 matches however common the words are, not all of them.
   * Calls that start in the same second are ordered by search key rather than by seq.
   */
  private async listByText(accountId: string, q: RecordingQuery, match: string, countCap: number): Promise<Page<Recording>> {
    const { text: _text, ...rest } = q.filter;
    const dir = q.sort.desc ? 'desc' : 'asc';
    const base = this.db.selectFrom('transcript_fts').innerJoin('recordings', 'recordings.search_key', 'transcript_fts.rowid')
      .where(sql<SqlBool>`transcript_fts MATCH ${match}`)
      .where((eb) => filterExpression(eb as unknown as ExpressionBuilder<Database, 'recordings'>, accountId, rest));
    let page = base.select(['recordings.seq', 'recordings.doc', 'transcript_fts.rowid as sortValue']).orderBy('transcript_fts.rowid', dir).limit(q.pageSize + 1);
    if (q.cursor) {
      const cur = decodeCursor(q.cursor, q, SEARCH_CURSOR);
      page = page.where('transcript_fts.rowid', q.sort.desc ? '<' : '>', cur.v);
    } else if (q.offset) {
      page = page.offset(q.offset);
    } else if (q.page && q.page > 1) {
      page = page.offset((q.page - 1) * q.pageSize);
    }
    const rows = await page.execute();
    const counted = await this.db.selectFrom(base.select('recordings.seq').limit(countCap + 1).as('capped'))
      .select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return pageOf(rows, q, Number(counted.n), countCap, SEARCH_CURSOR);
  }

  async tagNames(accountId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('recording_tags').select('tag_lc').distinct().where('account_id', '=', accountId).limit(100_000).execute();
    return rows.map((r) => r.tag_lc);
  }

  async findByIdempotencyKey(accountId: string, key: string): Promise<string | null> {
    const row = await this.db.selectFrom('idempotency').select('recording_id').where('account_id', '=', accountId).where('key', '=', key).executeTakeFirst();
    return row?.recording_id ?? null;
  }

  async findDuplicate(accountId: string, ids: { sysCallId?: string; sipCallId?: string; callUuid?: string }, sha256: string): Promise<string | null> {
    const conds = ([['sys_call_id', ids.sysCallId], ['sip_call_id', ids.sipCallId], ['call_uuid', ids.callUuid]] as const)
      .filter((x): x is readonly ['sys_call_id' | 'sip_call_id' | 'call_uuid', string] => x[1] !== undefined);
    if (conds.length === 0) return null;
    const row = await this.db.selectFrom('recordings as r').innerJoin('media as m', 'm.recording_seq', 'r.seq')
      .select('r.id').where('r.account_id', '=', accountId).where('r.deleted_at', 'is', null).where('m.sha256', '=', sha256)
      .where((eb) => eb.or(conds.map(([c, v]) => eb(`r.${c}`, '=', v)))).executeTakeFirst();
    return row?.id ?? null;
  }

  private static secret(row: Database['media']): MediaSecret {
    return {
      mediaId: row.id, blobKey: row.blob_key, size: Number(row.size), sha256: row.sha256, chunkSize: Number(row.chunk_size),
      wrappedKey: row.wrapped_key, keyId: row.key_id,
    };
  }

  async getMediaSecrets(accountId: string, recordingId: string): Promise<MediaSecret[]> {
    const rows = await this.db.selectFrom('media as m').innerJoin('recordings as r', 'r.seq', 'm.recording_seq').selectAll('m')
      .where('r.id', '=', recordingId).where('r.account_id', '=', accountId).where('r.deleted_at', 'is', null).execute();
    return rows.map(SqlStore.secret);
  }

  destroyMediaKeys(rec: Recording, expectedRev: number): Promise<MediaSecret[] | null> {
    return this.db.transaction().execute(async (trx) => {
      const seq = await this.writeDoc(trx, rec, expectedRev);
      if (seq === null) return null;
      const rows = await trx.selectFrom('media').selectAll().where('recording_seq', '=', seq).execute();
      await trx.updateTable('media').set({ wrapped_key: null, key_id: null }).where('recording_seq', '=', seq).execute();
      return [...rows.map(SqlStore.secret), ...await SqlStore.forgetRenditions(trx, seq)];
    });
  }

  /** Derived audio goes with the media it came from: keys forgotten, secrets returned for erasure. */
  private static async forgetRenditions(trx: Transaction<Database>, seq: number): Promise<MediaSecret[]> {
    const rows = await trx.selectFrom('renditions').selectAll().where('recording_seq', '=', seq).execute();
    await trx.updateTable('renditions').set({ wrapped_key: null, key_id: null }).where('recording_seq', '=', seq).execute();
    return rows.map((r) => ({ ...SqlStore.secret({ ...r, id: r.media_id }), mediaId: `rendition:${r.media_id}:${r.name}` }));
  }

  tombstone(accountId: string, id: string, expectedRev: number, deletedAt: string, deletedBy: string): Promise<MediaSecret[] | null> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('recordings').select(['seq', 'start_time', 'created_at', 'search_key']).where('id', '=', id)
        .where('account_id', '=', accountId).where('deleted_at', 'is', null).where('rev', '=', expectedRev)
        .where('legal_hold', '=', 0).where('non_delete', '=', 0).executeTakeFirst();
      if (!row) return null;
      const seq = Number(row.seq);
      const media = await trx.selectFrom('media').selectAll().where('recording_seq', '=', seq).execute();
      const doc = { id, accountId, deleted: true, deletedAt, deletedBy, startTime: iso(row.start_time), createdAt: iso(row.created_at) };
      await trx.updateTable('recordings').set({ deleted_at: Date.parse(deletedAt), rev: expectedRev + 1, doc: JSON.stringify(doc), owner_id: null, sys_call_id: null, sip_call_id: null, call_uuid: null, search_key: null })
        .where('seq', '=', seq).execute();
      await trx.deleteFrom('recording_parties').where('recording_seq', '=', seq).execute();
      await trx.deleteFrom('recording_tags').where('recording_seq', '=', seq).execute();
      await trx.deleteFrom('recording_groups').where('recording_seq', '=', seq).execute();
      await trx.deleteFrom('recording_user_data').where('recording_seq', '=', seq).execute();
      await trx.updateTable('media').set({ wrapped_key: null, key_id: null }).where('recording_seq', '=', seq).execute();
      // Transcripts, insights and peaks are personal data too: they go with the recording.
      await trx.deleteFrom('recording_docs').where('recording_seq', '=', seq).execute();
      if (row.search_key !== null) await trx.deleteFrom('transcript_fts').where('rowid', '=', Number(row.search_key)).execute();
      return [...media.map(SqlStore.secret), ...await SqlStore.forgetRenditions(trx, seq)];
    });
  }

  async listSigningKeys(): Promise<StoredSigningKey[]> {
    const rows = await this.db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'asc').execute();
    return rows.map((r) => ({ kid: r.kid, wrappedKey: r.wrapped_key, keyId: r.key_id, createdAt: Number(r.created_at) }));
  }

  async removeSigningKey(kid: string): Promise<void> {
    await this.db.deleteFrom('signing_keys').where('kid', '=', kid).execute();
  }

  async addSigningKey(k: StoredSigningKey): Promise<void> {
    await this.db.insertInto('signing_keys').values({ kid: k.kid, wrapped_key: k.wrappedKey, key_id: k.keyId, created_at: k.createdAt })
      .onConflict((oc) => oc.column('kid').doNothing()).execute();
  }

  async rewrapSigningKey(kid: string, oldKeyId: string, wrappedKey: string, keyId: string): Promise<void> {
    await this.db.updateTable('signing_keys').set({ wrapped_key: wrappedKey, key_id: keyId }).where('kid', '=', kid).where('key_id', '=', oldKeyId).execute();
  }

  async putIdempotencyKey(accountId: string, key: string, recordingId: string): Promise<void> {
    await this.db.insertInto('idempotency').values({ account_id: accountId, key, recording_id: recordingId, created_at: Date.now() })
      .onConflict((oc) => oc.columns(['account_id', 'key']).doNothing()).execute();
  }

  async addPendingBlob(blobKey: string, nodeId: string): Promise<void> {
    await this.db.insertInto('pending_blobs').values({ blob_key: blobKey, node_id: nodeId, created_at: Date.now() }).execute();
  }

  async removePendingBlob(blobKey: string): Promise<void> {
    await this.db.deleteFrom('pending_blobs').where('blob_key', '=', blobKey).execute();
  }

  async listPendingBlobs(): Promise<Array<{ blobKey: string; nodeId: string }>> {
    const rows = await this.db.selectFrom('pending_blobs').select(['blob_key', 'node_id']).execute();
    return rows.map((r) => ({ blobKey: r.blob_key, nodeId: r.node_id }));
  }

  async upsertNode(n: NodeInfo): Promise<void> {
    await this.db.insertInto('nodes').values({ id: n.id, host: n.host, pid: n.pid, started_at: n.startedAt, seen_at: n.seenAt })
      .onConflict((oc) => oc.column('id').doUpdateSet({ seen_at: n.seenAt })).execute();
  }

  async listNodes(): Promise<NodeInfo[]> {
    const rows = await this.db.selectFrom('nodes').selectAll().execute();
    return rows.map((r) => ({ id: r.id, host: r.host, pid: Number(r.pid), startedAt: Number(r.started_at), seenAt: Number(r.seen_at) }));
  }

  async removeNode(id: string): Promise<void> {
    await this.db.deleteFrom('nodes').where('id', '=', id).execute();
  }

  /** Media keys first, then rendition keys (their ids are `rendition:<mediaId>:<name>`). */
  async keysNotUnder(keyId: string, limit: number) {
    const rows = await this.db.selectFrom('media').select(['recording_seq', 'id', 'wrapped_key', 'key_id'])
      .where('key_id', 'is not', null).where('key_id', '!=', keyId).limit(limit).execute();
    const out = rows.map((r) => ({ recordingSeq: Number(r.recording_seq), mediaId: r.id, wrappedKey: r.wrapped_key!, keyId: r.key_id! }));
    if (out.length >= limit) return out;
    const more = await this.db.selectFrom('renditions').select(['recording_seq', 'media_id', 'name', 'wrapped_key', 'key_id'])
      .where('key_id', 'is not', null).where('key_id', '!=', keyId).limit(limit - out.length).execute();
    return [...out, ...more.map((r) => ({ recordingSeq: Number(r.recording_seq), mediaId: `rendition:${r.media_id}:${r.name}`, wrappedKey: r.wrapped_key!, keyId: r.key_id! }))];
  }

  async setWrappedKey(recordingSeq: number, mediaId: string, oldKeyId: string, wrappedKey: string, keyId: string): Promise<void> {
    const rendition = /^rendition:(.+):([^:]+)$/.exec(mediaId);
    if (rendition) {
      await this.db.updateTable('renditions').set({ wrapped_key: wrappedKey, key_id: keyId }).where('recording_seq', '=', recordingSeq)
        .where('media_id', '=', rendition[1]!).where('name', '=', rendition[2]!).where('key_id', '=', oldKeyId).execute();
      return;
    }
    await this.db.updateTable('media').set({ wrapped_key: wrappedKey, key_id: keyId })
      .where('recording_seq', '=', recordingSeq).where('id', '=', mediaId).where('key_id', '=', oldKeyId).execute();
  }
}
