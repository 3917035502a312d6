import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { startServer, type TestServer } from '../helpers/server.js';
import { loadConfig } from '../../src/config/index.js';
import { openVault } from '../../src/context.js';
import { buildApp } from '../../src/http/app.js';
import { call } from './util.js';

describe('security headers and CORS', () => {
  let plain: TestServer;
  let cors: TestServer;
  before(async () => {
    plain = await startServer();
    cors = await startServer({ CALLVAULT_CORS_ORIGINS: 'https://app.example' });
  });
  after(async () => {
    await plain.stop();
    await cors.stop();
  });

  it('sends defensive headers on data and on errors', async () => {
    for (const res of [await call(plain, 'GET', '/api/v1/recordings'), await call(plain, 'GET', '/api/v1/recordings', { token: null })]) {
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
      assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/);
      assert.equal(res.headers.get('strict-transport-security'), null, 'no HSTS over plain HTTP');
    }
  });

  it('keeps CORS off unless origins are configured', async () => {
    const res = await call(plain, 'GET', '/api/v1/recordings', { headers: { origin: 'https://app.example' } });
    assert.equal(res.headers.get('access-control-allow-origin'), null);
    const pre = await fetch(`${plain.url}/api/v1/recordings`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' } });
    assert.equal(pre.headers.get('access-control-allow-origin'), null);
  });

  it('answers preflights and exposes headers to a configured origin only', async () => {
    const pre = await fetch(`${cors.url}/api/v1/recordings/x/media/y`, {
      method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization,range' },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), 'https://app.example');
    assert.match(pre.headers.get('access-control-allow-headers') ?? '', /range/);
    const get = await call(cors, 'GET', '/api/v1/recordings', { headers: { origin: 'https://app.example' } });
    assert.equal(get.headers.get('access-control-allow-origin'), 'https://app.example');
    assert.match(get.headers.get('access-control-expose-headers') ?? '', /Content-Range/);
    const other = await call(cors, 'GET', '/api/v1/recordings', { headers: { origin: 'https://evil.example' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    // A refusal by authentication reaches the page too (a browser client then sees the 401, not a network error).
    for (const path of ['/api/v1/recordings', '/v2/accounts/acc_x/recordings']) {
      const refused = await call(cors, 'GET', path, { token: null, headers: { origin: 'https://app.example' } });
      assert.equal(refused.status, 401);
      assert.equal(refused.headers.get('access-control-allow-origin'), 'https://app.example', path);
    }
  });
});

describe('behind a proxy', () => {
  const attempts = async (server: TestServer) => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await call(server, 'POST', '/oauth/token', { token: null, json: { client_id: `cli_${i}`, client_secret: 'x' }, headers: { 'x-forwarded-for': `203.0.113.${i}` } });
      statuses.push(res.status);
    }
    return statuses;
  };

  it('throttles by the proxy\'s address unless trust proxy is set, then by the client\'s', async () => {
    const untrusted = await startServer({ CALLVAULT_LOGIN_BURST: '2', CALLVAULT_LOGIN_PER_MINUTE: '1' });
    const trusted = await startServer({ CALLVAULT_LOGIN_BURST: '2', CALLVAULT_LOGIN_PER_MINUTE: '1', CALLVAULT_TRUST_PROXY: 'true' });
    try {
      // startServer's own sign-in succeeded, so it gave its attempt back: two failures are allowed.
      assert.deepEqual(await attempts(untrusted), [401, 401, 429]);
      assert.deepEqual(await attempts(trusted), [401, 401, 401]);
    } finally {
      await untrusted.stop();
      await trusted.stop();
    }
  });
});

describe('TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'callvault-tls-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serves HTTPS with the configured certificate and announces HSTS', async () => {
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    const config = loadConfig({ data: join(dir, 'data'), host: '127.0.0.1', port: 0, logLevel: 'silent' }, { CALLVAULT_TLS_CERT: cert, CALLVAULT_TLS_KEY: key });
    const vault = await openVault(config, { warn: () => undefined, info: () => undefined });
    const app = await buildApp(vault);
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const url = `https://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const res = await new Promise<{ status: number; hsts: string | undefined }>((resolve, reject) => {
        request(`${url}/healthz`, { rejectUnauthorized: false }, (r) => {
          r.resume();
          resolve({ status: r.statusCode ?? 0, hsts: r.headers['strict-transport-security'] as string | undefined });
        }).on('error', reject).end();
      });
      assert.equal(res.status, 200);
      assert.match(res.hsts ?? '', /max-age=/);
    } finally {
      await app.close();
      await vault.close();
    }
  });
});

describe('oversized headers', () => {
  let server: TestServer;
  before(async () => { server = await startServer(); });
  after(() => server.stop());

  it('answers 431 in the error envelope, with a request id', async () => {
    const res = await fetch(`${server.url}/api/v1/recordings`, { headers: { authorization: `Bearer ${server.token}`, 'x-padding': 'a'.repeat(40_000) } });
    assert.equal(res.status, 431);
    const body = (await res.json()) as { error: { code: string; request_id: string } };
    assert.equal(body.error.code, 'HEADERS_TOO_LARGE');
    assert.equal(body.error.request_id, res.headers.get('x-request-id'));
  });
});
