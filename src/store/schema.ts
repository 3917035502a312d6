import type { Generated } from 'kysely';

/** Table shapes as Kysely sees them. Times are epoch milliseconds; booleans are 0/1. */
export interface AccountsTable { id: string; name: string; settings: string; created_at: number }

export interface ClientsTable {
  id: string; account_id: string; name: string; secret_hash: string; scopes: string;
  created_at: number; revoked_at: number | null;
}

export interface UsersTable {
  id: string; account_id: string; username: string; password_hash: string; role: string;
  doc: string; created_at: number; disabled_at: number | null;
}

export interface RecordingsTable {
  seq: Generated<number>;
  id: string;
  account_id: string;
  owner_id: string | null;
  rev: number;
  start_time: number;
  release_time: number;
  duration_ms: number;
  call_direction: string;
  call_type: string;
  release_cause: string | null;
  profile_type: string;
  sys_call_id: string | null;
  sip_call_id: string | null;
  call_uuid: string | null;
  media_status: string;
  transcription_status: string;
  insights_status: string;
  media_type: Generated<string>;
  region: string | null;
  legal_hold: number;
  non_delete: number;
  expires: number | null;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
  doc: string;
  /** Set when the recording is indexed for search: the rowid of its transcript_fts row (see migration 0005). */
  search_key: Generated<number | null>;
  sentiment: string | null;
  queue_lc: string | null;
}

export interface RecordingPartiesTable {
  recording_seq: number; account_id: string; role: string;
  upn_lc: string | null; user_id: string | null; phone_digits: string | null;
  extension: string | null; name_lc: string | null;
}

export interface RecordingGroupsTable { recording_seq: number; account_id: string; group_id: string }

export interface RecordingTagsTable { recording_seq: number; account_id: string; tag_lc: string }

/** The values of a recording's user data (userMetadata leaves), lower-cased, for the Genesys `userData` search. */
export interface RecordingUserDataTable { recording_seq: number; account_id: string; value_lc: string }

export interface MediaTable {
  id: string; recording_seq: number; account_id: string; blob_key: string;
  size: number; sha256: string; chunk_size: number; wrapped_key: string | null; key_id: string | null;
  created_at: number;
}

export interface IdempotencyTable { account_id: string; key: string; recording_id: string; created_at: number }

/** Blobs being written: removed in the transaction that records the media, swept at boot. */
export interface PendingBlobsTable { blob_key: string; node_id: Generated<string>; created_at: number }

/** Running server processes, with a heartbeat, so leftovers of dead ones can be swept safely. */
export interface NodesTable { id: string; host: string; pid: number; started_at: number; seen_at: number }

/** Token signing secrets, stored wrapped by the master key. */
export interface SigningKeysTable { kid: string; wrapped_key: string; key_id: string; created_at: number }

/** Tokens revoked before their expiry (logout); rows go once the token would have expired anyway. */
export interface RevokedTokensTable { jti: string; account_id: string; expires_at: number }

/** The durable job queue (src/jobs). */
export interface JobsTable {
  id: string; account_id: string; kind: string; payload: string; state: string; attempts: number; max_attempts: number;
  run_at: number; worker_id: string | null; lease_until: number | null; last_error: string | null; dedupe_key: string | null;
  recording_id: string | null; created_at: number; updated_at: number;
}

/** Derived JSON documents of a recording: transcript, redacted transcript, insights, waveform peaks. */
export interface RecordingDocsTable { recording_seq: number; account_id: string; name: string; doc: string; updated_at: number }

/** Derived audio (playback and redacted renditions), sealed like media. */
export interface RenditionsTable {
  recording_seq: number; account_id: string; name: string; media_id: string; blob_key: string; mime_type: string;
  size: number; sha256: string; chunk_size: number; wrapped_key: string | null; key_id: string | null; created_at: number;
}

/** Full-text index of transcripts and notes; rowid is recordings.seq. */
export interface TranscriptFtsTable { rowid: number; agent: string; customer: string; other: string; notes: string }
export interface TranscriptTermsTable { term: string }

export interface UserCredentialKeysTable { account_id: string; credential_key: string; user_id: string }

/** Export bundles and their sealed ZIP (migration 0009). */
export interface ExportsTable {
  id: string; account_id: string; created_by: string; kind: string; principal: string; recording_ids: string; status: string;
  files_total: number; files_completed: number; error: string | null; blob_key: string | null; size: number | null; sha256: string | null;
  chunk_size: number | null; wrapped_key: string | null; key_id: string | null; created_at: number; updated_at: number; valid_until: number | null;
}

export interface Database {
  exports: ExportsTable;
  user_credential_keys: UserCredentialKeysTable;
  transcript_fts: TranscriptFtsTable;
  transcript_terms: TranscriptTermsTable;
  jobs: JobsTable;
  recording_docs: RecordingDocsTable;
  renditions: RenditionsTable;
  revoked_tokens: RevokedTokensTable;
  signing_keys: SigningKeysTable;
  accounts: AccountsTable;
  clients: ClientsTable;
  users: UsersTable;
  recordings: RecordingsTable;
  recording_parties: RecordingPartiesTable;
  recording_tags: RecordingTagsTable;
  recording_user_data: RecordingUserDataTable;
  recording_groups: RecordingGroupsTable;
  media: MediaTable;
  idempotency: IdempotencyTable;
  pending_blobs: PendingBlobsTable;
  nodes: NodesTable;
}
