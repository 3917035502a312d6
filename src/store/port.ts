import type { Recording } from '../core/model.js';
import type { Page, RecordingQuery } from '../core/query.js';
import type { Account, ApiClient, User } from '../core/principals.js';

/** What the vault keeps about a media object besides its public description. */
export interface MediaSecret {
  mediaId: string;
  blobKey: string;
  size: number;
  sha256: string;
  chunkSize: number;
  /** Null once the key has been destroyed (media deleted). */
  wrappedKey: string | null;
  keyId: string | null;
}

/** A running server process (for sweeping what dead ones left behind). */
export interface NodeInfo { id: string; host: string; pid: number; startedAt: number; seenAt: number }

/** A token signing secret, wrapped by a master key. */
export interface StoredSigningKey { kid: string; wrappedKey: string; keyId: string; createdAt: number }

/** The metadata port. Both adapters (SQLite now, PostgreSQL later) implement it. */
export interface MetadataStore {
  readonly dialect: 'sqlite' | 'postgres';
  migrate(): Promise<void>;
  close(): Promise<void>;

  createAccount(a: Account): Promise<void>;
  getAccount(id: string): Promise<Account | null>;
  findAccountByName(name: string): Promise<Account | null>;
  updateAccountSettings(id: string, settings: Record<string, unknown>): Promise<void>;
  createClient(c: ApiClient): Promise<void>;
  getClient(id: string): Promise<ApiClient | null>;
  createUser(u: User): Promise<void>;
  findUser(accountId: string, username: string): Promise<User | null>;
  /** A user of the account by id. */
  getUser(accountId: string, id: string): Promise<User | null>;
  /** Users of any account with this username (logins that do not name the account). */
  findUsersByUsername(username: string): Promise<User[]>;
  findUserByCredentialKey(accountId: string, key: string): Promise<User | null>;
  /** Whether the user has password-equivalent lookup keys (see auth/secrets.ts credentialKey). */
  hasCredentialKeys(accountId: string, userId: string): Promise<boolean>;
  /** Adds lookup keys for the user (keys already there are kept). */
  addCredentialKeys(accountId: string, userId: string, keys: string[]): Promise<void>;
  revokeToken(jti: string, accountId: string, expiresAt: number): Promise<void>;
  /** Ids of revoked tokens that have not expired yet; expired rows are purged. */
  activeRevocations(now: number): Promise<string[]>;

  /** Inserts a recording with its media secrets; returns the numeric id. Throws CONFLICT on a reused idempotency key. */
  insertRecording(rec: Recording, secrets: MediaSecret[], idempotencyKey?: string): Promise<number>;
  getRecording(accountId: string, id: string): Promise<Recording | null>;
  /** The live recording with this numeric id (`numericId`) in the account, or null. */
  getRecordingByNumericId(accountId: string, numericId: number): Promise<Recording | null>;
  /** The stored JSON of a recording as one string, for answering without parsing it (may be unsupported: null). */
  getRecordingJson?(accountId: string, id: string): string | null;
  /** Replaces the stored document when its revision still matches; false if someone wrote first. */
  updateRecording(rec: Recording, expectedRev: number): Promise<boolean>;
  getRevision(accountId: string, id: string): Promise<number | null>;
  listRecordings(accountId: string, q: RecordingQuery, countCap: number): Promise<Page<Recording>>;
  /** The account's distinct tag names (lower case), for doors that name tags by id. */
  tagNames(accountId: string): Promise<string[]>;
  /** The recording an idempotency key created (even if since deleted), or null. */
  findByIdempotencyKey(accountId: string, key: string): Promise<string | null>;
  /** A live recording of the account carrying one of the call ids and a media file with this hash. */
  findDuplicate(accountId: string, callIds: { sysCallId?: string; sipCallId?: string; callUuid?: string }, sha256: string): Promise<string | null>;
  /**
   * Marks deleted, strips personal data, and destroys media keys in one transaction — only if
   * the revision still matches (so a legal hold set meanwhile wins); null when it does not.
   */
  tombstone(accountId: string, id: string, expectedRev: number, deletedAt: string, deletedBy: string): Promise<MediaSecret[] | null>;

  getMediaSecrets(accountId: string, recordingId: string): Promise<MediaSecret[]>;
  /** Adds (or completes) media of an existing recording, writing the new document in the same transaction. */
  addMedia(rec: Recording, expectedRev: number, secret: MediaSecret): Promise<boolean>;
  /** Forgets media keys (media-only delete), writing the new document in the same transaction; null if the revision moved. */
  destroyMediaKeys(rec: Recording, expectedRev: number): Promise<MediaSecret[] | null>;

  listSigningKeys(): Promise<StoredSigningKey[]>;
  addSigningKey(k: StoredSigningKey): Promise<void>;
  removeSigningKey(kid: string): Promise<void>;
  rewrapSigningKey(kid: string, oldKeyId: string, wrappedKey: string, keyId: string): Promise<void>;
  putIdempotencyKey(accountId: string, key: string, recordingId: string): Promise<void>;

  /** Marks a blob as being written by a node; the row goes in the transaction that records it. */
  addPendingBlob(blobKey: string, nodeId: string): Promise<void>;
  removePendingBlob(blobKey: string): Promise<void>;
  listPendingBlobs(): Promise<Array<{ blobKey: string; nodeId: string }>>;

  upsertNode(n: NodeInfo): Promise<void>;
  listNodes(): Promise<NodeInfo[]>;
  removeNode(id: string): Promise<void>;

  /** Wrapped data keys not under the given master key id, for rotation. */
  keysNotUnder(keyId: string, limit: number): Promise<Array<{ recordingSeq: number; mediaId: string; wrappedKey: string; keyId: string }>>;
  setWrappedKey(recordingSeq: number, mediaId: string, oldKeyId: string, wrappedKey: string, keyId: string): Promise<void>;
}
