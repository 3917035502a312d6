import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VaultError } from '../../src/core/errors.js';
import { parseQuery } from '../../src/search/query.js';
import { toTsquery, tsLexeme } from '../../src/search/tsquery.js';

const ts = (q: string) => toTsquery(parseQuery(q));

describe('toTsquery (text for to_tsquery(\'simple\', $1))', () => {
  it('writes quoted lexemes with &, |, ! and parentheses', () => {
    assert.equal(ts('refund'), "'refund'");
    assert.equal(ts('refund card'), "('refund' & 'card')");
    assert.equal(ts('a OR b c'), "('a' | ('b' & 'c'))");
    assert.equal(ts('refund -sorry -(x OR y)'), "('refund' & !'sorry' & !('x' | 'y'))");
  });

  it('writes phrases with <-> and prefixes with :*', () => {
    assert.equal(ts('"cancel my account"'), "('cancel' <-> 'my' <-> 'account')");
    assert.equal(ts('refund*'), "'refund':*");
    assert.equal(ts('"refund pol"*'), "('refund' <-> 'pol':*)");
  });

  it('turns fields into weight labels', () => {
    assert.equal(ts('agent:refund'), "'refund':A");
    assert.equal(ts('customer:ref*'), "'ref':*B");
    assert.equal(ts('transcript:"a b"'), "('a':ABC <-> 'b':ABC)");
    assert.equal(ts('notes:vip'), "'vip':D");
    assert.equal(toTsquery(parseQuery('agent:x'), { agent: 'C' }), "'x':C");
    assert.throws(() => toTsquery(parseQuery('notes:x'), { agent: 'A' }), /notes cannot be searched/);
    assert.throws(() => toTsquery(parseQuery('agent:x'), { agent: "A' | 'x" }), /letters A-D/);
  });

  it('keeps tsquery syntax typed by users inside lexemes', () => {
    // The parser already reduces user text to letters and digits; the quoting holds even for hand-built nodes.
    assert.equal(ts("a & b | !c <-> \"d:*\" 'e'"), "('a' & 'b' & 'c' & 'd' & 'e')");
    assert.equal(tsLexeme("it's"), "'it''s'");
    assert.equal(tsLexeme('back\\slash'), "'back\\\\slash'");
    assert.equal(toTsquery({ kind: 'term', word: "x' | 'y" }), "'x'' | ''y'");
  });

  it('refuses an exclusion-only node', () => {
    assert.throws(() => toTsquery({ kind: 'not', child: { kind: 'term', word: 'x' } }), VaultError);
  });
});
