/**
 * One recording read through every door served so far (native, recordings list v1, Kazoo,
 * Interaction Insights, Vonage): the same times, parties, duration and media bytes.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { startServer, multipart, type TestServer } from '../helpers/server.js';
import { call } from '../http/util.js';
import { makeFixture } from '../fixtures/media.js';

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
  });
});
