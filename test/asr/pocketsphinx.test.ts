import assert from 'node:assert/strict';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { prepareChannel, type PreparedChannel } from '../../src/asr/audio.js';
import { DEFAULT_MODEL_DIR, PocketsphinxTranscriber } from '../../src/asr/pocketsphinx.js';
import { VaultError } from '../../src/core/errors.js';
import { resolveMediaTools } from '../../src/media/binaries.js';
import { makeCall, makeSilentWav, removeSpeechFixtures } from '../fixtures/speech/generate.js';

let work: string;
let speech: PreparedChannel;

function isVaultError(code: string, pattern: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof VaultError, String(err));
    assert.equal(err.code, code);
    assert.match(err.message, pattern);
    return true;
  };
}

/** Processes whose command line mentions `needle` (ours are the only ones that could). */
async function processesMentioning(needle: string): Promise<number> {
  let n = 0;
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if ((await readFile(`/proc/${pid}/cmdline`, 'utf8')).includes(needle)) n++;
    } catch {
      // gone meanwhile
    }
  }
  return n;
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'callvault-sphinx-test-'));
  const call = await makeCall('appointment');
  speech = await prepareChannel((await resolveMediaTools()).ffmpeg, call.stereoWav, { channel: 0 });
});

after(async () => {
  await speech.cleanup();
  await rm(work, { recursive: true, force: true });
  await removeSpeechFixtures();
});

describe('PocketsphinxTranscriber.check', () => {
  it('passes with Debian\'s pocketsphinx and en-us model', async () => {
    const engine = new PocketsphinxTranscriber();
    await engine.check();
    assert.equal(engine.name, 'pocketsphinx/en-us');
  });

  it('names a missing binary and the package that brings it', async () => {
    await assert.rejects(new PocketsphinxTranscriber({ binary: 'pocketsphinx_nowhere' }).check(),
      isVaultError('ENGINE_UNAVAILABLE', /'pocketsphinx_nowhere' was not found on PATH.*Debian package 'pocketsphinx'/));
    await assert.rejects(new PocketsphinxTranscriber({ binary: join(work, 'no-such-binary') }).check(),
      isVaultError('ENGINE_UNAVAILABLE', /no-such-binary' was not found or is not executable/));
  });

  it('names each missing model file and the package that brings it', async () => {
    const model = join(work, 'model');
    await cp(DEFAULT_MODEL_DIR, model, { recursive: true, filter: (src) => !src.endsWith('/means') && !src.endsWith('.lm.bin') });
    await assert.rejects(new PocketsphinxTranscriber({ modelDir: model }).check(), (err: unknown) => {
      isVaultError('ENGINE_UNAVAILABLE', /Debian package 'pocketsphinx-en-us'/)(err);
      const message = (err as Error).message;
      assert.ok(message.includes(join(model, 'en-us', 'means')), message);
      assert.ok(message.includes(join(model, 'en-us.lm.bin')), message);
      return true;
    });
  });

  it('reports pocketsphinx\'s own error for a model file it cannot load', async () => {
    const model = join(work, 'broken-model');
    await cp(DEFAULT_MODEL_DIR, model, { recursive: true, filter: (src) => !src.endsWith('.lm.bin') });
    await writeFile(join(model, 'en-us', 'mdef'), 'not a model definition\n');
    await assert.rejects(new PocketsphinxTranscriber({ modelDir: model, lmPath: join(DEFAULT_MODEL_DIR, 'en-us.lm.bin') }).check(),
      isVaultError('ENGINE_UNAVAILABLE', /pocketsphinx failed \(exit \d+\): .*(ERROR|FATAL)/));
  });
});

describe('PocketsphinxTranscriber.transcribe', () => {
  it('finds no segments in silence, without calling it an error', async () => {
    const silent = await makeSilentWav({ seconds: 4, channels: 1 });
    const segments = await new PocketsphinxTranscriber().transcribe({ wavPath: silent, durationMs: 4000, sourceSampleRate: 16_000 });
    assert.deepEqual(segments, []);
  });

  it('refuses a file that is not 16 kHz mono PCM', async () => {
    const call = await makeCall('appointment');
    await assert.rejects(new PocketsphinxTranscriber().transcribe({ wavPath: call.stereoWav, durationMs: call.durationMs, sourceSampleRate: 16_000 }),
      isVaultError('UNPROCESSABLE', /must be 16000 Hz mono 16-bit PCM, not 16000 Hz, 2 channel/));
  });

  it('lets extra decoder arguments replace its own instead of repeating them', async () => {
    const segments = await new PocketsphinxTranscriber({ extraArgs: ['-remove_silence', 'no', '-beam', '1e-50'] }).transcribe(speech);
    assert.ok(segments.length > 0 && segments.every((s) => s.text.length > 0));
  });

  it('stops the engine when the signal aborts', async () => {
    const engine = new PocketsphinxTranscriber();
    await engine.check();
    const ac = new AbortController();
    const started = Date.now();
    const run = engine.transcribe(speech, { signal: ac.signal });
    // The decoder reads the audio from its folder (-cepdir): seen running first, then gone.
    let seen = 0;
    while (seen === 0 && Date.now() - started < 2000) seen = await processesMentioning(dirname(speech.wavPath));
    assert.ok(seen > 0, 'pocketsphinx was running');
    ac.abort();
    await assert.rejects(run, { name: 'AbortError' });
    assert.ok(Date.now() - started < 3000, 'the promise settles at once, not when decoding would have ended');
    assert.equal(await processesMentioning(dirname(speech.wavPath)), 0, 'no pocketsphinx is left reading the audio');
  });

  it('gives up with a clear error past its time limit', async () => {
    const engine = new PocketsphinxTranscriber({ timeLimitBaseMs: 100, timeLimitFactor: 0.001 });
    await engine.check();
    await assert.rejects(engine.transcribe(speech), isVaultError('ENGINE_UNAVAILABLE', /did not finish \d+ s of audio within \d+ s/));
    assert.equal(await processesMentioning(dirname(speech.wavPath)), 0);
  });
});
