/**
 * The whisper.cpp engine through the whole pipeline and the HTTP API, with the built
 * whisper-cli and a random-weight model in the official tiny.en shapes: the words are nonsense,
 * so this asserts structure — statuses, WebVTT that parses, cues in time order within the call,
 * each named after the party of its channel — not what was said.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { startServer, multipart, type TestServer } from '../helpers/server.js';
import { call } from '../http/util.js';
import { parseWebVtt } from '../../src/transcripts/vtt.js';
import { makeCall, type SpeechCall } from '../fixtures/speech/generate.js';
import { randomWhisperModel, removeRandomWhisperModel } from '../fixtures/whisper-model.js';
import { whisperBuild } from '../fixtures/whisper-engine.js';

describe('the pipeline with whisper.cpp', { timeout: 900_000 }, () => {
  let server: TestServer;
  let id: string;
  let speech: SpeechCall;

  before(async () => {
    const [binary, model] = await Promise.all([whisperBuild().then((b) => b.binary), randomWhisperModel()]);
    server = await startServer({ CALLVAULT_WORKERS: 'true', CALLVAULT_ASR_ENGINE: 'whisper', CALLVAULT_ASR_MODEL: model, CALLVAULT_ASR_BINARY: binary });
    speech = await makeCall('billing-question');
    const { body, contentType } = multipart({
      startTime: '2026-04-01T09:00:00Z', callDirection: 'incoming',
      calling: { displayName: 'Casey Customer', kind: 'external' }, answeredBy: { displayName: 'Alex Agent', kind: 'user' },
    }, [{ fileName: 'call.wav', type: 'audio/wav', data: await readFile(speech.stereoWav) }]);
    const res = await call(server, 'POST', '/api/v1/recordings', { body, headers: { 'content-type': contentType } });
    assert.equal(res.status, 201, res.bytes.toString());
    id = res.json.id;
    await server.vault.runner.idle(800_000);
  });
  after(async () => {
    await server?.stop();
    await removeRandomWhisperModel();
  });

  it('ends ready with a transcript made by whisper.cpp, served as WebVTT that parses', async () => {
    const rec = (await call(server, 'GET', `/api/v1/recordings/${id}`)).json;
    assert.equal(rec.transcriptionStatus, 'ready', JSON.stringify((await call(server, 'GET', `/api/v1/recordings/${id}/jobs`)).json));
    const json = await call(server, 'GET', `/api/v1/recordings/${id}/transcript?format=json`);
    assert.match(json.json.engine, /^whisper\.cpp\//);
    const cues = json.json.cues as Array<{ startMs: number; endMs: number; speaker: string; channel: number; speakerRole: string }>;
    assert.ok(cues.length > 0, 'the seeded model emits segments for this call');
    for (let i = 0; i < cues.length; i++) {
      const c = cues[i]!;
      assert.ok(c.startMs >= 0 && c.startMs <= c.endMs && c.endMs <= speech.durationMs + 50, `cue ${c.startMs}..${c.endMs}`);
      if (i > 0) assert.ok(c.startMs >= cues[i - 1]!.startMs, 'cues merged in time order');
      assert.equal(c.speaker, c.channel === 0 ? 'Alex Agent' : 'Casey Customer');
      assert.equal(c.speakerRole, c.channel === 0 ? 'agent' : 'customer');
    }
    const vtt = await call(server, 'GET', `/api/v1/recordings/${id}/transcript`, { headers: { accept: 'text/vtt' } });
    const parsed = parseWebVtt(vtt.bytes.toString('utf8')).cues;
    assert.equal(parsed.length, cues.length);
    assert.deepEqual(parsed.map((c) => [c.startMs, c.endMs, c.speaker]), cues.map((c) => [c.startMs, c.endMs, c.speaker]));
  });
});
