import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../helpers/server.js';

describe('throttling of token requests', () => {
  let server: TestServer;
  before(async () => { server = await startServer({ CALLVAULT_LOGIN_BURST: '4', CALLVAULT_LOGIN_PER_MINUTE: '1' }); });
  after(() => server.stop());

  it('answers 429 in the envelope with Retry-After once an address has used its burst', async () => {
    // startServer signed in to get its token: a success, which gives its attempt back.
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 5; i++) {
      last = await fetch(`${server.url}/oauth/token`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credentials', client_id: `cli_guess${i}`, client_secret: 'wrong' }),
      });
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 429]);
    assert.ok(Number(last!.headers.get('retry-after')) >= 1);
    assert.ok(last!.headers.get('x-request-id'));
    const body = (await last!.json()) as { error: { code: string } };
    assert.equal(body.error.code, 'RATE_LIMIT_EXCEEDED');
  });

  it('does not count sign-ins that succeed', async () => {
    const other = await startServer({ CALLVAULT_LOGIN_BURST: '2', CALLVAULT_LOGIN_PER_MINUTE: '1' });
    try {
      const { clientId, secret } = await other.client();
      for (let i = 0; i < 6; i++) {
        const res = await fetch(`${other.url}/oauth/token`, {
          method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }),
        });
        assert.equal(res.status, 200, `sign-in ${i + 1}`);
      }
    } finally {
      await other.stop();
    }
  });

  it('keeps serving other requests with an existing token meanwhile', async () => {
    const res = await fetch(`${server.url}/api/v1/recordings`, { headers: { authorization: `Bearer ${server.token}` } });
    assert.equal(res.status, 200);
  });
});

describe('request rate limits', () => {
  let server: TestServer;
  before(async () => { server = await startServer({ CALLVAULT_RATE_LIMIT_PER_MINUTE: '12', CALLVAULT_RATE_LIMIT_PER_IP_PER_MINUTE: '0' }); });
  after(() => server.stop());

  it('answers 429 with Retry-After once a principal has spent its allowance, without touching others', async () => {
    const other = await server.client();
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 3; i++) {
      last = await fetch(`${server.url}/api/v1/recordings`, { headers: { authorization: `Bearer ${server.token}` } });
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [200, 200, 429]);
    assert.ok(Number(last!.headers.get('retry-after')) >= 1);
    assert.equal(((await last!.json()) as { error: { code: string } }).error.code, 'RATE_LIMIT_EXCEEDED');
    const theirs = await fetch(`${server.url}/api/v1/recordings`, { headers: { authorization: `Bearer ${other.token}` } });
    assert.equal(theirs.status, 200);
  });
});
