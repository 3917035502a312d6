import type { Kysely, Transaction } from 'kysely';
import type { ArtifactStore, DocName, Rendition, RenditionName } from './artifacts-port.js';
import type { MediaSecret } from './port.js';
import type { Database, RenditionsTable } from './schema.js';

function secretOf(r: RenditionsTable): MediaSecret {
  return {
    mediaId: r.media_id, blobKey: r.blob_key, size: Number(r.size), sha256: r.sha256, chunkSize: Number(r.chunk_size),
    wrappedKey: r.wrapped_key, keyId: r.key_id,
  };
}

function renditionOf(r: RenditionsTable): Rendition {
  return { mediaId: r.media_id, name: r.name as RenditionName, mimeType: r.mime_type, secret: secretOf(r), createdAt: Number(r.created_at) };
}

/** Derived documents and renditions in the metadata database (see ArtifactStore). */
export class SqlArtifactStore implements ArtifactStore {
  constructor(private readonly db: Kysely<Database>) {}

  private async liveSeq(db: Kysely<Database> | Transaction<Database>, accountId: string, recordingId: string): Promise<number | null> {
    const row = await db.selectFrom('recordings').select('seq').where('id', '=', recordingId).where('account_id', '=', accountId)
      .where('deleted_at', 'is', null).executeTakeFirst();
    return row ? Number(row.seq) : null;
  }

  putDoc(accountId: string, recordingId: string, name: DocName, doc: unknown): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const seq = await this.liveSeq(trx, accountId, recordingId);
      if (seq === null) return false;
      const json = JSON.stringify(doc);
      const now = Date.now();
      await trx.insertInto('recording_docs').values({ recording_seq: seq, account_id: accountId, name, doc: json, updated_at: now })
        .onConflict((oc) => oc.columns(['recording_seq', 'name']).doUpdateSet({ doc: json, updated_at: now })).execute();
      return true;
    });
  }

  async getDoc<T>(accountId: string, recordingId: string, name: DocName): Promise<T | null> {
    const row = await this.db.selectFrom('recording_docs').innerJoin('recordings', 'recordings.seq', 'recording_docs.recording_seq')
      .select('recording_docs.doc').where('recordings.id', '=', recordingId).where('recordings.account_id', '=', accountId)
      .where('recordings.deleted_at', 'is', null).where('recording_docs.name', '=', name).executeTakeFirst();
    return row ? (JSON.parse(row.doc) as T) : null;
  }

  async deleteDocs(accountId: string, recordingId: string, names: readonly DocName[]): Promise<void> {
    if (names.length === 0) return;
    const seq = await this.liveSeq(this.db, accountId, recordingId);
    if (seq === null) return;
    await this.db.deleteFrom('recording_docs').where('recording_seq', '=', seq).where('name', 'in', [...names]).execute();
  }

  putRendition(accountId: string, recordingId: string, r: Omit<Rendition, 'createdAt'>): Promise<MediaSecret | null | false> {
    return this.db.transaction().execute(async (trx) => {
      const seq = await this.liveSeq(trx, accountId, recordingId);
      if (seq === null) return false;
      // Derived from media that was deleted meanwhile (?mediaOnly=true): it must not come back as a copy.
      const source = await trx.selectFrom('media').select('wrapped_key').where('recording_seq', '=', seq).where('id', '=', r.mediaId).executeTakeFirst();
      if (!source || source.wrapped_key === null) return false;
      const old = await trx.selectFrom('renditions').selectAll().where('recording_seq', '=', seq).where('media_id', '=', r.mediaId)
        .where('name', '=', r.name).executeTakeFirst();
      if (old) await trx.deleteFrom('renditions').where('blob_key', '=', old.blob_key).execute();
      await trx.insertInto('renditions').values({
        recording_seq: seq, account_id: accountId, name: r.name, media_id: r.mediaId, blob_key: r.secret.blobKey, mime_type: r.mimeType,
        size: r.secret.size, sha256: r.secret.sha256, chunk_size: r.secret.chunkSize, wrapped_key: r.secret.wrappedKey,
        key_id: r.secret.keyId, created_at: Date.now(),
      }).execute();
      await trx.deleteFrom('pending_blobs').where('blob_key', '=', r.secret.blobKey).execute();
      return old ? secretOf(old) : null;
    });
  }

  async getRendition(accountId: string, recordingId: string, mediaId: string, name: RenditionName): Promise<Rendition | null> {
    const row = await this.db.selectFrom('renditions').innerJoin('recordings', 'recordings.seq', 'renditions.recording_seq')
      .selectAll('renditions').where('recordings.id', '=', recordingId).where('recordings.account_id', '=', accountId)
      .where('recordings.deleted_at', 'is', null).where('renditions.media_id', '=', mediaId).where('renditions.name', '=', name)
      .where('renditions.wrapped_key', 'is not', null).executeTakeFirst();
    return row ? renditionOf(row) : null;
  }

  async listRenditions(accountId: string, recordingId: string): Promise<Rendition[]> {
    const rows = await this.db.selectFrom('renditions').innerJoin('recordings', 'recordings.seq', 'renditions.recording_seq')
      .selectAll('renditions').where('recordings.id', '=', recordingId).where('recordings.account_id', '=', accountId)
      .where('recordings.deleted_at', 'is', null).where('renditions.wrapped_key', 'is not', null).execute();
    return rows.map(renditionOf);
  }
}
