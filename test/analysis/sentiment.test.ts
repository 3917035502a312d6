import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyse } from '../../src/analysis/analyse.js';
import { sentimentOf } from '../../src/analysis/sentiment.js';
import { dialogue, transcript } from './calls.js';

const label = (text: string) => sentimentOf(text).label;
const score = (text: string) => sentimentOf(text).score;

describe('cue sentiment', () => {
  it('tells positive, negative and neutral phrasing apart', () => {
    assert.equal(label('That is brilliant, thank you so much for your help'), 'POSITIVE');
    assert.equal(label('This is ridiculous, I am really angry about the service'), 'NEGATIVE');
    assert.equal(label('My account number ends in four and the address is the same'), 'NEUTRAL');
    for (const text of ['I am happy', 'This is very bad', 'Okay']) {
      const s = score(text);
      assert.ok(s >= -1 && s <= 1, `${text}: ${s}`);
    }
  });

  it('flips negated feelings', () => {
    assert.equal(label('I am happy with the replacement'), 'POSITIVE');
    assert.equal(label('I am not happy with the replacement'), 'NEGATIVE');
    assert.equal(label("I really don't like how this was handled"), 'NEGATIVE');
    assert.equal(label('Not bad at all'), 'POSITIVE');
    assert.equal(label('No problem, I can do that'), 'POSITIVE');
    // A negation reaches the next feeling word, not one across a clause break.
    assert.equal(label('Not today. I am happy with it'), 'POSITIVE');
  });

  it('weighs intensifiers, dampeners and contrast', () => {
    assert.ok(score('This is very good') > score('This is good'));
    assert.ok(score('I am extremely disappointed') < score('I am disappointed'));
    assert.ok(Math.abs(score('I am a bit annoyed')) < Math.abs(score('I am annoyed')));
    // What follows "but" decides.
    assert.equal(label('The wait was terrible but you fixed it, thank you'), 'POSITIVE');
    assert.equal(label('You were friendly but the problem is still not fixed'), 'NEGATIVE');
  });

  it('reads call-centre phrasing, not just dictionary words', () => {
    assert.equal(label('How can I help you today?'), 'NEUTRAL', 'a scripted greeting is not delight');
    assert.equal(label("I'd like to check my balance please"), 'NEUTRAL');
    assert.equal(label('I was charged twice for the same order'), 'NEGATIVE');
    assert.equal(label('I have been on hold for forty minutes and it is still not working'), 'NEGATIVE');
    assert.equal(label('That is all sorted now, perfect'), 'POSITIVE');
    assert.ok(score('Thank you for calling, have a nice day') < score('That was wonderful, thank you'),
      'scripted courtesy weighs less than real praise');
  });
});

describe('call sentiment', () => {
  it('labels a complaint that stays unresolved as negative and a happy call as positive', async () => {
    const angry = transcript(dialogue([
      ['Agent', 'Thank you for calling, how can I help?'],
      ['Customer', 'I have been charged twice and nobody has fixed it, this is ridiculous.'],
      ['Agent', 'I am sorry, I cannot see the second charge yet.'],
      ['Customer', 'That is useless. I am really frustrated and I want to cancel my account.'],
    ]));
    const happy = transcript(dialogue([
      ['Agent', 'Thank you for calling, how can I help?'],
      ['Customer', 'I just wanted to say the new router works great, thanks.'],
      ['Agent', 'That is wonderful to hear, I am glad it helped.'],
      ['Customer', 'Brilliant, I really appreciate it.'],
    ]));
    const a = await analyse(angry, { durationMs: 30_000 });
    const h = await analyse(happy, { durationMs: 30_000 });
    assert.equal(a.sentiment.label, 'NEGATIVE');
    assert.equal(h.sentiment.label, 'POSITIVE');
    assert.ok(a.sentiment.score < -0.3 && h.sentiment.score > 0.3, `${a.sentiment.score} / ${h.sentiment.score}`);
    assert.equal(a.cueSentiments.length, angry.cues.length);
    assert.equal(a.cueSentiments[0]!.label, 'NEUTRAL', 'a scripted greeting says nothing about how the call went');
    assert.equal(a.speakers.find((s) => s.speaker === 'Customer')!.sentiment.label, 'NEGATIVE');
  });

  it('lets the end of a call outweigh its start', async () => {
    const recovered = transcript(dialogue([
      ['Customer', 'The delivery was late and I am annoyed.'],
      ['Agent', 'Let me look into the delivery for you.'],
      ['Agent', 'I have refunded the shipping and the parcel arrives tomorrow.'],
      ['Customer', 'Oh that is great, thank you, really helpful.'],
    ]));
    const r = await analyse(recovered, { durationMs: 20_000 });
    assert.equal(r.cueSentiments[0]!.label, 'NEGATIVE');
    assert.equal(r.sentiment.label, 'POSITIVE');
  });
});
