import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VaultError } from '../../src/core/errors.js';
import type { QueryNode } from '../../src/search/ast.js';
import { parseQuery } from '../../src/search/query.js';

/** A compact rendering of the AST, so expectations read like queries. */
function show(n: QueryNode): string {
  const f = (s: string, field?: string) => (field ? `${field}:${s}` : s);
  switch (n.kind) {
    case 'term': return f(n.word, n.field);
    case 'prefix': return f(`${n.word}*`, n.field);
    case 'phrase': return f(`"${n.words.join(' ')}"${n.prefix ? '*' : ''}`, n.field);
    case 'and': return `(${n.children.map(show).join(' & ')})`;
    case 'or': return `(${n.children.map(show).join(' | ')})`;
    case 'not': return `-${show(n.child)}`;
  }
}

const parsed = (q: string) => show(parseQuery(q));

function refused(q: string, position: number, message: RegExp, opts?: Parameters<typeof parseQuery>[1]) {
  assert.throws(() => parseQuery(q, opts), (err: unknown) => {
    assert.ok(err instanceof VaultError, `not a VaultError: ${String(err)}`);
    assert.equal(err.code, 'INVALID_REQUEST');
    assert.equal(err.details?.position, position, `position for ${JSON.stringify(q)}: ${err.message}`);
    assert.match(err.message, message);
    return true;
  });
}

describe('parseQuery: the language', () => {
  it('reads words, phrases and prefixes, folding case and dropping punctuation', () => {
    assert.equal(parsed('Refund'), 'refund');
    assert.equal(parsed('"Cancel my  Account"'), '"cancel my account"');
    assert.equal(parsed('refund*'), 'refund*');
    assert.equal(parsed('"refund pol"*'), '"refund pol"*');
    assert.equal(parsed('"refund"'), 'refund');
    assert.equal(parsed('e-mail'), '"e mail"');
    assert.equal(parsed('¿Qué?'), 'qué');
  });

  it('joins words with an implicit AND and gives AND precedence over OR', () => {
    assert.equal(parsed('refund policy'), '(refund & policy)');
    assert.equal(parsed('a OR b c'), '(a | (b & c))');
    assert.equal(parsed('a b OR c'), '((a & b) | c)');
    assert.equal(parsed('(a OR b) c'), '((a | b) & c)');
    assert.equal(parsed('a AND b AND c'), '(a & b & c)');
  });

  it('takes operators in any case and words that are operators when quoted', () => {
    assert.equal(parsed('a and b or c'), '((a & b) | c)');
    assert.equal(parsed('a Not b'), '(a & -b)');
    assert.equal(parsed('"and" "or" "not"'), '(and & or & not)');
    assert.equal(parsed('"to be or not to be"'), '"to be or not to be"');
  });

  it('excludes with NOT and a glued leading dash, and collapses double negation', () => {
    assert.equal(parsed('refund NOT sorry'), '(refund & -sorry)');
    assert.equal(parsed('refund -sorry -"my bad"'), '(refund & -sorry & -"my bad")');
    assert.equal(parsed('refund -(sorry OR apologise)'), '(refund & -(sorry | apologise))');
    assert.equal(parsed('-(-refund)'), 'refund');
    assert.equal(parsed('NOT NOT refund'), 'refund');
    assert.equal(parsed('pay - bill'), '(pay & bill)', 'a dash with a space after it is punctuation');
    assert.equal(parsed('refund (-a -b)'), '(refund & -a & -b)');
  });

  it('scopes words, phrases, prefixes and groups to fields', () => {
    assert.equal(parsed('agent:refund'), 'agent:refund');
    assert.equal(parsed('speaker:agent:refund'), 'agent:refund');
    assert.equal(parsed('Speaker:Customer:"speak to a manager"'), 'customer:"speak to a manager"');
    assert.equal(parsed('notes:vip*'), 'notes:vip*');
    assert.equal(parsed('transcript:"a phrase"'), 'transcript:"a phrase"');
    assert.equal(parsed('agent:(refund OR credit) -customer:angry'), '((agent:refund | agent:credit) & -customer:angry)');
    assert.equal(parsed('10:30'), '"10 30"', 'a time is not a field');
  });

  it('takes the set of fields as a parameter', () => {
    const fields = { who: 'agent', body: 'transcript' };
    assert.equal(show(parseQuery('who:refund body:x', { fields })), '(agent:refund & transcript:x)');
    refused('agent:refund', 0, /unknown field 'agent'/, { fields });
  });

  it('leaves FTS5 and SQL syntax typed by users as plain words', () => {
    assert.equal(parsed('NEAR(a b)'), '(near & a & b)');
    assert.equal(parsed('^a'), 'a');
    assert.equal(parsed('a*b'), '"a b"');
    assert.equal(parsed('a+b'), '"a b"');
    assert.equal(parsed("'; DROP TABLE x; --"), '(drop & table & x)');
    assert.equal(parsed('{agent}'), 'agent');
    assert.equal(parsed('refund && policy'), '(refund & policy)', '&& is punctuation, dropped');
  });
});

describe('parseQuery: refusals', () => {
  it('refuses empty and punctuation-only queries', () => {
    refused('', 0, /empty/);
    refused('   ', 0, /empty/);
    refused('-- && *', 0, /no words/);
  });

  it('refuses unbalanced quotes and parentheses with the position', () => {
    refused('refund "cancel my', 7, /quote is never closed/);
    refused('a (b OR c', 2, /\( is never closed/);
    refused('a b) c', 3, /\) has no matching \(/);
    refused('a ()', 2, /empty parentheses/);
  });

  it('refuses dangling and doubled operators', () => {
    refused('refund AND', 7, /AND has nothing after it/);
    refused('OR refund', 0, /OR has nothing before it/);
    refused('a OR OR b', 5, /OR follows OR/);
    refused('a AND OR b', 6, /OR follows AND/);
    refused('NOT', 0, /NOT has nothing after it/);
    refused('a (b NOT)', 5, /NOT has nothing after it/);
  });

  it('refuses a query that only excludes, and says why', () => {
    refused('NOT refund', 0, /at least one word to find.*nearly every recording/);
    refused('-refund -sorry', 0, /at least one word to find/);
    refused('a OR -b', 5, /alternative of OR cannot be only excluded/);
    refused('(-a -b) OR c', 0, /alternative of OR/);
    refused('x NOT (-a -b)', 2, /group that is itself only exclusions/);
  });

  it('refuses unknown fields, fields without a value and nested fields', () => {
    refused('foo:bar', 0, /unknown field 'foo'/);
    refused('refund speaker:agent', 7, /speaker:.*agent:.*and a value/);
    refused('agent: refund', 0, /has no value/);
    refused('agent:(customer:x)', 7, /inside a group already limited to agent/);
  });

  it('enforces the length, node and depth limits', () => {
    refused('a'.repeat(1001), 1000, /longer than 1000 characters/);
    assert.equal(parsed('a'.repeat(1000)), 'a'.repeat(1000));
    refused(Array.from({ length: 40 }, (_, i) => `w${i}`).join(' OR '), 0, /more than the 10 allowed/, { maxNodes: 10 });
    refused(`${'('.repeat(20)}a${')'.repeat(20)}`, 16, /nested deeper than 16/);
    assert.equal(parsed(`${'('.repeat(16)}a${')'.repeat(16)}`), 'a');
  });
});
