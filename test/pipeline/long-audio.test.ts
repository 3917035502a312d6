/**
 * Two hours of telephone audio through the whole pipeline: it must end in a clear status in
 * reasonable time (decoding, renditions and speech windows all streaming), never a stuck job.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startServer, multipart, type TestServer } from '../helpers/server.js';
import { call } from '../http/util.js';

const run = promisify(execFile);

describe('two hours of audio', { timeout: 900_000 }, () => {
  let server: TestServer;
  let id: string;
  before(async () => {
    server = await startServer({ CALLVAULT_WORKERS: 'true' });
    const wav = join(server.dir, 'two-hours.wav');
    // Quiet line noise rather than digital silence, as a real idle line sounds.
    await run(server.vault.tools.ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'anoisesrc=color=pink:amplitude=0.002:sample_rate=8000:duration=7200',
      '-ac', '1', '-c:a', 'pcm_mulaw', wav]);
    const { body, contentType } = multipart({ startTime: '2026-02-01T08:00:00Z' }, [{ fileName: 'two-hours.wav', type: 'audio/wav', data: await readFile(wav) }]);
    const res = await call(server, 'POST', '/api/v1/recordings', { body, headers: { 'content-type': contentType } });
    assert.equal(res.status, 201, res.bytes.toString());
    id = res.json.id;
    assert.ok(Math.abs(res.json.durationMs - 7_200_000) < 1000);
  });
  after(() => server?.stop());

  it('is transcribed to a ready, empty transcript with renditions and a waveform of the full length', async () => {
    const t0 = Date.now();
    await server.vault.runner.idle(800_000);
    const rec = (await call(server, 'GET', `/api/v1/recordings/${id}`)).json;
    assert.equal(rec.transcriptionStatus, 'ready', JSON.stringify((await call(server, 'GET', `/api/v1/recordings/${id}/jobs`)).json));
    assert.equal(rec.insightsStatus, 'transcriptionTooShort');
    const vtt = await call(server, 'GET', `/api/v1/recordings/${id}/transcript?format=vtt`);
    assert.equal(vtt.status, 200);
    const peaks = (await call(server, 'GET', `/api/v1/recordings/${id}/waveform`)).json;
    const p = peaks[rec.media[0].id];
    assert.ok(Math.abs((p.data[0].length / p.peaksPerSecond) * 1000 - 7_200_000) < 2000);
    const opus = await call(server, 'HEAD', `/api/v1/recordings/${id}/media/${rec.media[0].id}?format=opus`);
    assert.equal(opus.status, 200);
    console.log(`two hours processed in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  });
});
