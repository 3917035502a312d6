import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startServer, multipart, type TestServer } from '../helpers/server.js';
import { makeFixture } from '../fixtures/media.js';
import { hashSecret, newId } from '../../src/auth/secrets.js';
import type { Role } from '../../src/core/principals.js';
import { call } from '../http/util.js';

/**
 * Every route × every kind of caller: the status each must get, and for lists, that nothing
 * outside the caller's view is returned or counted.
 */
const VONAGE = '/t/vbc.prod/call_recording/api';

describe('the role matrix', () => {
  let server: TestServer;
  const tok: Record<string, string> = {};
  let other: { id: string; mediaId: string; numericId: number };
  let held: string;
  let heldNumber: number;

  before(async () => {
    server = await startServer();
    for (const [username, role, groups] of [['ada', 'admin', []], ['sue', 'supervisor', ['g1']], ['amy', 'agent', []]] as Array<[string, Role, string[]]>) {
      await server.vault.store.createUser({
        id: newId('usr', 10), accountId: server.accountId, username, passwordHash: await hashSecret('pw-pw-pw-pw'), role,
        createdAt: new Date().toISOString(), upn: `${username}@acme.test`, groups,
      });
      tok[username] = (await call(server, 'POST', '/api/v1/auth/login', { token: null, json: { username, password: 'pw-pw-pw-pw' } })).json.access_token;
    }
    tok.client = server.token;
    tok.noscope = (await server.client({ scopes: ['transcripts:read'] })).token;
    const wav = await readFile(await makeFixture('wav-mulaw', { seconds: 1 }));
    const { body, contentType } = multipart({ startTime: '2026-01-01T00:00:00Z', calling: { phoneNumber: '+1 555 0199' } }, [{ fileName: 'a.wav', type: 'audio/wav', data: wav }]);
    const rec = await call(server, 'POST', '/api/v1/recordings', { body, headers: { 'content-type': contentType } });
    other = { id: rec.json.id, mediaId: rec.json.media[0].id, numericId: rec.json.numericId };
    const heldRec = (await call(server, 'POST', '/api/v1/recordings', { json: { startTime: '2026-01-02T00:00:00Z', nonDelete: true } })).json;
    held = heldRec.id;
    heldNumber = heldRec.numericId;
  });
  after(() => server.stop());

  /** A door's own error envelope (the native one unless a row says otherwise). */
  type Envelope = (body: any) => boolean; // eslint-disable-line @typescript-eslint/no-explicit-any
  const native: Envelope = (b) => typeof b?.error?.code === 'string';
  const listV1: Envelope = (b) => typeof b?.status === 'number' && typeof b?.message === 'string';
  const kazoo: Envelope = (b) => b?.status === 'error' && typeof b?.error === 'string';
  const genesys: Envelope = (b) => typeof b?.statusCode === 'number' && typeof b?.statusMessage === 'string';
  const vonage: Envelope = (b) => typeof b?.status === 'number' && typeof b?.error === 'string' && typeof b?.path === 'string';
  type Row = [string, string, () => string, unknown, Record<string, number>, Envelope?];
  const rows: Row[] = [
    ['list recordings', 'GET', () => '/api/v1/recordings', undefined, { client: 200, ada: 200, sue: 200, amy: 200, noscope: 403 }],
    ['get a recording outside the view', 'GET', () => `/api/v1/recordings/${other.id}`, undefined, { client: 200, ada: 200, sue: 404, amy: 404, noscope: 403 }],
    ['play media outside the view', 'GET', () => `/api/v1/recordings/${other.id}/media/${other.mediaId}`, undefined, { client: 200, ada: 200, sue: 404, amy: 404, noscope: 403 }],
    ['edit a recording outside the view', 'PATCH', () => `/api/v1/recordings/${other.id}`, { addNotes: [{ content: 'x' }] }, { client: 200, ada: 200, sue: 404, amy: 404, noscope: 403 }],
    ['delete a non-deletable recording', 'DELETE', () => `/api/v1/recordings/${held}`, undefined, { client: 409, ada: 409, sue: 404, amy: 403, noscope: 403 }],
    ['upload a recording', 'POST', () => '/api/v1/recordings', { startTime: '2026-02-01T00:00:00Z' }, { client: 201, ada: 201, sue: 201, amy: 201, noscope: 403 }],
    ['read the audit trail', 'GET', () => '/api/v1/audit-logs', undefined, { client: 403, ada: 200, sue: 403, amy: 403, noscope: 403 }],
    ['read the API activity log', 'GET', () => '/api/v1/api-activity-logs', undefined, { client: 403, ada: 200, sue: 403, amy: 403, noscope: 403 }],
    ['read the system activity log', 'GET', () => '/api/v1/system-activity-logs', undefined, { client: 403, ada: 200, sue: 403, amy: 403, noscope: 403 }],
    ['change privacy settings', 'PUT', () => '/api/v1/settings/privacy', { agentFields: [], customerFields: [] }, { client: 403, ada: 200, sue: 403, amy: 403, noscope: 403 }],
    ['ask who they are', 'GET', () => '/api/v1/auth/me', undefined, { client: 200, ada: 200, sue: 200, amy: 200, noscope: 200 }],
    ['search by spoken word', 'GET', () => '/api/v1/recordings?q=refund', undefined, { client: 200, ada: 200, sue: 200, amy: 200, noscope: 403 }],
    ['read a transcript outside the view (none made yet)', 'GET', () => `/api/v1/recordings/${other.id}/transcript`, undefined, { client: 404, ada: 404, sue: 404, amy: 404, noscope: 404 }],
    ['read insights outside the view (none made yet)', 'GET', () => `/api/v1/recordings/${other.id}/insights`, undefined, { client: 404, ada: 404, sue: 404, amy: 404, noscope: 404 }],
    ['read the waveform outside the view (none made yet)', 'GET', () => `/api/v1/recordings/${other.id}/waveform`, undefined, { client: 404, ada: 404, sue: 404, amy: 404, noscope: 403 }],
    ['list the jobs of a recording outside the view', 'GET', () => `/api/v1/recordings/${other.id}/jobs`, undefined, { client: 200, ada: 200, sue: 404, amy: 404, noscope: 403 }],
    ['read the pipeline policy', 'GET', () => '/api/v1/settings/pipeline', undefined, { client: 403, ada: 200, sue: 403, amy: 403, noscope: 403 }],
    ['change the pipeline policy', 'PUT', () => '/api/v1/settings/pipeline', { autoTranscribe: false }, { client: 403, ada: 200, sue: 403, amy: 403, noscope: 403 }],
    // The Interaction Insights door answers every caller as the native API does, in the same envelope.
    ['list recordings (Interaction Insights)', 'GET', () => '/api/integration/v1/recordings', undefined, { client: 200, ada: 200, sue: 200, amy: 200, noscope: 403 }],
    ['get a recording outside the view (Interaction Insights)', 'GET', () => `/api/integration/v1/recordings/${other.id}`, undefined, { client: 200, ada: 200, sue: 404, amy: 404, noscope: 403 }],
    // Its transcript needs both of the document's permissions (recordings:read and transcripts:read).
    ['read a transcript outside the view (Interaction Insights)', 'GET', () => `/api/integration/v1/recordings/${other.id}/transcript`, undefined, { client: 404, ada: 404, sue: 404, amy: 404, noscope: 403 }],
    ['read the audit trail (Interaction Insights)', 'GET', () => '/api/integration/v1/auditLogs', undefined, { client: 403, ada: 200, sue: 403, amy: 403, noscope: 403 }],
    ['read the API activity log (Interaction Insights)', 'GET', () => '/api/integration/v1/apiActivityLogs', undefined, { client: 403, ada: 200, sue: 403, amy: 403, noscope: 403 }],
    ['read the system activity log (Interaction Insights)', 'GET', () => '/api/integration/v1/systemActivityLogs', undefined, { client: 403, ada: 200, sue: 403, amy: 403, noscope: 403 }],
    ['list recordings (list v1)', 'GET', () => '/v1/recordings?quantity=10&from=0', undefined, { client: 200, ada: 200, sue: 200, amy: 200, noscope: 403 }, listV1],
    ['list recordings (Kazoo)', 'GET', () => `/v2/accounts/${server.accountId}/recordings`, undefined, { client: 200, ada: 200, sue: 200, amy: 200, noscope: 403 }, kazoo],
    ['get a recording outside the view (Kazoo)', 'GET', () => `/v2/accounts/${server.accountId}/recordings/${other.id}`, undefined, { client: 200, ada: 200, sue: 404, amy: 404, noscope: 403 }, kazoo],
    ['edit a recording outside the view (Kazoo)', 'PATCH', () => `/v2/accounts/${server.accountId}/recordings/${other.id}`, { data: { user_metadata: { x: 1 } } }, { client: 200, ada: 200, sue: 404, amy: 404, noscope: 403 }, kazoo],
    ['delete a non-deletable recording (Kazoo)', 'DELETE', () => `/v2/accounts/${server.accountId}/recordings/${held}`, undefined, { client: 409, ada: 409, sue: 404, amy: 403, noscope: 403 }, kazoo],
    // The Vonage door: the same rules through its own routes and error body.
    ['Vonage: list company recordings', 'GET', () => `${VONAGE}/accounts/self/company_call_recordings`, undefined, { client: 200, ada: 200, sue: 200, amy: 200, noscope: 403 }, vonage],
    ['Vonage: get a recording outside the view', 'GET', () => `${VONAGE}/accounts/self/company_call_recordings/${other.numericId}`, undefined, { client: 200, ada: 200, sue: 404, amy: 404, noscope: 403 }, vonage],
    ['Vonage: download audio outside the view', 'GET', () => `${VONAGE}/audio/recording/${other.numericId}`, undefined, { client: 200, ada: 200, sue: 404, amy: 404, noscope: 403 }, vonage],
    ['Vonage: delete a non-deletable recording', 'DELETE', () => `${VONAGE}/accounts/self/company_call_recordings/${heldNumber}`, undefined, { client: 409, ada: 409, sue: 404, amy: 403, noscope: 403 }, vonage],
    ['Vonage: export company recordings', 'POST', () => `${VONAGE}/accounts/self/company_call_recordings/export`, {}, { client: 403, ada: 202, sue: 202, amy: 403, noscope: 403 }, vonage],
    ['Vonage: list one\'s own export jobs', 'GET', () => `${VONAGE}/accounts/self/users/self/call_recordings/jobs`, undefined, { client: 200, ada: 200, sue: 200, amy: 200, noscope: 200 }, vonage],
    // The Genesys door (bearer tokens here; Basic in test/dialects/genesys.test.ts): search and reads need
    // the Administrator or Supervisor role, DELETE the Administrator role, on top of the same visibility rule.
    ['Genesys: search recordings', 'GET', () => '/api/v2/recordings?startTime=0', undefined, { client: 200, ada: 200, sue: 200, amy: 403, noscope: 403 }, genesys],
    ['Genesys: get a recording outside the view', 'GET', () => `/api/v2/recordings/${other.id}`, undefined, { client: 200, ada: 200, sue: 404, amy: 403, noscope: 403 }, genesys],
    ['Genesys: play MP3 outside the view', 'GET', () => `/api/v2/recordings/${other.id}/decrypt/${other.mediaId}.mp3`, undefined, { client: 200, ada: 200, sue: 404, amy: 404, noscope: 403 }, genesys],
    ['Genesys: delete a non-deletable recording', 'DELETE', () => `/api/v2/recordings/${held}`, undefined, { client: 403, ada: 403, sue: 403, amy: 403, noscope: 403 }, genesys],
    ['Genesys: read the recording settings', 'GET', () => '/api/v2/settings/recording', undefined, { client: 403, ada: 200, sue: 403, amy: 403, noscope: 403 }, genesys],
    ['Genesys: change the recording settings', 'PUT', () => '/api/v2/settings/recording', { name: 'metadata.privacy.agent_fields', value: '' }, { client: 403, ada: 200, sue: 403, amy: 403, noscope: 403 }, genesys],
    // Last: once a transcript is requested, callers without originals:read wait for redaction before playing.
    ['request a transcript outside the view', 'POST', () => `/api/v1/recordings/${other.id}/transcript`, undefined, { client: 202, ada: 202, sue: 404, amy: 404, noscope: 403 }],
  ];

  for (const [what, method, path, json, expected, envelope = native] of rows) {
    it(`answers each caller as its role allows: ${what}`, async () => {
      for (const [who, status] of Object.entries(expected)) {
        const res = await call(server, method, path(), { token: tok[who]!, ...(json !== undefined ? { json } : {}) });
        assert.equal(res.status, status, `${who} ${method} ${path()}: ${res.bytes.toString().slice(0, 200)}`);
        if (status >= 400) assert.ok(envelope(res.json), `${who}: the door's error envelope: ${res.bytes.toString().slice(0, 200)}`);
      }
    });
  }

  it('holds back the audio from callers without originals:read until redaction has run, when the account asks for it', async () => {
    // The transcript requested above is pending (no workers run here): nothing redacted exists yet.
    const path = `/api/v1/recordings/${other.id}/media/${other.mediaId}`;
    const plain = (await server.client({ scopes: ['recordings:read', 'media:read'] })).token;
    assert.equal((await call(server, 'GET', path, { token: plain })).status, 200, 'by default the original plays meanwhile');
    assert.equal((await call(server, 'PUT', '/api/v1/settings/pipeline', { token: tok.ada!, json: { holdAudioUntilRedacted: true } })).status, 200);
    const held = await call(server, 'GET', path, { token: plain });
    assert.equal(held.status, 409, held.bytes.toString());
    assert.equal(held.json.error.code, 'CONFLICT');
    assert.equal((await call(server, 'GET', path, { token: tok.ada! })).status, 200);
    assert.equal((await call(server, 'GET', path, { token: tok.client! })).status, 200, 'API clients read originals by default');
  });

  it('never lists or counts a recording outside the caller\'s view, even when searching for it', async () => {
    for (const who of ['sue', 'amy']) {
      const res = await call(server, 'GET', '/api/v1/recordings?phone=15550199', { token: tok[who]! });
      assert.equal(res.status, 200);
      assert.equal(res.json.total, 0, who);
      assert.deepEqual(res.json.data, []);
    }
    assert.equal((await call(server, 'GET', '/api/v1/recordings?phone=15550199', { token: tok.ada! })).json.total, 1);
  });
});
