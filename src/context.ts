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
  return {
    config, store, blobs, keys, sealed, tools, intake, signingKeys, logs,
    ingest: new IngestService(store, intake, config.limits.maxMediaPerUpload),
    recordings: new RecordingService(store, { erase: (s) => intake.discard(s.map((x) => x.blobKey)) }, config.limits.exactCountCap),
    media: new MediaService(store, sealed),
    settings: new SettingsService(store),
    auth: new AuthService(store, signingKeys, config.auth.tokenTtlSeconds, revocations),
    async close() {
      await janitor.stop().catch(() => undefined);
      revocations.stop();
      signingKeys.stop();
      await logs.close();
      await store.close();
    },
  };
}
