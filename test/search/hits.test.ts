import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findHits } from '../../src/search/hits.js';
import { parseQuery } from '../../src/search/query.js';
import type { Cue } from '../../src/transcripts/model.js';

const cue = (startMs: number, speaker: string, speakerRole: string | undefined, text: string): Cue =>
  ({ startMs, endMs: startMs + 2000, speaker, ...(speakerRole ? { speakerRole } : {}), channel: speakerRole === 'agent' ? 0 : 1, text });

const CUES: Cue[] = [
  cue(0, 'Alice Agent', 'agent', 'Thank you for calling. How can I help?'),
  cue(2000, 'Customer', 'customer', "I'd like a REFUND for my card, please."),
  cue(4000, 'Alice Agent', 'agent', 'Let me check our refund-policy... sorry!'),
  cue(6000, 'Customer', 'customer', 'Refunded? Great: thank you.'),
  cue(8000, 'Sam Supervisor', 'Supervisor', 'Café policy applies.'),
  cue(10000, 'Unknown', undefined, 'card declined'),
];

const at = (q: string) => findHits(parseQuery(q), CUES).map((h) => h.startMs);

describe('findHits', () => {
  it('finds words regardless of case and punctuation, and gives the cue to jump to', () => {
    assert.deepEqual(at('refund'), [2000, 4000]);
    assert.deepEqual(findHits(parseQuery('refund'), CUES)[0], { startMs: 2000, endMs: 4000, speaker: 'Customer', text: "I'd like a REFUND for my card, please." });
    assert.deepEqual(at('cafe'), [8000], 'accents fold');
    assert.deepEqual(at('"i d like"'), [2000], "an apostrophe splits words as the index does");
  });

  it('matches phrases on consecutive words and prefixes on word starts', () => {
    assert.deepEqual(at('"refund policy"'), [4000]);
    assert.deepEqual(at('"policy refund"'), []);
    assert.deepEqual(at('"thank you"'), [0, 6000]);
    assert.deepEqual(at('refund*'), [2000, 4000, 6000]);
    assert.deepEqual(at('"check our ref"*'), [4000]);
    assert.deepEqual(at('efund*'), [], 'a prefix is a word start, not a substring');
  });

  it('marks every positive word of AND and OR, none of NOT', () => {
    assert.deepEqual(at('refund card'), [2000, 4000, 10000]);
    assert.deepEqual(at('sorry OR declined'), [4000, 10000]);
    assert.deepEqual(at('card -refund'), [2000, 10000], 'the cue with the excluded word is still a card hit');
    assert.deepEqual(at('thank -(refund OR card)'), [0, 6000]);
  });

  it('scopes by the cue speaker role', () => {
    assert.deepEqual(at('agent:refund'), [4000]);
    assert.deepEqual(at('speaker:customer:refund*'), [2000, 6000]);
    assert.deepEqual(at('other:(policy OR card)'), [8000, 10000], 'roles besides agent and customer, and none, are other');
    assert.deepEqual(at('transcript:card'), [2000, 10000]);
    const custom = findHits(parseQuery('agent:card'), CUES, { inField: (f, c) => f === 'agent' && c.speaker === 'Unknown' });
    assert.deepEqual(custom.map((h) => h.startMs), [10000]);
  });

  it('has no hits for a recording matched only through its notes', () => {
    assert.deepEqual(at('notes:refund'), []);
    assert.deepEqual(at('notes:vip OR notes:refund'), []);
    assert.deepEqual(at('notes:vip card'), [2000, 10000], 'the notes part marks nothing, the spoken part does');
  });

  it('stops at the limit, earliest first', () => {
    assert.deepEqual(findHits(parseQuery('refund* OR card'), CUES, { limit: 2 }).map((h) => h.startMs), [2000, 4000]);
    assert.deepEqual(findHits(parseQuery('refund'), []), []);
  });
});

describe('findHits with word timings', () => {
  const timed: Cue = {
    startMs: 10_000, endMs: 16_000, speaker: 'Alice Agent', speakerRole: 'agent', channel: 0,
    text: 'For example, the purple elephant warranty.',
    words: ['for', 'example', 'the', 'purple', 'elephant', 'warranty'].map((text, i) => ({ text, startMs: 10_000 + i * 1000, endMs: 10_800 + i * 1000 })),
  };
  it('gives the time of the matched words, not of the whole cue', () => {
    assert.deepEqual(findHits(parseQuery('"purple elephant"'), [timed]).map((h) => [h.startMs, h.endMs]), [[13_000, 14_800]]);
    assert.deepEqual(findHits(parseQuery('warr*'), [timed]).map((h) => [h.startMs, h.endMs]), [[15_000, 15_800]]);
    // Two leaves in one cue: the earlier one is where to jump.
    assert.deepEqual(findHits(parseQuery('warranty OR example'), [timed]).map((h) => h.startMs), [11_000]);
  });
});
