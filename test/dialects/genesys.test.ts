/**
 * The Genesys Interaction Recording door (specs/genesys-interaction-recording-api.txt): each of
 * the spec's sample requests against matching data, every documented error, paging, the
 * wildcard and escape rules of the search, MP3 playback, privacy masking and the settings
 * group, and the Administrator / Supervisor / Agent prerequisites over HTTP Basic.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { startServer, multipart, type TestServer } from '../helpers/server.js';
import { call, type Res } from '../http/util.js';
import { makeFixture } from '../fixtures/media.js';
import { sql } from 'kysely';
import { newRecording } from '../../src/core/recordings.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { addUsers, assertGenesysError, basic, mp3Seconds, PASSWORD } from './genesys-helpers.js';
import { auditFor, type Json } from '../logs/util.js';

describe('Genesys interaction recording door', () => {
  let server: TestServer;
  let wav: Buffer;
  const id: Record<string, string> = {};
  const mediaId: Record<string, string> = {};
  const PAGED = 250;

  const g = (method: string, path: string, who = 'ada', opts: { json?: unknown; headers?: Record<string, string> } = {}) =>
    call(server, method, path, { token: null, ...opts, headers: { authorization: basic(who), ...(opts.headers ?? {}) } });

  const upload = async (meta: Record<string, unknown>, withAudio: boolean) => {
    const { body, contentType } = multipart(meta, withAudio ? [{ fileName: 'call.wav', type: 'audio/wav', data: wav }] : []);
    const res = withAudio
      ? await call(server, 'POST', '/api/v1/recordings', { body, headers: { 'content-type': contentType } })
      : await call(server, 'POST', '/api/v1/recordings', { json: meta });
    assert.equal(res.status, 201, res.bytes.toString());
    return res.json as { id: string; media: Array<{ id: string }> };
  };

  before(async () => {
    server = await startServer();
    await addUsers(server);
    wav = await readFile(await makeFixture('wav-mulaw', { seconds: 2 }));
    // The recordings of the spec's samples.
    const a = await upload({
      startTime: '2015-09-10T18:36:58Z', releaseTime: '2015-09-10T18:37:30Z', callType: 'internal_p2p', callDirection: 'none', region: 'region1',
      callUuid: '011AP643CSAPR4FKQGQE31TAES0002A0',
      calling: { phoneNumber: '+15559680001', upn: 'agent1@genesys.com', displayName: 'Agent1 Genesys', kind: 'user' },
      called: { phoneNumber: '+15559680002', upn: 'agent2@genesys.com', displayName: 'Agent2 Genesys', kind: 'user' },
      userMetadata: { GSIP_RECORD: 'ON', GSIP_REC_FN: '011AP643CSAPR4FKQGQE31TAES0002A0_2015-09-10_18-36-57', reason: 'loan' },
      accessGroups: [{ id: 'g1' }],
      tags: [{ tagName: 'comment', content: JSON.stringify({ time: '2016-04-22T12:42:44.000+0000', text: 'This is an awesome comment!' }) }],
      mediaInfo: { 'call.wav': { pauseMasks: [{ startMs: 500, endMs: 1250 }] } },
    }, true);
    id.a = a.id;
    mediaId.a = a.media[0]!.id;
    id.b = (await upload({
      startTime: '2015-09-10T16:58:22Z', releaseTime: '2015-09-10T16:58:34Z', callDirection: 'incoming', region: 'region1', nonDelete: true,
      calling: { phoneNumber: '8522001' }, called: { phoneNumber: '+14160000001', upn: 'screen1@genesys.com', displayName: 'Screen GIR' },
      userMetadata: { reason: 'creditcard', other: 'cancel', formula: '(1+1)=2', star: 'a*b' },
    }, false)).id;
    const c = await upload({ startTime: '2015-09-11T09:00:00Z', callDirection: 'outgoing', calling: { upn: 'amy@acme.test', displayName: 'Amy Agent' }, called: { phoneNumber: '+442071234567' } }, true);
    id.c = c.id;
    mediaId.c = c.media[0]!.id;
    // A call with a screen recording (stored directly: the media kind is all that matters here).
    const s = newRecording(server.accountId, { startTime: '2015-09-12T09:00:00Z', calling: { phoneNumber: '+15550001111' } }, [{
      id: 'screen1', kind: 'screen', mimeType: 'video/webm', codec: 'vp8', container: 'webm', channels: 0, sampleRate: 0, durationMs: 5000, size: 10,
      sha256: '0'.repeat(64), status: 'available', createdAt: new Date().toISOString(),
    }], { kind: 'client', id: 'cli_seed', accountId: server.accountId, scopes: new Set() }, new Date().toISOString());
    await server.vault.store.insertRecording(s, []);
    id.s = s.id;
    // Older calls to page through (2014, before every sample).
    for (let i = 0; i < PAGED; i++) {
      const res = await call(server, 'POST', '/api/v1/recordings', { json: { startTime: new Date(Date.UTC(2014, 0, 1) + i * 60_000).toISOString(), durationMs: 1000 + i } });
      assert.equal(res.status, 201);
    }
  });
  after(() => server?.stop());

  const SEP_2015 = 1441065600000;
  const END_2014 = Date.UTC(2015, 0, 1);

  it('answers Sample 1 (simple query) with the documented list and recording shape', async () => {
    const res = await g('GET', `/api/v2/recordings?startTime=${SEP_2015}&offset=0&limit=100`);
    assert.equal(res.status, 200, res.bytes.toString());
    assert.equal(res.json.statusCode, 0);
    assert.equal(res.json.totalCount, 4);
    assert.deepEqual(res.json.recordings.map((r: { id: string }) => r.id), [id.s, id.c, id.a, id.b], 'newest first');
    assert.ok(!('nextPath' in res.json) && !('prevPath' in res.json), 'one page only');
    const r = res.json.recordings.find((x: { id: string }) => x.id === id.a);
    assert.equal(r.callerPhoneNumber, '+15559680001');
    assert.equal(r.dialedPhoneNumber, '+15559680002');
    assert.equal(r.startTime, '2015-09-10T18:36:58.000+0000');
    assert.equal(r.stopTime, '2015-09-10T18:37:30.000+0000');
    assert.equal(r.callType, 'Internal');
    assert.equal(r.screenRecording, false);
    assert.equal(r.region, 'region1');
    assert.equal(r.nonDelete, false);
    assert.ok(!('labels' in r), 'labels only with subresources');
    assert.equal(r.mediaFiles.length, 1);
    const m = r.mediaFiles[0];
    for (const k of ['mediaUri', 'mediaPath', 'playPath', 'startTime', 'stopTime', 'callUUID', 'mediaId', 'type', 'duration', 'tenant', 'size', 'parameters', 'partitions', 'accessgroups']) assert.ok(k in m, k);
    assert.equal(m.playPath, `/recordings/${id.a}/decrypt/${mediaId.a}.mp3`);
    assert.equal(m.mediaPath, `/recordings/${id.a}/play/${mediaId.a}.mp3`);
    assert.equal(m.mediaUri, `${server.url}/api/v2${m.mediaPath}`);
    assert.equal(m.callUUID, '011AP643CSAPR4FKQGQE31TAES0002A0');
    assert.equal(m.type, 'audio/mp3');
    assert.match(m.duration, /^\d+$/);
    assert.ok(Math.abs(Number(m.duration) - 2000) < 200);
    assert.match(m.size, /^\d+$/);
    assert.equal(m.parameters.ani, '+15559680001');
    assert.equal(m.parameters.dnis, '+15559680002');
    assert.deepEqual(m.accessgroups, ['g1']);
    assert.deepEqual(m.masks, [{ time: '2015-09-10T18:36:58.500Z', type: 'paused' }, { time: '2015-09-10T18:36:59.250Z', type: 'resume' }]);
    const data = r.eventHistory.find((e: { event: string }) => e.event === 'Data');
    assert.equal(data.data.added.GSIP_RECORD, 'ON');
    assert.equal(data.calluuid, '011AP643CSAPR4FKQGQE31TAES0002A0');
    assert.match(data.eventId, /^2015-09-10 18:36:58\.000_011AP643CSAPR4FKQGQE31TAES0002A0$/);
    const joined = r.eventHistory.filter((e: { event: string }) => e.event === 'Joined');
    assert.deepEqual(joined.map((e: { contact: unknown }) => e.contact), [
      { type: 'User', phoneNumber: '+15559680001', userName: 'agent1@genesys.com', firstName: 'Agent1', lastName: 'Genesys' },
      { type: 'User', phoneNumber: '+15559680002', userName: 'agent2@genesys.com', firstName: 'Agent2', lastName: 'Genesys' },
    ]);
    assert.equal(r.eventHistory.filter((e: { event: string }) => e.event === 'Left').length, 2);
    const b = res.json.recordings.find((x: { id: string }) => x.id === id.b);
    assert.equal(b.callType, 'Inbound');
    assert.equal(b.nonDelete, true);
    assert.deepEqual(b.mediaFiles, []);
    assert.deepEqual(b.eventHistory.find((e: { event: string; contact?: { type: string } }) => e.event === 'Joined' && e.contact?.type === 'External').contact, { type: 'External', phoneNumber: '8522001' });
    assert.equal(res.json.recordings.find((x: { id: string }) => x.id === id.c).callType, 'Outbound');
    assert.equal(res.json.recordings.find((x: { id: string }) => x.id === id.s).screenRecording, true);
  });

  it('answers Get Recording by ID with the recording resource, labels only with subresources=labels or *', async () => {
    const plain = await g('GET', `/api/v2/recordings/${id.a}`);
    assert.equal(plain.status, 200);
    assert.equal(plain.json.statusCode, 0);
    assert.equal(plain.json.id, id.a);
    assert.ok(!('labels' in plain.json));
    for (const sub of ['labels', '*']) {
      const res = await g('GET', `/api/v2/recordings/${id.a}?subresources=${encodeURIComponent(sub)}`);
      assert.equal(res.json.labels.length, 1);
      assert.equal(res.json.labels[0].name, 'comment');
    }
    assertGenesysError(await g('GET', `/api/v2/recordings/${id.a}?subresources=notes`), 400, 2, /subresources/);
  });

  it('answers Sample 3 (label filter query) with the labels and their content', async () => {
    const res = await g('GET', '/api/v2/recordings?includeLabels=comment&resources=*');
    assert.equal(res.status, 200, res.bytes.toString());
    assert.equal(res.json.totalCount, 1);
    const l = res.json.recordings[0].labels[0];
    assert.equal(l.path, `/recordings/${id.a}/labels/${l.id}`);
    assert.equal(l.name, 'comment');
    assert.match(l.createTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    assert.equal(typeof l.createUser, 'string');
    assert.deepEqual(l.content, { time: '2016-04-22T12:42:44.000+0000', text: 'This is an awesome comment!' });
  });

  it('answers Sample 2 (masked results) for a supervisor once the recording settings name fields, never for an administrator', async () => {
    const set = await g('POST', '/api/v2/settings/recording', 'ada', { json: { name: 'metadata.privacy.agent_fields', value: 'agentId, username, phoneNumber, userName, firstName, lastName' } });
    assert.deepEqual(set.json, { statusCode: 0 });
    assert.deepEqual((await g('PUT', '/api/v2/settings/recording', 'ada', { json: { name: 'metadata.privacy.customer_fields', value: 'callerPhoneNumber, dialedPhoneNumber, dnis, ani, GSIP_RECORD' } })).json, { statusCode: 0 });
    const got = await g('GET', '/api/v2/settings/recording');
    assert.deepEqual(got.json, { statusCode: 0, settings: [
      { name: 'metadata.privacy.agent_fields', value: 'agentId,username,phoneNumber,userName,firstName,lastName' },
      { name: 'metadata.privacy.customer_fields', value: 'callerPhoneNumber,dialedPhoneNumber,dnis,ani,GSIP_RECORD' },
    ] }, 'read back as a comma-separated list');
    try {
      const sue = (await g('GET', `/api/v2/recordings/${id.a}`, 'sue')).json;
      assert.equal(sue.callerPhoneNumber, '*****');
      assert.equal(sue.dialedPhoneNumber, '*****');
      const p = sue.mediaFiles[0].parameters;
      assert.deepEqual([p.dnis, p.ani, p.agentId, p.username], ['*****', '*****', '*****', '*****']);
      assert.equal(sue.mediaFiles[0].playPath, `/recordings/${id.a}/decrypt/${mediaId.a}.mp3`, 'links are never masked');
      const contact = sue.eventHistory.find((e: { event: string }) => e.event === 'Joined').contact;
      assert.deepEqual(contact, { type: 'User', phoneNumber: '*****', userName: '*****', firstName: '*****', lastName: '*****' });
      const added = sue.eventHistory.find((e: { event: string }) => e.event === 'Data').data.added;
      assert.equal(added.GSIP_RECORD, '*****');
      assert.equal(added.GSIP_REC_FN, '011AP643CSAPR4FKQGQE31TAES0002A0_2015-09-10_18-36-57');
      // The list masks the same way; the administrator sees everything.
      const listed = (await g('GET', `/api/v2/recordings?startTime=${SEP_2015}`, 'sue')).json;
      assert.deepEqual(listed.recordings.map((r: { id: string }) => r.id), [id.a], 'a supervisor sees their groups only');
      assert.equal(listed.recordings[0].callerPhoneNumber, '*****');
      assert.equal((await g('GET', `/api/v2/recordings/${id.a}`, 'ada')).json.callerPhoneNumber, '+15559680001');
      // The same setting masks the native API.
      const native = await call(server, 'GET', `/api/v1/recordings/${id.a}`, { token: null, headers: { authorization: basic('sue') } });
      assert.equal(native.json.calling.phoneNumber, '*****');
      // Searching by a masked field is refused.
      assertGenesysError(await g('GET', '/api/v2/recordings?callerPhoneNumber=1555*', 'sue'), 403, 3, /masked/);
      assertGenesysError(await g('GET', '/api/v2/recordings?userName=agent1', 'sue'), 403, 3, /masked/);
      assert.equal((await g('GET', '/api/v2/recordings?callerPhoneNumber=1555*', 'ada')).status, 200);
    } finally {
      assert.deepEqual((await g('DELETE', '/api/v2/settings/recording', 'ada', { json: { name: 'metadata.privacy.agent_fields' } })).json, { statusCode: 0 });
      assert.equal((await g('GET', '/api/v2/settings/recording')).json.settings[0].value, '');
      assert.deepEqual((await g('DELETE', '/api/v2/settings/recording')).json, { statusCode: 0 });
    }
    assert.equal((await g('GET', `/api/v2/recordings/${id.a}`, 'sue')).json.callerPhoneNumber, '+15559680001');
  });

  it('refuses the settings to anyone but an administrator and validates names and values', async () => {
    assertGenesysError(await g('GET', '/api/v2/settings/recording', 'sue'), 403, 5);
    assertGenesysError(await g('POST', '/api/v2/settings/recording', 'sue', { json: { name: 'metadata.privacy.agent_fields', value: 'x' } }), 403, 5);
    assertGenesysError(await g('POST', '/api/v2/settings/recording', 'ada', { json: { name: 'metadata.other', value: 'x' } }), 400, 2, /metadata\.other/);
    assertGenesysError(await g('POST', '/api/v2/settings/recording', 'ada', { json: { value: 'x' } }), 400, 1);
    assertGenesysError(await g('POST', '/api/v2/settings/recording', 'ada', { json: { name: 'metadata.privacy.agent_fields', value: 'a b' } }), 400, 10);
  });

  it('pages through 250 recordings with offset/limit and by following nextUri, each exactly once', async () => {
    const base = `/api/v2/recordings?startTime=0&endTime=${END_2014}`;
    const seen: string[] = [];
    let path: string | null = `${base}&limit=100`;
    let pages = 0;
    while (path) {
      const res: Res = await g('GET', path);
      assert.equal(res.status, 200, res.bytes.toString());
      assert.equal(res.json.totalCount, PAGED);
      seen.push(...res.json.recordings.map((r: { id: string }) => r.id));
      if (pages === 1) {
        assert.equal(res.json.prevPath, `/recordings/?startTime=0&endTime=${END_2014}&offset=0&limit=100`);
        assert.equal(res.json.prevUri, `${server.url}/api/v2/recordings?startTime=0&endTime=${END_2014}&offset=0&limit=100`);
        assert.equal(res.json.nextPath, `/recordings/?startTime=0&endTime=${END_2014}&offset=200&limit=100`);
      }
      path = res.json.nextUri ? (res.json.nextUri as string).slice(server.url.length) : null;
      if (res.json.nextPath) assert.equal((await g('GET', `/api/v2${res.json.nextPath}`)).json.recordings[0].id, (await g('GET', path!)).json.recordings[0].id);
      pages++;
    }
    assert.equal(pages, 3);
    assert.equal(seen.length, PAGED);
    assert.equal(new Set(seen).size, PAGED);
    const byOffset: string[] = [];
    for (let offset = 0; offset < PAGED; offset += 37) {
      byOffset.push(...(await g('GET', `${base}&offset=${offset}&limit=37`)).json.recordings.map((r: { id: string }) => r.id));
    }
    assert.deepEqual(byOffset, seen);
    const first = await g('GET', base);
    assert.equal(first.json.recordings.length, 10, 'limit defaults to 10');
    assert.equal((await g('GET', `${base}&limit=100&offset=300`)).json.recordings.length, 0);
  });

  it('matches caller and dialed numbers on their alphanumerics, with * and ? wildcards', async () => {
    const ids = async (qs: string) => (await g('GET', `/api/v2/recordings?${qs}`)).json.recordings.map((r: { id: string }) => r.id).sort();
    const q = (name: string, v: string) => `${name}=${encodeURIComponent(v)}`;
    assert.deepEqual(await ids(q('callerPhoneNumber', '+1 (555) 968-0001')), [id.a]);
    assert.deepEqual(await ids(q('callerPhoneNumber', '8522001')), [id.b]);
    assert.deepEqual(await ids(q('callerPhoneNumber', '852200')), [], 'exact without a wildcard');
    assert.deepEqual(await ids(q('callerPhoneNumber', '852*')), [id.b]);
    assert.deepEqual(await ids(q('callerPhoneNumber', '*968000?')), [id.a]);
    assert.deepEqual(await ids(q('callerPhoneNumber', '+1555968000?')), [id.a]);
    assert.deepEqual(await ids(q('callerPhoneNumber', '15559680002')), [], 'the dialed number is not the caller');
    assert.deepEqual(await ids(q('dialedPhoneNumber', '15559680002')), [id.a]);
    assert.deepEqual(await ids(q('dialedPhoneNumber', '*0000001')), [id.b]);
    assert.deepEqual(await ids(`${q('callerPhoneNumber', '*')}&${q('dialedPhoneNumber', '44*')}`), [], 'a caller without a number matches no pattern');
    assert.deepEqual(await ids(q('dialedPhoneNumber', '44*')), [id.c]);
  });

  it('matches userName on first, last and user names: exact, *, OR by space, AND, and backslash escapes', async () => {
    const ids = async (v: string) => (await g('GET', `/api/v2/recordings?userName=${encodeURIComponent(v)}`)).json.recordings.map((r: { id: string }) => r.id).sort();
    assert.deepEqual(await ids('agent1'), [id.a], 'a first name');
    assert.deepEqual(await ids('GIR'), [id.b], 'a last name');
    assert.deepEqual(await ids('screen1@genesys.com'), [id.b], 'a user name');
    assert.deepEqual(await ids('genesys'), [id.a]);
    assert.deepEqual(await ids('gene'), [], 'exact match without a wildcard');
    assert.deepEqual(await ids('gene*'), [id.a]);
    assert.deepEqual(await ids('agent?'), [id.a]);
    assert.deepEqual(await ids('agent1 screen1@genesys.com'), [id.a, id.b].sort(), 'two words: OR');
    assert.deepEqual(await ids('agent1 OR screen1@genesys.com'), [id.a, id.b].sort());
    assert.deepEqual(await ids('agent1 AND agent2'), [id.a], 'AND: both');
    assert.deepEqual(await ids('agent1 AND screen'), []);
    assert.deepEqual(await ids('Agent1\\ Genesys'), [id.a], 'an escaped space is part of the name');
    assert.deepEqual(await ids('Agent1\\*'), [], 'an escaped * is literal');
    assertGenesysError(await g('GET', '/api/v2/recordings?userName=AND%20bob'), 400, 2, /AND/);
  });

  it('matches userData on the values of the call\'s data: exact, *, OR, AND and escapes', async () => {
    const ids = async (v: string) => (await g('GET', `/api/v2/recordings?userData=${encodeURIComponent(v)}`)).json.recordings.map((r: { id: string }) => r.id).sort();
    assert.deepEqual(await ids('creditcard'), [id.b]);
    assert.deepEqual(await ids('creditcard loan'), [id.a, id.b].sort());
    assert.deepEqual(await ids('cancel AND creditcard'), [id.b]);
    assert.deepEqual(await ids('cancel AND loan'), []);
    assert.deepEqual(await ids('credit*'), [id.b]);
    assert.deepEqual(await ids('reason'), [], 'names are not values');
    assert.deepEqual(await ids('\\(1\\+1\\)=2'), [id.b], 'the spec\'s escape example');
    assert.deepEqual(await ids('a\\*b'), [id.b]);
    assert.deepEqual(await ids('a\\?b'), []);
    assert.deepEqual(await ids('a?b'), [id.b], 'an unescaped ? stands for one character');
  });

  it('filters by start and end time in epoch ms and by included or excluded labels, __screenRecording included', async () => {
    const ids = async (qs: string) => (await g('GET', `/api/v2/recordings?${qs}`)).json.recordings.map((r: { id: string }) => r.id).sort();
    const t = (iso: string) => Date.parse(iso);
    assert.deepEqual(await ids(`startTime=${t('2015-09-10T18:36:58Z')}&endTime=${t('2015-09-11T00:00:00Z')}`), [id.a]);
    assert.deepEqual(await ids(`startTime=${SEP_2015}&endTime=${t('2015-09-10T18:37:29Z')}`), [id.b], 'ended at or before endTime');
    assert.deepEqual(await ids('includeLabels=__screenRecording'), [id.s]);
    assert.deepEqual(await ids(`startTime=${SEP_2015}&excludeLabels=__screenRecording`), [id.a, id.b, id.c].sort());
    assert.deepEqual(await ids(`startTime=${SEP_2015}&excludeLabels=comment,bad`), [id.b, id.c, id.s].sort());
    assert.deepEqual(await ids('includeLabels=comment,rate_good'), [], 'every included label is required');
    assert.deepEqual(await ids('includeLabels=comment&excludeLabels=comment'), []);
  });

  it('serves the media as real MP3 through playPath and mediaPath, transcoding a WAV upload', async () => {
    for (const path of [`/api/v2/recordings/${id.a}/decrypt/${mediaId.a}.mp3`, `/api/v2/recordings/${id.a}/play/${mediaId.a}.mp3`]) {
      const res = await g('GET', path, 'sue');
      assert.equal(res.status, 200, res.bytes.toString());
      assert.equal(res.headers.get('content-type'), 'audio/mpeg');
      const seconds = await mp3Seconds(server, res.bytes);
      assert.ok(seconds >= 2 && seconds < 2.25, `MP3 of ${seconds}s for a 2 s WAV (plus the encoder's delay and padding)`);
    }
    // An agent may play their own calls, and no one else's (404, as if it did not exist).
    assert.equal((await g('GET', `/api/v2/recordings/${id.c}/decrypt/${mediaId.c}.mp3`, 'amy')).status, 200);
    assertGenesysError(await g('GET', `/api/v2/recordings/${id.a}/decrypt/${mediaId.a}.mp3`, 'amy'), 404, 6);
    assertGenesysError(await g('GET', `/api/v2/recordings/${id.a}/decrypt/nosuchmedia.mp3`), 404, 6);
    assertGenesysError(await g('GET', `/api/v2/recordings/${id.a}/decrypt/${mediaId.a}.wav`), 404, 6);
  });

  it('holds the role prerequisites: search and get for Administrator and Supervisor, delete for Administrator', async () => {
    assertGenesysError(await g('GET', `/api/v2/recordings?startTime=${SEP_2015}`, 'amy'), 403, 5, /Administrator or Supervisor/);
    assertGenesysError(await g('GET', `/api/v2/recordings/${id.c}`, 'amy'), 403, 5);
    assertGenesysError(await g('DELETE', `/api/v2/recordings/${id.a}`, 'sue'), 403, 5, /Administrator/);
    assertGenesysError(await g('GET', `/api/v2/recordings/${id.b}`, 'sue'), 404, 6, /not found/);
    // API clients (bearer tokens) go by their scopes, as everywhere.
    const res = await call(server, 'GET', `/api/v2/recordings?startTime=${SEP_2015}`);
    assert.equal(res.json.totalCount, 4);
  });

  it('answers the documented errors with statusCode and statusMessage', async () => {
    assertGenesysError(await g('GET', '/api/v2/recordings'), 400, 1, /at least one search parameter/);
    assertGenesysError(await g('GET', '/api/v2/recordings?offset=0&limit=5'), 400, 1);
    assertGenesysError(await g('GET', '/api/v2/recordings?startTime=0&limit=101'), 400, 10, /limit/);
    assertGenesysError(await g('GET', '/api/v2/recordings?startTime=0&limit=0'), 400, 10, /limit/);
    assertGenesysError(await g('GET', '/api/v2/recordings?startTime=0&limit=ten'), 400, 2, /limit/);
    assertGenesysError(await g('GET', '/api/v2/recordings?startTime=0&offset=-1'), 400, 2, /offset/);
    assertGenesysError(await g('GET', '/api/v2/recordings?startTime=yesterday'), 400, 2, /startTime/);
    const none = await call(server, 'GET', '/api/v2/recordings?startTime=0', { token: null });
    assertGenesysError(none, 401, 20);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Basic /);
    assertGenesysError(await g('GET', '/api/v2/recordings?startTime=0', 'ada', { headers: { authorization: basic('ada', 'wrong') } }), 401, 20);
    assertGenesysError(await g('GET', '/api/v2/recordings/rec_doesnotexist'), 404, 6);
    const other = await server.client({ newAccount: true });
    assertGenesysError(await call(server, 'GET', `/api/v2/recordings/${id.a}`, { token: other.token }), 404, 6);
    assertGenesysError(await g('DELETE', `/api/v2/recordings/${id.b}`), 403, 3, /non-deletable/);
    // A row damaged on disk: the server fails (500) without telling what it found there.
    const broken = (await call(server, 'POST', '/api/v1/recordings', { json: { startTime: '2015-01-01T00:00:00Z' } })).json.id as string;
    await sql`UPDATE recordings SET doc = ${'{"secret-inside": tru'} WHERE id = ${broken}`.execute((server.vault.store as SqlStore).db);
    const res = await g('GET', `/api/v2/recordings/${broken}`);
    assertGenesysError(res, 500, 4);
    assert.ok(!res.json.statusMessage.includes('secret-inside') && !/JSON/.test(res.json.statusMessage), 'internal details stay inside');
    await sql`DELETE FROM recordings WHERE id = ${broken}`.execute((server.vault.store as SqlStore).db);
    // Unknown paths under /api/v2 answer in this door's body: the spec's Sample 2 heading path, a POST to the search.
    assertGenesysError(await g('GET', `/api/v2/recordings/recordings/${id.a}`), 404, 6);
    assertGenesysError(await g('POST', '/api/v2/recordings'), 404, 6);
    // A blank value is no search parameter.
    assertGenesysError(await g('GET', '/api/v2/recordings?includeLabels='), 400, 1);
  });

  it('finds a caller shown by extension (no phone number) by that extension, wildcards included', async () => {
    const rec = (await call(server, 'POST', '/api/v1/recordings', { json: { startTime: '2013-05-05T00:00:00Z', calling: { extension: '7401' }, called: { phoneNumber: '+15550000001' } } })).json;
    const shown = (await g('GET', `/api/v2/recordings/${rec.id}`)).json;
    assert.equal(shown.callerPhoneNumber, '7401');
    for (const q of ['callerPhoneNumber=7401', 'callerPhoneNumber=74*', 'callerPhoneNumber=740%3F']) {
      const res = await g('GET', `/api/v2/recordings?${q}`);
      assert.deepEqual(res.json.recordings.map((r: { id: string }) => r.id), [rec.id], q);
    }
    assert.equal((await g('DELETE', `/api/v2/recordings/${rec.id}`)).status, 200);
  });

  it('reads a repeated parameter by its first value, keeps tokens out of page links, and names the IVR profile field', async () => {
    const first = await g('GET', '/api/v2/recordings?startTime=0&limit=1&limit=50');
    assert.equal(first.status, 200, first.bytes.toString());
    assert.equal(first.json.recordings.length, 1);
    const viaQuery = await call(server, 'GET', `/api/v2/recordings?startTime=0&limit=1&auth_token=${encodeURIComponent(server.token)}`, { token: null });
    assert.equal(viaQuery.status, 200, viaQuery.bytes.toString());
    assert.ok(viaQuery.json.nextUri && !viaQuery.json.nextUri.includes('auth_token'), viaQuery.json.nextUri);
    for (const m of first.json.recordings[0].mediaFiles ?? []) assert.equal(typeof m.ivrprofile, 'string');
    const one = await g('GET', `/api/v2/recordings/${id.a}`);
    assert.ok('ivrprofile' in one.json.mediaFiles[0]);
    // A settings DELETE with a JSON content type and no body clears both settings.
    const del = await call(server, 'DELETE', '/api/v2/settings/recording', { token: null, body: '', headers: { authorization: basic('ada'), 'content-type': 'application/json' } });
    assert.equal(del.status, 200, del.bytes.toString());
  });

  it('deletes a recording for an administrator, after which it is gone', async () => {
    const doomed = (await upload({ startTime: '2015-10-01T00:00:00Z' }, false)).id;
    assert.deepEqual((await g('DELETE', `/api/v2/recordings/${doomed}`)).json, { statusCode: 0 });
    assertGenesysError(await g('GET', `/api/v2/recordings/${doomed}`), 404, 6);
    assertGenesysError(await g('DELETE', `/api/v2/recordings/${doomed}`), 404, 6);
  });

  it('writes each request to the audit trail in words', async () => {
    const token = (await call(server, 'POST', '/api/v1/auth/login', { token: null, json: { username: 'ada', password: PASSWORD } })).json.access_token;
    const byId = async (objectId: string, n: number) => (await auditFor(server, token, { objectId }, n)).map((e: Json) => e.description as string);
    assert.ok((await byId(id.c!, 1)).some((d) => d.includes(`downloaded media ${mediaId.c} of recording ${id.c} (Genesys, MP3)`)));
    assert.ok((await byId(id.a!, 1)).some((d) => d === `viewed recording ${id.a} (Genesys)`));
    const settings = await auditFor(server, token, { item: 'tenant' }, 3);
    assert.ok(settings.some((e: Json) => /changed the privacy masking settings \(Genesys; metadata\.privacy\.agent_fields: /.test(e.description)));
  });
});
