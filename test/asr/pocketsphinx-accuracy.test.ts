/**
 * pocketsphinx against the synthesised call set: word error rate on the clean 16 kHz calls and
 * on their G.711 telephone copies, word timings against the known turn times, and the real-time
 * factor. Thresholds sit just above what this machine measured (see the report lines printed).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PocketsphinxTranscriber } from '../../src/asr/pocketsphinx.js';
import { normalizeWords } from '../../src/asr/wer.js';
import { resolveMediaTools } from '../../src/media/binaries.js';
import { DISTINCTIVE, listCalls, makeCall, removeSpeechFixtures, type SpeechCall } from '../fixtures/speech/generate.js';
import { describeSet, runSet, type SetResult } from './speech-helpers.js';

const CLEAN_MAX_WER = 0.1;
const G711_MAX_WER = 0.29;
const TIMING_SLACK_MS = 1000;

let ffmpeg: string;
let calls: SpeechCall[];
let clean: SetResult;
const engine = new PocketsphinxTranscriber();

before(async () => {
  ffmpeg = (await resolveMediaTools()).ffmpeg;
  await engine.check();
  calls = [];
  for (const name of listCalls()) calls.push(await makeCall(name));
});

after(() => removeSpeechFixtures());

describe('pocketsphinx on the speech test set', () => {
  it(`recognises the clean calls with a word error rate under ${Math.round(CLEAN_MAX_WER * 100)}%`, async () => {
    clean = await runSet(ffmpeg, engine, calls, 'stereoWav');
    console.log(describeSet('clean 16 kHz', clean));
    for (const c of clean.channels) console.log(`  ${c.call}/${c.channel}: ${(c.errors.wer * 100).toFixed(0)}%`);
    assert.ok(clean.errors.refWords > 600, 'the whole set was scored');
    assert.ok(clean.errors.wer <= CLEAN_MAX_WER, `WER ${clean.errors.wer}`);
  });

  it(`recognises the G.711 telephone copies with a word error rate under ${Math.round(G711_MAX_WER * 100)}%`, async () => {
    const g711 = await runSet(ffmpeg, engine, calls, 'g711Wav');
    console.log(describeSet('G.711 8 kHz', g711));
    assert.ok(g711.errors.refWords > 600);
    assert.ok(g711.errors.wer <= G711_MAX_WER, `WER ${g711.errors.wer}`);
  });

  it('times every word inside the turn that spoke it (±1 s) and every segment by its words', () => {
    assert.ok(clean, 'the clean run happened');
    let words = 0;
    for (const c of clean.channels) {
      for (const seg of c.segments) {
        assert.ok(seg.words && seg.words.length > 0, 'segments carry their words');
        assert.equal(seg.startMs, seg.words[0]!.startMs);
        assert.equal(seg.endMs, seg.words[seg.words.length - 1]!.endMs);
        assert.equal(seg.text, seg.words.map((w) => w.text).join(' '));
        for (const w of seg.words) {
          words++;
          assert.ok(w.endMs > w.startMs, `${w.text} has a duration`);
          assert.ok(w.confidence !== undefined && w.confidence >= 0 && w.confidence <= 1);
          const turn = c.turns.find((t) => w.startMs >= t.startMs - TIMING_SLACK_MS && w.endMs <= t.endMs + TIMING_SLACK_MS);
          assert.ok(turn, `${c.call}/${c.channel}: '${w.text}' at ${w.startMs}–${w.endMs} ms lies in no turn of that channel`);
        }
      }
    }
    assert.ok(words > 550, `${words} words were timed`);
  });

  it('hears the distinctive phrase in its turn, at the time it was spoken', () => {
    const call = calls.find((c) => c.name === DISTINCTIVE.call)!;
    const turn = call.turns[DISTINCTIVE.turn]!;
    const result = clean.channels.find((c) => c.call === DISTINCTIVE.call && c.channel === turn.channel)!;
    const words = result.segments.flatMap((s) => s.words ?? []);
    const phrase = normalizeWords(DISTINCTIVE.phrase);
    const at = words.findIndex((_, i) => phrase.every((p, j) => normalizeWords(words[i + j]?.text ?? '')[0] === p));
    assert.ok(at >= 0, `'${DISTINCTIVE.phrase}' not in: ${words.map((w) => w.text).join(' ')}`);
    assert.ok(words[at]!.startMs >= turn.startMs && words[at + phrase.length - 1]!.endMs <= turn.endMs + 200,
      `said at ${words[at]!.startMs} ms, turn ${turn.startMs}–${turn.endMs} ms`);
  });
});
