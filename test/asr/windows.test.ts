/**
 * Windowing: where seams go (pure planning on made-up levels), how words are merged at a
 * forced seam, and a real long mono recording decoded whole, in windows cut at pauses, and in
 * windows forced into speech — every word once, none lost.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { prepareChannel, type PreparedChannel } from '../../src/asr/audio.js';
import { PocketsphinxTranscriber, type PocketsphinxOptions } from '../../src/asr/pocketsphinx.js';
import { wordErrors } from '../../src/asr/wer.js';
import { loudness, mergeWindowWords, planWindows, type Window } from '../../src/asr/windows.js';
import { resolveMediaTools } from '../../src/media/binaries.js';
import type { Word } from '../../src/transcripts/model.js';
import { makeLongCall, referenceText, removeSpeechFixtures, type SpeechCall } from '../fixtures/speech/generate.js';

/** 10 ms levels: loud (-20 dBFS) everywhere except the given pauses [fromMs, toMs). */
function levelsWithPauses(totalMs: number, pauses: Array<[number, number]>): Float32Array {
  const levels = new Float32Array(totalMs / 10).fill(-20);
  for (const [from, to] of pauses) levels.fill(-100, from / 10, to / 10);
  return levels;
}

const word = (text: string, startMs: number, endMs: number): Word => ({ text, startMs, endMs });

describe('planWindows', () => {
  const opts = { maxWindowMs: 10_000, minGapMs: 300, overlapMs: 1000 };

  it('keeps a short recording in one window', () => {
    assert.deepEqual(planWindows(levelsWithPauses(8000, []), -60, opts), [{ startMs: 0, endMs: 8000, keepFromMs: 0, keepToMs: 8000 }]);
  });

  it('cuts in the middle of the longest pause of the window\'s second half, without overlap', () => {
    const levels = levelsWithPauses(25_000, [[3000, 4000], [6000, 6400], [8000, 8800], [16_000, 16_500]]);
    const windows = planWindows(levels, -60, opts);
    assert.deepEqual(windows.map((w) => [w.startMs, w.endMs]), [[0, 8400], [8400, 16_250], [16_250, 25_000]]);
    for (const w of windows) assert.deepEqual([w.keepFromMs, w.keepToMs], [w.startMs, w.endMs]);
  });

  it('ignores pauses shorter than the minimum and forces an overlapping seam in unbroken speech', () => {
    const windows = planWindows(levelsWithPauses(25_000, [[5000, 5200]]), -60, opts);
    assert.ok(windows.length >= 3);
    for (let i = 1; i < windows.length; i++) {
      const [a, b] = [windows[i - 1]!, windows[i]!];
      assert.equal(a.keepToMs, b.keepFromMs, 'every moment belongs to exactly one window');
      assert.equal(a.endMs - a.keepToMs, 1000, 'the earlier window reaches past the seam');
      assert.equal(b.keepFromMs - b.startMs, 1000, 'the later one starts before it');
      assert.ok(a.endMs - a.startMs <= opts.maxWindowMs + 1000);
    }
    assert.equal(windows.at(-1)!.endMs, 25_000);
  });
});

describe('loudness', () => {
  it('finds no sound in digital silence or in a steady hum', () => {
    assert.equal(loudness(new Float32Array(500).fill(-100)).hasSound, false);
    assert.equal(loudness(new Float32Array(500).fill(-40)).hasSound, false);
    assert.equal(loudness(levelsWithPauses(5000, [[0, 2000]])).hasSound, true);
  });
});

describe('mergeWindowWords', () => {
  const windows: Window[] = [
    { startMs: 0, endMs: 11_000, keepFromMs: 0, keepToMs: 10_000 },
    { startMs: 9000, endMs: 20_000, keepFromMs: 10_000, keepToMs: 20_000 },
  ];

  it('keeps a word heard by both windows once, from the window it belongs to', () => {
    const a = [word('hello', 9500, 9800), word('there', 9850, 10_100), word('cut', 10_800, 11_000)];
    const b = [word('lo', 9000, 9200), word('hello', 9510, 9790), word('there', 9840, 10_120), word('friend', 10_200, 10_600)];
    const [keptA, keptB] = mergeWindowWords(windows, [a, b]);
    assert.deepEqual([...keptA!, ...keptB!].map((w) => w.text), ['hello', 'there', 'friend']);
  });

  it('does not lose a word whose middle each window places on the other side of the seam', () => {
    const a = [word('before', 9000, 9500), word('seam', 9900, 10_200)];
    const b = [word('before', 9010, 9490), word('seam', 9850, 10_100), word('after', 10_300, 10_700)];
    const merged = mergeWindowWords(windows, [a, b]).flat();
    assert.deepEqual(merged.map((w) => w.text), ['before', 'seam', 'after']);
  });
});

describe('a long recording decoded in windows', () => {
  let call: SpeechCall;
  let audio: PreparedChannel;
  const decode = (o: PocketsphinxOptions) => new PocketsphinxTranscriber(o).transcribe(audio);

  before(async () => {
    // Both voices on one channel with short pauses: a mono recording, where seams must fall
    // between sentences of continuous talk.
    call = await makeLongCall({ targetMs: 90_000, pauseMs: 400, monologue: true });
    audio = await prepareChannel((await resolveMediaTools()).ffmpeg, call.stereoWav, { channel: 0 });
  });

  after(async () => {
    await audio?.cleanup();
    await removeSpeechFixtures();
  });

  it('loses and doubles no word at the seams, whether they fall in pauses or in speech', async () => {
    const reference = referenceText(call.turns, 0);
    // A window per sentence (the default); one long stretch cut only at pauses; cut anywhere.
    const [whole, atPauses, forced] = await Promise.all([
      decode({}),
      decode({ minPauseMs: 10_000, splitGapMs: 300, maxWindowMs: 20_000, threads: 2 }),
      decode({ minPauseMs: 10_000, splitGapMs: 10_000, maxWindowMs: 20_000, overlapMs: 2000 }),
    ]);
    const text = (segs: typeof whole) => segs.map((s) => s.text).join(' ');
    const werWhole = wordErrors(reference, text(whole));
    const werPauses = wordErrors(reference, text(atPauses));
    const werForced = wordErrors(reference, text(forced));
    const show = (e: typeof werWhole) => `${(e.wer * 100).toFixed(1)}% (${e.deletions} del, ${e.insertions} ins)`;
    console.log(`long call ${(call.durationMs / 1000).toFixed(0)} s, ${werWhole.refWords} words: WER per sentence ${show(werWhole)}, `
      + `20 s windows cut at pauses ${show(werPauses)}, 20 s windows with forced seams ${show(werForced)}`);
    assert.ok(werWhole.wer < 0.12, `per sentence: ${werWhole.wer}`);
    // Longer utterances decode a little worse, seam or no seam; lost or doubled words at the
    // seams would show up as deletions and insertions beyond the per-sentence decode's.
    for (const [label, e] of [['at pauses', werPauses], ['forced', werForced]] as const) {
      assert.ok(e.wer <= werWhole.wer + 0.04, `${label}: ${e.wer} vs ${werWhole.wer}`);
      assert.ok(e.deletions <= werWhole.deletions + 2, `${label}: ${e.deletions} deletions vs ${werWhole.deletions}`);
      assert.ok(e.insertions <= werWhole.insertions + 2, `${label}: ${e.insertions} insertions vs ${werWhole.insertions}`);
    }
    for (const segs of [atPauses, forced]) {
      const words = segs.flatMap((s) => s.words ?? []);
      for (let i = 1; i < words.length; i++) {
        // One decode never overlaps its own words; a word taken from two windows would.
        assert.ok(words[i]!.startMs >= words[i - 1]!.endMs, `'${words[i - 1]!.text}' and '${words[i]!.text}' overlap at ${words[i]!.startMs} ms`);
      }
    }
  });
});
