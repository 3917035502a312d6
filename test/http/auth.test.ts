import { DEFAULT_CLIENT_SCOPES } from '../../src/core/principals.js';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServer, type TestServer } from '../helpers/server.js';
import { assertError, call, type Res } from './util.js';

let server: TestServer;
let client: { clientId: string; secret: string; accountId: string };

before(async () => {
  server = await startServer();
  client = await server.client();
});
after(async () => {
  await server?.stop();
});

function tokenRequest(body: string, contentType: string, headers: Record<string, string> = {}): Promise<Res> {
  return call(server, 'POST', '/oauth/token', { token: null, body, headers: { 'content-type': contentType, ...headers } });
}

const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** A token answer: shape, lifetime, no caching, and a JWT whose claims match. */
function assertToken(res: Res, scopes = DEFAULT_CLIENT_SCOPES.join(' ')): string {
  assert.equal(res.status, 200, res.bytes.toString());
  assert.deepEqual(Object.keys(res.json).sort(), ['access_token', 'expires_in', 'scope', 'token_type']);
  assert.equal(res.json.token_type, 'Bearer');
  assert.equal(res.json.expires_in, 900);
  assert.equal(res.json.scope, scopes);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.ok(res.headers.get('x-request-id'));
  const parts = (res.json.access_token as string).split('.');
  assert.equal(parts.length, 3);
  const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as { alg: string };
  const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { sub: string; acc: string; exp: number; iat: number; scope: string };
  assert.equal(header.alg, 'HS256');
  assert.equal(claims.sub, client.clientId);
  assert.equal(claims.acc, client.accountId);
  assert.equal(claims.exp - claims.iat, 900);
  assert.ok(Math.abs(claims.iat - Date.now() / 1000) < 60);
  assert.equal(claims.scope, scopes);
  return res.json.access_token as string;
}

async function assertTokenWorks(token: string): Promise<void> {
  const res = await call(server, 'GET', '/api/v1/recordings', { token });
  assert.equal(res.status, 200, res.bytes.toString());
  const created = await call(server, 'POST', '/api/v1/recordings', { token, json: { startTime: '2024-01-01T00:00:00Z' } });
  assert.equal(created.status, 201, created.bytes.toString());
  assert.equal(created.json.accountId, client.accountId);
}

void describe('getting a token', () => {
  void test('a form-encoded client_credentials request gets a 15-minute bearer token that works', async () => {
    const res = await tokenRequest(form({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret }), 'application/x-www-form-urlencoded');
    await assertTokenWorks(assertToken(res));
  });

  void test('a JSON client_credentials request gets a token that works', async () => {
    const res = await tokenRequest(JSON.stringify({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret }), 'application/json');
    await assertTokenWorks(assertToken(res));
  });

  void test('HTTP Basic client authentication with only grant_type in the body gets a token that works', async () => {
    const res = await tokenRequest(form({ grant_type: 'client_credentials' }), 'application/x-www-form-urlencoded', { authorization: basic(client.clientId, client.secret) });
    await assertTokenWorks(assertToken(res));
  });

  void test('grant_type may be left out', async () => {
    const res = await tokenRequest(form({ client_id: client.clientId, client_secret: client.secret }), 'application/x-www-form-urlencoded');
    assertToken(res);
  });

  void test('two tokens for the same client are different', async () => {
    const body = form({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret });
    const a = assertToken(await tokenRequest(body, 'application/x-www-form-urlencoded'));
    const b = assertToken(await tokenRequest(body, 'application/x-www-form-urlencoded'));
    assert.notEqual(a, b);
  });

  void test('asking for fewer scopes gives a token limited to them', async () => {
    const res = await tokenRequest(form({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret, scope: 'recordings:read' }), 'application/x-www-form-urlencoded');
    const token = assertToken(res, 'recordings:read');
    assert.equal((await call(server, 'GET', '/api/v1/recordings', { token })).status, 200);
    assertError(await call(server, 'POST', '/api/v1/recordings', { token, json: { startTime: '2024-01-01T00:00:00Z' } }), 403, 'INSUFFICIENT_PERMISSIONS');
  });

  void test('asking for a scope the client does not have is refused with 401', async () => {
    const res = await tokenRequest(form({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret, scope: 'recordings:read admin' }), 'application/x-www-form-urlencoded');
    assertError(res, 401, 'INVALID_CLIENT_CREDENTIALS', 'admin');
    assert.equal(res.json.access_token, undefined);
  });

  void test('a client in another account gets a token for that account only', async () => {
    const other = await server.client({ newAccount: true });
    const res = await tokenRequest(JSON.stringify({ grant_type: 'client_credentials', client_id: other.clientId, client_secret: other.secret }), 'application/json');
    assert.equal(res.status, 200);
    const claims = JSON.parse(Buffer.from((res.json.access_token as string).split('.')[1]!, 'base64url').toString('utf8')) as { acc: string };
    assert.equal(claims.acc, other.accountId);
    assert.notEqual(claims.acc, client.accountId);
  });
});

void describe('refused token requests', () => {
  void test('a wrong secret is refused with a 401 envelope', async () => {
    const res = await tokenRequest(form({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: `${client.secret}x` }), 'application/x-www-form-urlencoded');
    assertError(res, 401, 'INVALID_CLIENT_CREDENTIALS');
    assert.equal(res.json.access_token, undefined);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
  });

  void test('a wrong secret over HTTP Basic is refused with a 401 envelope', async () => {
    const res = await tokenRequest(form({ grant_type: 'client_credentials' }), 'application/x-www-form-urlencoded', { authorization: basic(client.clientId, 'nope') });
    assertError(res, 401, 'INVALID_CLIENT_CREDENTIALS');
  });

  void test('an unknown client is refused with the same 401 as a wrong secret', async () => {
    const wrong = await tokenRequest(JSON.stringify({ client_id: client.clientId, client_secret: 'nope' }), 'application/json');
    const unknown = await tokenRequest(JSON.stringify({ client_id: 'cli_doesnotexist', client_secret: 'nope' }), 'application/json');
    assertError(unknown, 401, 'INVALID_CLIENT_CREDENTIALS');
    assert.equal(unknown.json.error.description, wrong.json.error.description, 'the answer must not reveal which client ids exist');
  });

  void test('an unsupported grant_type is refused with 400 naming it', async () => {
    for (const grant of ['password', 'authorization_code', 'refresh_token']) {
      const res = await tokenRequest(form({ grant_type: grant, client_id: client.clientId, client_secret: client.secret }), 'application/x-www-form-urlencoded');
      assertError(res, 400, 'INVALID_REQUEST', grant);
    }
  });

  void test('a request without client credentials is refused with 400', async () => {
    assertError(await tokenRequest(form({ grant_type: 'client_credentials' }), 'application/x-www-form-urlencoded'), 400, 'INVALID_REQUEST', 'client_id');
    assertError(await tokenRequest(form({ grant_type: 'client_credentials', client_id: client.clientId }), 'application/x-www-form-urlencoded'), 400, 'INVALID_REQUEST', 'client_secret');
  });

  void test('a JSON body that is not JSON is refused with 400', async () => {
    assertError(await tokenRequest('{"client_id":', 'application/json'), 400, 'INVALID_REQUEST');
  });

  void test('a body in an unsupported content type is refused with 415', async () => {
    assertError(await tokenRequest('<grant_type>client_credentials</grant_type>', 'application/xml'), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  void test('a token request needs no bearer token, and a bad one does not get in the way', async () => {
    const res = await tokenRequest(
      form({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.secret }),
      'application/x-www-form-urlencoded',
      { authorization: 'Bearer expired-or-garbage' },
    );
    assertToken(res);
  });
});
