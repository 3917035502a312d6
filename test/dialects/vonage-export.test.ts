/**
 * The Vonage door's export jobs end to end, workers on: POST export → 202 job_ids → poll the
 * job until complete → download the ZIP from download_url → it holds the media bytes as stored
 * and the metadata; the recordings+transcriptions export holds the transcript, which the
 * transcriptions list and transcription_url also serve.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { startServer, multipart, type TestServer } from '../helpers/server.js';
import { call, eventually } from '../http/util.js';
import { makeFixture } from '../fixtures/media.js';
import { readZip } from '../helpers/zip.js';
import { DEFAULT_CLIENT_SCOPES } from '../../src/core/principals.js';
import { updateRecording } from '../../src/jobs/recording-status.js';
import type { Transcript } from '../../src/transcripts/model.js';
import { assertVonageError } from './vonage-util.js';

const BASE = '/t/vbc.prod/call_recording/api';

describe('Vonage export jobs, end to end', () => {
  let server: TestServer;
  let token: string;
  const recs: Array<{ id: string; numericId: number; bytes: Buffer; name: string }> = [];

  const vg = (method: string, path: string, json?: unknown) => call(server, method, path, { token, ...(json !== undefined ? { json } : {}) });

  before(async () => {
    server = await startServer({ CALLVAULT_WORKERS: 'true' });
    // No speech engine runs here: the transcript below is put in place by hand.
    await server.vault.store.updateAccountSettings(server.accountId, { pipeline: { autoTranscribe: false } });
    token = (await server.client({ scopes: [...DEFAULT_CLIENT_SCOPES, 'exports'] })).token;
    const files: Array<[string, 'mp3' | 'wav-mulaw', string]> = [['a.mp3', 'mp3', 'audio/mpeg'], ['b.wav', 'wav-mulaw', 'audio/wav']];
    for (const [i, [name, kind, type]] of files.entries()) {
      const bytes = await readFile(await makeFixture(kind, { seconds: 2 }));
      const { body, contentType } = multipart({ startTime: `2025-02-0${i + 1}T08:00:00Z`, callDirection: 'incoming', calling: { phoneNumber: '+15550100000', displayName: 'Kim Caller' } },
        [{ fileName: name, type, data: bytes }]);
      const res = await call(server, 'POST', '/api/v1/recordings', { body, headers: { 'content-type': contentType } });
      assert.equal(res.status, 201, res.bytes.toString());
      recs.push({ id: res.json.id, numericId: res.json.numericId, bytes, name });
    }
    const transcript: Transcript = {
      recordingId: recs[0]!.id, engine: 'test', language: 'en', createdAt: new Date().toISOString(),
      cues: [{ startMs: 0, endMs: 1500, speaker: 'Kim Caller', speakerRole: 'customer', channel: 0, text: 'hello there' }],
    };
    assert.ok(await server.vault.artifacts.putDoc(server.accountId, recs[0]!.id, 'transcript', transcript));
    await updateRecording(server.vault.store, server.accountId, recs[0]!.id, () => ({ transcriptionStatus: 'ready' }));
  });
  after(() => server?.stop());

  /** Polls the job (through its own link) until complete, as a client does. */
  async function completed(jobsPath: string, id: string): Promise<Record<string, unknown>> {
    let job: Record<string, unknown> = {};
    await eventually(async () => {
      const res = await vg('GET', `${jobsPath}/${id}`);
      assert.equal(res.status, 200, res.bytes.toString());
      job = res.json;
      assert.notEqual(job.status, 'failed');
      assert.equal(job.status, 'complete');
    }, 60_000);
    return job;
  }

  it('exports company recordings: 202, job polled to complete, ZIP with the media bytes and metadata', async () => {
    const created = await vg('POST', `${BASE}/accounts/self/company_call_recordings/export`, { 'start:gte': '2025-02-01T00:00:00+0000', 'start:lte': '2025-02-28T23:59:59+0000' });
    assert.equal(created.status, 202, created.bytes.toString());
    const [id] = created.json.job_ids as string[];
    const job = await completed(`${BASE}/accounts/self/users/self/call_recordings/jobs`, id!);
    assert.deepEqual([job.files_total, job.files_completed], [2, 2]);
    assert.match(job.valid_until as string, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/);
    const zip = await call(server, 'GET', new URL(job.download_url as string).pathname + new URL(job.download_url as string).search, { token });
    assert.equal(zip.status, 200, zip.bytes.toString());
    assert.equal(zip.headers.get('content-type'), 'application/zip');
    assert.match(zip.headers.get('content-disposition') ?? '', new RegExp(`attachment; filename="${id}\\.zip"`));
    const files = readZip(zip.bytes);
    for (const r of recs) {
      assert.ok(files.get(`${r.numericId}/${r.name}`)?.equals(r.bytes), `${r.name} as stored`);
      const meta = JSON.parse(files.get(`${r.numericId}/recording.json`)!.toString());
      assert.equal(meta.id, r.id);
      assert.equal(meta.calling.displayName, 'Kim Caller');
    }
    const manifest = JSON.parse(files.get('manifest.json')!.toString());
    assert.equal(manifest.recordings.length, 2);
    assert.deepEqual(manifest.skipped, []);
    assert.equal([...files.keys()].some((k) => k.endsWith('transcript.json')), false, 'a recordings export holds no transcripts');
  });

  it('serves the transcription list with transcription_url, and the transcript behind it', async () => {
    const list = await vg('GET', `${BASE}/accounts/self/company_call_recordings/transcriptions?transcription_ready=true`);
    assert.equal(list.status, 200, list.bytes.toString());
    const [t] = list.json._embedded.transcriptions;
    assert.equal(t.recording_id, recs[0]!.numericId);
    assert.equal(t.transcription_ready, true);
    assert.equal(t.transcription_url, `${server.url}${BASE}/transcription/${recs[0]!.numericId}`);
    const body = await vg('GET', new URL(t.transcription_url).pathname);
    assert.equal(body.status, 200, body.bytes.toString());
    assert.deepEqual(body.json.segments, [{ speaker: 'Kim Caller', channel: 0, start: 0, end: 1500, text: 'hello there' }]);
    assertVonageError(await vg('GET', `${BASE}/transcription/${recs[1]!.numericId}`), 404);
  });

  it('exports recordings with their transcripts through its own job family', async () => {
    const created = await vg('POST', `${BASE}/accounts/self/company_call_recordings/recordings_transcriptions/export`, {});
    assert.equal(created.status, 202);
    const [id] = created.json.job_ids as string[];
    const job = await completed(`/v1/api/accounts/self/users/self/call_recordings/recordings_transcriptions/jobs`, id!);
    assert.match(job.download_url as string, /\/v1\/api\/bulkDownload\/recordings_transcriptions\/retrieve\?jobId=/);
    const u = new URL(job.download_url as string);
    const files = readZip((await call(server, 'GET', u.pathname + u.search, { token })).bytes);
    assert.equal(JSON.parse(files.get(`${recs[0]!.numericId}/transcript.json`)!.toString()).cues[0].text, 'hello there');
    assert.match(files.get(`${recs[0]!.numericId}/transcript.vtt`)!.toString(), /^WEBVTT/);
    assert.ok(files.get(`${recs[1]!.numericId}/${recs[1]!.name}`)?.equals(recs[1]!.bytes));
    // Downloaded through the other family's path, it is not found.
    assertVonageError(await vg('GET', `${BASE}/bulkDownload/retrieve?jobId=${id}`), 404);
  });

  it('completes an export that finds nothing with an empty bundle', async () => {
    const created = await vg('POST', `${BASE}/accounts/self/users/self/call_recordings/export`, { call_direction: 'OUTBOUND' });
    assert.equal(created.status, 202);
    const job = await completed(`${BASE}/accounts/self/users/self/call_recordings/jobs`, created.json.job_ids[0]);
    assert.deepEqual([job.files_total, job.files_completed], [0, 0]);
  });
});
