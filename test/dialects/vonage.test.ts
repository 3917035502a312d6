/**
 * The Vonage call recording door (specs/vonage-call-recording-api.txt, NOTES.md): every example
 * request of the document against matching data, in the document's shape; the HAL pages and
 * links; page/page_size paging; the audio behind download_url; `self`; and every documented
 * error (401, 403, 404) plus the door's own 400s, in the door's error body.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { startServer, multipart, type TestServer } from '../helpers/server.js';
import { call } from '../http/util.js';
import { assertVonageError } from './vonage-util.js';
import { makeFixture } from '../fixtures/media.js';
import { hashSecret, newId } from '../../src/auth/secrets.js';
import { newRecording } from '../../src/core/recordings.js';
import type { Principal, Role } from '../../src/core/principals.js';
import type { RecordingInputBody } from '../../src/core/schemas.js';
import { VONAGE_PREFIXES } from '../../src/http/dialects/vonage/envelope.js';
import { VONAGE_AUDIT_PREFIXES, VONAGE_ROUTE_EVENTS } from '../../src/audit/route-events.js';

const BASE = '/t/vbc.prod/call_recording/api';
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/;
/** The document's example filter body (also sent as a query). */
const EXAMPLE = {
  call_direction: 'INBOUND', call_id: 'c91150a6-8cc4-4e73-9fef-17fd925c6448', caller_id: '17325550100', cnam: 'JOHN SMITH', dnis: '17325550100',
  'duration:gte': 60000, 'duration:lte': 60000, extension: '999', 'start:gte': '2019-01-01T00:00:00+0000', 'start:lte': '2019-01-01T00:00:00+0000',
};
const query = (o: Record<string, string | number>) => Object.entries(o).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&');

function assertRecordingShape(r: Record<string, unknown>): void {
  assert.deepEqual(Object.keys(r), ['_links', 'call_direction', 'call_id', 'caller_id', 'cnam', 'dnis', 'download_url', 'duration', 'end',
    'extensions', 'file_name', 'file_size_in_bytes', 'id', 'rule_ids', 'start']);
  assert.ok(Number.isInteger(r.id));
  assert.ok(Number.isInteger(r.duration));
  assert.ok(Number.isInteger(r.file_size_in_bytes));
  assert.match(r.start as string, TIME);
  assert.match(r.end as string, TIME);
  assert.ok(['INBOUND', 'OUTBOUND', 'INTRA_PBX'].includes(r.call_direction as string));
  for (const k of ['call_id', 'caller_id', 'cnam', 'dnis', 'file_name', 'download_url']) assert.equal(typeof r[k], 'string', k);
  assert.ok(Array.isArray(r.extensions) && Array.isArray(r.rule_ids));
  assert.match((r._links as { self: { href: string } }).self.href, /^http:\/\/127\.0\.0\.1:\d+\//);
}

function assertHalPage(body: Record<string, unknown>, name: string): unknown[] {
  assert.deepEqual(Object.keys(body), ['_embedded', '_links', 'page', 'page_size', 'total_items', 'total_pages']);
  const items = (body._embedded as Record<string, unknown[]>)[name];
  assert.ok(Array.isArray(items));
  const links = body._links as Record<string, { href: string }>;
  for (const k of ['first', 'self', 'last']) assert.match(links[k]!.href, /^http:\/\/.*[?&]page=\d+/, k);
  for (const k of ['page', 'page_size', 'total_items', 'total_pages']) assert.ok(Number.isInteger(body[k]), k);
  return items;
}

describe('Vonage call recording door', () => {
  let server: TestServer;
  const tok: Record<string, string> = {};
  const users: Record<string, string> = {};
  let example: { id: number; rid: string };
  let onDemand: { id: number; rid: string };
  let mp3: Buffer;
  const paged: number[] = [];

  const vg = (method: string, path: string, who = 'ada', json?: unknown) =>
    call(server, method, path, { token: tok[who]!, ...(json !== undefined ? { json } : {}) });

  before(async () => {
    server = await startServer();
    for (const [username, role] of [['ada', 'admin'], ['amy', 'agent'], ['bob', 'agent'], ['sue', 'supervisor']] as Array<[string, Role]>) {
      users[username] = newId('usr', 10);
      await server.vault.store.createUser({
        id: users[username]!, accountId: server.accountId, username, passwordHash: await hashSecret('pw-pw-pw-pw'), role,
        createdAt: new Date().toISOString(), upn: `${username}@acme.test`, groups: ['g1'],
      });
      tok[username] = (await call(server, 'POST', '/api/v1/auth/login', { token: null, json: { username, password: 'pw-pw-pw-pw' } })).json.access_token;
    }
    tok.client = server.token;
    mp3 = await readFile(await makeFixture('mp3', { seconds: 2 }));
    // The document's example recording, with audio.
    const { body, contentType } = multipart({
      startTime: '2019-01-01T00:00:00Z', durationMs: 60000, callDirection: 'incoming', sipCallId: EXAMPLE.call_id,
      calling: { phoneNumber: '17325550100', displayName: 'JOHN SMITH' }, called: { phoneNumber: '17325550100', extension: '999' }, accessGroups: [{ id: 'g1' }],
    }, [{ fileName: 'example.mp3', type: 'audio/mpeg', data: mp3 }]);
    const up = await call(server, 'POST', '/api/v1/recordings', { body, headers: { 'content-type': contentType } });
    assert.equal(up.status, 201, up.bytes.toString());
    example = { id: up.json.numericId, rid: up.json.id };
    // An on-demand recording of amy's.
    const od = await call(server, 'POST', '/api/v1/recordings', { json: {
      startTime: '2019-01-02T00:00:00Z', durationMs: 5000, callDirection: 'outgoing', profileType: 'recordOnDemand', ownerId: users.amy,
      calling: { id: users.amy, extension: '201' }, called: { phoneNumber: '+15550001111' },
    } });
    onDemand = { id: od.json.numericId, rid: od.json.id };
    // 250 company recordings in 2024, straight into the store.
    const by: Principal = { kind: 'client', id: 'cli_seed', accountId: server.accountId, scopes: new Set() };
    for (let i = 0; i < 250; i++) {
      const input: RecordingInputBody = {
        startTime: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString(), durationMs: 1000 * (i + 1),
        callDirection: i % 3 === 0 ? 'incoming' : i % 3 === 1 ? 'outgoing' : 'none', calling: { phoneNumber: `+1555100${String(i).padStart(4, '0')}` },
      };
      const r = newRecording(server.accountId, input, [], by, new Date().toISOString());
      paged.push(await server.vault.store.insertRecording(r, []));
    }
  });
  after(() => server?.stop());

  describe('the document\'s examples', () => {
    it('lists company call recordings with every documented filter (GET …/company_call_recordings)', async () => {
      const res = await vg('GET', `${BASE}/accounts/self/company_call_recordings?${query(EXAMPLE)}`);
      assert.equal(res.status, 200, res.bytes.toString());
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      const items = assertHalPage(res.json, 'recordings') as Array<Record<string, unknown>>;
      assert.equal(items.length, 1);
      assertRecordingShape(items[0]!);
      const r = items[0]!;
      assert.deepEqual([r.id, r.call_direction, r.call_id, r.caller_id, r.cnam, r.dnis, r.duration, r.start, r.end, r.extensions, r.file_name, r.file_size_in_bytes],
        [example.id, 'INBOUND', EXAMPLE.call_id, '17325550100', 'JOHN SMITH', '17325550100', 60000, '2019-01-01T00:00:00+0000', '2019-01-01T00:01:00+0000', [999], 'example.mp3', mp3.length]);
      assert.equal((r._links as { self: { href: string } }).self.href, `${server.url}${BASE}/accounts/${server.accountId}/company_call_recordings/${example.id}`);
      assert.equal(r.download_url, `${server.url}${BASE}/audio/recording/${example.id}`);
      assert.deepEqual([res.json.page, res.json.page_size, res.json.total_items, res.json.total_pages], [1, 10, 1, 1]);
      assert.equal(res.json._links.prev, undefined);
      assert.equal(res.json._links.next, undefined);
    });

    it('gets a single company call recording, under every path prefix Vonage clients use', async () => {
      for (const prefix of ['/t/vbc.prod/call_recording/api', '/api', '/v1/api', '/t/vbc.prod/call_recording/v1/api']) {
        const res = await vg('GET', `${prefix}/accounts/self/company_call_recordings/${example.id}`);
        assert.equal(res.status, 200, `${prefix}: ${res.bytes.toString()}`);
        assertRecordingShape(res.json);
        assert.equal(res.json.id, example.id);
        assert.equal(res.json.download_url, `${server.url}${prefix}/audio/recording/${example.id}`);
      }
      assert.equal((await vg('GET', `${BASE}/accounts/${server.accountId}/company_call_recordings/${example.id}`)).status, 200);
    });

    it('serves the audio behind download_url with the OAuth token, whole or by range', async () => {
      const rec = (await vg('GET', `${BASE}/accounts/self/company_call_recordings/${example.id}`)).json;
      const audio = await call(server, 'GET', new URL(rec.download_url).pathname, { token: tok.ada! });
      assert.equal(audio.status, 200);
      assert.equal(audio.headers.get('content-type'), 'audio/mpeg');
      assert.match(audio.headers.get('content-disposition') ?? '', /^attachment; filename="example\.mp3"/);
      assert.ok(audio.bytes.equals(mp3));
      const part = await call(server, 'GET', new URL(rec.download_url).pathname, { token: tok.ada!, headers: { range: 'bytes=0-99' } });
      assert.equal(part.status, 206);
      assert.ok(part.bytes.equals(mp3.subarray(0, 100)));
    });

    it('lists company call recording transcriptions, with transcription_ready', async () => {
      const res = await vg('GET', `${BASE}/accounts/self/company_call_recordings/transcriptions?${query({ ...EXAMPLE, transcription_ready: 'false' })}`);
      assert.equal(res.status, 200, res.bytes.toString());
      const items = assertHalPage(res.json, 'transcriptions') as Array<Record<string, unknown>>;
      assert.equal(items.length, 1);
      const t = items[0]!;
      assert.deepEqual(Object.keys(t), ['recording_id', 'call_id', 'caller_id', 'call_date', 'duration', 'direction', 'cnam', 'dnis', 'transcription_ready']);
      assert.deepEqual([t.recording_id, t.call_date, t.duration, t.direction, t.transcription_ready], [example.id, '2019-01-01T00:00:00+0000', 60000, 'INBOUND', false]);
      const ready = await vg('GET', `${BASE}/accounts/self/company_call_recordings/transcriptions?transcription_ready=true`);
      assert.equal(ready.json.total_items, 0);
    });

    it('lists, gets and deletes on-demand call recordings of a user, with `self`', async () => {
      const list = await vg('GET', `${BASE}/accounts/self/users/self/call_recordings`, 'amy');
      assert.equal(list.status, 200, list.bytes.toString());
      const items = assertHalPage(list.json, 'recordings') as Array<Record<string, unknown>>;
      assert.deepEqual(items.map((r) => r.id), [onDemand.id]);
      assertRecordingShape(items[0]!);
      assert.equal(list.json._links.self.href, `${server.url}${BASE}/accounts/self/users/self/call_recordings?page=1`);
      assert.equal((items[0]!._links as { self: { href: string } }).self.href, `${server.url}${BASE}/accounts/${server.accountId}/users/${users.amy}/call_recordings/${onDemand.id}`);
      const one = await vg('GET', `${BASE}/accounts/self/users/${users.amy}/call_recordings/${onDemand.id}`);
      assert.equal(one.status, 200);
      assertRecordingShape(one.json);
      assert.deepEqual([one.json.call_direction, one.json.extensions, one.json.duration], ['OUTBOUND', [201], 5000]);
      // U named without its domain: the list finds the user's recordings by UPN name, and so does the get.
      const byName = (await vg('POST', '/api/v1/recordings', 'ada', { startTime: '2019-01-03T00:00:00Z', profileType: 'saveOnDemand', called: { upn: 'amy@acme.test' } })).json;
      const named = await vg('GET', `${BASE}/accounts/self/users/amy/call_recordings`);
      assert.ok(named.json._embedded.recordings.some((r: { id: number }) => r.id === byName.numericId));
      assert.equal((await vg('GET', `${BASE}/accounts/self/users/amy/call_recordings/${byName.numericId}`)).status, 200);
      assert.equal((await vg('DELETE', `${BASE}/accounts/self/users/amy/call_recordings/${byName.numericId}`)).status, 204);
      // Company and on-demand recordings are apart: neither is found through the other's path.
      assertVonageError(await vg('GET', `${BASE}/accounts/self/company_call_recordings/${onDemand.id}`), 404);
      assertVonageError(await vg('GET', `${BASE}/accounts/self/users/${users.amy}/call_recordings/${example.id}`), 404);
      assertVonageError(await vg('GET', `${BASE}/accounts/self/users/${users.bob}/call_recordings/${onDemand.id}`), 404);
      const del = await vg('DELETE', `${BASE}/accounts/self/users/${users.amy}/call_recordings/${onDemand.id}`);
      assert.equal(del.status, 204);
      assert.equal(del.bytes.length, 0);
      assertVonageError(await vg('GET', `${BASE}/accounts/self/users/${users.amy}/call_recordings/${onDemand.id}`), 404);
    });

    it('deletes a company call recording (204), after which it is not found', async () => {
      const victim = paged[0]!;
      const del = await vg('DELETE', `${BASE}/accounts/self/company_call_recordings/${victim}`);
      assert.equal(del.status, 204, del.bytes.toString());
      assertVonageError(await vg('GET', `${BASE}/accounts/self/company_call_recordings/${victim}`), 404);
      assertVonageError(await vg('DELETE', `${BASE}/accounts/self/company_call_recordings/${victim}`), 404);
    });
  });

  describe('paging', () => {
    it('pages through 249 company recordings with page/page_size, each exactly once, newest first, following next links', async () => {
      const seen: number[] = [];
      let path: string | undefined = `${BASE}/accounts/self/company_call_recordings?page_size=25&start:gte=2024-01-01T00:00:00Z`;
      let pages = 0;
      while (path) {
        const res = await vg('GET', path);
        assert.equal(res.status, 200, res.bytes.toString());
        assert.equal(res.json.total_items, 249);
        assert.equal(res.json.total_pages, 10);
        seen.push(...res.json._embedded.recordings.map((r: { id: number }) => r.id));
        const next: string | undefined = res.json._links.next?.href;
        path = next ? next.slice(server.url.length) : undefined;
        pages++;
      }
      assert.equal(pages, 10);
      assert.equal(seen.length, 249);
      assert.equal(new Set(seen).size, 249);
      assert.deepEqual(seen, paged.slice(1).reverse());
    });

    it('keeps the filters in its links, orders by start, end or duration, and serves at most 100 a page', async () => {
      const res = await vg('GET', `${BASE}/accounts/self/company_call_recordings?call_direction=OUTBOUND&order=duration:ASC&page=2&page_size=5`);
      assert.equal(res.status, 200, res.bytes.toString());
      const links = res.json._links;
      assert.match(links.next.href, /call_direction=OUTBOUND/);
      assert.match(links.next.href, /page=3/);
      assert.match(links.prev.href, /page=1/);
      assert.match(links.last.href, new RegExp(`page=${res.json.total_pages}`));
      const durations = res.json._embedded.recordings.map((r: { duration: number }) => r.duration);
      assert.deepEqual(durations, [...durations].sort((a: number, b: number) => a - b));
      assert.ok(res.json._embedded.recordings.every((r: { call_direction: string }) => r.call_direction === 'OUTBOUND'));
      const big = await vg('GET', `${BASE}/accounts/self/company_call_recordings?page_size=1000`);
      assert.equal(big.json.page_size, 100);
      assert.equal(big.json._embedded.recordings.length, 100);
      const intra = await vg('GET', `${BASE}/accounts/self/company_call_recordings?call_direction=INTRA_PBX&page_size=1`);
      assert.equal(intra.json._embedded.recordings[0].call_direction, 'INTRA_PBX');
      const zero = await vg('GET', `${BASE}/accounts/self/company_call_recordings?page=0`);
      assert.equal(zero.json.page, 1, 'page=0 (the document\'s own first link) reads as the first page');
    });

    it('filters by duration in milliseconds and start times in the document\'s +0000 form', async () => {
      const res = await vg('GET', `${BASE}/accounts/self/company_call_recordings?${query({ 'duration:gte': 10_000, 'duration:lte': 12_000, 'start:gte': '2024-01-01T00:00:00+0000', 'start:lte': '2024-01-01T11:00:00+0000' })}`);
      assert.equal(res.status, 200, res.bytes.toString());
      assert.deepEqual(res.json._embedded.recordings.map((r: { duration: number }) => r.duration), [12_000, 11_000, 10_000]);
      // caller_id and dnis find what the door shows: a calling party without a number shows (and is found by) its extension.
      const ext = (await vg('POST', '/api/v1/recordings', 'ada', { startTime: '2031-01-01T00:00:00Z', calling: { extension: '4711' }, called: { extension: '4712' } })).json;
      const byExt = await vg('GET', `${BASE}/accounts/self/company_call_recordings?caller_id=4711`);
      assert.deepEqual(byExt.json._embedded.recordings.map((r: { id: number; caller_id: string }) => [r.id, r.caller_id]), [[ext.numericId, '4711']]);
      const byDnis = await vg('GET', `${BASE}/accounts/self/company_call_recordings?dnis=4712`);
      assert.deepEqual(byDnis.json._embedded.recordings.map((r: { id: number; dnis: string }) => [r.id, r.dnis]), [[ext.numericId, '4712']]);
      assert.equal((await vg('DELETE', `${BASE}/accounts/self/company_call_recordings/${ext.numericId}`)).status, 204);
      // order=id sorts by the integer ids (storage order).
      const byId = await vg('GET', `${BASE}/accounts/self/company_call_recordings?order=id:ASC&page_size=3&start:gte=2024-01-01T00:00:00Z`);
      const got = byId.json._embedded.recordings.map((r: { id: number }) => r.id) as number[];
      // These recordings were stored in the order they started: both orders agree.
      const byStart = await vg('GET', `${BASE}/accounts/self/company_call_recordings?order=start:ASC&page_size=3&start:gte=2024-01-01T00:00:00Z`);
      assert.equal(got.length, 3);
      assert.deepEqual(got, byStart.json._embedded.recordings.map((r: { id: number }) => r.id));
      assert.deepEqual(got, [...got].sort((a, b) => a - b));
      // The document's times written into the URL as they are: the unencoded '+' arrives as a space.
      const raw = await vg('GET', `${BASE}/accounts/self/company_call_recordings?duration:gte=10000&duration:lte=12000&start:gte=2024-01-01T00:00:00+0000&start:lte=2024-01-01T11:00:00+0000`);
      assert.equal(raw.status, 200, raw.bytes.toString());
      assert.deepEqual(raw.json._embedded.recordings.map((r: { duration: number }) => r.duration), [12_000, 11_000, 10_000]);
    });
  });

  describe('access and errors', () => {
    it('answers 401 without a token or with a bad one', async () => {
      assertVonageError(await call(server, 'GET', `${BASE}/accounts/self/company_call_recordings`, { token: null }), 401);
      assertVonageError(await call(server, 'GET', `${BASE}/accounts/self/company_call_recordings`, { token: 'nope' }), 401);
    });

    it('answers 403 for another account and for an agent naming another user', async () => {
      assertVonageError(await vg('GET', `${BASE}/accounts/${newId('acc', 10)}/company_call_recordings`), 403);
      assertVonageError(await vg('GET', `${BASE}/accounts/self/users/${users.bob}/call_recordings`, 'amy'), 403);
    });

    it('never shows an agent another user\'s recording: 404 in the door\'s envelope, and not listed', async () => {
      assertVonageError(await vg('GET', `${BASE}/accounts/self/company_call_recordings/${example.id}`, 'bob'), 404);
      assertVonageError(await vg('GET', `${BASE}/audio/recording/${example.id}`, 'bob'), 404);
      const list = await vg('GET', `${BASE}/accounts/self/company_call_recordings`, 'bob');
      assert.equal(list.status, 200);
      assert.equal(list.json.total_items, 0);
      // An agent cannot delete at all (no recordings:delete).
      assertVonageError(await vg('DELETE', `${BASE}/accounts/self/company_call_recordings/${example.id}`, 'amy'), 403);
    });

    it('masks what the account\'s privacy settings hide from supervisors, in this door\'s field names, and refuses searching on it', async () => {
      await server.vault.store.updateAccountSettings(server.accountId, { privacy: { agentFields: ['userName'], customerFields: ['callerPhoneNumber', 'extension'] } });
      try {
        const one = await vg('GET', `${BASE}/accounts/self/company_call_recordings/${example.id}`, 'sue');
        assert.equal(one.status, 200, one.bytes.toString());
        // A masked extension hides dnis too: the number fields show a party's extension when it has no number.
        assert.deepEqual([one.json.caller_id, one.json.cnam, one.json.extensions, one.json.dnis], ['*****', '*****', ['*****'], '*****']);
        const list = await vg('GET', `${BASE}/accounts/self/company_call_recordings`, 'sue');
        assert.equal(list.json._embedded.recordings[0].caller_id, '*****');
        assertVonageError(await vg('GET', `${BASE}/accounts/self/company_call_recordings?caller_id=17325550100`, 'sue'), 403);
        assert.equal((await vg('GET', `${BASE}/accounts/self/company_call_recordings/${example.id}`, 'ada')).json.caller_id, '17325550100', 'admins see everything');
        // Masked user names forbid searching for someone, not listing one's own on-demand recordings.
        assert.equal((await vg('GET', `${BASE}/accounts/self/users/self/call_recordings`, 'sue')).status, 200);
        assertVonageError(await vg('GET', `${BASE}/accounts/self/users/${users.amy}/call_recordings`, 'sue'), 403);
      } finally {
        await server.vault.store.updateAccountSettings(server.accountId, {});
      }
    });

    it('answers 404 for unknown and non-numeric recording ids and unknown routes', async () => {
      assertVonageError(await vg('GET', `${BASE}/accounts/self/company_call_recordings/999999999`), 404);
      assertVonageError(await vg('GET', `${BASE}/accounts/self/company_call_recordings/${example.rid}`), 404);
      assertVonageError(await vg('GET', `${BASE}/audio/recording/abc`), 404);
      assertVonageError(await vg('GET', `${BASE}/accounts/self/nothing_here`), 404);
      assertVonageError(await vg('PUT', `${BASE}/accounts/self/company_call_recordings/${example.id}`), 404);
    });

    it('answers 400 for values the document does not allow', async () => {
      for (const q of ['call_direction=inbound', 'page_size=0', 'page=-1', 'order=colour:ASC', 'start:gte=yesterday', 'duration:gte=1.5']) {
        assertVonageError(await vg('GET', `${BASE}/accounts/self/company_call_recordings?${q}`), 400);
      }
      assertVonageError(await vg('GET', `${BASE}/accounts/self/company_call_recordings/transcriptions?transcription_ready=maybe`), 400);
      assertVonageError(await vg('POST', `${BASE}/accounts/self/company_call_recordings/export`, 'ada', { call_direction: 'SIDEWAYS' }), 400);
    });
  });

  it('maps every route of the door, under every prefix, to an audit entry', () => {
    assert.deepEqual(VONAGE_AUDIT_PREFIXES, [...VONAGE_PREFIXES]);
    const keys = Object.keys(VONAGE_ROUTE_EVENTS);
    assert.equal(keys.length, 18 * VONAGE_PREFIXES.length);
    for (const key of keys) {
      const [method, url] = key.split(' ') as [string, string];
      assert.ok(server.app.hasRoute({ method: method as 'GET', url }), `${key} is served`);
    }
  });

  describe('export jobs (workers off: requests only)', () => {
    it('creates jobs from the three export endpoints with the document\'s body: 202 and job_ids', async () => {
      for (const path of ['company_call_recordings/export', 'company_call_recordings/recordings_transcriptions/export', `users/${users.amy}/call_recordings/export`]) {
        const res = await vg('POST', `${BASE}/accounts/self/${path}`, 'ada', EXAMPLE);
        assert.equal(res.status, 202, `${path}: ${res.bytes.toString()}`);
        assert.deepEqual(Object.keys(res.json), ['job_ids']);
        assert.equal(res.json.job_ids.length, 1);
        assert.match(res.json.job_ids[0], /^[0-9a-f-]{36}$/);
      }
    });

    it('lists and gets the caller\'s jobs of each family, pending until a worker runs them', async () => {
      const list = await vg('GET', `${BASE}/accounts/self/users/self/call_recordings/jobs`);
      assert.equal(list.status, 200, list.bytes.toString());
      const jobs = assertHalPage(list.json, 'jobs') as Array<Record<string, unknown>>;
      assert.equal(jobs.length, 2);
      const job = jobs[0]!;
      assert.deepEqual(Object.keys(job), ['_links', 'download_url', 'files_completed', 'files_total', 'id', 'status', 'valid_until']);
      assert.equal(job.status, 'pending');
      assert.equal(job.valid_until, null);
      assert.equal(job.download_url, `${server.url}${BASE}/bulkDownload/retrieve?jobId=${job.id}`);
      const one = await vg('GET', `${BASE}/accounts/self/users/self/call_recordings/jobs/${job.id}`);
      assert.equal(one.status, 200);
      assert.deepEqual(one.json, job);
      const rt = await vg('GET', `${BASE}/accounts/self/users/${users.ada}/call_recordings/recordings_transcriptions/jobs?status=pending`);
      const rtJobs = assertHalPage(rt.json, 'jobs') as Array<Record<string, unknown>>;
      assert.equal(rtJobs.length, 1);
      assert.match(rtJobs[0]!.download_url as string, /\/bulkDownload\/recordings_transcriptions\/retrieve\?jobId=/);
      assert.equal((await vg('GET', `${BASE}/accounts/self/users/self/call_recordings/jobs?status=complete`)).json.total_items, 0);
      // A job is found only in its own family.
      assertVonageError(await vg('GET', `${BASE}/accounts/self/users/self/call_recordings/recordings_transcriptions/jobs/${job.id}`), 404);
      const early = await vg('GET', `/v1/api/bulkDownload/retrieve?job_id=${job.id}&login_name=ada`);
      assertVonageError(early, 409);
    });

    it('keeps jobs to their creator, and export to callers with the exports scope', async () => {
      const job = (await vg('GET', `${BASE}/accounts/self/users/self/call_recordings/jobs`)).json._embedded.jobs[0];
      assertVonageError(await vg('GET', `${BASE}/accounts/self/users/${users.ada}/call_recordings/jobs`, 'amy'), 403);
      assertVonageError(await vg('GET', `${BASE}/accounts/self/users/self/call_recordings/jobs/${job.id}`, 'client'), 404);
      assertVonageError(await vg('GET', `${BASE}/bulkDownload/retrieve?jobId=${job.id}`, 'client'), 404);
      assertVonageError(await vg('POST', `${BASE}/accounts/self/company_call_recordings/export`, 'amy', {}), 403);
      assertVonageError(await vg('POST', `${BASE}/accounts/self/company_call_recordings/export`, 'client', {}), 403);
      assertVonageError(await vg('GET', `${BASE}/accounts/self/users/self/call_recordings/jobs?status=done`), 400);
      assert.equal((await vg('GET', `${BASE}/accounts/self/users/self/call_recordings/jobs?status=PENDING`)).json.total_items, 2, 'status in any letter case');
    });

    it('takes an empty JSON body as "export everything"', async () => {
      const res = await call(server, 'POST', `${BASE}/accounts/self/company_call_recordings/export`, { token: tok.ada!, body: '', headers: { 'content-type': 'application/json' } });
      assert.equal(res.status, 202, res.bytes.toString());
      assert.equal(res.json.job_ids.length, 1);
    });
  });
});

describe('Vonage paging past the exact-count cap', () => {
  let server: TestServer;
  const ids: number[] = [];
  before(async () => {
    server = await startServer({ CALLVAULT_EXACT_COUNT_CAP: '100' });
    const by: Principal = { kind: 'client', id: 'cli_seed', accountId: server.accountId, scopes: new Set() };
    for (let i = 0; i < 130; i++) {
      const r = newRecording(server.accountId, { startTime: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(), durationMs: 1000 }, [], by, new Date().toISOString());
      ids.push(await server.vault.store.insertRecording(r, []));
    }
  });
  after(() => server?.stop());

  it('keeps a next link while more recordings exist though the total is only counted to the cap', async () => {
    const seen: number[] = [];
    let url: string | undefined = `${BASE}/accounts/self/company_call_recordings?page_size=50&order=start:ASC`;
    while (url) {
      const res = await call(server, 'GET', url.replace(/^https?:\/\/[^/]+/, ''));
      assert.equal(res.status, 200, res.bytes.toString());
      seen.push(...res.json._embedded.recordings.map((r: { id: number }) => r.id));
      url = res.json._links.next?.href;
    }
    assert.deepEqual(seen, ids);
  });
});
