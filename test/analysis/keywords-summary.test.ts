import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyse } from '../../src/analysis/analyse.js';
import { extractKeywords } from '../../src/analysis/keywords.js';
import { summariseExtractive } from '../../src/analysis/summary.js';
import { dialogue, transcript } from './calls.js';

const call = transcript(dialogue([
  ['Agent', 'Hello, thanks for calling.'],
  ['Customer', 'Hi.'],
  ['Customer', 'I want to dispute a payment on my credit card from the garden centre.'],
  ['Agent', 'Okay.'],
  ['Agent', 'I can see the garden centre payment of eighty pounds on your credit card statement.'],
  ['Customer', 'Yes, I returned the lawnmower but the refund never arrived.'],
  ['Agent', 'Mm-hmm.'],
  ['Agent', 'I will open a dispute for the lawnmower refund and you will get a letter within ten days.'],
  ['Customer', 'Great.'],
  ['Customer', 'Will the dispute freeze my credit card?'],
  ['Agent', 'No, the credit card stays active while the dispute is open.'],
  ['Customer', 'Thanks, bye.'],
]));

describe('keywords', () => {
  it('names the topics of the call, including multi-word phrases, without filler', () => {
    const kws = extractKeywords(call);
    const texts = kws.map((k) => k.text);
    for (const topic of ['credit card', 'dispute', 'garden centre', 'lawnmower', 'refund']) {
      assert.ok(texts.includes(topic), `expected "${topic}" in ${JSON.stringify(texts)}`);
    }
    for (const filler of ['okay', 'thanks', 'hello', 'mm-hmm', 'yes', 'want']) assert.ok(!texts.includes(filler), `${filler} is not a topic`);
    // "credit" and "card" are only ever said as "credit card": they do not rank again on their own.
    assert.ok(!texts.includes('credit') && !texts.includes('card'), JSON.stringify(texts));
    assert.equal(kws[0]!.score, 1);
    assert.ok(kws.every((k, i) => i === 0 || k.score <= kws[i - 1]!.score), 'sorted by score');
    assert.equal(kws.find((k) => k.text === 'credit card')!.count, 4);
    assert.equal(kws.find((k) => k.text === 'dispute')!.count, 4);
  });

  it('honours the limit and returns nothing for a call without content words', () => {
    assert.equal(extractKeywords(call, 3).length, 3);
    assert.deepEqual(extractKeywords(transcript(dialogue([['Agent', 'Hello?'], ['Customer', 'Yes, okay, thanks.']]))), []);
  });
});

describe('extractive summary', () => {
  it('picks content sentences, not acknowledgements, and keeps them in call order', () => {
    const s = summariseExtractive(call, ['credit card', 'dispute']);
    assert.equal(s.by, 'textrank/1');
    assert.ok(s.lines.length >= 1 && s.lines.length <= 5);
    const shortCues = call.cues.flatMap((c, i) => (c.text.split(/\s+/).length <= 4 ? [i] : []));
    for (const i of s.cues!) assert.ok(!shortCues.includes(i), `cue ${i} is small talk: ${call.cues[i]!.text}`);
    assert.deepEqual(s.cues, [...s.cues!].sort((a, b) => a - b), 'time order');
    // Every cue of this call is one sentence, so each line is one whole cue with its speaker.
    const expected = s.cues!.map((i) => `${call.cues[i]!.speaker}: ${call.cues[i]!.text}`);
    assert.deepEqual(s.lines, expected);
    assert.ok(s.lines.some((l) => l.includes('dispute')), JSON.stringify(s.lines));
  });

  it('follows the hint towards the sentences that hold it', () => {
    const one = { maxLines: 1 };
    const lawnmower = summariseExtractive(call, ['lawnmower', 'refund'], one);
    const freeze = summariseExtractive(call, ['freeze', 'active'], one);
    assert.match(lawnmower.lines[0]!, /lawnmower/);
    assert.notEqual(lawnmower.lines[0], freeze.lines[0]);
  });

  it('is what analyse stores when no summariser is configured', async () => {
    const r = await analyse(call, { durationMs: 60_000 });
    assert.equal(r.summary.by, 'textrank/1');
    assert.equal(r.summary.fallbackReason, undefined);
    assert.ok(r.summary.lines.length > 0);
    assert.match(r.engine, /^callvault-insights\/1 /);
    assert.equal(r.version, 1);
    assert.equal(r.recordingId, 'rec_test');
    assert.equal(r.transcriptEngine, 'test/hand-built');
  });
});
