import { randomUUID } from 'node:crypto';
import { ErrorCode, VaultError, invalid, notFound, readOnly } from './errors.js';
import type { Principal, Role, Scope } from './principals.js';
import type { RecordingQuery } from './query.js';
import type { RecordingService } from './recordings.js';
import { requireScope } from './recordings.js';
import type { MediaReader } from './media-access.js';
import type { ExportStore } from '../store/exports-port.js';

/** What an export bundle holds: recordings (media and metadata), or recordings and their transcripts. */
export const EXPORT_KINDS = ['recordings', 'recordings_transcriptions'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export const EXPORT_STATUSES = ['pending', 'in_progress', 'complete', 'failed', 'expired'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/** An export job as callers see it. Times are ISO strings. */
export interface ExportJob {
  id: string;
  accountId: string;
  /** The principal (user or API client id) who asked: only they see and download it. */
  createdBy: string;
  kind: ExportKind;
  status: ExportStatus;
  /** Recordings chosen when the export was asked for, and how many are done. */
  filesTotal: number;
  filesCompleted: number;
  error: string | null;
  /** Bytes of the ZIP, once complete. */
  size: number | null;
  createdAt: string;
  updatedAt: string;
  /** Until when the bundle can be downloaded (complete jobs only). */
  validUntil: string | null;
}

/**
 * The asker's view of the vault, kept with the export so the worker applies exactly the access
 * rules, masks and redaction the asker would meet reading the recordings one by one.
 */
export interface PrincipalSnapshot { kind: Principal['kind']; id: string; accountId: string; scopes: Scope[]; role?: Role; upn?: string; groups?: string[] }

export const snapshotOf = (p: Principal): PrincipalSnapshot => ({
  kind: p.kind, id: p.id, accountId: p.accountId, scopes: [...p.scopes],
  ...(p.role ? { role: p.role } : {}), ...(p.upn ? { upn: p.upn } : {}), ...(p.groups ? { groups: [...p.groups] } : {}),
});

export const principalFrom = (s: PrincipalSnapshot): Principal => ({
  kind: s.kind, id: s.id, accountId: s.accountId, scopes: new Set(s.scopes),
  ...(s.role ? { role: s.role } : {}), ...(s.upn ? { upn: s.upn } : {}), ...(s.groups ? { groups: s.groups } : {}),
});

/** How the export's work is started (the job queue, in the vault wiring). */
export interface ExportControl { start(accountId: string, exportId: string): Promise<void> }

export interface ExportLimits {
  /** Most recordings one export may hold; more is refused (narrow the filter). */
  maxRecordings: number;
}

export const DEFAULT_EXPORT_LIMITS: ExportLimits = { maxRecordings: 10_000 };

/**
 * Bulk exports: the recordings a query finds for the caller are chosen when asked (so the
 * bundle holds what the caller saw then), a job builds a ZIP of them, and only the caller may
 * follow and download it. Needs the `exports` scope, plus `media:read` (the bundle holds
 * media) and, for transcripts, `transcripts:read`.
 */
export class ExportService {
  constructor(
    private readonly store: ExportStore,
    private readonly recordings: RecordingService,
    private readonly reader: MediaReader & { delete(key: string): Promise<void> },
    private readonly control: ExportControl,
    private readonly limits: ExportLimits = DEFAULT_EXPORT_LIMITS,
    /** Read-only mode (config `readOnly`): no new bundles are made (reading finished ones still works). */
    private readonly readOnly = false,
  ) {}

  async create(p: Principal, kind: ExportKind, q: Pick<RecordingQuery, 'filter' | 'sort'>): Promise<ExportJob> {
    requireScope(p, 'exports');
    requireScope(p, 'media:read');
    if (kind === 'recordings_transcriptions') requireScope(p, 'transcripts:read');
    if (this.readOnly) throw readOnly();
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.recordings.list(p, { ...q, pageSize: 100, ...(cursor ? { cursor } : {}) });
      // Recordings whose media is already gone have nothing to export (and would void the bundle).
      ids.push(...page.items.filter((r) => r.mediaStatus !== 'deleted').map((r) => r.id));
      if (ids.length > this.limits.maxRecordings) {
        throw invalid(`more than ${this.limits.maxRecordings} recordings match: narrow the filter (an export holds at most ${this.limits.maxRecordings})`);
      }
      cursor = page.nextCursor;
    } while (cursor);
    const now = new Date().toISOString();
    const job: ExportJob = {
      id: randomUUID(), accountId: p.accountId, createdBy: p.id, kind, status: 'pending', filesTotal: ids.length, filesCompleted: 0,
      error: null, size: null, createdAt: now, updatedAt: now, validUntil: null,
    };
    await this.store.create(job, snapshotOf(p), ids);
    try {
      await this.control.start(p.accountId, job.id);
    } catch (err) {
      // Never left pending with nobody to run it: the job is failed, and says why.
      await this.store.fail(job.id, `the export could not be queued: ${(err as Error).message}`).catch(() => undefined);
      throw err;
    }
    return job;
  }

  /** The caller's own export job; anyone else's is not found. */
  async get(p: Principal, id: string, kinds: readonly ExportKind[] = EXPORT_KINDS): Promise<ExportJob> {
    const job = await this.store.get(p.accountId, id);
    if (!job || job.createdBy !== p.id || !kinds.includes(job.kind)) throw notFound(`export job ${id}`);
    return this.current(job);
  }

  /** A finished bundle past its time reads as expired even before the sweep removed it. */
  private current(job: ExportJob): ExportJob {
    return job.status === 'complete' && job.validUntil && Date.parse(job.validUntil) <= Date.now() ? { ...job, status: 'expired' } : job;
  }

  /**
   * A recording (or its media) was deleted: bundles holding a copy are taken back now and their
   * blobs erased, rather than at their next download or when they expire.
   */
  async recordingDeleted(accountId: string, recordingId: string): Promise<void> {
    for (const id of await this.store.holding(accountId, recordingId)) await this.withdraw(accountId, id);
  }

  /** Takes a bundle back (a recording in it was deleted): expired, key forgotten, blob erased. */
  private async withdraw(accountId: string, id: string): Promise<void> {
    const withdrawn = await this.store.withdraw(accountId, id, 'a recording in it was deleted since it was made');
    if (withdrawn) await this.reader.delete(withdrawn.blobKey).catch(() => undefined);
  }

  /** Marks finished bundles past their time expired and erases their blobs. */
  async sweep(now = Date.now()): Promise<void> {
    for (const s of await this.store.expire(now)) await this.reader.delete(s.blobKey).catch(() => undefined);
  }

  /** The caller's export jobs of these kinds, newest first. */
  async list(p: Principal, kinds: readonly ExportKind[], opts: { status?: string; offset: number; limit: number }): Promise<{ items: ExportJob[]; total: number }> {
    if (opts.status !== undefined && !(EXPORT_STATUSES as readonly string[]).includes(opts.status)) {
      throw invalid(`status must be one of ${EXPORT_STATUSES.join(', ')}, got '${opts.status}'`, { field: 'status' });
    }
    const page = await this.store.list(p.accountId, p.id, kinds, opts.status as ExportStatus | undefined, opts.offset, opts.limit);
    return { items: page.items.map((j) => this.current(j)), total: page.total };
  }

  /** The finished ZIP of the caller's export: 409 while it is being made, 404 once failed or expired. */
  async open(p: Principal, id: string, kinds: readonly ExportKind[] = EXPORT_KINDS): Promise<{ job: ExportJob; stream: NodeJS.ReadableStream }> {
    const job = await this.get(p, id, kinds);
    if (job.status === 'pending' || job.status === 'in_progress') {
      throw new VaultError(ErrorCode.CONFLICT, `export job ${id} is not complete yet (${job.filesCompleted} of ${job.filesTotal} files)`);
    }
    const secret = job.status === 'complete' ? await this.store.secretOf(p.accountId, id) : null;
    if (!secret || secret.wrappedKey === null || secret.keyId === null) throw notFound(`the bundle of export job ${id} (${job.status})`);
    // A deleted recording is erased everywhere: a bundle holding a copy is taken back, not served.
    if (!await this.store.stillHeld(p.accountId, id)) {
      await this.withdraw(p.accountId, id);
      throw notFound(`the bundle of export job ${id} (a recording in it was deleted since it was made)`);
    }
    const stream = await this.reader.open(secret.blobKey, { size: secret.size, wrappedKey: secret.wrappedKey, keyId: secret.keyId, chunkSize: secret.chunkSize });
    return { job, stream };
  }
}
