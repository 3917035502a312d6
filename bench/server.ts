/** Starts the real vault + HTTP app on 127.0.0.1 for the benchmarks (logging off). */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../src/config/index.js';
import { openVault, type Vault } from '../src/context.js';
import { buildApp } from '../src/http/app.js';
import { hashSecret, newId } from '../src/auth/secrets.js';
import { DEFAULT_CLIENT_SCOPES } from '../src/core/principals.js';

export interface BenchServer {
  origin: string;
  vault: Vault;
  app: FastifyInstance;
  /** A fresh API client of the account (default scopes) and its bearer token. */
  tokenFor(accountId: string): Promise<string>;
  /** A new account with a token. */
  newAccount(): Promise<{ accountId: string; token: string }>;
  stop(): Promise<void>;
}

export interface BenchServerOptions {
  /** Existing database (e.g. the seeded one); a fresh one in a temp folder otherwise. */
  dbPath?: string;
  /** Master key file that belongs with dbPath (its signing keys are wrapped by it). */
  keyFile?: string;
}

export async function startBenchServer(opts: BenchServerOptions = {}): Promise<BenchServer> {
  const dir = mkdtempSync(join(tmpdir(), 'callvault-bench-'));
  // The bench drives thousands of requests a second from one client: request limits off.
  // API benches: no job workers polling the queue beside the measured requests.
  const env: Record<string, string> = { CALLVAULT_TOKEN_TTL: '86400', CALLVAULT_RATE_LIMIT_PER_MINUTE: '0', CALLVAULT_RATE_LIMIT_PER_IP_PER_MINUTE: '0', CALLVAULT_WORKERS: 'false' };
  for (const k of ['CALLVAULT_FFMPEG', 'CALLVAULT_FFPROBE']) {
    const v = process.env[k];
    if (v) env[k] = v;
  }
  const config = loadConfig({
    data: dir, host: '127.0.0.1', port: 0, logLevel: 'silent',
    ...(opts.dbPath ? { database: `sqlite:${opts.dbPath}` } : {}),
    ...(opts.keyFile ? { masterKeyFile: opts.keyFile } : {}),
  }, env);
  const quiet = { warn: () => undefined, info: () => undefined };
  const vault = await openVault(config, quiet);
  const app = await buildApp(vault, { logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('server did not bind a TCP port');

  const tokenFor = async (accountId: string): Promise<string> => {
    const secret = randomBytes(24).toString('base64url');
    const clientId = newId('cli', 10);
    await vault.store.createClient({
      id: clientId, accountId, name: 'bench', secretHash: await hashSecret(secret),
      scopes: DEFAULT_CLIENT_SCOPES, createdAt: new Date().toISOString(),
    });
    return (await vault.auth.clientCredentials(clientId, secret)).access_token;
  };
  return {
    origin: `http://127.0.0.1:${address.port}`,
    vault,
    app,
    tokenFor,
    async newAccount() {
      const accountId = newId('acc', 10);
      await vault.store.createAccount({ id: accountId, name: `bench-${accountId}`, settings: {}, createdAt: new Date().toISOString() });
      return { accountId, token: await tokenFor(accountId) };
    },
    async stop() {
      await app.close();
      await vault.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
