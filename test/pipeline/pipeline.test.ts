/**
 * The whole processing pipeline through the HTTP API, with the real engine (pocketsphinx), real
 * ffmpeg and speech synthesised by Festival: upload → media job → transcription → analysis →
 * search, redaction and the statuses a client sees.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startServer, multipart, type TestServer } from '../helpers/server.js';
import { call, type Res } from '../http/util.js';
import { parseWebVtt } from '../../src/transcripts/vtt.js';
import { makeFixture } from '../fixtures/media.js';
import { DISTINCTIVE, makeCall, makeSilentWav, type SpeechCall } from '../fixtures/speech/generate.js';
import type { RedactionDoc } from '../../src/core/transcripts.js';
import { hashSecret, newId } from '../../src/auth/secrets.js';

const run = promisify(execFile);

const PARTIES = {
  callDirection: 'incoming',
  calling: { displayName: 'Casey Customer', phoneNumber: '+15550100', kind: 'external' },
  answeredBy: { displayName: 'Alex Agent', upn: 'alex@example.com', kind: 'user' },
  accessGroups: [{ id: 'g-support' }],
};

async function upload(server: TestServer, wav: string, extra: Record<string, unknown> = {}): Promise<Res> {
  const data = await readFile(wav);
  const { body, contentType } = multipart({ startTime: '2026-03-01T10:00:00Z', ...PARTIES, ...extra }, [{ fileName: 'call.wav', type: 'audio/wav', data }]);
  const res = await call(server, 'POST', '/api/v1/recordings', { body, headers: { 'content-type': contentType } });
  assert.equal(res.status, 201, res.bytes.toString());
  return res;
}

/** Mono 16-bit samples of one channel of an audio response, decoded by ffmpeg at 16 kHz. */
async function decodeChannel(server: TestServer, bytes: Buffer, channel: number): Promise<Int16Array> {
  const file = join(server.dir, `decode-${Math.random().toString(16).slice(2)}`);
  await writeFile(file, bytes);
  const { stdout } = await run(server.vault.tools.ffmpeg, ['-v', 'error', '-i', file, '-af', `pan=mono|c0=c${channel}`, '-ar', '16000', '-f', 's16le', 'pipe:1'],
    { encoding: 'buffer', maxBuffer: 1 << 28 });
  const copy = Buffer.from(stdout);
  return new Int16Array(copy.buffer, copy.byteOffset, copy.length / 2);
}

function rms(s: Int16Array, fromMs: number, toMs: number): number {
  const a = Math.max(0, Math.round(fromMs * 16)); const b = Math.min(s.length, Math.round(toMs * 16));
  let sum = 0;
  for (let i = a; i < b; i++) sum += s[i]! * s[i]!;
  return Math.sqrt(sum / Math.max(1, b - a));
}

describe('the processing pipeline, end to end', { timeout: 900_000 }, () => {
  let server: TestServer;
  let supervisor: string;
  let warranty: SpeechCall;
  let card: SpeechCall;
  let ids: { warranty: string; card: string; silent: string; mono: string };

  before(async () => {
    server = await startServer({ CALLVAULT_WORKERS: 'true' });
    // A client without originals:read stands for every role below admin.
    supervisor = (await server.client({ scopes: ['recordings:read', 'media:read', 'transcripts:read'] })).token;
    [warranty, card] = await Promise.all([makeCall(DISTINCTIVE.call), makeCall('card-payment')]);
    assert.equal((await call(server, 'PUT', '/api/v1/settings/pipeline', {
      token: (await server.client({ scopes: ['admin'] })).token, json: { redactionAudio: 'silence' },
    })).status, 200);
    const silent = await makeSilentWav({ seconds: 4, channels: 2 });
    ids = {
      warranty: (await upload(server, warranty.stereoWav)).json.id,
      card: (await upload(server, card.g711Wav)).json.id,
      silent: (await upload(server, silent)).json.id,
      // The same call as a mono recording: one speaker, one channel.
      mono: (await upload(server, (await makeCall('billing-question', { monologue: true })).stereoWav,
        { mediaInfo: { 'call.wav': { channelRoles: ['mixed', 'mixed'] } } })).json.id,
    };
    await server.vault.runner.idle(600_000);
  });
  after(() => server?.stop());

  it('ends with every status ready and each recording says so', async () => {
    for (const id of [ids.warranty, ids.card, ids.mono]) {
      const rec = (await call(server, 'GET', `/api/v1/recordings/${id}`)).json;
      assert.equal(rec.transcriptionStatus, 'ready', id);
      assert.equal(rec.insightsStatus, 'ready', id);
    }
  });

  it('serves WebVTT that parses, with voices named from the parties and each cue on the channel that spoke', async () => {
    const res = await call(server, 'GET', `/api/v1/recordings/${ids.warranty}/transcript`, { headers: { accept: 'text/vtt' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/vtt/);
    const vtt = res.bytes.toString('utf8');
    assert.ok(vtt.startsWith('WEBVTT'));
    const { cues } = parseWebVtt(vtt);
    assert.ok(cues.length >= warranty.turns.length - 1, `only ${cues.length} cues`);
    assert.deepEqual(new Set(cues.map((c) => c.speaker)), new Set(['Alex Agent', 'Casey Customer']));

    const json = await call(server, 'GET', `/api/v1/recordings/${ids.warranty}/transcript`, { headers: { accept: 'application/json' } });
    assert.equal(json.json.redacted, false);
    for (const cue of json.json.cues) {
      const mid = (cue.startMs + cue.endMs) / 2;
      const turn = warranty.turns.find((t) => mid >= t.startMs - 300 && mid <= t.endMs + 300);
      assert.ok(turn, `cue at ${cue.startMs} ms matches no spoken turn`);
      assert.equal(cue.channel, turn.channel, `cue "${cue.text}" at ${cue.startMs} ms`);
      assert.equal(cue.speakerRole, turn.speaker);
      assert.ok(Array.isArray(cue.words) && cue.words.length > 0, 'pocketsphinx gives word timings');
    }
  });

  it('names one speaker in a mono recording', async () => {
    const res = await call(server, 'GET', `/api/v1/recordings/${ids.mono}/transcript?format=json`);
    assert.equal(res.status, 200);
    assert.ok(res.json.cues.length > 0);
    assert.deepEqual(new Set(res.json.cues.map((c: { speaker: string }) => c.speaker)), new Set(['Speaker']));
  });

  it('finds a phrase by what was said, with a hit within a second of when it was said', async () => {
    const q = encodeURIComponent(`"${DISTINCTIVE.phrase}"`);
    const res = await call(server, 'GET', `/api/v1/recordings?q=${q}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.data.map((r: { id: string }) => r.id), [ids.warranty]);
    // When the phrase was said: its place in the turn's text, scaled to the turn's spoken length.
    const spoken = warranty.turns[DISTINCTIVE.turn]!;
    const at = spoken.text.toLowerCase().indexOf(DISTINCTIVE.phrase);
    const saidMs = spoken.startMs + (at / spoken.text.length) * (spoken.endMs - spoken.startMs);
    const hits = res.json.data[0].hits as Array<{ startMs: number; endMs: number; speaker: string }>;
    assert.ok(hits.some((h) => Math.abs(h.startMs - saidMs) <= 1000), `hits ${JSON.stringify(hits)} vs said at ${Math.round(saidMs)} ms`);
    // Combined with another filter, and scoped to the wrong party, it finds nothing.
    assert.equal((await call(server, 'GET', `/api/v1/recordings?q=${q}&callDirection=outgoing`)).json.data.length, 0);
    const other = spoken.speaker === 'agent' ? 'customer' : 'agent';
    assert.equal((await call(server, 'GET', `/api/v1/recordings?q=${encodeURIComponent(`${other}:"${DISTINCTIVE.phrase}"`)}`)).json.data.length, 0);
  });

  it('never leaks a hit or a count the caller cannot open', async () => {
    const q = encodeURIComponent(`"${DISTINCTIVE.phrase}"`);
    // An agent who was not on the call: nothing found, and the total says so.
    const id = newId('usr', 10);
    await server.vault.store.createUser({
      id, accountId: server.accountId, username: 'zed', passwordHash: await hashSecret('zed password one'), role: 'agent',
      upn: 'zed@example.com', createdAt: new Date().toISOString(),
    });
    const login = await call(server, 'POST', '/api/v1/auth/login', { token: null, json: { username: 'zed', password: 'zed password one' } });
    const agent = await call(server, 'GET', `/api/v1/recordings?q=${q}`, { token: login.json.access_token });
    assert.equal(agent.status, 200);
    assert.deepEqual([agent.json.data.length, agent.json.total], [0, 0]);
    // Another account: the same.
    const stranger = await server.client({ newAccount: true });
    const other = await call(server, 'GET', `/api/v1/recordings?q=${q}`, { token: stranger.token });
    assert.deepEqual([other.json.data.length, other.json.total], [0, 0]);
    // Searching what was said takes the transcript scope.
    const blind = await server.client({ scopes: ['recordings:read'] });
    assert.equal((await call(server, 'GET', `/api/v1/recordings?q=${q}`, { token: blind.token })).status, 403);
  });

  it('refuses a malformed query with the native error envelope', async () => {
    const res = await call(server, 'GET', `/api/v1/recordings?q=${encodeURIComponent('"unclosed phrase')}`);
    assert.equal(res.status, 400);
    assert.equal(res.json.error.code, 'INVALID_REQUEST');
  });

  it('hides a spoken card number from callers without originals, in the transcript and in the audio', async () => {
    const redaction = await server.vault.artifacts.getDoc<RedactionDoc>(server.accountId, ids.card, 'redaction');
    assert.ok(redaction && redaction.spans.length > 0, 'the card number was found');
    const cardTurn = card.turns[3]!;
    assert.ok(redaction.spans.some((s) => s.startMs < cardTurn.endMs && s.endMs > cardTurn.startMs), 'a span covers the spoken card number');

    const seen = await call(server, 'GET', `/api/v1/recordings/${ids.card}/transcript?format=json`, { token: supervisor });
    assert.equal(seen.json.redacted, true);
    const text = seen.json.cues.map((c: { text: string }) => c.text).join(' ');
    const digits = /\b(zero|one|two|three|four|five|six|seven|eight|nine|oh|\d)\b/gi;
    for (const cue of seen.json.cues as Array<{ text: string; startMs: number; endMs: number }>) {
      if (cue.startMs < cardTurn.endMs && cue.endMs > cardTurn.startMs) assert.ok((cue.text.match(digits) ?? []).length < 4, `digits left: ${cue.text}`);
    }
    assert.doesNotMatch(text, /\d{4}/);

    const admin = (await server.client({ scopes: ['admin'] })).token;
    const original = await call(server, 'GET', `/api/v1/recordings/${ids.card}/transcript?format=json`, { token: admin });
    assert.equal(original.json.redacted, false);

    const rec = (await call(server, 'GET', `/api/v1/recordings/${ids.card}`)).json;
    const mediaPath = `/api/v1/recordings/${ids.card}/media/${rec.media[0].id}`;
    const redacted = await call(server, 'GET', mediaPath, { token: supervisor });
    assert.equal(redacted.status, 200);
    assert.equal(redacted.headers.get('x-callvault-rendition'), 'redacted.opus');
    const full = await call(server, 'GET', mediaPath, { token: admin });
    assert.equal(full.headers.get('x-callvault-rendition'), null);
    const quiet = await decodeChannel(server, redacted.bytes, 1);
    const loud = await decodeChannel(server, full.bytes, 1);
    for (const s of redaction.spans) {
      const from = s.startMs + 40; const to = s.endMs - 40;
      if (to - from < 100) continue;
      assert.ok(rms(loud, from, to) > 300, `the original has speech at ${from}-${to} ms`);
      assert.ok(rms(quiet, from, to) < 30, `the redacted audio is silent at ${from}-${to} ms (rms ${rms(quiet, from, to).toFixed(1)})`);
    }
    // Outside the spans the redacted copy still carries the call.
    assert.ok(rms(quiet, card.turns[1]!.startMs, card.turns[1]!.endMs) > 300);
  });

  it('computes insights: sentiment, talk time per speaker, keywords and a summary', async () => {
    const res = await call(server, 'GET', `/api/v1/recordings/${ids.warranty}/insights`);
    assert.equal(res.status, 200);
    const doc = res.json;
    assert.match(doc.sentiment.label, /^(POSITIVE|NEUTRAL|NEGATIVE)$/);
    assert.equal(typeof doc.sentiment.score, 'number');
    assert.equal(doc.speakers.length, 2);
    for (const s of doc.speakers) assert.ok(s.talkMs > 1000, JSON.stringify(s));
    assert.ok(doc.silenceRatio >= 0 && doc.silenceRatio < 1);
    assert.ok(Array.isArray(doc.keywords) && doc.keywords.length > 0);
    assert.ok(doc.summary.lines.length > 0);
  });

  it('gives silent audio a ready, empty transcript and insights marked too short', async () => {
    const rec = (await call(server, 'GET', `/api/v1/recordings/${ids.silent}`)).json;
    assert.equal(rec.transcriptionStatus, 'ready');
    assert.equal(rec.insightsStatus, 'transcriptionTooShort');
    const t = await call(server, 'GET', `/api/v1/recordings/${ids.silent}/transcript`, { headers: { accept: 'text/vtt' } });
    assert.equal(t.status, 200);
    assert.equal(parseWebVtt(t.bytes.toString('utf8')).cues.length, 0);
  });

  it('serves playback renditions and waveform peaks', async () => {
    const rec = (await call(server, 'GET', `/api/v1/recordings/${ids.warranty}`)).json;
    const mp3 = await call(server, 'GET', `/api/v1/recordings/${ids.warranty}/media/${rec.media[0].id}?format=mp3`);
    assert.equal(mp3.status, 200);
    assert.equal(mp3.headers.get('content-type'), 'audio/mpeg');
    const peaks = await call(server, 'GET', `/api/v1/recordings/${ids.warranty}/waveform`);
    assert.equal(peaks.status, 200);
    const p = peaks.json[rec.media[0].id];
    assert.equal(p.channels, 2);
    assert.equal(p.data.length, 2);
    assert.ok(Math.abs(p.data[0].length / p.peaksPerSecond * 1000 - warranty.durationMs) < 1500);
  });

  it('names speakers by role for a supervisor from whom privacy masking hides party names', async () => {
    const admin = (await server.client({ scopes: ['admin'] })).token;
    await server.vault.store.createUser({
      id: newId('usr', 10), accountId: server.accountId, username: 'sam', passwordHash: await hashSecret('sam password one'), role: 'supervisor',
      groups: ['g-support'], createdAt: new Date().toISOString(),
    });
    const sam = (await call(server, 'POST', '/api/v1/auth/login', { token: null, json: { username: 'sam', password: 'sam password one' } })).json.access_token;
    const named = await call(server, 'GET', `/api/v1/recordings/${ids.warranty}/transcript?format=json`, { token: sam });
    assert.deepEqual(new Set(named.json.cues.map((c: { speaker: string }) => c.speaker)), new Set(['Alex Agent', 'Casey Customer']));
    assert.equal((await call(server, 'PUT', '/api/v1/settings/privacy', { token: admin, json: { agentFields: ['displayName'], customerFields: ['phoneNumber'] } })).status, 200);
    try {
      const masked = await call(server, 'GET', `/api/v1/recordings/${ids.warranty}/transcript`, { token: sam, headers: { accept: 'text/vtt' } });
      const voices = new Set(parseWebVtt(masked.bytes.toString('utf8')).cues.map((c) => c.speaker));
      assert.deepEqual(voices, new Set(['Agent', 'Customer']));
      const q = encodeURIComponent(`"${DISTINCTIVE.phrase}"`);
      const hits = (await call(server, 'GET', `/api/v1/recordings?q=${q}`, { token: sam })).json.data[0].hits as Array<{ speaker: string }>;
      assert.ok(hits.length > 0 && hits.every((h) => h.speaker === 'Agent' || h.speaker === 'Customer'), JSON.stringify(hits));
    } finally {
      await call(server, 'DELETE', '/api/v1/settings/privacy', { token: admin });
    }
  });

  it('re-transcribes on request, and deleting the recording removes what was derived from it', async () => {
    const res = await call(server, 'POST', `/api/v1/recordings/${ids.mono}/transcript`);
    assert.equal(res.status, 202);
    assert.equal(res.json.transcriptionStatus, 'requested');
    await server.vault.runner.idle(300_000);
    assert.equal((await call(server, 'GET', `/api/v1/recordings/${ids.mono}`)).json.transcriptionStatus, 'ready');

    assert.equal((await call(server, 'DELETE', `/api/v1/recordings/${ids.warranty}`)).status, 204);
    assert.equal((await call(server, 'GET', `/api/v1/recordings/${ids.warranty}/transcript`)).status, 404);
    assert.equal(await server.vault.artifacts.getDoc(server.accountId, ids.warranty, 'transcript'), null);
    const q = encodeURIComponent(`"${DISTINCTIVE.phrase}"`);
    assert.equal((await call(server, 'GET', `/api/v1/recordings?q=${q}`)).json.data.length, 0);
  });
});

describe('the pipeline when things go wrong', { timeout: 600_000 }, () => {
  it('a missing model ends in failed with the error on the job, in the answer and in the system log', async () => {
    const server = await startServer({ CALLVAULT_WORKERS: 'true', CALLVAULT_ASR_MODEL: '/nonexistent/model' });
    try {
      const id = (await upload(server, await makeSilentWav({ seconds: 2, channels: 1 }))).json.id;
      await server.vault.runner.idle(300_000);
      const rec = (await call(server, 'GET', `/api/v1/recordings/${id}`)).json;
      assert.equal(rec.transcriptionStatus, 'failed');
      const t = await call(server, 'GET', `/api/v1/recordings/${id}/transcript`);
      assert.equal(t.status, 404);
      assert.match(t.json.error.description, /model/i);
      const jobs = (await call(server, 'GET', `/api/v1/recordings/${id}/jobs`)).json.data as Array<{ kind: string; state: string; lastError: string }>;
      const job = jobs.find((j) => j.kind === 'transcribe');
      assert.equal(job?.state, 'parked');
      assert.match(job.lastError, /nonexistent/);
      const admin = (await server.client({ scopes: ['admin'] })).token;
      const log = await call(server, 'GET', '/api/v1/system-activity-logs', { token: admin });
      assert.ok(log.json.data.some((e: { logType: string; description: string }) => e.logType === 'error' && e.description.includes(id)), JSON.stringify(log.json.data));
    } finally {
      await server.stop();
    }
  });

  it('a file that probes but breaks off into garbage ends in a clear status, with its jobs finished', async () => {
    const server = await startServer({ CALLVAULT_WORKERS: 'true' });
    try {
      const good = await readFile(await makeFixture('mp3', { seconds: 8 }));
      // The first frames are valid MP3; everything after them is noise.
      const bad = Buffer.concat([good.subarray(0, 3000), Buffer.from(Array.from({ length: good.length - 3000 }, (_, i) => (i * 7919) % 251))]);
      const { body, contentType } = multipart({ startTime: '2026-03-01T10:00:00Z' }, [{ fileName: 'broken.mp3', type: 'audio/mpeg', data: bad }]);
      const res = await call(server, 'POST', '/api/v1/recordings', { body, headers: { 'content-type': contentType } });
      if (res.status !== 201) {
        // Refused at the door is a clear answer too, in the native envelope.
        assert.ok([400, 415, 422].includes(res.status), res.bytes.toString());
        assert.ok(res.json.error.code);
        return;
      }
      await server.vault.runner.idle(300_000);
      const rec = (await call(server, 'GET', `/api/v1/recordings/${res.json.id}`)).json;
      assert.ok(['ready', 'failed'].includes(rec.transcriptionStatus), rec.transcriptionStatus);
      const jobs = (await call(server, 'GET', `/api/v1/recordings/${res.json.id}/jobs`)).json.data as Array<{ state: string; lastError: string | null }>;
      assert.ok(jobs.length > 0 && jobs.every((j) => j.state === 'done' || j.state === 'parked'), JSON.stringify(jobs));
      for (const j of jobs.filter((x) => x.state === 'parked')) assert.ok(j.lastError && j.lastError.length > 0);
    } finally {
      await server.stop();
    }
  });

  it('a recording longer than the transcription limit ends in failedExceeded, not a stuck job', async () => {
    const server = await startServer({ CALLVAULT_WORKERS: 'true', CALLVAULT_MAX_TRANSCRIBE_SECONDS: '3' });
    try {
      const id = (await upload(server, await makeSilentWav({ seconds: 5, channels: 1 }))).json.id;
      await server.vault.runner.idle(300_000);
      const rec = (await call(server, 'GET', `/api/v1/recordings/${id}`)).json;
      assert.equal(rec.transcriptionStatus, 'failedExceeded');
      const t = await call(server, 'GET', `/api/v1/recordings/${id}/transcript`);
      assert.match(t.json.error.description, /limit/);
    } finally {
      await server.stop();
    }
  });
});
