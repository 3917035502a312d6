import { resolve, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { pipelineConfig, type PipelineConfig } from './pipeline.js';
import { bad, bool, int } from './parse.js';

/**
 * Everything the process needs, validated once at boot and passed down. Nothing else reads
 * process.env. Precedence: command-line flags > environment > config file > defaults.
 */
export interface Config {
  host: string;
  port: number;
  dataDir: string;
  database: { kind: 'sqlite'; path: string };
  blobs: { kind: 'disk'; root: string };
  masterKey: { kind: 'env'; base64: string } | { kind: 'file'; path: string };
  limits: {
    /** Largest accepted media file, bytes. */
    maxMediaBytes: number;
    /** Largest JSON body / metadata part, bytes. */
    maxJsonBytes: number;
    maxMediaPerUpload: number;
    /** Counting stops here; past it, list totals are lower bounds marked estimated. */
    exactCountCap: number;
    /** ffprobe gets this long after the last byte before the upload is refused. */
    probeTimeoutMs: number;
    /** Token requests per minute (and burst) allowed per address and per client id. */
    loginPerMinute: number;
    loginBurst: number;
    /** Requests per minute per principal and per source address on authenticated routes; 0 turns a limit off. */
    requestsPerMinute: number;
    requestsPerMinutePerIp: number;
  };
  auth: { tokenTtlSeconds: number };
  http: {
    /** Origins allowed to call the API from a browser; empty = CORS off. `*` allows any. */
    corsOrigins: string[];
    /** Fastify's trustProxy: false, true, a hop count, or a comma-separated list of proxy addresses/CIDRs. */
    trustProxy: boolean | number | string;
    /** Serve HTTPS directly when both are set (PEM files). */
    tlsCertFile?: string;
    tlsKeyFile?: string;
  };
  /** The audit trail and activity logs (docs/logs.md). Retention in days; 0 keeps forever. */
  logs: {
    apiActivityRetentionDays: number; systemActivityRetentionDays: number; auditRetentionDays: number;
    /** Below this many free bytes under the data folder, a storage alarm is raised. */
    minFreeBytes: number; storageCheckIntervalMs: number;
  };
  media: { ffmpegPath?: string; ffprobePath?: string };
  pipeline: PipelineConfig;
  /** Refuse every change to recordings and settings (503 READ_ONLY), e.g. on a replica or during a migration of the data. */
  readOnly: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export type ConfigOverrides = Partial<{
  host: string; port: string | number; data: string; database: string; masterKey: string;
  masterKeyFile: string; logLevel: string; config: string;
}>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;


function httpConfig(env: NodeJS.ProcessEnv, f: Record<string, unknown>): Config['http'] {
  const cors = env.CALLVAULT_CORS_ORIGINS ?? (Array.isArray(f.corsOrigins) ? f.corsOrigins.join(',') : f.corsOrigins);
  const corsOrigins = typeof cors === 'string' ? cors.split(',').map((o) => o.trim()).filter(Boolean) : [];
  for (const o of corsOrigins) if (o !== '*' && !/^https?:\/\/[^/\s]+$/.test(o)) bad(`CORS origin ${JSON.stringify(o)} must look like https://host[:port] or be *`);
  const tp = env.CALLVAULT_TRUST_PROXY ?? f.trustProxy;
  let trustProxy: Config['http']['trustProxy'];
  if (tp === true || tp === 'true') trustProxy = true;
  else if (tp === undefined || tp === false || tp === 'false' || tp === '') trustProxy = false;
  else if (/^\d+$/.test(String(tp))) trustProxy = Number(tp);
  else trustProxy = String(tp);
  const cert = env.CALLVAULT_TLS_CERT ?? f.tlsCertFile;
  const key = env.CALLVAULT_TLS_KEY ?? f.tlsKeyFile;
  if ((cert === undefined) !== (key === undefined)) bad('TLS needs both a certificate and a key file');
  return { corsOrigins, trustProxy, ...(cert ? { tlsCertFile: resolve(String(cert)), tlsKeyFile: resolve(String(key)) } : {}) };
}

/** Build the typed config from flags, an env map and an optional JSON file. */
export function loadConfig(flags: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const filePath = flags.config ?? env.CALLVAULT_CONFIG;
  let file: Record<string, unknown> = {};
  if (filePath) {
    try {
      file = JSON.parse(readFileSync(filePath, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      bad(`cannot read config file ${filePath}: ${(err as Error).message}`);
    }
    if (typeof file !== 'object' || file === null || Array.isArray(file)) bad(`${filePath} must hold a JSON object`);
  }
  const pick = (flag: unknown, envName: string, fileKey: string): unknown =>
    flag ?? env[envName] ?? file[fileKey];

  const dataDir = resolve(String(pick(flags.data, 'CALLVAULT_DATA', 'data') ?? './data'));
  const port = int('port', pick(flags.port, 'CALLVAULT_PORT', 'port') ?? 8080, 0, 65535);
  const host = String(pick(flags.host, 'CALLVAULT_HOST', 'host') ?? 'localhost');

  const dbUrl = String(pick(flags.database, 'CALLVAULT_DATABASE_URL', 'database') ?? `sqlite:${join(dataDir, 'callvault.db')}`);
  if (!dbUrl.startsWith('sqlite:')) bad(`database ${JSON.stringify(dbUrl)} is not supported yet (use sqlite:PATH)`);
  const database = { kind: 'sqlite' as const, path: resolve(dbUrl.slice('sqlite:'.length)) };

  const blobUrl = String(env.CALLVAULT_BLOB_STORE ?? file.blobStore ?? `disk:${join(dataDir, 'blobs')}`);
  if (!blobUrl.startsWith('disk:')) bad(`blob store ${JSON.stringify(blobUrl)} is not supported yet (use disk:PATH)`);
  const blobs = { kind: 'disk' as const, root: resolve(blobUrl.slice('disk:'.length)) };

  const keyB64 = pick(flags.masterKey, 'CALLVAULT_MASTER_KEY', 'masterKey');
  let masterKey: Config['masterKey'];
  if (keyB64 !== undefined) {
    const raw = Buffer.from(String(keyB64), 'base64');
    if (raw.length !== 32) bad('master key must be 32 bytes, base64-encoded');
    masterKey = { kind: 'env', base64: String(keyB64) };
  } else {
    const keyFile = pick(flags.masterKeyFile, 'CALLVAULT_MASTER_KEY_FILE', 'masterKeyFile');
    masterKey = { kind: 'file', path: resolve(String(keyFile ?? join(dataDir, 'master-keys.json'))) };
  }

  const logLevel = String(pick(flags.logLevel, 'CALLVAULT_LOG_LEVEL', 'logLevel') ?? 'info');
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) bad(`log level must be one of ${LOG_LEVELS.join(', ')}`);

  const lim = (file.limits ?? {}) as Record<string, unknown>;
  return {
    host,
    port,
    dataDir,
    database,
    blobs,
    masterKey,
    limits: {
      maxMediaBytes: int('maxMediaBytes', env.CALLVAULT_MAX_MEDIA_BYTES ?? lim.maxMediaBytes ?? 4 * 1024 ** 3, 1, Number.MAX_SAFE_INTEGER),
      maxJsonBytes: int('maxJsonBytes', env.CALLVAULT_MAX_JSON_BYTES ?? lim.maxJsonBytes ?? 1024 * 1024, 1024, 64 * 1024 * 1024),
      maxMediaPerUpload: int('maxMediaPerUpload', lim.maxMediaPerUpload ?? 16, 1, 256),
      exactCountCap: int('exactCountCap', env.CALLVAULT_EXACT_COUNT_CAP ?? lim.exactCountCap ?? 10000, 100, 100_000_000),
      probeTimeoutMs: int('probeTimeoutMs', lim.probeTimeoutMs ?? 60_000, 1000, 3_600_000),
      loginPerMinute: int('loginPerMinute', env.CALLVAULT_LOGIN_PER_MINUTE ?? lim.loginPerMinute ?? 30, 1, 1_000_000),
      loginBurst: int('loginBurst', env.CALLVAULT_LOGIN_BURST ?? lim.loginBurst ?? 20, 1, 1_000_000),
      requestsPerMinute: int('requestsPerMinute', env.CALLVAULT_RATE_LIMIT_PER_MINUTE ?? lim.requestsPerMinute ?? 12_000, 0, 100_000_000),
      requestsPerMinutePerIp: int('requestsPerMinutePerIp', env.CALLVAULT_RATE_LIMIT_PER_IP_PER_MINUTE ?? lim.requestsPerMinutePerIp ?? 24_000, 0, 100_000_000),
    },
    http: httpConfig(env, (file.http ?? {}) as Record<string, unknown>),
    auth: { tokenTtlSeconds: int('tokenTtlSeconds', env.CALLVAULT_TOKEN_TTL ?? (file.auth as Record<string, unknown> | undefined)?.tokenTtlSeconds ?? 900, 60, 86400) },
    logs: ((l: Record<string, unknown>) => ({
      apiActivityRetentionDays: int('apiActivityRetentionDays', env.CALLVAULT_API_ACTIVITY_RETENTION_DAYS ?? l.apiActivityRetentionDays ?? 90, 0, 36500),
      systemActivityRetentionDays: int('systemActivityRetentionDays', env.CALLVAULT_SYSTEM_ACTIVITY_RETENTION_DAYS ?? l.systemActivityRetentionDays ?? 365, 0, 36500),
      auditRetentionDays: int('auditRetentionDays', env.CALLVAULT_AUDIT_RETENTION_DAYS ?? l.auditRetentionDays ?? 0, 0, 36500),
      minFreeBytes: int('minFreeBytes', env.CALLVAULT_MIN_FREE_BYTES ?? l.minFreeBytes ?? 1024 ** 3, 0, Number.MAX_SAFE_INTEGER),
      storageCheckIntervalMs: int('storageCheckIntervalMs', env.CALLVAULT_STORAGE_CHECK_MS ?? l.storageCheckIntervalMs ?? 60_000, 10, 86_400_000),
    }))((file.logs ?? {}) as Record<string, unknown>),
    media: {
      ...(env.CALLVAULT_FFMPEG ? { ffmpegPath: env.CALLVAULT_FFMPEG } : {}),
      ...(env.CALLVAULT_FFPROBE ? { ffprobePath: env.CALLVAULT_FFPROBE } : {}),
    },
    pipeline: pipelineConfig(env, (file.pipeline ?? {}) as Record<string, unknown>),
    readOnly: bool('readOnly', env.CALLVAULT_READ_ONLY ?? file.readOnly, false),
    logLevel: logLevel as Config['logLevel'],
  };
}
