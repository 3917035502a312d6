import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { VaultError } from '../../src/core/errors.js';
import { fromInsightsText, fromListV1, fromListV1Words } from '../../src/search/doors.js';
import { toFts5, type Fts5Columns } from '../../src/search/fts5.js';
import type { QueryNode } from '../../src/search/ast.js';

const COLUMNS: Fts5Columns = { agent: 'agent', customer: 'customer', other: 'other', notes: 'notes', transcript: ['agent', 'customer', 'other'] };

const db = new BetterSqlite3(':memory:');
after(() => db.close());
db.exec('CREATE VIRTUAL TABLE fts USING fts5(agent, customer, other, notes)');
const rows: Array<[number, string, string, string]> = [
  [1, 'how can I help', 'I want to cancel my account', 'wants a refund'],
  [2, 'your refund is on its way', 'thank you', ''],
  [3, 'sorry, no refund', 'cancel it then', 'angry; refund refused'],
  [4, 'to be or not to be', 'and so on', 'viewed twice'],
];
for (const [id, agent, customer, notes] of rows) db.prepare('INSERT INTO fts (rowid, agent, customer, other, notes) VALUES (?, ?, ?, \'\', ?)').run(id, agent, customer, notes);
const matching = (node: QueryNode) => db.prepare('SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rowid').pluck().all(toFts5(node, COLUMNS));

function refused(fn: () => unknown, position: number) {
  assert.throws(fn, (e: unknown) => e instanceof VaultError && e.code === 'INVALID_REQUEST' && e.details?.position === position);
}

describe('recordings list v1: words and noteswords', () => {
  it('supports exact phrases, and, or, not, in any case, over the transcript', () => {
    assert.deepEqual(matching(fromListV1Words('refund')), [2, 3], 'row 1 says refund only in its notes');
    assert.deepEqual(matching(fromListV1Words('"cancel my account"')), [1]);
    assert.deepEqual(matching(fromListV1Words('cancel and refund')), [3]);
    assert.deepEqual(matching(fromListV1Words('"cancel my account" OR "on its way"')), [1, 2]);
    assert.deepEqual(matching(fromListV1Words('refund not sorry')), [2]);
    assert.deepEqual(matching(fromListV1Words('refund and not sorry')), [2]);
    assert.deepEqual(matching(fromListV1Words('cancel refund')), [3], 'words without an operator must all occur');
  });

  it('reads operators only outside quotes and nothing else as syntax', () => {
    assert.deepEqual(matching(fromListV1Words('"or not to"')), [4]);
    assert.deepEqual(fromListV1Words('refund*'), { kind: 'term', word: 'refund', field: 'transcript' });
    assert.deepEqual(fromListV1Words('-sorry refund'), { kind: 'and', children: [{ kind: 'term', word: 'sorry', field: 'transcript' }, { kind: 'term', word: 'refund', field: 'transcript' }] });
    assert.deepEqual(fromListV1Words('agent:refund'), { kind: 'phrase', words: ['agent', 'refund'], field: 'transcript' });
    assert.deepEqual(matching(fromListV1Words('(cancel) or NEAR(thank')), [1, 3]);
  });

  it('searches notes for noteswords and requires both filters when both are given', () => {
    assert.deepEqual(matching(fromListV1Words('refund', 'notes')), [1, 3]);
    assert.deepEqual(matching(fromListV1Words('"refund refused" or viewed', 'notes')), [3, 4]);
    assert.deepEqual(matching(fromListV1('cancel', 'refund')!), [1, 3]);
    assert.deepEqual(matching(fromListV1('cancel', 'angry')!), [3]);
    assert.equal(fromListV1(undefined, undefined), null);
  });

  it('refuses malformed filters with the position', () => {
    refused(() => fromListV1Words('"cancel my'), 0);
    refused(() => fromListV1Words('refund or'), 7);
    refused(() => fromListV1Words('and refund'), 0);
    refused(() => fromListV1Words('not refund'), 0);
    refused(() => fromListV1Words('   '), 0);
    refused(() => fromListV1Words('x'.repeat(1001)), 1000);
  });
});

describe('Interaction Insights: the text filter', () => {
  it('matches a value as contained text, quoted or not', () => {
    assert.deepEqual(matching(fromInsightsText('refund')), [1, 2, 3], 'free text includes the notes');
    assert.deepEqual(matching(fromInsightsText('"viewed"')), [4]);
    assert.deepEqual(matching(fromInsightsText('cancel my account')), [1]);
    assert.deepEqual(matching(fromInsightsText('my cancel')), [], 'the words must be consecutive');
    assert.deepEqual(matching(fromInsightsText(' "to be or not to be" ')), [4], 'operators are words');
  });

  it('takes semicolon-separated values as alternatives, but not inside quotes', () => {
    assert.deepEqual(matching(fromInsightsText('thank you;cancel it')), [2, 3]);
    assert.deepEqual(fromInsightsText('"angry; refund";viewed'), {
      kind: 'or', children: [{ kind: 'phrase', words: ['angry', 'refund'] }, { kind: 'term', word: 'viewed' }],
    });
    assert.deepEqual(matching(fromInsightsText('"angry; refund"')), [3]);
    assert.deepEqual(fromInsightsText('refund;;'), { kind: 'term', word: 'refund' });
  });

  it('refuses a value without words or with an unclosed quote', () => {
    refused(() => fromInsightsText(''), 0);
    refused(() => fromInsightsText(' ; "" ;'), 0);
    refused(() => fromInsightsText('refund;"cancel'), 7);
  });
});
