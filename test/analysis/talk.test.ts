import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyse } from '../../src/analysis/analyse.js';
import { cue, transcript } from './calls.js';

describe('talk time, silence and overtalk', () => {
  it('matches known timings from word times', async () => {
    // Agent 0–4 s, customer 3–6 s (1 s of both at once), nobody 6–10 s.
    const t = transcript([
      cue({ speaker: 'Agent', startMs: 0, endMs: 4_000, text: 'how can I help' }),
      cue({ speaker: 'Customer', startMs: 3_000, endMs: 6_000, text: 'my parcel is late' }),
    ]);
    const r = await analyse(t, { durationMs: 10_000 });
    assert.equal(r.timingsFrom, 'words');
    const agent = r.speakers.find((s) => s.speaker === 'Agent')!;
    const customer = r.speakers.find((s) => s.speaker === 'Customer')!;
    assert.equal(agent.talkMs, 4_000);
    assert.equal(customer.talkMs, 3_000);
    assert.equal(agent.talkRatio, 0.4);
    assert.equal(customer.talkRatio, 0.3);
    assert.equal(agent.shareOfTalk, 0.5714);
    assert.equal(agent.wordCount, 4);
    assert.equal(customer.wordCount, 4);
    assert.equal(agent.role, 'agent');
    assert.deepEqual(agent.channels, [0]);
    assert.equal(r.overtalkMs, 1_000);
    assert.equal(r.overtalkRatio, 0.1);
    assert.equal(r.silenceMs, 4_000);
    assert.equal(r.silenceRatio, 0.4);
  });

  it('counts a pause inside a cue as silence when words show it, and not when only cue times are known', async () => {
    // The engine made one cue of 0–5 s, but the words stop at 2 s and resume at 4 s.
    const timed = cue({ speaker: 'Customer', startMs: 0, endMs: 5_000, text: 'x' });
    timed.text = 'yes I can hear you';
    timed.words = [
      { startMs: 0, endMs: 500, text: 'yes' }, { startMs: 600, endMs: 1_200, text: 'I' },
      { startMs: 1_300, endMs: 2_000, text: 'can' }, { startMs: 4_000, endMs: 4_500, text: 'hear' },
      { startMs: 4_500, endMs: 5_000, text: 'you' },
    ];
    const withWords = await analyse(transcript([timed]), { durationMs: 8_000 });
    assert.equal(withWords.speakers[0]!.talkMs, 3_000);
    assert.equal(withWords.silenceMs, 5_000);
    assert.equal(withWords.speakers[0]!.wordCount, 5);

    const untimed = { ...timed, words: undefined };
    const fromCues = await analyse(transcript([untimed]), { durationMs: 8_000 });
    assert.equal(fromCues.timingsFrom, 'cues');
    assert.equal(fromCues.speakers[0]!.talkMs, 5_000);
    assert.equal(fromCues.silenceRatio, 0.375);
  });

  it('counts three people talking at once once, and touching turns not at all', async () => {
    const t = transcript([
      cue({ speaker: 'A', channel: 0, startMs: 0, endMs: 2_000, text: 'one two', timed: false }),
      cue({ speaker: 'B', channel: 1, startMs: 2_000, endMs: 4_000, text: 'three four', timed: false }),
      cue({ speaker: 'C', channel: 2, startMs: 3_000, endMs: 5_000, text: 'five six', timed: false }),
      cue({ speaker: 'A', channel: 0, startMs: 3_500, endMs: 4_500, text: 'seven', timed: false }),
    ]);
    const r = await analyse(t, { durationMs: 5_000 });
    // 3.0–4.5 s has two or three speakers; 2.0 s is a hand-over, not overlap.
    assert.equal(r.overtalkMs, 1_500);
    assert.equal(r.silenceMs, 0);
    assert.equal(r.speakers.length, 3);
    assert.equal(r.speakers.find((s) => s.speaker === 'A')!.talkMs, 3_000);
  });

  it('clips speech past the stated duration and handles an empty transcript', async () => {
    const r = await analyse(transcript([cue({ speaker: 'Agent', startMs: 1_000, endMs: 9_000, text: 'hello there', timed: false })]), { durationMs: 5_000 });
    assert.equal(r.speakers[0]!.talkMs, 4_000);
    assert.equal(r.silenceRatio, 0.2);
    const empty = await analyse(transcript([]), { durationMs: 3_000 });
    assert.equal(empty.silenceRatio, 1);
    assert.equal(empty.overtalkRatio, 0);
    assert.deepEqual(empty.speakers, []);
    assert.equal(empty.sentiment.label, 'NEUTRAL');
    assert.deepEqual(empty.summary.lines, []);
  });
});
