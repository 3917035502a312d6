import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config/index.js';
import { openVault, type Vault } from '../../src/context.js';
import { buildApp } from '../../src/http/app.js';
import { hashSecret, newId, newSecret } from '../../src/auth/secrets.js';
import { DEFAULT_CLIENT_SCOPES, type Scope } from '../../src/core/principals.js';

export interface TestServer {
  url: string;
  dir: string;
  config: Config;
  vault: Vault;
  app: FastifyInstance;
  accountId: string;
  /** A bearer token for a client of the default account with the default scopes. */
  token: string;
  /** Creates another client (optionally in a new account) and returns its token. */
  client(opts?: { scopes?: Scope[]; newAccount?: boolean }): Promise<{ token: string; clientId: string; secret: string; accountId: string }>;
  stop(): Promise<void>;
}

/**
 * Starts the real server on 127.0.0.1 with SQLite and a data folder in a fresh temp dir.
 * Pass `config` overrides through env-style keys to exercise limits.
 */
export async function startServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'callvault-test-'));
  // Job workers are off unless a test asks for them (CALLVAULT_WORKERS: 'true'): most tests are about the API.
  const config = loadConfig({ data: dir, host: '127.0.0.1', port: 0, logLevel: 'silent' }, { CALLVAULT_WORKERS: 'false', ...env });
  const vault = await openVault(config, { warn: () => undefined, info: () => undefined });
  const app = await buildApp(vault);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('server did not bind a TCP port');
  const url = `http://127.0.0.1:${address.port}`;

  const makeClient = async (opts: { scopes?: Scope[]; newAccount?: boolean } = {}, accountId?: string) => {
    let acc = accountId;
    if (!acc || opts.newAccount) {
      acc = newId('acc', 10);
      await vault.store.createAccount({ id: acc, name: `test-${acc}`, settings: {}, createdAt: new Date().toISOString() });
    }
    const secret = newSecret();
    const clientId = newId('cli', 10);
    await vault.store.createClient({
      id: clientId, accountId: acc, name: 'test', secretHash: await hashSecret(secret),
      scopes: opts.scopes ?? DEFAULT_CLIENT_SCOPES, createdAt: new Date().toISOString(),
    });
    const res = await fetch(`${url}/oauth/token`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }),
    });
    if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${await res.text()}`);
    const { access_token } = (await res.json()) as { access_token: string };
    return { token: access_token, clientId, secret, accountId: acc };
  };
  const first = await makeClient({});
  return {
    url, dir, config, vault, app, accountId: first.accountId, token: first.token,
    client: (opts) => makeClient(opts ?? {}, opts?.newAccount ? undefined : first.accountId),
    async stop() {
      await app.close();
      await vault.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Builds a multipart body the way a client library would (metadata part + media parts). */
export function multipart(metadata: unknown, files: Array<{ name?: string; fileName: string; type: string; data: Buffer }>): { body: Buffer; contentType: string } {
  const boundary = `----callvault${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  if (metadata !== undefined) {
    const text = typeof metadata === 'string' ? metadata : JSON.stringify(metadata);
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\nContent-Type: application/json\r\n\r\n${text}\r\n`));
  }
  for (const f of files) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.name ?? 'media'}"; filename="${f.fileName}"\r\nContent-Type: ${f.type}\r\n\r\n`));
    chunks.push(f.data, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
