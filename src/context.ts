import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config/index.js';
import { createBlobStore, KeyRing, SealedBlobs, type BlobStore } from './blobs/index.js';
import { openStore, type MetadataStore } from './store/index.js';
import { resolveMediaTools, type MediaTools } from './media/binaries.js';
import { MediaIntake } from './ingest/intake.js';
import { IngestService } from './ingest/create.js';
import { RecordingService } from './core/recordings.js';
import { MediaService } from './core/media-access.js';
import { SettingsService } from './core/settings.js';
import { SigningKeys } from './auth/signing-keys.js';
import { newId } from './auth/secrets.js';
import { Janitor } from './ingest/janitor.js';
import { createLogs, type Logs } from './audit/index.js';
import { AuthService } from './auth/service.js';
import { Revocations } from './auth/revocations.js';
import { SqlArtifactStore } from './store/artifacts-sql.js';
import { SqlSearchIndex } from './store/search-sql.js';
import { SqlJobStore } from './store/jobs-sql.js';
import { SqlExportStore } from './store/exports-sql.js';
import { DEFAULT_EXPORT_LIMITS, ExportService } from './core/exports.js';
import { JobQueue, JobRunner } from './jobs/runner.js';
import { PIPELINE_POLICIES, PRUNE_TERMS_AFTER_MS, pipelineHandlers } from './jobs/handlers/all.js';
import { updateRecording } from './jobs/recording-status.js';
import { createTranscriber, createSummariser } from './jobs/engines.js';
import { TranscriptService } from './core/transcripts.js';
import type { ArtifactStore } from './store/artifacts-port.js';
import type { Transcriber } from './asr/port.js';

/** Everything a running vault is made of, built once from the config and passed down. */
export interface Vault {
  config: Config;
  store: MetadataStore;
  blobs: BlobStore;
  keys: KeyRing;
  sealed: SealedBlobs;
  tools: MediaTools;
  intake: MediaIntake;
  ingest: IngestService;
  recordings: RecordingService;
  media: MediaService;
  settings: SettingsService;
  auth: AuthService;
  signingKeys: SigningKeys;
  logs: Logs;
  artifacts: ArtifactStore;
  jobs: JobQueue;
  runner: JobRunner;
  transcripts: TranscriptService;
  exports: ExportService;
  close(): Promise<void>;
}

type Log = Pick<FastifyBaseLogger, 'warn' | 'info'>;

export async function openKeyRing(config: Config, log: Log): Promise<KeyRing> {
  if (config.masterKey.kind === 'env') return KeyRing.fromBase64(config.masterKey.base64);
  const { ring, created } = await KeyRing.loadOrCreate(config.masterKey.path);
  if (created) {
    log.warn(`No master key was configured: generated one at ${config.masterKey.path} (mode 0600). `
      + 'Back it up and keep it apart from the data: without it no recording can be read.');
  }
  return ring;
}

export async function openVault(config: Config, log: Log): Promise<Vault> {
  const keys = await openKeyRing(config, log);
  const store = await openStore(config.database);
  const nodeId = newId('node', 8);
  const blobs = createBlobStore(config.blobs);
  blobs.setWriterId(nodeId);
  await blobs.init();
  const sealed = new SealedBlobs(blobs, keys);
  const tools = await resolveMediaTools({
    ...(config.media.ffmpegPath ? { ffmpegPath: config.media.ffmpegPath } : {}),
    ...(config.media.ffprobePath ? { ffprobePath: config.media.ffprobePath } : {}),
  });
  const intake = new MediaIntake(store, sealed, tools, config.limits, nodeId);
  const janitor = new Janitor(store, blobs, intake, nodeId);
  const swept = await janitor.start();
  if (swept > 0) log.warn(`Removed ${swept} object(s) left by uploads that a stopped process had not finished`);
  const signingKeys = new SigningKeys(store, keys);
  await signingKeys.start();
  const logs = createLogs(store.db, config);
  const revocations = new Revocations(store);
  await revocations.start();

  const artifacts = new SqlArtifactStore(store.db);
  const exportStore = new SqlExportStore(store.db);
  const jobs = new JobQueue(new SqlJobStore(store.db, store.dialect), PIPELINE_POLICIES);
  let transcriber: Transcriber | undefined;
  const deps = {
    store, artifacts, sealed, tools, nodeId, queue: jobs, exports: exportStore,
    search: new SqlSearchIndex(store.db, store.dialect),
    transcriber: () => (transcriber ??= createTranscriber(config.pipeline)),
    summariser: createSummariser(config.pipeline),
    limits: { maxTranscribeMs: config.pipeline.maxTranscribeMs, minWordsForInsights: config.pipeline.minWordsForInsights },
  };
  const runner = new JobRunner(jobs, pipelineHandlers(deps, { transcribeConcurrency: config.pipeline.asr.concurrency }), {
    workerId: nodeId,
    onParked: (job, error) => logs.system('error', 'ai', `The ${job.kind} job of ${'exportId' in job.payload ? `export ${job.payload.exportId}` : `recording ${(job.payload as { recordingId?: string }).recordingId ?? '?'}`} failed: ${error}`,
      { data: { jobId: job.id, kind: job.kind, accountId: job.accountId, attempts: job.attempts } }),
    onError: (err) => log.warn(`job runner: ${err instanceof Error ? err.message : String(err)}`),
  });
  if (config.pipeline.workers) runner.start();
  const enqueue = (accountId: string, recordingId: string, kind: 'media' | 'index') =>
    jobs.enqueue({ accountId, kind, payload: { recordingId } }).then(() => undefined);
  const transcripts = new TranscriptService(store, artifacts, {
    async requestTranscript(accountId, recordingId) {
      await updateRecording(store, accountId, recordingId, () => ({ transcriptionStatus: 'requested', insightsStatus: 'none' }));
      await jobs.enqueue({ accountId, kind: 'transcribe', payload: { recordingId, reason: 'request' }, dedupeKey: `transcribe:${recordingId}` });
    },
    jobsOf: (accountId, recordingId) => jobs.store.forRecording(accountId, recordingId, 20),
  }, config.readOnly);
  const late: { exports?: ExportService } = {}; // the export service is made from the recording service, below
  const recordings = new RecordingService(store, {
    async erase(s) {
      await intake.discard(s.map((x) => x.blobKey));
      await jobs.enqueue({ accountId: '', kind: 'terms', payload: {}, dedupeKey: 'terms', runAt: Date.now() + PRUNE_TERMS_AFTER_MS }).catch(() => undefined);
    },
    deleted: async (accountId, recordingId) => late.exports?.recordingDeleted(accountId, recordingId),
  }, config.limits.exactCountCap,
  (a, r) => enqueue(a, r, 'index'), config.readOnly);
  const exports = new ExportService(exportStore, recordings, sealed, {
    start: (accountId, exportId) => jobs.enqueue({ accountId, kind: 'export', payload: { exportId } }).then(() => undefined),
  }, DEFAULT_EXPORT_LIMITS, config.readOnly);
  late.exports = exports;
  // Bundles past their time are erased within the hour even when no export or deletion happens.
  const exportSweep = setInterval(() => void exports.sweep().catch(() => undefined), 3_600_000);
  exportSweep.unref();
  return {
    config, store, blobs, keys, sealed, tools, intake, signingKeys, logs, artifacts, jobs, runner, transcripts, recordings, exports,
    ingest: new IngestService(store, intake, config.limits.maxMediaPerUpload, (a, r) => enqueue(a, r, 'media'), config.readOnly),
    media: new MediaService(store, sealed, artifacts),
    settings: new SettingsService(store, config.readOnly),
    auth: new AuthService(store, signingKeys, config.auth.tokenTtlSeconds, revocations),
    async close() {
      clearInterval(exportSweep);
      await runner.stop().catch(() => undefined);
      await janitor.stop().catch(() => undefined);
      revocations.stop();
      signingKeys.stop();
      await logs.close();
      await store.close();
    },
  };
}
