import type { ExportJob, ExportKind, ExportStatus, PrincipalSnapshot } from '../core/exports.js';
import type { MediaSecret } from './port.js';

/** What the export worker reads back: the job, who asked (their view), and the recordings chosen. */
export interface ExportWork { job: ExportJob; principal: PrincipalSnapshot; recordingIds: string[] }

/**
 * Export jobs and their sealed bundles in the metadata database. The bundle's row is written
 * in the transaction that drops its pending-blob mark, as for media, so a crash while building
 * leaves nothing the janitor would not sweep.
 */
export interface ExportStore {
  create(job: ExportJob, principal: PrincipalSnapshot, recordingIds: string[]): Promise<void>;
  get(accountId: string, id: string): Promise<ExportJob | null>;
  work(accountId: string, id: string): Promise<ExportWork | null>;
  /** The creator's jobs of these kinds (and status), newest first, with the total. */
  list(accountId: string, createdBy: string, kinds: readonly ExportKind[], status: ExportStatus | undefined, offset: number, limit: number): Promise<{ items: ExportJob[]; total: number }>;
  /** Marks the job running with this many files done (0 when a new attempt starts). */
  progress(id: string, filesCompleted: number): Promise<void>;
  /**
   * Records the finished bundle and the recordings it holds; false when the job is gone or
   * already finished (the blob is then the caller's to remove).
   */
  complete(id: string, secret: MediaSecret, validUntil: number, included: string[]): Promise<boolean>;
  /** Ids of the account's finished bundles that hold this recording. */
  holding(accountId: string, recordingId: string): Promise<string[]>;
  /** Whether every recording the bundle holds is still live with its media (none deleted since). */
  stillHeld(accountId: string, id: string): Promise<boolean>;
  /** Takes a bundle back (a recording in it was deleted): expired, key forgotten; its secret to erase, or null. */
  withdraw(accountId: string, id: string, reason: string): Promise<MediaSecret | null>;
  fail(id: string, error: string): Promise<void>;
  secretOf(accountId: string, id: string): Promise<MediaSecret | null>;
  /** Marks complete bundles past their time expired and forgets their keys; returns their secrets to erase. */
  expire(now: number): Promise<MediaSecret[]>;
}
