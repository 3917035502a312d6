import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INSIGHTS_ENGINE, analyse, withCueSentiment } from '../../src/analysis/analyse.js';
import { VaultError } from '../../src/core/errors.js';
import { generateCall } from './calls.js';

describe('analyse on a long call', () => {
  const call = generateCall(10);
  const words = call.cues.reduce((n, c) => n + (c.words?.length ?? 0), 0);

  it('the generated 10-minute call is the size the target is about', () => {
    assert.ok(words >= 1_450 && words <= 1_800, `${words} words`);
    assert.ok(call.cues[call.cues.length - 1]!.endMs <= 600_000);
  });

  it('analyses it in well under a second', async () => {
    await analyse(call, { durationMs: 600_000 }); // warm-up: the first call compiles the code paths
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await analyse(call, { durationMs: 600_000 });
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const median = times[2]!;
    // The target; on a quiet machine this takes a few tens of milliseconds (bench/analysis.ts prints it).
    assert.ok(median < 1_000, `median ${median.toFixed(1)} ms`);
  });

  it('fills every part of the insights consistently', async () => {
    const r = await analyse(call, { durationMs: 600_000 });
    assert.equal(r.engine, INSIGHTS_ENGINE);
    assert.equal(r.cueSentiments.length, call.cues.length);
    assert.deepEqual(r.speakers.map((s) => s.speaker).sort(), ['Agent', 'Customer']);
    assert.equal(r.speakers.reduce((n, s) => n + s.wordCount, 0), words);
    const talk = r.speakers.reduce((n, s) => n + s.talkMs, 0);
    // Talk plus silence covers the call once overlap (counted for both speakers) is taken out.
    assert.equal(talk - r.overtalkMs + r.silenceMs, 600_000);
    assert.ok(r.overtalkMs > 0 && r.silenceRatio > 0.05 && r.silenceRatio < 0.4, `${r.overtalkMs} ms / ${r.silenceRatio}`);
    assert.ok(Math.abs(r.speakers.reduce((n, s) => n + s.shareOfTalk, 0) - 1) < 0.001);
    assert.ok(r.keywords.some((k) => k.text.includes('blender')), JSON.stringify(r.keywords));
    assert.ok(r.summary.lines.length >= 1 && r.summary.lines.length <= 5);
    assert.ok(new Date(r.createdAt).getTime() > 0);

    const annotated = withCueSentiment(call, r);
    assert.deepEqual(annotated.cues.map((c) => c.sentiment), r.cueSentiments);
    assert.equal(call.cues[0]!.sentiment, undefined, 'the input is not changed');
  });

  it('refuses a duration that is not a duration', async () => {
    await assert.rejects(analyse(call, { durationMs: Number.NaN }), VaultError);
    await assert.rejects(analyse(call, { durationMs: -5 }), VaultError);
  });
});
