import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { VaultError } from '../../src/core/errors.js';
import type { QueryNode } from '../../src/search/ast.js';
import { toFts5, type Fts5Columns } from '../../src/search/fts5.js';
import { matchesColumns } from '../../src/search/hits.js';
import { parseQuery } from '../../src/search/query.js';

const COLUMNS: Fts5Columns = { agent: 'agent', customer: 'customer', other: 'other', notes: 'notes', transcript: ['agent', 'customer', 'other'] };

interface Row { agent: string; customer: string; other: string; notes: string }
const ROWS: Record<number, Row> = {
  1: { agent: 'Thank you for calling, how can I help?', customer: 'I want a refund for my card.', other: '', notes: 'VIP customer' },
  2: { agent: 'Let me check the refund policy.', customer: 'Cancel my account, please!', other: '', notes: '' },
  3: { agent: 'Sorry about that.', customer: 'I was charged twice; I want a refund.', other: 'Supervisor joined', notes: 'refund approved' },
  4: { agent: 'Café crème?', customer: 'A naïve question', other: '', notes: 'escalated to legal' },
  5: { agent: 'He said "NEAR(a b)" ^a col:x a*b {agent}', customer: "'; DROP TABLE x; --", other: '', notes: 'a quote " inside' },
  6: { agent: 'refunds were refunded', customer: 'e-mail me', other: '', notes: '' },
  7: { agent: 'hello', customer: 'bye', other: '', notes: 'customer wants a refund' },
};

const db = new BetterSqlite3(':memory:');
after(() => db.close());
db.exec('CREATE VIRTUAL TABLE fts USING fts5(agent, customer, other, notes)');
const insert = db.prepare('INSERT INTO fts (rowid, agent, customer, other, notes) VALUES (?, ?, ?, ?, ?)');
for (const [id, r] of Object.entries(ROWS)) insert.run(Number(id), r.agent, r.customer, r.other, r.notes);
const select = db.prepare('SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rowid').pluck();

const run = (node: QueryNode) => select.all(toFts5(node, COLUMNS)) as number[];
const search = (q: string) => run(parseQuery(q));
/** The rows a query means, evaluated without SQLite. */
const meaning = (node: QueryNode, rows: Record<number, Row> = ROWS) =>
  Object.entries(rows).filter(([, r]) => matchesColumns(node, { ...r }, COLUMNS)).map(([id]) => Number(id));

describe('toFts5 on a real FTS5 table', () => {
  it('matches words, phrases and prefixes', () => {
    assert.deepEqual(search('refund'), [1, 2, 3, 7]);
    assert.deepEqual(search('"want a refund"'), [1, 3], 'row 7 says "wants a refund"');
    assert.deepEqual(search('"a refund for"'), [1]);
    assert.deepEqual(search('refund*'), [1, 2, 3, 6, 7]);
    assert.deepEqual(search('"were refun"*'), [6]);
    assert.deepEqual(search('e-mail'), [6]);
    assert.deepEqual(search('cafe naive'), [4], 'accents fold as in the index');
  });

  it('combines with AND, OR, NOT and parentheses', () => {
    assert.deepEqual(search('refund card'), [1]);
    assert.deepEqual(search('refund AND policy'), [2]);
    assert.deepEqual(search('cancel OR charged'), [2, 3]);
    assert.deepEqual(search('refund -sorry'), [1, 2, 7]);
    assert.deepEqual(search('refund NOT (sorry OR vip)'), [2, 7]);
    assert.deepEqual(search('refund -sorry -vip -policy'), [7]);
    assert.deepEqual(search('(cancel OR charged) -supervisor'), [2]);
    assert.deepEqual(search('hello OR (refund card -x)'), [1, 7]);
  });

  it('scopes to fields, and transcript leaves notes out', () => {
    assert.deepEqual(search('agent:refund'), [2]);
    assert.deepEqual(search('speaker:customer:refund'), [1, 3]);
    assert.deepEqual(search('notes:refund'), [3, 7]);
    assert.deepEqual(search('transcript:refund'), [1, 2, 3]);
    assert.deepEqual(search('other:supervisor'), [3]);
    assert.deepEqual(search('customer:"want a refund" -notes:approved'), [1]);
    assert.deepEqual(search('agent:(sorry OR thank)'), [1, 3]);
    assert.deepEqual(search('customer:customer'), [], 'a field is the column, not the word');
  });

  it('agrees with the meaning of each query', () => {
    for (const q of ['refund', '"want a refund"', 'refund* -sorry', 'transcript:refund OR notes:legal', 'agent:(sorry OR thank) customer:refund']) {
      assert.deepEqual(search(q), meaning(parseQuery(q)), q);
    }
  });

  it('keeps FTS5 syntax typed by users literal: no SQLite error, never more than the words mean', () => {
    const attempts = ['"', '""', '" OR "', 'NEAR(a b)', 'NEAR(refund sorry, 5)', 'col:x', 'agent : refund', '{agent customer}:refund', '^a', '^refund',
      'a*b', 'refund*sorry', '+refund', 'a + b', ')', '(', 'refund)', '--', '-', "'; DROP TABLE x; --", 'x" OR "1"="1', '*', 'refund *', '* refund',
      '"a" NOT "b"', 'AND', 'NOT NOT', 'rowid:1', 'fts:refund', 'fts MATCH', '\u0000', '😀 refund', 'ÇAFÉ', '日本語', 'refund\u200b', '\\"', '%_'];
    for (const q of attempts) {
      let node: QueryNode;
      try {
        node = parseQuery(q);
      } catch (err) {
        assert.ok(err instanceof VaultError && err.code === 'INVALID_REQUEST', `${JSON.stringify(q)}: ${String(err)}`);
        continue;
      }
      const got = run(node); // an SQLite error would throw here
      assert.deepEqual(got, meaning(node), JSON.stringify(q));
    }
    assert.deepEqual(search('NEAR(a b)'), [5]);
    assert.deepEqual(search("'; DROP TABLE x; --"), [5]);
    assert.deepEqual(search('col x'), [5]);
    assert.equal(db.prepare('SELECT count(*) FROM fts').pluck().get(), 7, 'the table is still there');
  });

  it('refuses what has no FTS5 form: a hand-built exclusion-only query, unknown fields', () => {
    assert.throws(() => toFts5({ kind: 'not', child: { kind: 'term', word: 'x' } }, COLUMNS), /only of excluded words/);
    assert.throws(() => toFts5({ kind: 'or', children: [{ kind: 'term', word: 'a' }, { kind: 'not', child: { kind: 'term', word: 'x' } }] }, COLUMNS), VaultError);
    assert.throws(() => toFts5({ kind: 'term', word: 'x', field: 'tags' }, COLUMNS), /tags cannot be searched/);
    assert.throws(() => toFts5({ kind: 'term', word: 'x', field: 'agent' }, { agent: 'agent) OR (x' }), /not a bare identifier/);
  });

  it('expands prefixes from a term list to the same rows, and leaves long lists to FTS5', () => {
    db.exec("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, fts, 'row')");
    const terms = db.prepare('SELECT term FROM temp.vocab WHERE term >= ? AND term < ?').pluck();
    const asked: string[] = [];
    const expandPrefix = (p: string) => {
      asked.push(p);
      return terms.all(p, `${p}\u{10ffff}`) as string[];
    };
    for (const q of ['refund*', 'ref*', 'agent:refund*', 'notes:re*', '"were refun"*', 'caf*', 'zzz*', 'refund* -sorry', 'x* OR refund*', 'customer:(wan* OR zz*)']) {
      const node = parseQuery(q);
      const expanded = toFts5(node, COLUMNS, { expandPrefix });
      assert.deepEqual(select.all(expanded), run(node), `${q} -> ${expanded}`);
    }
    assert.ok(asked.includes('caf'), 'the prefix is asked for folded');
    assert.equal(toFts5(parseQuery('refund*'), COLUMNS, { expandPrefix }), '("refund" OR "refunded" OR "refunds")');
    assert.equal(toFts5(parseQuery('"were refun"*'), COLUMNS, { expandPrefix }), '("were refund" OR "were refunded" OR "were refunds")');
    assert.equal(toFts5(parseQuery('agent:zzz*'), COLUMNS, { expandPrefix }), '{agent} : ""');
    assert.equal(toFts5(parseQuery('refund*'), COLUMNS, { expandPrefix, maxExpansions: 2 }), '"refund" *');
    assert.equal(toFts5(parseQuery('"were refun"*'), COLUMNS, { expandPrefix, maxPhraseExpansions: 2 }), '"were refun" *');
    assert.equal(toFts5(parseQuery('refund*'), COLUMNS, { expandPrefix: () => null }), '"refund" *');
    assert.equal(toFts5(parseQuery('refund*'), COLUMNS, { expandPrefix: () => ['x" OR "y'] }), '"x"" OR ""y"', 'expansions are quoted too');
  });

  it('writes the expected expression shapes', () => {
    assert.equal(toFts5(parseQuery('a "b c"* -d'), COLUMNS), '(("a" AND "b c" *) NOT "d")');
    assert.equal(toFts5(parseQuery('transcript:x OR notes:y*'), COLUMNS), '({agent customer other} : "x" OR {notes} : "y" *)');
    assert.equal(toFts5({ kind: 'term', word: 'say "hi"' }, COLUMNS), '"say ""hi"""');
  });
});

describe('toFts5 against its meaning on random queries and rows', () => {
  const VOCAB = ['refund', 'refunds', 'card', 'cancel', 'account', 'sorry', 'café', 'cafe', 'a', 'b', 'the', 'my'];
  const OPS = [' ', ' ', ' ', ' AND ', ' OR ', ' NOT ', ' -', '(', ')', '"', '*', 'agent:', 'customer:', 'notes:', 'transcript:', ' and ', 'NEAR', '^', '+', ':'];
  const rng = (seed: number) => {
    let s = seed;
    return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  };

  it('returns exactly the rows the query means (400 queries over 40 rows)', () => {
    const r = rng(99);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
    const text = (n: number) => Array.from({ length: n }, () => pick(VOCAB) + pick(['', '', ' ', ',', '.', '!'])).join(' ');
    const mem = new BetterSqlite3(':memory:');
    try {
      mem.exec('CREATE VIRTUAL TABLE fts USING fts5(agent, customer, other, notes)');
      const rows: Record<number, Row> = {};
      const ins = mem.prepare('INSERT INTO fts (rowid, agent, customer, other, notes) VALUES (?, ?, ?, ?, ?)');
      for (let id = 1; id <= 40; id++) {
        rows[id] = { agent: text(Math.floor(r() * 8)), customer: text(Math.floor(r() * 8)), other: text(Math.floor(r() * 3)), notes: text(Math.floor(r() * 4)) };
        ins.run(id, rows[id]!.agent, rows[id]!.customer, rows[id]!.other, rows[id]!.notes);
      }
      const sel = mem.prepare('SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rowid').pluck();
      let compared = 0;
      for (let k = 0; k < 400; k++) {
        let q = '';
        for (let n = 1 + Math.floor(r() * 6); n > 0; n--) q += r() < 0.6 ? pick(VOCAB).slice(0, r() < 0.2 ? 3 : undefined) : pick(OPS);
        let node: QueryNode;
        try {
          node = parseQuery(q);
        } catch (err) {
          assert.ok(err instanceof VaultError, `${JSON.stringify(q)}: ${String(err)}`);
          continue;
        }
        assert.deepEqual(sel.all(toFts5(node, COLUMNS)), meaning(node, rows), `${JSON.stringify(q)} -> ${toFts5(node, COLUMNS)}`);
        compared++;
      }
      assert.ok(compared > 150, `only ${compared} of 400 random queries parsed`);
    } finally {
      mem.close();
    }
  });
});
