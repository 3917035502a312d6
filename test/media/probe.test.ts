import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { ErrorCode, VaultError } from '../../src/core/errors.js';
import { resolveMediaTools, type MediaTools } from '../../src/media/binaries.js';
import { activeProbes, type MediaFacts, type ProbeOptions } from '../../src/media/probe.js';
import { probeWith, refusal } from './util.js';
import { makeEmptyFile, makeFixture, makeTextFile, makeTruncated, makeWithFfmpeg, removeFixtures, type FixtureKind } from '../fixtures/media.js';

let tools: MediaTools;
before(async () => {
  tools = await resolveMediaTools();
});
after(removeFixtures);

const probeFile = (file: string, opts?: ProbeOptions, ffprobe = tools.ffprobe): Promise<MediaFacts> => probeWith(ffprobe, file, opts);

const expected: Record<FixtureKind, { codec: string; container: string; mimeType: string; extension: string; sampleRate: number; opts?: ProbeOptions }> = {
  'wav-pcm16': { codec: 'pcm_s16le', container: 'wav', mimeType: 'audio/wav', extension: 'wav', sampleRate: 8000 },
  'wav-mulaw': { codec: 'pcm_mulaw', container: 'wav', mimeType: 'audio/wav', extension: 'wav', sampleRate: 8000 },
  'wav-alaw': { codec: 'pcm_alaw', container: 'wav', mimeType: 'audio/wav', extension: 'wav', sampleRate: 8000 },
  mp3: { codec: 'mp3', container: 'mp3', mimeType: 'audio/mpeg', extension: 'mp3', sampleRate: 16000 },
  'ogg-opus': { codec: 'opus', container: 'ogg', mimeType: 'audio/ogg', extension: 'ogg', sampleRate: 48000 },
  'webm-opus': { codec: 'opus', container: 'webm', mimeType: 'audio/webm', extension: 'webm', sampleRate: 48000 },
  'raw-pcmu': {
    codec: 'pcm_mulaw',
    container: 'mulaw',
    mimeType: 'audio/basic',
    extension: 'ulaw',
    sampleRate: 8000,
    opts: { raw: { codec: 'pcmu' } },
  },
  'raw-pcma': {
    codec: 'pcm_alaw',
    container: 'alaw',
    mimeType: 'audio/x-alaw-basic',
    extension: 'alaw',
    sampleRate: 8000,
    opts: { raw: { codec: 'pcma' } },
  },
};

void describe('probing supported media', () => {
  for (const [kind, want] of Object.entries(expected) as Array<[FixtureKind, (typeof expected)[FixtureKind]]>) {
    for (const channels of [1, 2]) {
      void test(`a ${channels === 1 ? 'mono' : 'stereo'} ${kind} file probes to its codec, type, channels, rate and duration`, async () => {
        const file = await makeFixture(kind, { channels });
        const opts = want.opts?.raw ? { raw: { ...want.opts.raw, channels } } : undefined;
        const facts = await probeFile(file, opts);
        assert.equal(facts.kind, 'audio');
        assert.equal(facts.codec, want.codec);
        assert.equal(facts.container, want.container);
        assert.equal(facts.mimeType, want.mimeType);
        assert.equal(facts.extension, want.extension);
        assert.equal(facts.channels, channels);
        assert.equal(facts.sampleRate, want.sampleRate);
        assert.ok(Math.abs(facts.durationMs - 3000) <= 50, `duration ${facts.durationMs} ms should be 3000 ± 50`);
        assert.equal(facts.streams.length, 1);
        assert.deepEqual(facts.streams[0], { type: 'audio', codec: want.codec, channels, sampleRate: want.sampleRate });
        const size = (await stat(file)).size;
        const bitRate = (size * 8) / (facts.durationMs / 1000);
        assert.ok(facts.bitRate !== undefined && Math.abs(facts.bitRate - bitRate) / bitRate < 0.01, `bit rate ${facts.bitRate} vs ${bitRate}`);
      });
    }
  }

  void test('a stereo μ-law WAV reports 2 channels and its exact 30-second duration', async () => {
    const facts = await probeFile(await makeFixture('wav-mulaw', { channels: 2, seconds: 30 }));
    assert.equal(facts.channels, 2);
    assert.equal(facts.durationMs, 30_000);
  });

  void test('raw μ-law declared as audio/PCMU with a rate parameter uses that rate', async () => {
    const file = await makeFixture('raw-pcmu', { sampleRate: 16000 });
    const facts = await probeFile(file, { declaredType: 'audio/PCMU; rate=16000' });
    assert.equal(facts.sampleRate, 16000);
    assert.equal(facts.mimeType, 'audio/basic');
    assert.ok(Math.abs(facts.durationMs - 3000) <= 50);
  });

  void test('raw A-law declared only by its content type audio/PCMA is probed with the 8 kHz mono default', async () => {
    const facts = await probeFile(await makeFixture('raw-pcma'), { declaredType: 'audio/PCMA' });
    assert.equal(facts.codec, 'pcm_alaw');
    assert.equal(facts.channels, 1);
    assert.ok(Math.abs(facts.durationMs - 3000) <= 50);
  });

  void test('a WAV file uploaded with a raw μ-law hint is still probed as the WAV it is', async () => {
    const facts = await probeFile(await makeFixture('wav-mulaw'), { declaredType: 'audio/basic' });
    assert.equal(facts.container, 'wav');
    assert.equal(facts.mimeType, 'audio/wav');
  });
});

void describe('refusing what is not a supported recording', () => {
  void test('raw μ-law without a codec hint is refused as unsupported media', async () => {
    const err = await refusal(probeFile(await makeFixture('raw-pcmu'), { declaredType: 'application/octet-stream' }));
    assert.equal(err.code, ErrorCode.UNSUPPORTED_MEDIA_TYPE);
  });

  void test('a text file labelled audio/wav is refused with UNSUPPORTED_MEDIA_TYPE and a clear reason', async () => {
    const err = await refusal(probeFile(await makeTextFile(), { declaredType: 'audio/wav' }));
    assert.equal(err.code, ErrorCode.UNSUPPORTED_MEDIA_TYPE);
    assert.match(err.message, /ffprobe could not read the upload \(declared audio\/wav\)/);
  });

  void test('a zero-byte upload is refused because the file is empty', async () => {
    const err = await refusal(probeFile(await makeEmptyFile(), { declaredType: 'audio/wav' }));
    assert.equal(err.code, ErrorCode.UNSUPPORTED_MEDIA_TYPE);
    assert.equal(err.message, 'the file is empty');
    assert.equal(activeProbes(), 0);
  });

  void test('a WAV cut in half probes to the shorter duration that arrived', async () => {
    const src = await makeFixture('wav-pcm16');
    const facts = await probeFile(await makeTruncated(src, 44 + 24_000)); // header + 1.5 s of 8 kHz 16-bit
    assert.ok(Math.abs(facts.durationMs - 1500) <= 50, `duration ${facts.durationMs}`);
  });

  void test('truncated files give a shorter duration or a clean refusal, never a crash', async () => {
    for (const kind of ['wav-mulaw', 'mp3', 'ogg-opus', 'webm-opus'] as const) {
      const src = await makeFixture(kind);
      const size = (await stat(src)).size;
      for (const bytes of [1, 20, 44, 200, Math.floor(size / 3), size - 1]) {
        const outcome = await probeFile(await makeTruncated(src, bytes)).then(
          (facts) => facts,
          (err: unknown) => err,
        );
        if (outcome instanceof VaultError) assert.equal(outcome.code, ErrorCode.UNSUPPORTED_MEDIA_TYPE, `${kind} ${bytes}`);
        else assert.ok((outcome as MediaFacts).durationMs <= 3050 && (outcome as MediaFacts).durationMs > 0, `${kind} ${bytes}`);
      }
    }
  });

  void test('an unsupported codec is refused naming the codec and container found', async () => {
    const file = await makeWithFfmpeg('tone.flac', ['-f', 'lavfi', '-i', 'sine=duration=1', '-c:a', 'flac', '-f', 'flac']);
    const err = await refusal(probeFile(file));
    assert.equal(err.code, ErrorCode.UNSUPPORTED_MEDIA_TYPE);
    assert.equal(err.message, "codec 'flac' in 'flac' is not supported");
  });

  void test('a video-only file is refused because ffprobe found no audio stream', async () => {
    const file = await makeWithFfmpeg('video-only.webm', ['-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10:duration=1', '-c:v', 'libvpx', '-f', 'webm']);
    const err = await refusal(probeFile(file, { declaredType: 'video/webm' }));
    assert.equal(err.code, ErrorCode.UNSUPPORTED_MEDIA_TYPE);
    assert.equal(err.message, 'ffprobe found no audio stream');
  });
});

void describe('video and cover art', () => {
  void test('a WebM with VP8 video and Opus audio is video/webm and lists both streams', async () => {
    const file = await makeWithFfmpeg('meeting.webm', [
      ...['-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10:duration=2'],
      ...['-f', 'lavfi', '-i', 'sine=sample_rate=48000:duration=2'],
      ...['-c:v', 'libvpx', '-c:a', 'libopus', '-f', 'webm'],
    ]);
    const facts = await probeFile(file, { declaredType: 'video/webm' });
    assert.equal(facts.kind, 'video');
    assert.equal(facts.mimeType, 'video/webm');
    assert.equal(facts.codec, 'opus');
    assert.deepEqual(
      facts.streams.map((s) => [s.type, s.codec]),
      [
        ['video', 'vp8'],
        ['audio', 'opus'],
      ],
    );
    assert.equal(facts.streams[0]?.width, 64);
    assert.ok(Math.abs(facts.durationMs - 2000) <= 50, `duration ${facts.durationMs}`);
  });

  void test('an MP3 with embedded cover art is still plain audio/mpeg', async () => {
    const file = await makeWithFfmpeg('cover.mp3', [
      ...['-f', 'lavfi', '-i', 'sine=sample_rate=16000:duration=2'],
      ...['-f', 'lavfi', '-i', 'color=c=red:size=32x32:duration=1', '-frames:v', '1'],
      ...['-map', '0:a', '-map', '1:v', '-c:a', 'libmp3lame', '-c:v', 'mjpeg', '-disposition:v', 'attached_pic', '-id3v2_version', '3', '-f', 'mp3'],
    ]);
    const facts = await probeFile(file);
    assert.equal(facts.kind, 'audio');
    assert.equal(facts.mimeType, 'audio/mpeg');
    assert.deepEqual(facts.streams.map((s) => s.type), ['audio']);
  });
});
