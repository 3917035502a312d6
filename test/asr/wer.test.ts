import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { align, combineErrors, normalizeWords, wordErrors } from '../../src/asr/wer.js';

describe('normalizeWords', () => {
  it('drops case and punctuation but keeps apostrophes inside words', () => {
    assert.deepEqual(normalizeWords("Hello, I'm Robert — what's up?"), ['hello', "i'm", 'robert', "what's", 'up']);
  });

  it('reads engine alternates such as hello(2) as the word', () => {
    assert.deepEqual(normalizeWords('hello(2) world(3)'), ['hello', 'world']);
  });

  it('turns spoken numbers into the same digits as written ones', () => {
    assert.deepEqual(normalizeWords('twenty four Maple Street'), normalizeWords('24 Maple Street'));
    assert.deepEqual(normalizeWords('three hundred and five'), ['305']);
    assert.deepEqual(normalizeWords('two thousand twenty eight'), ['2028']);
    assert.deepEqual(normalizeWords('eighty dollars'), ['80', 'dollars']);
  });

  it('keeps digits read one by one as one token each', () => {
    assert.deepEqual(normalizeWords('four five three nine'), ['4', '5', '3', '9']);
    assert.deepEqual(normalizeWords('zero nine twenty eight'), ['0', '9', '28']);
  });
});

describe('wordErrors', () => {
  it('is zero for the same words spelled differently', () => {
    const e = wordErrors('It is Twenty-Four Maple Street.', 'it is 24 maple street');
    assert.equal(e.wer, 0);
    assert.equal(e.refWords, 5);
  });

  it('counts substitutions, insertions and deletions separately', () => {
    const e = wordErrors('the cat sat on the mat', 'the bat sat on on mat');
    // "cat"→"bat" is a substitution; "the" before mat is replaced by a second "on".
    assert.equal(e.substitutions, 2);
    assert.equal(e.insertions + e.deletions, 0);
    const d = wordErrors('please read me the number', 'please read the number now');
    assert.equal(d.deletions, 1);
    assert.equal(d.insertions, 1);
    assert.equal(d.substitutions, 0);
    assert.equal(d.wer, 2 / 5);
  });

  it('gives 1 for an empty hypothesis and 0 for two empty texts', () => {
    assert.equal(wordErrors('hello there', '').wer, 1);
    assert.equal(wordErrors('', '').wer, 0);
    assert.equal(wordErrors('', 'noise').wer, 1);
  });

  it('pools several pairs by reference length, not by averaging rates', () => {
    const pooled = combineErrors([wordErrors('a b c d e f g h i j', 'a b c d e f g h i j'), wordErrors('yes', 'no')]);
    assert.equal(pooled.refWords, 11);
    assert.equal(pooled.wer, 1 / 11);
  });
});

describe('align', () => {
  it('lines words up with the fewest edits', () => {
    const ops = align(['a', 'b', 'c'], ['a', 'x', 'c', 'd']).map((o) => o.op);
    assert.deepEqual(ops, ['match', 'sub', 'match', 'ins']);
  });
});
