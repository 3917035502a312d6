import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ErrorCode, VaultError } from '../../src/core/errors.js';
import { classify, hintFromContentType, looksLikeContainer, normalizeRawHint } from '../../src/media/formats.js';

void describe('declared content types', () => {
  void test('WAV, MP3, Ogg and WebM types map to their container with no raw hint', () => {
    for (const [type, container] of [
      ['audio/wav', 'wav'],
      ['audio/x-wav', 'wav'],
      ['audio/wave', 'wav'],
      ['audio/mpeg', 'mp3'],
      ['audio/mp3', 'mp3'],
      ['audio/ogg', 'ogg'],
      ['audio/opus', 'ogg'],
      ['audio/webm', 'webm'],
      ['video/webm', 'webm'],
    ] as const) {
      assert.deepEqual(hintFromContentType(type), { container }, type);
    }
  });

  void test('audio/basic, audio/PCMU and audio/PCMA mean raw G.711, case-insensitively and with rate parameters', () => {
    assert.deepEqual(hintFromContentType('audio/basic'), { container: 'mulaw', raw: { codec: 'pcmu' } });
    assert.deepEqual(hintFromContentType('Audio/PCMU'), { container: 'mulaw', raw: { codec: 'pcmu' } });
    assert.deepEqual(hintFromContentType('audio/PCMA; rate=16000; channels=2'), {
      container: 'alaw',
      raw: { codec: 'pcma', sampleRate: 16000, channels: 2 },
    });
  });

  void test('octet-stream, unknown and missing types give no hint at all', () => {
    assert.deepEqual(hintFromContentType('application/octet-stream'), {});
    assert.deepEqual(hintFromContentType('application/pdf'), {});
    assert.deepEqual(hintFromContentType(undefined), {});
  });

  void test('a raw hint gets the 8 kHz mono defaults and out-of-range values are invalid requests', () => {
    assert.deepEqual(normalizeRawHint({ codec: 'pcmu' }), { codec: 'pcmu', sampleRate: 8000, channels: 1 });
    for (const bad of [{ codec: 'pcmu', sampleRate: 0 }, { codec: 'pcma', channels: 99 }, { codec: 'g729' }]) {
      assert.throws(
        () => normalizeRawHint(bad as never),
        (e: unknown) => e instanceof VaultError && e.code === ErrorCode.INVALID_REQUEST,
      );
    }
  });
});

void describe('the format table', () => {
  void test('every WAV codec the vault accepts maps to audio/wav', () => {
    for (const codec of ['pcm_s16le', 'pcm_s24le', 'pcm_s32le', 'pcm_u8', 'pcm_f32le', 'pcm_mulaw', 'pcm_alaw']) {
      const c = classify('wav', [codec], []);
      assert.ok(c.ok && c.mimeType === 'audio/wav' && c.extension === 'wav', codec);
    }
  });

  void test('WebM is audio/webm without video and video/webm with VP8 or VP9', () => {
    const a = classify('matroska,webm', ['opus'], []);
    const v = classify('matroska,webm', ['vorbis'], ['vp9']);
    assert.ok(a.ok && a.mimeType === 'audio/webm' && a.kind === 'audio');
    assert.ok(v.ok && v.mimeType === 'video/webm' && v.kind === 'video');
  });

  void test('refusals name the codec and container that were found', () => {
    const avi = classify('avi', ['mp3'], ['mpeg4']);
    assert.ok(!avi.ok && avi.reason === "codec 'mp3' in 'avi' is not supported");
    const mkv = classify('matroska,webm', ['aac'], []);
    assert.ok(!mkv.ok && mkv.reason === "codec 'aac' in 'matroska,webm' is not supported");
    const h264 = classify('matroska,webm', ['opus'], ['h264']);
    assert.ok(!h264.ok && h264.reason === "codec 'h264' in 'matroska,webm' is not supported");
    const none = classify('wav', [], []);
    assert.ok(!none.ok && none.reason === 'ffprobe found no audio stream');
  });

  void test('container magic is recognised so a real WAV is not mistaken for raw G.711', () => {
    const wav = Buffer.from('RIFF\0\0\0\0WAVEfmt ', 'latin1');
    assert.equal(looksLikeContainer(wav), true);
    assert.equal(looksLikeContainer(Buffer.from('OggS\0\x02', 'latin1')), true);
    assert.equal(looksLikeContainer(Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f])), true);
    assert.equal(looksLikeContainer(Buffer.alloc(16, 0xff)), false); // μ-law silence
  });
});
