/**
 * The Interaction Insights door over a recording the real pipeline has transcribed (speech by
 * Festival, pocketsphinx): section 3's walk-through from listing to fetching the WebVTT, the
 * `tStatus` / `iStatus` filters and the free-text `text` filter.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { startServer, multipart, type TestServer } from '../helpers/server.js';
import { call } from '../http/util.js';
import { parseWebVtt } from '../../src/transcripts/vtt.js';
import { DISTINCTIVE, makeCall } from '../fixtures/speech/generate.js';

const API = '/api/integration/v1';

describe('Interaction Insights door: transcripts', { timeout: 600_000 }, () => {
  let server: TestServer;
  let id: string;
  let silentId: string;

  before(async () => {
    server = await startServer({ CALLVAULT_WORKERS: 'true' });
    const speech = await makeCall(DISTINCTIVE.call);
    const { body, contentType } = multipart({
      startTime: '2026-06-16T14:03:11Z', callDirection: 'incoming',
      calling: { displayName: 'Casey Customer', phoneNumber: '+15550100' }, answeredBy: { displayName: 'Alex Agent', upn: 'user@company.com' },
    }, [{ fileName: 'call.wav', type: 'audio/wav', data: await readFile(speech.stereoWav) }]);
    const res = await call(server, 'POST', '/api/v1/recordings', { body, headers: { 'content-type': contentType } });
    assert.equal(res.status, 201, res.bytes.toString());
    id = res.json.id;
    // A recording without media: nothing to transcribe.
    silentId = (await call(server, 'POST', '/api/v1/recordings', { json: { startTime: '2026-06-15T10:00:00Z', answeredBy: { upn: 'user@company.com' } } })).json.id;
    await server.vault.runner.idle(500_000);
  });
  after(() => server?.stop());

  it('walks section 3: list the user\'s week, then fetch the transcript of each ready recording', async () => {
    const list = await call(server, 'GET', `${API}/recordings?filter=(from=2026-06-10T00:00:00Z,to=2026-06-17T23:59:59Z,u=user@company.com)&sort=-startTime&page=1&pageSize=100`,
      { headers: { accept: 'application/json' } });
    assert.equal(list.status, 200, list.bytes.toString());
    assert.deepEqual(list.json.data.map((r: { id: string }) => r.id), [id, silentId]);
    const [ready, none] = list.json.data;
    assert.equal(ready.content.transcriptionContent.transcriptionStatus, 'ready');
    assert.equal(ready.content.insightsContent.insightsStatus, 'ready');
    assert.equal(none.content.transcriptionContent.transcriptionStatus, 'none');
    const vttUrl: string = ready.content.transcriptionContent.vttInfo[0].fullPathVttFile;
    assert.ok(vttUrl.endsWith(`${API}/recordings/${id}/transcript`), vttUrl);

    const res = await call(server, 'GET', `${API}/recordings/${id}/transcript`, { headers: { accept: 'text/vtt' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/vtt/);
    const vtt = res.bytes.toString('utf8');
    assert.ok(vtt.startsWith('WEBVTT'));
    const { cues } = parseWebVtt(vtt);
    assert.ok(cues.length > 2, `only ${cues.length} cues`);
    assert.deepEqual(new Set(cues.map((c) => c.speaker)), new Set(['Alex Agent', 'Casey Customer']));
    // The absolute URL in vttInfo serves the same file.
    const direct = await fetch(vttUrl, { headers: { authorization: `Bearer ${server.token}`, accept: 'text/vtt' } });
    assert.equal(await direct.text(), vtt);

    const missing = await call(server, 'GET', `${API}/recordings/${silentId}/transcript`, { headers: { accept: 'text/vtt' } });
    assert.equal(missing.status, 404);
    assert.equal(missing.json.error.code, 'RESOURCE_NOT_FOUND');
  });

  it('filters by transcription and insights status and by the words said', async () => {
    const ids = async (filter: string) => {
      const res = await call(server, 'GET', `${API}/recordings?filter=${encodeURIComponent(filter)}`);
      assert.equal(res.status, 200, res.bytes.toString());
      return res.json.data.map((r: { id: string }) => r.id);
    };
    assert.deepEqual(await ids('(tStatus=Ready)'), [id]);
    assert.deepEqual(await ids('(iStatus=ready)'), [id]);
    assert.deepEqual(await ids('(tStatus=None)'), [silentId]);
    assert.deepEqual(await ids(`(text="${DISTINCTIVE.phrase}")`), [id]);
    assert.deepEqual(await ids(`(text=zebra crossing;${DISTINCTIVE.phrase})`), [id], 'alternatives separated by ;');
    assert.deepEqual(await ids('(text=zebra crossing)'), []);
  });
});
