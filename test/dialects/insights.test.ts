/**
 * The Interaction Insights door (specs/interaction-insights-integration-api.txt): login, the
 * recordings list with the parenthesised filter grammar, one recording as an array in the shape
 * of Appendix A, the three logs with their one-week window, the pages envelope with its URLs,
 * the tenant base URL, and the error envelope of section 1.3.1. Every example request of the
 * document is sent as written (with its hosts and tenants replaced by this server's).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { startServer, multipart, type TestServer } from '../helpers/server.js';
import { call, type Res } from '../http/util.js';
import { makeFixture } from '../fixtures/media.js';
import { hashSecret, newId } from '../../src/auth/secrets.js';
import type { Role } from '../../src/core/principals.js';

const API = '/api/integration/v1';
const TENANT = 'cf654c39-6ede-4fd9-a93b-3225a12e6edd';

function assertError(res: Res, status: number, code: string): void {
  assert.equal(res.status, status, res.bytes.toString());
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const e = res.json.error;
  assert.equal(e.code, code);
  assert.equal(typeof e.description, 'string');
  assert.ok(e.description.length > 0);
  assert.equal(e.request_id, res.headers.get('x-request-id'));
  assert.match(e.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
}

/** The pages envelope: string values, and URLs that are empty on the last and first page. */
function assertPages(res: Res, current: number, size: number): void {
  assert.equal(res.status, 200, res.bytes.toString());
  const p = res.json.pages;
  for (const k of ['size', 'total', 'current', 'totalElements', 'nextPage', 'previosPage']) assert.equal(typeof p[k], 'string', k);
  assert.equal(p.current, String(current));
  assert.equal(p.size, String(size));
  assert.ok(Array.isArray(res.json.data));
  assert.equal(p.total, String(res.json.pagesCount));
  assert.equal(p.totalElements, String(res.json.totalCount));
  if (current === 1) assert.equal(p.previosPage, '');
}

describe('Interaction Insights door', () => {
  let server: TestServer;
  let admin: { token: string; clientId: string; secret: string };
  const tok: Record<string, string> = {};
  let full: string;
  let missed: string;
  const june: string[] = [];
  const bulk: string[] = [];
  let mediaBytes: Buffer;

  before(async () => {
    server = await startServer();
    admin = await server.client({ scopes: ['admin'] });
    for (const [username, role] of [['sue', 'supervisor'], ['amy', 'agent']] as Array<[string, Role]>) {
      await server.vault.store.createUser({
        id: newId('usr', 10), accountId: server.accountId, username, passwordHash: await hashSecret('pw-pw-pw-pw'), role,
        createdAt: new Date().toISOString(), upn: `${username}@company.com`, firstName: username === 'sue' ? 'Sue' : 'Amy', lastName: 'Smith',
        groups: role === 'supervisor' ? ['g-sales'] : [],
      });
      tok[username] = (await call(server, 'POST', '/api/v1/auth/login', { token: null, json: { username, password: 'pw-pw-pw-pw' } })).json.access_token;
    }
    mediaBytes = await readFile(await makeFixture('wav-mulaw', { seconds: 2 }));
    const { body, contentType } = multipart({
      startTime: '2026-06-16T14:03:11Z', releaseTime: '2026-06-16T14:21:48Z', callDirection: 'outgoing', callType: 'internal_p2p',
      releaseCause: 'normal', profileType: 'fullTime', sysCallId: 'sys-7a1b', sipCallId: 'sip-7a1b@pbx', queueName: 'Support Queue',
      conferenceUrl: 'https://meet.example.com/7a1b', groupingId: 'grp-1',
      target: { id: 'ug-1', upn: 'user@company.com', displayName: 'User Display', oid: '0b28d66c-b14a-4c65-8ec1-3fb0673fda72' },
      calling: { upn: 'user@company.com', displayName: 'User Display', oid: '0b28d66c-b14a-4c65-8ec1-3fb0673fda72' },
      called: { upn: 'user2@company.com', displayName: 'User 2 Display', oid: 'ac7ebe54-d674-4d93-afff-45dfed6fee72', phoneNumber: '+15550102' },
      answeredBy: { upn: 'user2@company.com', displayName: 'User 2 Display', answerTime: '2026-06-16T14:03:15Z' },
      transferredBy: { upn: 'tr@company.com', displayName: 'Transferrer' },
      transferTo: { phoneNumber: '+15550199', displayName: 'Back Office' },
      onBehalfOf: { upn: 'boss@company.com', displayName: 'The Boss' },
      participants: [{ upn: 'user@company.com', displayName: 'User Display', joinTime: '2026-06-16T14:03:11Z', leaveTime: '2026-06-16T14:21:48Z' }],
      accessGroups: [{ id: 'g-sales', name: 'Sales' }],
      tags: [{ tagName: 'escalated' }], notes: [{ content: 'customer asked for a callback', visibility: 'public' }],
      events: [{ type: 'hold', at: '2026-06-16T14:05:00Z' }, { type: 'retrieve', at: '2026-06-16T14:06:00Z' }],
    }, [{ fileName: 'call.wav', type: 'audio/wav', data: mediaBytes }]);
    const created = await call(server, 'POST', '/api/v1/recordings', { body, headers: { 'content-type': contentType } });
    assert.equal(created.status, 201, created.bytes.toString());
    full = created.json.id;
    june.push(full);
    const add = async (json: Record<string, unknown>) => {
      const res = await call(server, 'POST', '/api/v1/recordings', { json });
      assert.equal(res.status, 201, res.bytes.toString());
      return res.json.id as string;
    };
    june.push(await add({ startTime: '2026-06-12T09:47:02Z', durationMs: 60_000, callDirection: 'incoming', callType: 'pstn_p2p', target: { upn: 'user@company.com' }, calling: { phoneNumber: '+15550777' } }));
    june.push(await add({ startTime: '2026-06-17T23:59:59.500Z', durationMs: 1000, target: { upn: 'user@company.com' } }));
    // Outside the window of the worked example, and another user's.
    await add({ startTime: '2026-06-18T00:00:00Z', durationMs: 1000, target: { upn: 'user@company.com' } });
    await add({ startTime: '2026-06-13T00:00:00Z', durationMs: 1000, target: { upn: 'someone@company.com' } });
    missed = await add({ startTime: '2026-11-20T08:00:00Z', durationMs: 0, releaseCause: 'missed', callDirection: 'incoming', called: { upn: 'user1@audiocodes.com' }, profileType: 'saveOnDemand' });
    await add({ startTime: '2026-11-20T08:05:00Z', durationMs: 0, releaseCause: 'missed', called: { upn: 'user9@audiocodes.com' } });
    await add({ startTime: '2026-11-20T09:00:00Z', durationMs: 5000, releaseCause: 'normal', called: { upn: 'user1@audiocodes.com' } });
    // Taken by the agent: the only recording amy may see.
    await add({ startTime: '2026-11-21T09:00:00Z', durationMs: 5000, answeredBy: { upn: 'amy@company.com', displayName: 'Amy Smith', phoneNumber: '+15550300' }, calling: { phoneNumber: '+15550301', displayName: 'Carl Caller' } });
    for (let i = 0; i < 230; i++) {
      bulk.push(await add({ startTime: new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString(), durationMs: 1000 + i, queueName: i % 10 === 0 ? 'Bulk Queue' : 'Other' }));
    }
  });
  after(() => server?.stop());

  describe('2.1 login', () => {
    it('exchanges client credentials for a 15-minute bearer token that opens the other endpoints', async () => {
      const res = await call(server, 'POST', '/live/v1/login', { token: null, json: { client_id: admin.clientId, client_secret: admin.secret } });
      assert.equal(res.status, 200, res.bytes.toString());
      assert.equal(typeof res.json.access_token, 'string');
      assert.equal(res.json.expires_in, 900);
      const list = await call(server, 'GET', `${API}/recordings?pageSize=1`, { token: res.json.access_token, headers: { 'content-type': 'application/json' } });
      assert.equal(list.status, 200, list.bytes.toString());
      // The pseudo-code of section 3.4 spells the fields clientId / clientSecret.
      const camel = await call(server, 'POST', '/live/v1/login', { token: null, json: { clientId: admin.clientId, clientSecret: admin.secret } });
      assert.equal(camel.status, 200);
      const form = await call(server, 'POST', '/live/v1/login', {
        token: null, body: `client_id=${admin.clientId}&client_secret=${encodeURIComponent(admin.secret)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      assert.equal(form.status, 200, form.bytes.toString());
    });

    it('answers 400 INVALID_REQUEST without credentials or with a body that is not JSON, 401 for wrong ones', async () => {
      assertError(await call(server, 'POST', '/live/v1/login', { token: null, json: { client_id: admin.clientId } }), 400, 'INVALID_REQUEST');
      assertError(await call(server, 'POST', '/live/v1/login', { token: null, body: '{"client_id":', headers: { 'content-type': 'application/json' } }), 400, 'INVALID_REQUEST');
      assertError(await call(server, 'POST', '/live/v1/login', { token: null, json: { client_id: admin.clientId, client_secret: 'wrong-secret-wrong-secret-000000' } }), 401, 'INVALID_CLIENT_CREDENTIALS');
      assertError(await call(server, 'POST', '/live/v1/login', { token: null, json: { client_id: 'nobody', client_secret: 'x' } }), 401, 'INVALID_CLIENT_CREDENTIALS');
    });

    it('answers 401 INVALID_CLIENT_CREDENTIALS to a request without a token or with a bad one', async () => {
      assertError(await call(server, 'GET', `${API}/recordings`, { token: null }), 401, 'INVALID_CLIENT_CREDENTIALS');
      assertError(await call(server, 'GET', `${API}/recordings/${full}`, { token: 'not.a.token' }), 401, 'INVALID_CLIENT_CREDENTIALS');
    });
  });

  describe('2.3 recordings', () => {
    it('answers the worked example of section 3.2: a user\'s week, newest first, in the pages envelope', async () => {
      const res = await call(server, 'GET', `${API}/recordings?filter=(from=2026-06-10T00:00:00Z,to=2026-06-17T23:59:59Z,u=user@company.com)&sort=-startTime&page=1&pageSize=100`,
        { headers: { accept: 'application/json', 'content-type': 'application/json' } });
      assertPages(res, 1, 100);
      assert.deepEqual(res.json.data.map((r: { id: string }) => r.id), [june[2], june[0], june[1]], 'to is inclusive to the second written');
      assert.equal(res.json.pagesCount, 1);
      assert.equal(res.json.count, 3);
      assert.deepEqual(res.json.result, { statusCode: 'ok', description: 'Success' });
      assert.equal(res.json.pages.nextPage, '');
      const byTimestamp = await call(server, 'GET', `${API}/recordings?filter=(from=2026-06-10T00:00:00Z,to=2026-06-17T23:59:59Z,u=user@company.com)&sort=-timestamp`);
      assert.deepEqual(byTimestamp.json.data.map((r: { id: string }) => r.id), [june[2], june[0], june[1]], 'sort=-timestamp as section 1.2.4.2 writes it');
      const first = res.json.data[1];
      assert.equal(first.startTime, '2026-06-16T14:03:11Z');
      assert.equal(first.content.transcriptionContent.transcriptionStatus, 'none');
      assert.equal(first.content.mediaType, 'audio');
    });

    it('answers the example of section 2.3.1: missed calls of a user named without the domain', async () => {
      const res = await call(server, 'GET', `${API}/recordings?filter=${encodeURIComponent('(relCause=missed,u= user1)')}`);
      assertPages(res, 1, 25);
      assert.deepEqual(res.json.data.map((r: { id: string }) => r.id), [missed]);
      assert.equal(res.json.data[0].releaseCause, 'missed');
    });

    it('reads a list of values for one key, split over lines as section 1.2.4.1 writes it', async () => {
      const filter = '(from=2026-06-01T00:00:00Z,to=2026-06-30T00:00:00Z,\nu=user@company.com;someone@company.com)';
      const res = await call(server, 'GET', `${API}/recordings?filter=${encodeURIComponent(filter)}`);
      assert.equal(res.json.totalCount, 5);
      const none = await call(server, 'GET', `${API}/recordings?filter=${encodeURIComponent('(from=2024-01-01T00:00:00Z,to=2024-01-02T00:00:00Z,u=user1@company.com;user2@company.com)')}`);
      assert.equal(none.status, 200);
      assert.equal(none.json.totalCount, 0);
      assert.deepEqual(none.json.data, []);
    });

    it('filters by every key of section 2.3.1, enum values in the document\'s spellings', async () => {
      const ids = async (filter: string) => {
        const res = await call(server, 'GET', `${API}/recordings?pageSize=100&filter=${encodeURIComponent(filter)}`);
        assert.equal(res.status, 200, `${filter}: ${res.bytes.toString()}`);
        return res.json.data.map((r: { id: string }) => r.id) as string[];
      };
      const only = async (filter: string, expected: string[]) => assert.deepEqual((await ids(filter)).sort(), [...expected].sort(), filter);
      await only('(called=user2@company.com)', [full]);
      await only('(called=+1 555 0102)', [full]);
      await only('(calling="User Display")', [full]);
      await only('(answeredBy=user2)', [full]);
      await only('(transferredBy=tr@company.com)', [full]);
      await only('(transferredTo=+15550199)', [full]);
      await only('(onBehalfOf=The Boss)', [full]);
      await only('(sysCallId=sys-7a1b)', [full]);
      await only('(relCause=Normal,callDir=outgoing)', [full]);
      await only('(callType=pstN_p2p)', [june[1]!]);
      await only('(callType=internal_p2p;pstn_p2p)', [full, june[1]!]);
      await only('(g=g-sales)', [full]);
      await only('(tags=escalated)', [full]);
      await only('(p=ac7ebe54-d674-4d93-afff-45dfed6fee72)', []);
      await only('(p=User 2 Display)', [full]);
      await only('(mStatus=Available)', [full]);
      await only('(rType=Save On Demand)', [missed]);
      await only('(mType=Audio)', [full]);
      await only('(q=support queue)', [full]);
      assert.equal((await ids('(q="Bulk Queue")')).length, 23);
      assert.ok((await ids('(tStatus=None,iStatus=None,from=2026-06-16T00:00:00Z,to=2026-06-16T23:59:59Z)')).includes(full));
      await only('(tStatus=Ready)', []);
      await only('(iStatus=Transcription Too Short)', []);
      await only('(mStatus=Active Call)', []);
      await only('(mType=Video&Sharing)', []);
    });

    it('returns one recording as an array holding the object of Appendix A', async () => {
      const res = await call(server, 'GET', `${API}/recordings/${full}`, { headers: { 'content-type': 'application/json' } });
      assert.equal(res.status, 200, res.bytes.toString());
      assert.ok(Array.isArray(res.json));
      assert.equal(res.json.length, 1);
      const r = res.json[0];
      assert.equal(r.id, full);
      assert.equal(r.startTime, '2026-06-16T14:03:11Z');
      assert.equal(r.releaseTime, '2026-06-16T14:21:48Z');
      assert.equal(r.callDirection, 'outgoing');
      assert.equal(r.callType, 'internal_p2p');
      assert.equal(r.releaseCause, 'normal');
      assert.equal(r.sysCallId, 'sys-7a1b');
      assert.equal(r.sipCallId, 'sip-7a1b@pbx');
      assert.equal(r.conferenceUrl, 'https://meet.example.com/7a1b');
      assert.equal(r.queueName, 'Support Queue');
      assert.equal(r.groupingId, 'grp-1');
      assert.equal(typeof r.version, 'string');
      assert.deepEqual(r.target, { userGlobalId: 'ug-1', upn: 'user@company.com', displayName: 'User Display', azureOid: '0b28d66c-b14a-4c65-8ec1-3fb0673fda72' });
      assert.deepEqual(r.called, { upn: 'user2@company.com', displayName: 'User 2 Display', oid: 'ac7ebe54-d674-4d93-afff-45dfed6fee72', phoneNumber: '+15550102' });
      assert.equal(r.answeredBy.answerTime, '2026-06-16T14:03:15Z');
      assert.equal(r.transferredBy.upn, 'tr@company.com');
      assert.equal(r.transferTo.phoneNumber, '+15550199');
      assert.equal(r.onBehalfOf.displayName, 'The Boss');
      assert.equal(r.participants[0].joinTime, '2026-06-16T14:03:11Z');
      assert.deepEqual(r.tags, [{ tagName: 'escalated' }]);
      assert.equal(r.notes[0].content, 'customer asked for a callback');
      assert.equal(r.notes[0].visibility, 'public');
      assert.equal(r.notes[0].createdTime, r.notes[0].createdAt);
      assert.deepEqual(r.accessGroups, [{ id: 'g-sales', name: 'Sales' }]);
      assert.equal(r.legalHold, false);
      assert.equal(r.profileType, 'fullTime');
      assert.equal(r.doubleRecordingType, 'primary');
      assert.deepEqual(r.deleteRequest, { status: 'none' });
      assert.deepEqual(r.rodStatus, { status: 'none' });
      assert.deepEqual(r.pauseResumeStatus, { status: 'none' });
      assert.equal(r.recordingSource, 'nativeRecording');
      assert.equal(r.recordingPlatform.recordingPlatformType, 'unspecified');
      assert.deepEqual(r.meetingEvents.systemCmds.map((c: { cmdName: string }) => c.cmdName), ['recordingStarted', 'callHold', 'callRetrieved']);
      assert.deepEqual(r.meetingEvents.userCmds, []);
      assert.match(r.playerLink, /^http:\/\/127\.0\.0\.1:\d+\//);
      const c = r.content;
      assert.equal(c.mediaType, 'audio');
      assert.equal(c.audioContent.status, 'available');
      assert.equal(c.audioContent.startTimeMs, 0);
      assert.ok(c.audioContent.endTimeMs > 1500 && c.audioContent.endTimeMs < 2500);
      assert.deepEqual(c.transcriptionContent, { vttInfo: [], transcriptionStatus: 'none' });
      assert.deepEqual(c.insightsContent, { insightsInfo: [], insightsStatus: 'none' });
      // path + subPath + '/' + fileName is where the media plays (with the same bearer token).
      const media = await fetch(`${c.path}${c.audioContent.subPath}/${c.audioContent.fileName}`, { headers: { authorization: `Bearer ${server.token}` } });
      assert.equal(media.status, 200);
      assert.deepEqual(Buffer.from(await media.arrayBuffer()), mediaBytes);
    });

    it('serves the same under the tenant base URL of section 1.2.1, and refuses another account named as tenant', async () => {
      const long = `/live/v1/serviceTypeAPI/STNG/${TENANT}${API}`;
      const list = await call(server, 'GET', `${long}/recordings?pageSize=2&sort=startTime`);
      assertPages(list, 1, 2);
      assert.ok(list.json.pages.nextPage.includes(`${long}/recordings?`), list.json.pages.nextPage);
      const viaQuery = await call(server, 'GET', `${API}/recordings?pageSize=2&auth_token=${encodeURIComponent(server.token)}`, { token: null });
      assert.equal(viaQuery.status, 200, viaQuery.bytes.toString());
      assert.ok(viaQuery.json.pages.nextPage && !viaQuery.json.pages.nextPage.includes('auth_token'), 'no token in page links');
      assert.equal(list.json.data[0].id, bulk[0]);
      const one = await call(server, 'GET', `${long}/recordings/${full}`);
      assert.equal(one.json[0].id, full);
      // A base URL ending in '/' composed with the API prefix: a doubled slash still finds the route.
      const composed = await call(server, 'GET', `/live/v1/serviceTypeAPI/STNG/${TENANT}//api/integration/v1/recordings/${full}`);
      assert.equal(composed.status, 200, composed.bytes.toString());
      assert.equal((await call(server, 'GET', `/live/v1/serviceTypeAPI/STNG/${server.accountId}${API}/recordings/${full}`)).status, 200);
      const other = await server.client({ newAccount: true });
      assertError(await call(server, 'GET', `/live/v1/serviceTypeAPI/STNG/${other.accountId}${API}/recordings?pageSize=1`), 403, 'INSUFFICIENT_PERMISSIONS');
    });

    it('pages through a few hundred recordings with page/pageSize and nextPage, each exactly once', async () => {
      const seen: string[] = [];
      let url: string | undefined = `${server.url}${API}/recordings?filter=(from=2025-01-01T00:00:00Z,to=2025-01-31T00:00:00Z)&sort=startTime&pageSize=37`;
      let pages = 0;
      let previous = '';
      while (url) {
        const res = await fetch(url, { headers: { authorization: `Bearer ${server.token}` } });
        const body = (await res.json()) as { data: Array<{ id: string }>; pages: Record<string, string>; pagesCount: number };
        assert.equal(res.status, 200);
        pages++;
        assert.equal(body.pages.current, String(pages));
        if (pages > 1) {
          const back = new URL(body.pages.previosPage!);
          assert.equal(back.searchParams.get('page'), String(pages - 1));
          assert.equal(back.searchParams.get('filter'), new URL(previous).searchParams.get('filter'));
          assert.equal(back.pathname, `${API}/recordings`);
        }
        previous = url;
        seen.push(...body.data.map((r) => r.id));
        url = body.pages.nextPage || undefined;
      }
      assert.equal(pages, Math.ceil(230 / 37));
      assert.deepEqual(seen, bulk);
      // Descending by start time, page by page, the same recordings in reverse.
      const down: string[] = [];
      for (let page = 1; page <= 3; page++) {
        const res = await call(server, 'GET', `${API}/recordings?filter=(from=2025-01-01T00:00:00Z,to=2025-01-31T00:00:00Z)&sort=-startTime&pageSize=100&page=${page}`);
        assertPages(res, page, 100);
        assert.equal(res.json.pages.totalElements, '230');
        assert.equal(res.json.pages.total, '3');
        down.push(...res.json.data.map((r: { id: string }) => r.id));
      }
      assert.deepEqual(down, [...bulk].reverse());
      // Past the last page: no data, and previosPage leads back to the last page.
      const beyond = await call(server, 'GET', `${API}/recordings?filter=(from=2025-01-01T00:00:00Z,to=2025-01-31T00:00:00Z)&pageSize=100&page=9`);
      assert.deepEqual(beyond.json.data, []);
      assert.equal(beyond.json.pages.nextPage, '');
      assert.equal(new URL(beyond.json.pages.previosPage).searchParams.get('page'), '3');
    });

    it('answers 404 RESOURCE_NOT_FOUND for an unknown recording', async () => {
      assertError(await call(server, 'GET', `${API}/recordings/rec_7a1b9e02`), 404, 'RESOURCE_NOT_FOUND');
      assertError(await call(server, 'GET', `${API}/recordings/rec_7a1b9e02/transcript`, { headers: { accept: 'text/vtt' } }), 404, 'RESOURCE_NOT_FOUND');
    });

    it('answers 400 INVALID_REQUEST for a malformed filter, sort or page, naming what is wrong', async () => {
      const bad = async (query: string, words: RegExp) => {
        const res = await call(server, 'GET', `${API}/recordings?${query}`);
        assertError(res, 400, 'INVALID_REQUEST');
        assert.match(res.json.error.description, words, query);
      };
      await bad('filter=from=2026-01-01T00:00:00Z', /parentheses/);
      await bad(`filter=${encodeURIComponent('(colour=red)')}`, /unknown key 'colour'/);
      await bad(`filter=${encodeURIComponent('(from=yesterday)')}`, /ISO 8601/);
      await bad(`filter=${encodeURIComponent('(from=2026-02-01T00:00:00Z,to=2026-01-01T00:00:00Z)')}`, /after/);
      await bad(`filter=${encodeURIComponent('(callDir=sideways)')}`, /sideways/);
      await bad(`filter=${encodeURIComponent('(text="unclosed)')}`, /never closed/);
      await bad(`filter=${encodeURIComponent('(u=a,u=b)')}`, /more than once/);
      await bad(`filter=${encodeURIComponent('(u)')}`, /key=value/);
      await bad('sort=-colour', /sort/);
      await bad('pageSize=101', /pageSize/);
      await bad('pageSize=0', /pageSize/);
      await bad('page=abc', /page/);
      await bad('page=1&page=2', /more than once/);
      await bad('pageSize=10&sort=startTime&sort=-startTime', /more than once/);
      await bad(`filter=${encodeURIComponent('(from=2026-02-30T00:00:00Z)')}`, /ISO 8601/);
    });
  });

  describe('access control and masking', () => {
    it('lists only what the caller may see, and 403s a caller without the scope', async () => {
      const amy = await call(server, 'GET', `${API}/recordings?pageSize=100`, { token: tok.amy! });
      assert.equal(amy.status, 200);
      assert.equal(amy.json.totalCount, 1);
      assert.equal(amy.json.pages.totalElements, '1');
      assertError(await call(server, 'GET', `${API}/recordings/${full}`, { token: tok.amy! }), 404, 'RESOURCE_NOT_FOUND');
      const noScope = await server.client({ scopes: ['transcripts:read'] });
      assertError(await call(server, 'GET', `${API}/recordings`, { token: noScope.token }), 403, 'INSUFFICIENT_PERMISSIONS');
    });

    it('masks the fields the account hides from supervisors, under this door\'s names too', async () => {
      assert.equal((await call(server, 'PUT', '/api/v1/settings/privacy', { token: admin.token, json: { agentFields: ['phoneNumber', 'oid'], customerFields: ['displayName'] } })).status, 200);
      try {
        const res = await call(server, 'GET', `${API}/recordings/${full}`, { token: tok.sue! });
        assert.equal(res.status, 200, res.bytes.toString());
        const r = res.json[0];
        assert.equal(r.called.phoneNumber, '*****');
        assert.equal(r.called.displayName, '*****');
        assert.equal(r.called.oid, '*****');
        assert.equal(r.target.azureOid, '*****', 'the target\'s oid is its azureOid here');
        assert.equal(r.called.upn, 'user2@company.com');
        const list = await call(server, 'GET', `${API}/recordings?filter=(g=g-sales)`, { token: tok.sue! });
        assert.equal(list.json.data[0].calling.displayName, '*****');
        const unmasked = await call(server, 'GET', `${API}/recordings/${full}`, { token: admin.token });
        assert.equal(unmasked.json[0].called.phoneNumber, '+15550102', 'admins and clients see everything');
      } finally {
        await call(server, 'DELETE', '/api/v1/settings/privacy', { token: admin.token });
      }
    });
  });

  describe('2.2 logs', () => {
    it('answers the example of section 2.2.1: GET requests in a window, with the documented fields', async () => {
      await call(server, 'POST', '/api/v1/recordings', { json: { startTime: 'not a time' } }); // a failing POST, not listed below
      await call(server, 'GET', `${API}/recordings/missing-one`);
      const res = await call(server, 'GET', `${API}/apiActivityLogs?filter=(from=2026-01-01T00:00:00Z,to=2026-12-12T00:00:00Z,action=get)`, { token: admin.token });
      assertPages(res, 1, 25);
      assert.ok(res.json.data.length > 0);
      for (const e of res.json.data) {
        assert.equal(e.action, 'get');
        assert.equal(typeof e.id, 'string');
        assert.match(e.timeStamp, /^\d{4}-\d{2}-\d{2}T/);
        assert.equal(typeof e.request, 'string');
        assert.equal(typeof e.applicationId, 'string');
        assert.equal(typeof e.responseTime, 'number');
        assert.equal(typeof e.errorDetails, 'string');
      }
      const failed = res.json.data.find((e: { request: string }) => e.request.includes('missing-one'));
      assert.ok(failed, 'the failed GET is listed');
      assert.match(failed.errorDetails, /RESOURCE_NOT_FOUND/);
    });

    it('answers the example of section 2.2.2: audit entries whose description contains "viewed"', async () => {
      await call(server, 'GET', `/api/v1/recordings/${full}`, { token: tok.sue! });
      const res = await call(server, 'GET', `${API}/auditLogs?filter=(from=2026-01-01T00:00:00Z,to=2026-12-12T00:00:00Z,description="viewed")&pageSize=100`, { token: admin.token });
      assertPages(res, 1, 100);
      assert.ok(res.json.data.length > 0);
      for (const e of res.json.data) {
        assert.match(e.description, /viewed/i);
        for (const k of ['id', 'item', 'timeStamp', 'action', 'description']) assert.equal(typeof e[k], 'string', k);
        assert.deepEqual(Object.keys(e.user).sort(), ['firstName', 'lastName', 'upn']);
      }
      const sue = res.json.data.find((e: { user: { upn: string } }) => e.user.upn === 'sue@company.com');
      assert.ok(sue, 'a user is named by first name, last name and UPN');
      assert.deepEqual(sue.user, { firstName: 'Sue', lastName: 'Smith', upn: 'sue@company.com' });
      assert.equal(sue.item, 'call');
      assert.equal(sue.action, 'view');
      const byName = await call(server, 'GET', `${API}/auditLogs?filter=${encodeURIComponent('(userFullName=Sue Smith,action=view)')}`, { token: admin.token });
      assert.ok(byName.json.data.length > 0);
      assert.ok(byName.json.data.every((e: { user: { upn: string }; action: string }) => e.user.upn === 'sue@company.com' && e.action === 'view'));
      // The filter table lists HTTP methods for `action`: get means view.
      const get = await call(server, 'GET', `${API}/auditLogs?filter=(action=get)&pageSize=5`, { token: admin.token });
      assert.ok(get.json.data.every((e: { action: string }) => e.action === 'view'));
    });

    it('answers the example of section 2.2.3: alarms in a window, and keeps to the one-week default window', async () => {
      await server.vault.logs.raiseAlarm('test.disk', 'storage', 'The data folder is nearly full', { data: { freePercent: 3 } });
      const res = await call(server, 'GET', `${API}/systemActivityLogs?filter=(from=2026-01-01T00:00:00Z,to=2026-12-12T00:00:00Z,logType=alarm)`, { token: admin.token });
      assertPages(res, 1, 25);
      const alarm = res.json.data.find((e: { systemActivityType: string }) => e.systemActivityType === 'storage');
      assert.ok(alarm, res.bytes.toString());
      assert.equal(alarm.logType, 'alarm');
      assert.deepEqual(alarm.data, { freePercent: 3 });
      assert.ok(res.json.data.every((e: { logType: string }) => e.logType === 'alarm'));
      const byType = await call(server, 'GET', `${API}/systemActivityLogs?filter=(systemActivityType=storage)`, { token: admin.token });
      assert.ok(byType.json.data.length > 0, 'the default window holds what just happened');
      const lastYear = await call(server, 'GET', `${API}/systemActivityLogs?filter=(to=2025-06-01T00:00:00Z)`, { token: admin.token });
      assert.equal(lastYear.json.totalCount, 0, 'a week before the given `to` holds nothing');
      const old = await call(server, 'GET', `${API}/auditLogs?filter=(to=2025-06-01T00:00:00Z)`, { token: admin.token });
      assert.equal(old.json.totalCount, 0);
    });

    it('answers the log errors of section 2.2: 401, 403 without the scope, 400 for a bad filter', async () => {
      assertError(await call(server, 'GET', `${API}/auditLogs`, { token: null }), 401, 'INVALID_CLIENT_CREDENTIALS');
      assertError(await call(server, 'GET', `${API}/auditLogs`), 403, 'INSUFFICIENT_PERMISSIONS');
      assertError(await call(server, 'GET', `${API}/apiActivityLogs?filter=(action=fetch)`, { token: admin.token }), 400, 'INVALID_REQUEST');
      assertError(await call(server, 'GET', `${API}/systemActivityLogs?filter=(logType=panic)`, { token: admin.token }), 400, 'INVALID_REQUEST');
      assertError(await call(server, 'GET', `${API}/auditLogs?filter=(u=sue)`, { token: admin.token }), 400, 'INVALID_REQUEST');
    });

    it('records what this door was used for in the audit trail', async () => {
      await call(server, 'GET', `${API}/recordings/${full}`);
      const res = await call(server, 'GET', `/api/v1/audit-logs?description=${encodeURIComponent('(Interaction Insights)')}&pageSize=100`, { token: admin.token });
      assert.ok(res.json.data.some((e: { description: string; objectId: string }) => e.objectId === full && /viewed recording/.test(e.description)));
    });
  });
});

describe('Interaction Insights door: throttling', () => {
  let server: TestServer;
  before(async () => { server = await startServer({ CALLVAULT_LOGIN_BURST: '3', CALLVAULT_LOGIN_PER_MINUTE: '1' }); });
  after(() => server?.stop());

  it('answers 429 RATE_LIMIT_EXCEEDED with Retry-After once an address has used its sign-in burst', async () => {
    const statuses: number[] = [];
    let last: Res | undefined;
    for (let i = 0; i < 5; i++) {
      last = await call(server, 'POST', '/live/v1/login', { token: null, json: { client_id: 'my-integration-app', client_secret: 'wrong' } });
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
    assertError(last!, 429, 'RATE_LIMIT_EXCEEDED');
    assert.ok(Number(last!.headers.get('retry-after')) > 0);
  });
});
