/**
 * WhisperTranscriber against the real whisper-cli (built from the shipped source on first use)
 * and a random-weight model in the tiny.en shapes. The words are nonsense by design, so these
 * tests assert what the vault relies on: structure, timing bounds and order, errors that name
 * what is missing, and a child process that stops when asked.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { VaultError } from '../../src/core/errors.js';
import { WhisperTranscriber, modelNameOf } from '../../src/asr/whisper.js';
import type { EngineSegment } from '../../src/transcripts/model.js';
import { randomWhisperModel, removeRandomWhisperModel } from '../fixtures/whisper-model.js';
import { removeWhisperAudio, speechChannel, whisperBuild } from '../fixtures/whisper-engine.js';

const SLACK_MS = 20;

function isVaultError(code: string, pattern?: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof VaultError, `expected a VaultError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (pattern) assert.match(err.message, pattern);
    return true;
  };
}

function assertTimeline(segs: EngineSegment[], durationMs: number): void {
  let prevStart = 0;
  for (const s of segs) {
    assert.equal(typeof s.text, 'string');
    assert.ok(s.text.length > 0 && s.text === s.text.trim(), `segment text ${JSON.stringify(s.text)}`);
    assert.doesNotMatch(s.text, /\[_[A-Z]+_?\d*\]|\[BLANK_AUDIO\]/);
    assert.ok(Number.isInteger(s.startMs) && Number.isInteger(s.endMs), `integer ms: ${s.startMs}..${s.endMs}`);
    assert.ok(s.startMs >= 0 && s.startMs <= s.endMs && s.endMs <= durationMs + SLACK_MS, `segment ${s.startMs}..${s.endMs} of ${durationMs}`);
    assert.ok(s.startMs >= prevStart, 'segments in time order');
    prevStart = s.startMs;
    let prevWord = s.startMs;
    for (const w of s.words ?? []) {
      assert.ok(w.text.length > 0 && !/\s/.test(w.text), `word ${JSON.stringify(w.text)}`);
      assert.ok(w.startMs >= s.startMs && w.startMs <= w.endMs && w.endMs <= s.endMs, `word ${w.startMs}..${w.endMs} in ${s.startMs}..${s.endMs}`);
      assert.ok(w.startMs >= prevWord, 'words in time order');
      prevWord = w.startMs;
      if (w.confidence !== undefined) assert.ok(w.confidence >= 0 && w.confidence <= 1);
    }
  }
}

describe('whisper.cpp engine', () => {
  let binary: string;
  let model: string;
  let scratch: string;

  before(async () => {
    [binary, model, scratch] = await Promise.all([
      whisperBuild().then((b) => b.binary), randomWhisperModel(), mkdtemp(join(tmpdir(), 'callvault-whisper-test-')),
    ]);
  });
  after(async () => {
    await Promise.all([removeRandomWhisperModel(), removeWhisperAudio(), rm(scratch, { recursive: true, force: true })]);
  });

  it('check() accepts the built binary and a ggml model, and names the engine after the model file', async () => {
    const t = new WhisperTranscriber({ binary, model });
    await t.check();
    assert.equal(t.name, 'whisper.cpp/ggml-random-tiny.en');
  });

  it('transcribes spoken English into ordered segments and words within the audio', async () => {
    const audio = await speechChannel(2);
    const t = new WhisperTranscriber({ binary, model, threads: 2, tmpDir: scratch });
    const segs = await t.transcribe(audio);
    assert.ok(segs.length >= 1, 'the seeded model emits at least one segment for this audio');
    assert.ok(segs.some((s) => (s.words?.length ?? 0) > 0), 'token timestamps give words');
    assertTimeline(segs, audio.durationMs);
    assert.deepEqual(await readdir(scratch), [], 'the per-call output folder is removed');
  });

  it('check() says how to get a missing model, by its name', async () => {
    const t = new WhisperTranscriber({ binary, model: join(scratch, 'models', 'ggml-base.en.bin') });
    await assert.rejects(t.check(), isVaultError('ENGINE_UNAVAILABLE', /callvault models fetch base\.en/));
    assert.equal(modelNameOf('/x/ggml-large-v3-turbo-q5_0.bin'), 'large-v3-turbo-q5_0');
  });

  it('check() and transcribe() say how to build a missing binary', async () => {
    const t = new WhisperTranscriber({ binary: join(scratch, 'no-such-whisper-cli'), model });
    await assert.rejects(t.check(), isVaultError('ENGINE_UNAVAILABLE', /not built.*scripts\/build-whisper\.mjs/s));
    const audio = await speechChannel(1);
    await assert.rejects(t.transcribe(audio), isVaultError('ENGINE_UNAVAILABLE', /scripts\/build-whisper\.mjs/));
  });

  it('check() refuses a file that is not a ggml model', async () => {
    const fake = join(scratch, 'ggml-fake.bin');
    await writeFile(fake, 'not a model at all');
    await assert.rejects(new WhisperTranscriber({ binary, model: fake }).check(), isVaultError('ENGINE_UNAVAILABLE', /not a whisper\.cpp ggml model/));
  });

  it('reports audio it cannot decode as UNPROCESSABLE', async () => {
    const bad = join(scratch, 'garbage.wav');
    await writeFile(bad, Buffer.alloc(8000, 0x5a));
    const t = new WhisperTranscriber({ binary, model });
    await assert.rejects(t.transcribe({ wavPath: bad, durationMs: 1000, sourceSampleRate: 16000 }), isVaultError('UNPROCESSABLE', /could not read/));
  });

  it('kills the child when the signal aborts, and leaves no output folder', async () => {
    const audio = await speechChannel(3);
    const dir = await mkdtemp(join(scratch, 'abort-'));
    const t = new WhisperTranscriber({ binary, model, threads: 2, tmpDir: dir });
    const ctl = new AbortController();
    const t0 = performance.now();
    setTimeout(() => ctl.abort(), 300);
    await assert.rejects(t.transcribe(audio, { signal: ctl.signal }), (err: unknown) => (err as Error).name === 'AbortError');
    const ms = performance.now() - t0;
    assert.ok(ms < 5000, `stopped ${Math.round(ms)} ms after start, not after the whole transcription`);
    assert.deepEqual(await readdir(dir), []);
    await assert.rejects(t.transcribe(audio, { signal: AbortSignal.abort() }), (err: unknown) => (err as Error).name === 'AbortError');
  });

  it('stops a transcription that overruns its time limit', async () => {
    const audio = await speechChannel(3);
    const t = new WhisperTranscriber({ binary, model, timeoutFactor: 0, minTimeoutMs: 250 });
    const t0 = performance.now();
    await assert.rejects(t.transcribe(audio), isVaultError('ENGINE_UNAVAILABLE', /longer than/));
    assert.ok(performance.now() - t0 < 5000);
  });
});
