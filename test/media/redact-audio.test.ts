import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { findSensitive } from '../../src/analysis/redaction/index.js';
import { VaultError } from '../../src/core/errors.js';
import { resolveMediaTools } from '../../src/media/binaries.js';
import { mergeSpans, redactAudio } from '../../src/media/redact-audio.js';
import { evenWords, transcript } from '../analysis/calls.js';
import { makeFixture } from '../fixtures/media.js';

const run = promisify(execFile);
let ffmpeg: string;
let ffprobe: string;
let dir: string;

before(async () => {
  ({ ffmpeg, ffprobe } = await resolveMediaTools());
  dir = await mkdtemp(join(tmpdir(), 'callvault-redact-'));
});
after(() => rm(dir, { recursive: true, force: true }));

interface Pcm {
  rate: number;
  channels: number;
  /** Interleaved 16-bit samples. */
  samples: Int16Array;
}

async function streamFacts(file: string): Promise<{ rate: number; channels: number; codec: string }> {
  const { stdout } = await run(ffprobe, ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=sample_rate,channels,codec_name', '-of', 'json', file]);
  const s = (JSON.parse(stdout) as { streams: Array<{ sample_rate: string; channels: number; codec_name: string }> }).streams[0]!;
  return { rate: Number(s.sample_rate), channels: s.channels, codec: s.codec_name };
}

async function decode(file: string, extra: string[] = []): Promise<Pcm> {
  const facts = await streamFacts(file);
  const { stdout } = await run(ffmpeg, ['-v', 'error', '-i', file, ...extra, '-f', 's16le', '-c:a', 'pcm_s16le', 'pipe:1'], { encoding: 'buffer', maxBuffer: 1 << 28 });
  const copy = Buffer.from(stdout);
  const rate = extra.includes('-ar') ? Number(extra[extra.indexOf('-ar') + 1]) : facts.rate;
  return { rate, channels: facts.channels, samples: new Int16Array(copy.buffer, copy.byteOffset, copy.length / 2) };
}

/** One channel's samples between two times. */
function slice(p: Pcm, ch: number, fromMs: number, toMs: number): number[] {
  const a = Math.round((fromMs * p.rate) / 1000);
  const b = Math.min(p.samples.length / p.channels, Math.round((toMs * p.rate) / 1000));
  const out: number[] = [];
  for (let f = a; f < b; f++) out.push(p.samples[f * p.channels + ch]!);
  return out;
}

const rms = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + x * x, 0) / Math.max(1, xs.length));

/** Frequency from sign changes: a pure tone crosses zero twice a cycle. */
function zeroCrossingHz(xs: number[], rate: number): number {
  let n = 0;
  for (let i = 1; i < xs.length; i++) if ((xs[i - 1]! < 0) !== (xs[i]! < 0)) n++;
  return n / 2 / (xs.length / rate);
}

describe('redactAudio', () => {
  it('silences the spans on every channel of a WAV and leaves every other sample as it was', async () => {
    const input = await makeFixture('wav-pcm16', { channels: 2, seconds: 3 });
    const output = join(dir, 'silence.wav');
    const spans = [{ startMs: 500, endMs: 900 }, { startMs: 1_500, endMs: 2_250 }];
    await redactAudio(ffmpeg, input, output, spans, { mode: 'silence', format: 'wav' });
    const before = await decode(input);
    const after = await decode(output);
    assert.deepEqual([after.rate, after.channels, after.samples.length], [8_000, 2, before.samples.length]);
    const inSpan = (f: number) => spans.some((s) => f >= (s.startMs * 8) && f < (s.endMs * 8));
    let silenced = 0;
    for (let f = 0; f < after.samples.length / 2; f++) {
      for (let ch = 0; ch < 2; ch++) {
        const i = f * 2 + ch;
        if (inSpan(f)) {
          assert.equal(after.samples[i], 0, `sample ${f} ch ${ch} inside a span`);
          if (before.samples[i] !== 0) silenced++;
        } else assert.equal(after.samples[i], before.samples[i], `sample ${f} ch ${ch} outside the spans`);
      }
    }
    assert.ok(silenced > 15_000, 'the spans held sound before');
    assert.equal((await streamFacts(output)).codec, 'pcm_s16le');
  });

  it('puts a 1 kHz tone in the spans instead', async () => {
    const input = await makeFixture('wav-pcm16', { channels: 2, seconds: 3 });
    const output = join(dir, 'tone.wav');
    await redactAudio(ffmpeg, input, output, [{ startMs: 1_000, endMs: 1_600 }], { mode: 'tone', format: 'wav' });
    const before = await decode(input);
    const after = await decode(output);
    for (const ch of [0, 1]) {
      const tone = slice(after, ch, 1_000, 1_600);
      const hz = zeroCrossingHz(tone, 8_000);
      assert.ok(Math.abs(hz - 1_000) < 20, `channel ${ch}: ${hz} Hz`);
      assert.ok(Math.abs(rms(tone) - (0.25 * 32767) / Math.SQRT2) < 100, `tone level ${rms(tone)}`);
      assert.deepEqual(slice(after, ch, 0, 1_000), slice(before, ch, 0, 1_000));
      assert.deepEqual(slice(after, ch, 1_600, 3_000), slice(before, ch, 1_600, 3_000));
    }
  });

  it('encodes Opus and MP3 with the channels and sample rate kept', async () => {
    const stereo = await makeFixture('wav-pcm16', { channels: 2, seconds: 3 });
    const opus = join(dir, 'out.ogg');
    await redactAudio(ffmpeg, stereo, opus, [{ startMs: 1_000, endMs: 2_000 }], { mode: 'silence', format: 'opus' });
    assert.deepEqual(await streamFacts(opus), { rate: 48_000, channels: 2, codec: 'opus' });
    const o = await decode(opus);
    const input = await decode(stereo, ['-ar', '48000']);
    for (const ch of [0, 1]) {
      // A lossy codec smears the edges; well inside the span there is nothing, well outside the sine is back.
      assert.ok(rms(slice(o, ch, 1_060, 1_940)) < 0.01 * rms(slice(input, ch, 1_060, 1_940)), 'silent inside');
      const outside = rms(slice(o, ch, 200, 900));
      assert.ok(Math.abs(outside - rms(slice(input, ch, 200, 900))) < 0.1 * outside, 'unchanged level outside');
    }

    const mono = await makeFixture('mp3', { seconds: 3 });
    const mp3 = join(dir, 'out.mp3');
    await redactAudio(ffmpeg, mono, mp3, [{ startMs: 1_000, endMs: 2_000 }], { mode: 'tone', format: 'mp3' });
    assert.deepEqual(await streamFacts(mp3), { rate: 16_000, channels: 1, codec: 'mp3' });
    const m = await decode(mp3);
    const hz = zeroCrossingHz(slice(m, 0, 1_100, 1_900), 16_000);
    assert.ok(Math.abs(hz - 1_000) < 20, `${hz} Hz`);
    assert.ok(Math.abs(zeroCrossingHz(slice(m, 0, 200, 900), 16_000) - 440) < 20, 'the 440 Hz fixture outside');
  });

  it('refuses bad spans and unreadable input without leaving files behind', async () => {
    const input = await makeFixture('wav-pcm16', { channels: 1, seconds: 1 });
    const out = join(dir, 'never.wav');
    for (const bad of [{ startMs: 500, endMs: 500 }, { startMs: -1, endMs: 10 }, { startMs: 0, endMs: Number.NaN }]) {
      await assert.rejects(redactAudio(ffmpeg, input, out, [bad], { mode: 'silence', format: 'wav' }),
        (e: unknown) => e instanceof VaultError && e.code === 'INVALID_REQUEST');
    }
    const notAudio = join(dir, 'notes.wav');
    await writeFile(notAudio, 'this is not a recording\n'.repeat(100));
    await assert.rejects(redactAudio(ffmpeg, notAudio, out, [{ startMs: 0, endMs: 100 }], { mode: 'silence', format: 'wav' }),
      (e: unknown) => e instanceof VaultError && e.code === 'UNPROCESSABLE');
    assert.deepEqual((await readdir(dir)).filter((f) => f.startsWith('never.wav')), []);
    assert.deepEqual(mergeSpans([{ startMs: 300, endMs: 500 }, { startMs: 0, endMs: 100 }, { startMs: 450, endMs: 600 }]),
      [{ startMs: 0, endMs: 100 }, { startMs: 300, endMs: 600 }]);
    // Padding widens both sides, stops at zero, and joins spans that come to touch.
    assert.deepEqual(mergeSpans([{ startMs: 50, endMs: 100 }, { startMs: 300, endMs: 400 }], 100), [{ startMs: 0, endMs: 500 }]);
  });
});

describe('spoken card number, end to end', () => {
  const SPOKEN_CARD = 'four five three nine one four eight eight oh three four three six four six seven';

  /** Festival speaks `text`; the result as 16 kHz mono samples. */
  async function speak(text: string, name: string): Promise<Int16Array> {
    const txt = join(dir, `${name}.txt`);
    const wav = join(dir, `${name}.wav`);
    await writeFile(txt, `${text}\n`);
    await run('text2wave', ['-eval', '(voice_kal_diphone)', '-o', wav, txt]);
    const { stdout } = await run(ffmpeg, ['-v', 'error', '-i', wav, '-ac', '1', '-ar', '16000', '-f', 's16le', 'pipe:1'], { encoding: 'buffer', maxBuffer: 1 << 26 });
    const copy = Buffer.from(stdout);
    return new Int16Array(copy.buffer, copy.byteOffset, copy.length / 2);
  }

  async function writeWav(samples: Int16Array, file: string): Promise<void> {
    const child = spawn(ffmpeg, ['-v', 'error', '-y', '-f', 's16le', '-ar', '16000', '-ac', '1', '-i', 'pipe:0', '-c:a', 'pcm_s16le', file]);
    child.stdin.end(Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength));
    const code = await new Promise((r) => child.on('close', r));
    assert.equal(code, 0);
  }

  it('finds the card in the transcript of a synthesised clip and silences exactly its time', async () => {
    // Each phrase is synthesised alone, so where one ends and the next starts is known to the sample.
    const parts = [
      ['My card number is', await speak('My card number is', 'intro')],
      [SPOKEN_CARD, await speak(SPOKEN_CARD, 'digits')],
      ['thank you', await speak('thank you', 'outro')],
    ] as const;
    const all = new Int16Array(parts.reduce((n, [, p]) => n + p.length, 0));
    const words = [];
    let at = 0;
    for (const [text, pcm] of parts) {
      all.set(pcm, at);
      const ws = evenWords(text, Math.round(at / 16), Math.round((at + pcm.length) / 16));
      ws[ws.length - 1]!.endMs = Math.round((at + pcm.length) / 16);
      words.push(...ws);
      at += pcm.length;
    }
    const clip = join(dir, 'card-call.wav');
    await writeWav(all, clip);
    const totalMs = Math.round(all.length / 16);
    const text = parts.map(([t]) => t).join(' ');
    const t = transcript([{ startMs: 0, endMs: totalMs, speaker: 'Customer', speakerRole: 'customer', channel: 0, text, words }]);

    const spans = findSensitive(t);
    assert.deepEqual(spans.map((s) => s.kind), ['card']);
    const digitsFrom = Math.round(parts[0][1].length / 16);
    const digitsTo = Math.round((parts[0][1].length + parts[1][1].length) / 16);
    assert.deepEqual([spans[0]!.startMs, spans[0]!.endMs], [digitsFrom, digitsTo]);

    const out = join(dir, 'card-call-redacted.wav');
    await redactAudio(ffmpeg, clip, out, spans, { mode: 'silence', format: 'wav' });
    const before = await decode(clip);
    const after = await decode(out);
    assert.ok(rms(slice(before, 0, digitsFrom, digitsTo)) > 300, 'the digits were audible');
    assert.equal(rms(slice(after, 0, digitsFrom, digitsTo)), 0);
    assert.deepEqual(slice(after, 0, 0, digitsFrom), slice(before, 0, 0, digitsFrom));
    assert.deepEqual(slice(after, 0, digitsTo, totalMs), slice(before, 0, digitsTo, totalMs));
    assert.ok(rms(slice(after, 0, 0, digitsFrom)) > 300 && rms(slice(after, 0, digitsTo, totalMs)) > 300, 'the rest still speaks');
  });
});
