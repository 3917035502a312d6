import { sql, type Kysely, type SqlBool } from 'kysely';
import type { ExportJob, ExportKind, ExportStatus, PrincipalSnapshot } from '../core/exports.js';
import type { ExportStore, ExportWork } from './exports-port.js';
import type { MediaSecret } from './port.js';
import type { Database, ExportsTable } from './schema.js';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(Number(ms)).toISOString());

function jobOf(r: ExportsTable): ExportJob {
  return {
    id: r.id, accountId: r.account_id, createdBy: r.created_by, kind: r.kind as ExportKind, status: r.status as ExportStatus,
    filesTotal: Number(r.files_total), filesCompleted: Number(r.files_completed), error: r.error,
    size: r.size === null ? null : Number(r.size), createdAt: iso(r.created_at)!, updatedAt: iso(r.updated_at)!, validUntil: iso(r.valid_until),
  };
}

function secretOf(r: Pick<ExportsTable, 'id' | 'blob_key' | 'size' | 'sha256' | 'chunk_size' | 'wrapped_key' | 'key_id'>): MediaSecret | null {
  if (r.blob_key === null) return null;
  return {
    mediaId: `export:${r.id}`, blobKey: r.blob_key, size: Number(r.size), sha256: r.sha256 ?? '', chunkSize: Number(r.chunk_size),
    wrappedKey: r.wrapped_key, keyId: r.key_id,
  };
}

/** Export jobs in the metadata database (see ExportStore). */
export class SqlExportStore implements ExportStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(job: ExportJob, principal: PrincipalSnapshot, recordingIds: string[]): Promise<void> {
    await this.db.insertInto('exports').values({
      id: job.id, account_id: job.accountId, created_by: job.createdBy, kind: job.kind, principal: JSON.stringify(principal),
      recording_ids: JSON.stringify(recordingIds), status: job.status, files_total: job.filesTotal, files_completed: job.filesCompleted,
      error: null, blob_key: null, size: null, sha256: null, chunk_size: null, wrapped_key: null, key_id: null,
      created_at: Date.parse(job.createdAt), updated_at: Date.parse(job.updatedAt), valid_until: null,
    }).execute();
  }

  private row(accountId: string, id: string): Promise<ExportsTable | undefined> {
    return this.db.selectFrom('exports').selectAll().where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
  }

  async get(accountId: string, id: string): Promise<ExportJob | null> {
    const row = await this.row(accountId, id);
    return row ? jobOf(row) : null;
  }

  async work(accountId: string, id: string): Promise<ExportWork | null> {
    const row = await this.row(accountId, id);
    if (!row) return null;
    return { job: jobOf(row), principal: JSON.parse(row.principal) as PrincipalSnapshot, recordingIds: JSON.parse(row.recording_ids) as string[] };
  }

  async list(accountId: string, createdBy: string, kinds: readonly ExportKind[], status: ExportStatus | undefined, offset: number, limit: number) {
    let base = this.db.selectFrom('exports').where('account_id', '=', accountId).where('created_by', '=', createdBy).where('kind', 'in', [...kinds]);
    if (status === 'expired') {
      // A complete bundle past its time is expired before the sweep marks it.
      const now = Date.now();
      base = base.where((eb) => eb.or([eb('status', '=', 'expired'), eb.and([eb('status', '=', 'complete'), eb('valid_until', '<=', now)])]));
    } else if (status === 'complete') {
      base = base.where('status', '=', 'complete').where('valid_until', '>', Date.now());
    } else if (status) {
      base = base.where('status', '=', status);
    }
    const rows = await base.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').offset(offset).limit(limit).execute();
    const n = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return { items: rows.map(jobOf), total: Number(n.n) };
  }

  async progress(id: string, filesCompleted: number): Promise<void> {
    await this.db.updateTable('exports').set({ status: 'in_progress', files_completed: filesCompleted, updated_at: Date.now() })
      .where('id', '=', id).where('status', 'in', ['pending', 'in_progress']).execute();
  }

  complete(id: string, s: MediaSecret, validUntil: number, included: string[]): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx.updateTable('exports').set((eb) => ({
        recording_ids: JSON.stringify(included), status: 'complete', files_completed: eb.ref('files_total'), error: null, blob_key: s.blobKey, size: s.size, sha256: s.sha256,
        chunk_size: s.chunkSize, wrapped_key: s.wrappedKey, key_id: s.keyId, valid_until: validUntil, updated_at: Date.now(),
      })).where('id', '=', id).where('status', 'in', ['pending', 'in_progress']).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) return false;
      await trx.deleteFrom('pending_blobs').where('blob_key', '=', s.blobKey).execute();
      return true;
    });
  }

  async stillHeld(accountId: string, id: string): Promise<boolean> {
    const row = await this.db.selectFrom('exports').select('recording_ids').where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
    if (!row) return false;
    const ids = JSON.parse(row.recording_ids) as string[];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const n = await this.db.selectFrom('recordings').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', accountId)
        .where('id', 'in', chunk).where('deleted_at', 'is', null).where('media_status', '!=', 'deleted').executeTakeFirstOrThrow();
      if (Number(n.n) !== chunk.length) return false;
    }
    return true;
  }

  async holding(accountId: string, recordingId: string): Promise<string[]> {
    // recording_ids is a JSON array of ids: the id appears quoted (its own % _ \ escaped).
    const pattern = `%${JSON.stringify(recordingId).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await this.db.selectFrom('exports').select('id').where('account_id', '=', accountId).where('status', '=', 'complete')
      .where(sql<SqlBool>`recording_ids LIKE ${pattern} ESCAPE '\\'`).execute();
    return rows.map((r) => r.id);
  }

  withdraw(accountId: string, id: string, reason: string): Promise<MediaSecret | null> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('exports').select(['id', 'blob_key', 'size', 'sha256', 'chunk_size', 'wrapped_key', 'key_id'])
        .where('id', '=', id).where('account_id', '=', accountId).where('status', '=', 'complete').executeTakeFirst();
      if (!row) return null;
      await trx.updateTable('exports').set({ status: 'expired', error: reason, wrapped_key: null, key_id: null, updated_at: Date.now() }).where('id', '=', id).execute();
      return secretOf(row);
    });
  }

  async fail(id: string, error: string): Promise<void> {
    await this.db.updateTable('exports').set({ status: 'failed', error: error.slice(0, 2000), updated_at: Date.now() })
      .where('id', '=', id).where('status', 'in', ['pending', 'in_progress']).execute();
  }

  async secretOf(accountId: string, id: string): Promise<MediaSecret | null> {
    const row = await this.db.selectFrom('exports').select(['id', 'blob_key', 'size', 'sha256', 'chunk_size', 'wrapped_key', 'key_id'])
      .where('id', '=', id).where('account_id', '=', accountId).where('status', '=', 'complete').where('valid_until', '>', Date.now()).executeTakeFirst();
    return row ? secretOf(row) : null;
  }

  expire(now: number): Promise<MediaSecret[]> {
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx.selectFrom('exports').select(['id', 'blob_key', 'size', 'sha256', 'chunk_size', 'wrapped_key', 'key_id'])
        .where('status', '=', 'complete').where('valid_until', '<=', now).limit(1000).execute();
      if (rows.length === 0) return [];
      await trx.updateTable('exports').set({ status: 'expired', wrapped_key: null, key_id: null, updated_at: now })
        .where('id', 'in', rows.map((r) => r.id)).execute();
      return rows.map(secretOf).filter((s): s is MediaSecret => s !== null);
    });
  }
}
