/**
 * One recording read through every door served so far (native, recordings list v1, Kazoo,
 * Interaction Insights, Vonage, Genesys): the same times, parties, duration and media bytes.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { startServer, multipart, type TestServer } from '../helpers/server.js';
import { call } from '../http/util.js';
import { makeFixture } from '../fixtures/media.js';
import { addUsers, basic, mp3Seconds, PASSWORD } from './genesys-helpers.js';

const GREGORIAN = 62_167_219_200;

describe('the same recording through every door', () => {
  let server: TestServer;
  let id: string;
  let mp3: Buffer;

  before(async () => {
    server = await startServer();
    mp3 = await readFile(await makeFixture('mp3', { seconds: 3 }));
    const { body, contentType } = multipart({
      startTime: '2026-05-04T09:08:07Z', callDirection: 'outgoing',
      calling: { displayName: 'Dana Desk', phoneNumber: '+15551230001' }, called: { displayName: 'Eve External', phoneNumber: '+15559870002' },
    }, [{ fileName: 'call.mp3', type: 'audio/mpeg', data: mp3 }]);
    const res = await call(server, 'POST', '/api/v1/recordings', { body, headers: { 'content-type': contentType } });
    assert.equal(res.status, 201, res.bytes.toString());
    id = res.json.id;
  });
  after(() => server?.stop());

  it('reports the same start, duration, parties and direction', async () => {
    const native = (await call(server, 'GET', `/api/v1/recordings/${id}`)).json;
    const v1 = (await call(server, 'GET', '/v1/recordings?quantity=1&from=0')).json.recordings[0];
    const kazoo = (await call(server, 'GET', `/v2/accounts/${server.accountId}/recordings/${id}`, { token: null, headers: { 'x-auth-token': server.token } })).json.data;
    const [insights] = (await call(server, 'GET', `/api/integration/v1/recordings/${id}`)).json;
    const vonage = (await call(server, 'GET', `/t/vbc.prod/call_recording/api/accounts/self/company_call_recordings/${native.numericId}`)).json;
    const startMs = Date.parse(native.startTime);
    assert.equal(v1.id, id);
    assert.equal(Date.parse(v1.date), startMs);
    assert.equal(kazoo.start, startMs / 1000 + GREGORIAN);
    assert.ok(native.durationMs > 2500 && native.durationMs < 3500);
    assert.equal(v1.duration, Math.round(native.durationMs / 1000));
    assert.equal(kazoo.duration_ms, native.durationMs);
    assert.deepEqual([v1.from.phoneNumber, v1.to.phoneNumber], [native.calling.phoneNumber, native.called.phoneNumber]);
    assert.deepEqual([v1.from.fullName, v1.to.fullName], ['Dana Desk', 'Eve External']);
    assert.deepEqual([kazoo.caller_id_number, kazoo.callee_id_number], [native.calling.phoneNumber, native.called.phoneNumber]);
    assert.equal(Date.parse(insights.startTime), startMs);
    assert.equal(Date.parse(insights.releaseTime) - startMs, native.durationMs);
    assert.equal(insights.content.audioContent.endTimeMs, native.durationMs);
    assert.deepEqual([insights.calling.phoneNumber, insights.called.phoneNumber], [native.calling.phoneNumber, native.called.phoneNumber]);
    assert.deepEqual([insights.calling.displayName, insights.called.displayName], ['Dana Desk', 'Eve External']);
    assert.equal(insights.callDirection, 'outgoing');
    assert.deepEqual([v1.direction, kazoo.direction, vonage.call_direction], ['OUT', 'outbound', 'OUTBOUND']);
    assert.equal(vonage.id, native.numericId);
    assert.equal(Date.parse(vonage.start.replace('+0000', 'Z')), startMs);
    assert.equal(Date.parse(vonage.end.replace('+0000', 'Z')), Math.floor((startMs + native.durationMs) / 1000) * 1000);
    assert.equal(vonage.duration, native.durationMs);
    assert.deepEqual([vonage.caller_id, vonage.dnis, vonage.cnam], [native.calling.phoneNumber, native.called.phoneNumber, 'Dana Desk']);
    const genesys = (await call(server, 'GET', `/api/v2/recordings/${id}`)).json;
    assert.equal(Date.parse(genesys.startTime.replace('+0000', 'Z')), startMs);
    assert.equal(Date.parse(genesys.stopTime.replace('+0000', 'Z')) - startMs, native.durationMs);
    assert.equal(Number(genesys.mediaFiles[0].duration), native.media[0].durationMs);
    assert.deepEqual([genesys.callerPhoneNumber, genesys.dialedPhoneNumber], [native.calling.phoneNumber, native.called.phoneNumber]);
    const names = genesys.eventHistory.filter((e: { event: string }) => e.event === 'Joined').map((e: { contact: { phoneNumber: string } }) => e.contact.phoneNumber);
    assert.deepEqual(names, [native.calling.phoneNumber, native.called.phoneNumber]);
    assert.equal(genesys.callType, 'Outbound');
  });

  it('serves the same media bytes', async () => {
    const native = (await call(server, 'GET', `/api/v1/recordings/${id}`)).json;
    const a = await call(server, 'GET', `/api/v1/recordings/${id}/media/${native.media[0].id}`);
    const b = await call(server, 'GET', `/v2/accounts/${server.accountId}/recordings/${id}?accept=audio/mpeg`, { token: null, headers: { 'x-auth-token': server.token } });
    const c = await call(server, 'GET', `/t/vbc.prod/call_recording/api/audio/recording/${native.numericId}`);
    assert.equal(b.status, 200);
    // Interaction Insights: path + subPath + '/' + fileName is where the media plays.
    const [insights] = (await call(server, 'GET', `/api/integration/v1/recordings/${id}`)).json;
    const audio = insights.content.audioContent;
    const d = await fetch(`${insights.content.path}${audio.subPath}/${audio.fileName}`, { headers: { authorization: `Bearer ${server.token}` } });
    assert.equal(c.status, 200);
    assert.equal(d.status, 200);
    assert.ok(a.bytes.equals(mp3));
    assert.ok(b.bytes.equals(mp3));
    assert.ok(c.bytes.equals(mp3));
    assert.ok(Buffer.from(await d.arrayBuffer()).equals(mp3));
    // The Genesys playPath serves MP3 too: an MP3 upload as it is.
    const e = await call(server, 'GET', `/api/v2${(await call(server, 'GET', `/api/v2/recordings/${id}`)).json.mediaFiles[0].playPath}`);
    assert.equal(e.status, 200);
    assert.ok(e.bytes.equals(mp3));
  });

  it('plays a WAV upload through Genesys as an MP3 of the same duration as the native media', async () => {
    const wav = await readFile(await makeFixture('wav-pcm16', { seconds: 3 }));
    const { body, contentType } = multipart({ startTime: '2026-05-04T10:00:00Z' }, [{ fileName: 'call.wav', type: 'audio/wav', data: wav }]);
    const rec = (await call(server, 'POST', '/api/v1/recordings', { body, headers: { 'content-type': contentType } })).json;
    const native = await call(server, 'GET', `/api/v1/recordings/${rec.id}/media/${rec.media[0].id}`);
    assert.ok(native.bytes.equals(wav));
    const g = await call(server, 'GET', `/api/v2/recordings/${rec.id}/decrypt/${rec.media[0].id}.mp3`);
    assert.equal(g.status, 200);
    const seconds = await mp3Seconds(server, g.bytes);
    // Within the encoder's delay and padding: a streamed MP3 has no LAME tag telling the decoder to trim them (~0.2 s at most).
    assert.ok(Math.abs(seconds - rec.media[0].durationMs / 1000) < 0.25, `${seconds} s vs ${rec.media[0].durationMs} ms`);
  });

  it('masks the same data for a supervisor in every door, from one setting made through either settings route', async () => {
    await addUsers(server); // ada (admin), sue (supervisor of g1), amy (agent)
    const { body, contentType } = multipart({
      startTime: '2026-05-04T11:00:00Z', callDirection: 'incoming', accessGroups: [{ id: 'g1' }], userMetadata: { GSIP_RECORD: 'ON', queue: 'sales' },
      calling: { phoneNumber: '+15551230009', displayName: 'Carl Caller' }, called: { displayName: 'Dana Desk', phoneNumber: '+15559870009' },
    }, [{ fileName: 'call.mp3', type: 'audio/mpeg', data: mp3 }]);
    const created = (await call(server, 'POST', '/api/v1/recordings', { body, headers: { 'content-type': contentType } })).json;
    const rid = created.id;
    const set = await call(server, 'POST', '/api/v2/settings/recording', { token: null, headers: { authorization: basic('ada') }, json: { settings: [
      { name: 'metadata.privacy.customer_fields', value: 'callerPhoneNumber, GSIP_RECORD' }, { name: 'metadata.privacy.agent_fields', value: 'firstName, lastName' },
    ] } });
    assert.equal(set.status, 200, set.bytes.toString());
    const sue = (await call(server, 'POST', '/api/v1/auth/login', { token: null, json: { username: 'sue', password: PASSWORD } })).json.access_token;
    const ada = (await call(server, 'POST', '/api/v1/auth/login', { token: null, json: { username: 'ada', password: PASSWORD } })).json.access_token;
    assert.deepEqual((await call(server, 'GET', '/api/v1/settings/privacy', { token: ada })).json, { agentFields: ['firstName', 'lastName'], customerFields: ['callerPhoneNumber', 'GSIP_RECORD'] });
    const native = (await call(server, 'GET', `/api/v1/recordings/${rid}`, { token: sue })).json;
    const v1 = (await call(server, 'GET', '/v1/recordings?quantity=1&from=0', { token: sue })).json.recordings[0];
    const kazoo = (await call(server, 'GET', `/v2/accounts/${server.accountId}/recordings/${rid}`, { token: null, headers: { 'x-auth-token': sue } })).json.data;
    const kazooList = (await call(server, 'GET', `/v2/accounts/${server.accountId}/recordings?page_size=1`, { token: null, headers: { 'x-auth-token': sue } })).json.data[0];
    const genesys = (await call(server, 'GET', `/api/v2/recordings/${rid}`, { token: null, headers: { authorization: basic('sue') } })).json;
    const [insights] = (await call(server, 'GET', `/api/integration/v1/recordings/${rid}`, { token: sue })).json;
    const vonage = (await call(server, 'GET', `/t/vbc.prod/call_recording/api/accounts/self/company_call_recordings/${created.numericId}`, { token: sue })).json;
    const M = '*****';
    assert.deepEqual([insights.calling.phoneNumber, insights.calling.displayName, insights.called.phoneNumber], [M, M, '+15559870009'], 'Interaction Insights');
    assert.deepEqual([vonage.caller_id, vonage.cnam, vonage.dnis], [M, M, '+15559870009'], 'Vonage');
    assert.equal(v1.id, rid);
    assert.equal(kazooList.id, rid);
    assert.deepEqual([native.calling.phoneNumber, v1.from.phoneNumber, kazoo.caller_id_number, kazooList.caller_id_number, genesys.callerPhoneNumber], [M, M, M, M, M]);
    assert.deepEqual([native.called.phoneNumber, v1.to.phoneNumber, kazoo.callee_id_number, genesys.dialedPhoneNumber], ['+15559870009', '+15559870009', '+15559870009', '+15559870009'], 'what is not masked shows');
    assert.deepEqual([native.calling.displayName, v1.from.fullName, kazoo.caller_id_name], [M, M, M], 'names');
    assert.deepEqual([native.userMetadata.GSIP_RECORD, kazoo.user_metadata.GSIP_RECORD, genesys.eventHistory[0].data.added.GSIP_RECORD], [M, M, M]);
    assert.deepEqual([native.userMetadata.queue, kazoo.user_metadata.queue, genesys.eventHistory[0].data.added.queue], ['sales', 'sales', 'sales']);
    // The administrator sees everything, in every door.
    assert.equal((await call(server, 'GET', `/v2/accounts/${server.accountId}/recordings/${rid}`, { token: null, headers: { 'x-auth-token': ada } })).json.data.caller_id_number, '+15551230009');
    assert.equal((await call(server, 'GET', `/api/v2/recordings/${rid}`, { token: null, headers: { authorization: basic('ada') } })).json.callerPhoneNumber, '+15551230009');
    // A search cannot confirm a masked value: a masked user-data key refuses userData searches,
    // masked numbers refuse number searches in every door (403 in each door's body).
    const basicSue = { token: null, headers: { authorization: basic('sue') } };
    assert.equal((await call(server, 'GET', '/api/v2/recordings?userData=ON', basicSue)).status, 403);
    assert.equal((await call(server, 'GET', '/api/v2/recordings?callerPhoneNumber=1555*', basicSue)).status, 403);
    assert.equal((await call(server, 'GET', `/v2/accounts/${server.accountId}/recordings?filter_caller_id_number=15551230009`, { token: null, headers: { 'x-auth-token': sue } })).status, 403);
    assert.equal((await call(server, 'GET', '/t/vbc.prod/call_recording/api/accounts/self/company_call_recordings?caller_id=15551230009', { token: sue })).status, 403);
    assert.equal((await call(server, 'GET', '/api/integration/v1/recordings?filter=(calling=15551230009)', { token: sue })).status, 403);
    // Masking extensions hides the number fields too, which show a party's extension when it has no number.
    assert.equal((await call(server, 'PUT', '/api/v1/settings/privacy', { token: ada, json: { agentFields: ['extension'], customerFields: [] } })).status, 200);
    const ext = (await call(server, 'POST', '/api/v1/recordings', { token: ada, json: { startTime: '2026-05-04T12:00:00Z', accessGroups: [{ id: 'g1' }], calling: { extension: '4711' }, called: { extension: '4712' } } })).json;
    const g = (await call(server, 'GET', `/api/v2/recordings/${ext.id}`, basicSue)).json;
    const k = (await call(server, 'GET', `/v2/accounts/${server.accountId}/recordings/${ext.id}`, { token: null, headers: { 'x-auth-token': sue } })).json.data;
    const v = (await call(server, 'GET', `/t/vbc.prod/call_recording/api/accounts/self/company_call_recordings/${ext.numericId}`, { token: sue })).json;
    const l = (await call(server, 'GET', '/v1/recordings?quantity=1&from=0', { token: sue })).json.recordings[0];
    assert.equal(l.id, ext.id);
    assert.deepEqual([g.callerPhoneNumber, g.dialedPhoneNumber, k.caller_id_number, k.callee_id_number, v.caller_id, v.dnis, l.from.phoneNumber, l.to.phoneNumber],
      [M, M, M, M, M, M, M, M]);
    for (const doc of [g, k, v, l]) assert.ok(!JSON.stringify(doc).includes('4711'), `the extension shows nowhere: ${JSON.stringify(doc).slice(0, 200)}`);
    assert.equal((await call(server, 'DELETE', '/api/v1/settings/privacy', { token: ada })).status, 200);
  });
});
