import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { logsMigration } from './migrations-logs.js';
import { userDataRows } from './rows.js';

/**
 * The one migration list. Statements are plain SQL that SQLite and PostgreSQL both accept;
 * where they differ, the migration asks `dialect`.
 */
export type Dialect = 'sqlite' | 'postgres';

function migrations(dialect: Dialect): Record<string, Migration> {
  const bigint = dialect === 'sqlite' ? 'INTEGER' : 'BIGINT';
  const serial = dialect === 'sqlite' ? 'INTEGER PRIMARY KEY AUTOINCREMENT' : 'BIGSERIAL PRIMARY KEY';
  return {
    '0001_core': {
      async up(db: Kysely<unknown>) {
        const run = (q: string) => sql.raw(q).execute(db);
        await run(`CREATE TABLE accounts (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, settings TEXT NOT NULL DEFAULT '{}', created_at ${bigint} NOT NULL)`);
        await run(`CREATE TABLE clients (id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id), name TEXT NOT NULL,
          secret_hash TEXT NOT NULL, scopes TEXT NOT NULL, created_at ${bigint} NOT NULL, revoked_at ${bigint})`);
        await run(`CREATE TABLE users (id TEXT PRIMARY KEY, account_id TEXT NOT NULL REFERENCES accounts(id), username TEXT NOT NULL,
          password_hash TEXT NOT NULL, role TEXT NOT NULL, doc TEXT NOT NULL, created_at ${bigint} NOT NULL, disabled_at ${bigint},
          UNIQUE (account_id, username))`);
        await run(`CREATE TABLE recordings (
          seq ${serial}, id TEXT NOT NULL UNIQUE, account_id TEXT NOT NULL REFERENCES accounts(id), owner_id TEXT, rev INTEGER NOT NULL,
          start_time ${bigint} NOT NULL, release_time ${bigint} NOT NULL, duration_ms ${bigint} NOT NULL,
          call_direction TEXT NOT NULL, call_type TEXT NOT NULL, release_cause TEXT, profile_type TEXT NOT NULL,
          sys_call_id TEXT, sip_call_id TEXT, call_uuid TEXT,
          media_status TEXT NOT NULL, transcription_status TEXT NOT NULL, insights_status TEXT NOT NULL,
          media_type TEXT NOT NULL DEFAULT 'none', region TEXT,
          legal_hold INTEGER NOT NULL, non_delete INTEGER NOT NULL, expires ${bigint},
          created_at ${bigint} NOT NULL, updated_at ${bigint} NOT NULL, deleted_at ${bigint}, doc TEXT NOT NULL)`);
        // The default sort carries the most common filter columns, so a filtered page and its
        // capped count are answered from the index without reading table rows.
        await run(`CREATE INDEX recordings_start_time ON recordings (account_id, start_time, seq, call_direction, call_type, duration_ms)
          WHERE deleted_at IS NULL`);
        for (const col of ['release_time', 'duration_ms', 'created_at', 'updated_at']) {
          await run(`CREATE INDEX recordings_${col} ON recordings (account_id, ${col}, seq)`);
        }
        for (const col of ['sys_call_id', 'sip_call_id', 'call_uuid']) {
          await run(`CREATE INDEX recordings_${col} ON recordings (account_id, ${col})`);
        }
        await run(`CREATE INDEX recordings_expires ON recordings (expires) WHERE expires IS NOT NULL`);
        await run(`CREATE TABLE recording_parties (recording_seq ${bigint} NOT NULL REFERENCES recordings(seq) ON DELETE CASCADE,
          account_id TEXT NOT NULL, role TEXT NOT NULL, upn_lc TEXT, user_id TEXT, phone_digits TEXT, extension TEXT, name_lc TEXT)`);
        await run(`CREATE INDEX parties_recording ON recording_parties (recording_seq)`);
        await run(`CREATE INDEX parties_phone ON recording_parties (account_id, phone_digits)`);
        await run(`CREATE INDEX parties_upn ON recording_parties (account_id, upn_lc)`);
        await run(`CREATE INDEX parties_user ON recording_parties (account_id, user_id)`);
        await run(`CREATE INDEX parties_extension ON recording_parties (account_id, extension)`);
        await run(`CREATE TABLE recording_groups (recording_seq ${bigint} NOT NULL REFERENCES recordings(seq) ON DELETE CASCADE,
          account_id TEXT NOT NULL, group_id TEXT NOT NULL)`);
        await run(`CREATE INDEX groups_recording ON recording_groups (recording_seq)`);
        await run(`CREATE INDEX groups_group ON recording_groups (account_id, group_id)`);
        await run(`CREATE TABLE recording_tags (recording_seq ${bigint} NOT NULL REFERENCES recordings(seq) ON DELETE CASCADE,
          account_id TEXT NOT NULL, tag_lc TEXT NOT NULL)`);
        await run(`CREATE INDEX tags_recording ON recording_tags (recording_seq)`);
        await run(`CREATE INDEX tags_tag ON recording_tags (account_id, tag_lc)`);
        await run(`CREATE TABLE media (id TEXT NOT NULL, recording_seq ${bigint} NOT NULL REFERENCES recordings(seq),
          account_id TEXT NOT NULL, blob_key TEXT NOT NULL UNIQUE, size ${bigint} NOT NULL, sha256 TEXT NOT NULL,
          chunk_size INTEGER NOT NULL, wrapped_key TEXT, key_id TEXT, created_at ${bigint} NOT NULL,
          PRIMARY KEY (recording_seq, id))`);
        await run(`CREATE INDEX media_sha ON media (account_id, sha256)`);
        await run(`CREATE INDEX media_key_id ON media (key_id)`);
        await run(`CREATE TABLE idempotency (account_id TEXT NOT NULL, key TEXT NOT NULL, recording_id TEXT NOT NULL,
          created_at ${bigint} NOT NULL, PRIMARY KEY (account_id, key))`);
        await run(`CREATE TABLE signing_keys (kid TEXT PRIMARY KEY, wrapped_key TEXT NOT NULL, key_id TEXT NOT NULL, created_at ${bigint} NOT NULL)`);
        await run(`CREATE TABLE nodes (id TEXT PRIMARY KEY, host TEXT NOT NULL, pid INTEGER NOT NULL, started_at ${bigint} NOT NULL, seen_at ${bigint} NOT NULL)`);
        await run(`CREATE TABLE pending_blobs (blob_key TEXT PRIMARY KEY, node_id TEXT NOT NULL DEFAULT '', created_at ${bigint} NOT NULL)`);
      },
    },
    '0002_logs': logsMigration(dialect),
    '0003_revocation': {
      async up(db: Kysely<unknown>) {
        await sql.raw(`CREATE TABLE revoked_tokens (jti TEXT PRIMARY KEY, account_id TEXT NOT NULL, expires_at ${bigint} NOT NULL)`).execute(db);
        await sql.raw(`CREATE INDEX revoked_expires ON revoked_tokens (expires_at)`).execute(db);
      },
    },
    '0004_jobs': {
      async up(db: Kysely<unknown>) {
        const run = (q: string) => sql.raw(q).execute(db);
        await run(`CREATE TABLE jobs (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL,
          state TEXT NOT NULL, attempts INTEGER NOT NULL, max_attempts INTEGER NOT NULL, run_at ${bigint} NOT NULL,
          worker_id TEXT, lease_until ${bigint}, last_error TEXT, dedupe_key TEXT, recording_id TEXT,
          created_at ${bigint} NOT NULL, updated_at ${bigint} NOT NULL)`);
        await run(`CREATE INDEX jobs_due ON jobs (state, run_at)`);
        // Finished and parked jobs give their key up, so the same work can be asked for again.
        await run(`CREATE UNIQUE INDEX jobs_dedupe ON jobs (dedupe_key)`);
        await run(`CREATE INDEX jobs_recording ON jobs (account_id, recording_id, created_at)`);
        await run(`CREATE TABLE recording_docs (recording_seq ${bigint} NOT NULL REFERENCES recordings(seq) ON DELETE CASCADE,
          account_id TEXT NOT NULL, name TEXT NOT NULL, doc TEXT NOT NULL, updated_at ${bigint} NOT NULL, PRIMARY KEY (recording_seq, name))`);
        await run(`CREATE TABLE renditions (recording_seq ${bigint} NOT NULL REFERENCES recordings(seq),
          account_id TEXT NOT NULL, name TEXT NOT NULL, media_id TEXT NOT NULL, blob_key TEXT NOT NULL UNIQUE, mime_type TEXT NOT NULL,
          size ${bigint} NOT NULL, sha256 TEXT NOT NULL, chunk_size INTEGER NOT NULL, wrapped_key TEXT, key_id TEXT,
          created_at ${bigint} NOT NULL, PRIMARY KEY (recording_seq, media_id, name))`);
        await run(`CREATE INDEX renditions_key_id ON renditions (key_id)`);
      },
    },
    '0005_search': {
      async up(db: Kysely<unknown>) {
        // The words of each live recording, one column per kind of speaker plus notes.
        // Contentless: the text itself stays in recording_docs. The rowid is the recording's
        // search_key, start time in ms × 2^20 + a tie-break, so FTS5 returns matches newest
        // first and the first page of a search stops after 25 matches instead of collecting
        // them all. Prefix indexes serve 2- and 3-letter prefixes; longer ones are expanded
        // into words from transcript_terms (see src/search/fts5.ts).
        const ddl = dialect === 'sqlite'
          ? [`CREATE VIRTUAL TABLE transcript_fts USING fts5(agent, customer, other, notes, content='', contentless_delete=1,
              tokenize='unicode61 remove_diacritics 2', prefix='2 3')`,
          'CREATE TABLE transcript_terms (term TEXT PRIMARY KEY) WITHOUT ROWID']
          : ['CREATE TABLE transcript_fts (rowid BIGINT PRIMARY KEY, agent TSVECTOR, customer TSVECTOR, other TSVECTOR, notes TSVECTOR)',
            'CREATE TABLE transcript_terms (term TEXT PRIMARY KEY)'];
        for (const stmt of ddl) await sql.raw(stmt).execute(db);
        await sql.raw('ALTER TABLE recordings ADD COLUMN search_key BIGINT').execute(db);
        await sql.raw('CREATE UNIQUE INDEX recordings_search_key ON recordings (search_key) WHERE search_key IS NOT NULL').execute(db);
      },
    },
    '0006_sentiment': {
      async up(db: Kysely<unknown>) {
        // The call's overall sentiment label (POSITIVE/NEUTRAL/NEGATIVE) once insights are ready, for filters.
        await sql.raw('ALTER TABLE recordings ADD COLUMN sentiment TEXT').execute(db);
      },
    },
    '0007_credential_keys': {
      async up(db: Kysely<unknown>) {
        // Keys of password-equivalent hashes (Kazoo's md5/sha1 of user:pass), one row each, found by equality.
        await sql.raw(`CREATE TABLE user_credential_keys (account_id TEXT NOT NULL, credential_key TEXT NOT NULL, user_id TEXT NOT NULL,
          PRIMARY KEY (account_id, credential_key))`).execute(db);
      },
    },
    '0008_created_live': {
      async up(db: Kysely<unknown>) {
        // Lists in order of storage (the Kazoo door, sort=createdAt) and their capped counts,
        // answered from the index alone, as the default start-time order is.
        await sql.raw('CREATE INDEX recordings_created_live ON recordings (account_id, created_at, seq) WHERE deleted_at IS NULL').execute(db);
      },
    },
    '0009_queue': {
      up: (db: Kysely<unknown>) => atomically(db, async (db) => {
        // The call queue's name, lower-cased, for the Interaction Insights `q=` filter. Filled from
        // the documents here, lower-cased as new rows are (JS, not SQL's ASCII-only lower()).
        await sql.raw('ALTER TABLE recordings ADD COLUMN queue_lc TEXT').execute(db);
        await eachRecording(db, `doc LIKE '%"queueName"%'`, async (r) => {
          const queue = (JSON.parse(r.doc) as { queueName?: unknown }).queueName;
          if (typeof queue === 'string') await sql`UPDATE recordings SET queue_lc = ${queue.toLowerCase()} WHERE seq = ${r.seq}`.execute(db);
        });
        await sql.raw('CREATE INDEX recordings_queue ON recordings (account_id, queue_lc) WHERE queue_lc IS NOT NULL').execute(db);
      }),
    },
    '0010_exports': {
      up: (db: Kysely<unknown>) => atomically(db, async (db) => {
        // Export bundles (a ZIP per job, sealed like media): who asked, with which view of the
        // vault (principal), the recordings chosen when asked, progress, and the sealed blob.
        await sql.raw(`CREATE TABLE exports (id TEXT PRIMARY KEY, account_id TEXT NOT NULL, created_by TEXT NOT NULL, kind TEXT NOT NULL,
          principal TEXT NOT NULL, recording_ids TEXT NOT NULL, status TEXT NOT NULL, files_total INTEGER NOT NULL,
          files_completed INTEGER NOT NULL, error TEXT, blob_key TEXT, size ${bigint}, sha256 TEXT, chunk_size INTEGER,
          wrapped_key TEXT, key_id TEXT, created_at ${bigint} NOT NULL, updated_at ${bigint} NOT NULL, valid_until ${bigint})`).execute(db);
        await sql.raw('CREATE INDEX exports_creator ON exports (account_id, created_by, created_at)').execute(db);
        await sql.raw('CREATE INDEX exports_valid_until ON exports (valid_until) WHERE valid_until IS NOT NULL').execute(db);
      }),
    },
    '0011_user_data': {
      up: (db: Kysely<unknown>) => atomically(db, async (db) => {
        // The values of each recording's user data, for the Genesys door's userData search.
        await sql.raw(`CREATE TABLE recording_user_data (recording_seq ${bigint} NOT NULL REFERENCES recordings(seq) ON DELETE CASCADE,
          account_id TEXT NOT NULL, value_lc TEXT NOT NULL)`).execute(db);
        await sql.raw('CREATE INDEX user_data_recording ON recording_user_data (recording_seq)').execute(db);
        await sql.raw('CREATE INDEX user_data_value ON recording_user_data (account_id, value_lc)').execute(db);
        // Recordings stored before this migration get their rows now.
        await eachRecording(db, 'deleted_at IS NULL', async (r) => {
          const doc = JSON.parse(r.doc) as { userMetadata?: Record<string, unknown> };
          for (const v of userDataRows({ accountId: r.account_id, userMetadata: doc.userMetadata ?? {} }, Number(r.seq))) {
            await sql`INSERT INTO recording_user_data (recording_seq, account_id, value_lc) VALUES (${v.recording_seq}, ${v.account_id}, ${v.value_lc})`.execute(db);
          }
        });
      }),
    },
  };

  /**
   * A migration as one transaction, so a crash half-way leaves the database as it was and the
   * migration runs again whole. Kysely wraps migrations itself where DDL is transactional by its
   * reckoning (PostgreSQL); SQLite's DDL is transactional too, but is not wrapped: it is here.
   */
  function atomically(db: Kysely<unknown>, body: (db: Kysely<unknown>) => Promise<void>): Promise<void> {
    return dialect === 'sqlite' ? db.transaction().execute(body) : body(db);
  }
}

/** Every recording matching `where` (a fixed SQL condition), in seq order, 500 rows at a time. */
async function eachRecording(db: Kysely<unknown>, where: string, each: (r: { seq: number; account_id: string; doc: string }) => Promise<void>): Promise<void> {
  let after = 0;
  for (;;) {
    const { rows } = await sql<{ seq: number; account_id: string; doc: string }>`SELECT seq, account_id, doc FROM recordings
      WHERE ${sql.raw(where)} AND seq > ${after} ORDER BY seq LIMIT 500`.execute(db);
    if (!rows.length) return;
    for (const r of rows) await each(r);
    after = Number(rows[rows.length - 1]!.seq);
  }
}

export function migrationProvider(dialect: Dialect): MigrationProvider {
  return { getMigrations: () => Promise.resolve(migrations(dialect)) };
}
