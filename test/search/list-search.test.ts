/**
 * Search through the native list, on the real SQLite store: the index-driven page (FTS5 rowid
 * = search key), its cursor, the other filters and sorts, prefixes, replacement and deletion.
 * Transcripts are put into the index directly; the speech pipeline has its own test.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { startServer, type TestServer } from '../helpers/server.js';
import { call } from '../http/util.js';
import { SqlSearchIndex, naturalSearchKey } from '../../src/store/search-sql.js';
import type { SqlStore } from '../../src/store/sql-store.js';

const WORDS = ['refund', 'invoice', 'router', 'password', 'delivery', 'warranty'];

describe('search in the recordings list', () => {
  let server: TestServer;
  let index: SqlSearchIndex;
  let store: SqlStore;
  const recs: Array<{ id: string; start: string; words: string[] }> = [];

  before(async () => {
    server = await startServer();
    store = server.vault.store as unknown as SqlStore;
    index = new SqlSearchIndex(store.db, store.dialect);
    for (let i = 0; i < 120; i++) {
      // Three calls share each start second, so the tie-break inside a second is exercised.
      const start = new Date(Date.UTC(2026, 0, 1) + Math.floor(i / 3) * 60_000).toISOString();
      const res = await call(server, 'POST', '/api/v1/recordings', {
        json: { startTime: start, callDirection: i % 2 ? 'incoming' : 'outgoing', durationMs: 1000 * (i + 1) },
      });
      assert.equal(res.status, 201, res.bytes.toString());
      const words = [WORDS[i % WORDS.length]!, i % 10 === 0 ? 'escalation' : 'routine'];
      recs.push({ id: res.json.id, start, words });
      assert.equal(await index.put(server.accountId, res.json.id, {
        agent: `thank you for calling about the ${words[0]}`, customer: `it is a ${words[1]} matter`, other: '', notes: i === 7 ? 'customer wants a callback' : '',
      }), true);
    }
  });
  after(() => server?.stop());

  const ids = (res: { json: { data: Array<{ id: string }> } }) => res.json.data.map((r) => r.id);

  it('pages through every match exactly once, newest call first, with the cursor', async () => {
    const want = recs.filter((r) => r.words.includes('refund'));
    const got: string[] = [];
    let path = '/api/v1/recordings?q=refund&pageSize=7';
    let first = true;
    for (;;) {
      const res = await call(server, 'GET', path);
      assert.equal(res.status, 200, res.bytes.toString());
      if (first) assert.equal(res.json.total, want.length);
      first = false;
      got.push(...ids(res));
      if (!res.json.next) break;
      path = res.json.next;
    }
    assert.equal(got.length, want.length);
    assert.equal(new Set(got).size, got.length);
    const starts = got.map((id) => recs.find((r) => r.id === id)!.start);
    assert.deepEqual(starts, [...starts].sort().reverse());
  });

  it('reads the index in rowid order for the first page instead of collecting every match', async () => {
    const plan = await sql<{ detail: string }>`EXPLAIN QUERY PLAN SELECT recordings.seq FROM transcript_fts
      JOIN recordings ON recordings.search_key = transcript_fts.rowid WHERE transcript_fts MATCH 'refund' AND recordings.account_id = 'x'
      ORDER BY transcript_fts.rowid DESC LIMIT 26`.execute(store.db);
    const text = plan.rows.map((r) => r.detail).join('\n');
    assert.doesNotMatch(text, /TEMP B-TREE/, text);
  });

  it('combines with other filters and sorts, ascending too', async () => {
    const incoming = await call(server, 'GET', '/api/v1/recordings?q=escalation&callDirection=incoming');
    assert.deepEqual(ids(incoming).sort(), recs.filter((r, i) => r.words.includes('escalation') && i % 2).map((r) => r.id).sort());
    const byDuration = await call(server, 'GET', '/api/v1/recordings?q=escalation&sort=-durationMs');
    const all = recs.filter((r) => r.words.includes('escalation'));
    assert.deepEqual(ids(byDuration), [...all].reverse().map((r) => r.id));
    const asc = await call(server, 'GET', '/api/v1/recordings?q=escalation&sort=startTime&pageSize=5');
    assert.deepEqual(ids(asc), all.slice(0, 5).map((r) => r.id));
    const asc2 = await call(server, 'GET', asc.json.next);
    assert.deepEqual(ids(asc2), all.slice(5, 10).map((r) => r.id));
  });

  it('finds by prefix (indexed lengths and expanded ones), phrase, field and notes', async () => {
    const count = async (q: string) => (await call(server, 'GET', `/api/v1/recordings?q=${encodeURIComponent(q)}&pageSize=100`)).json.total;
    const n = (w: string) => recs.filter((r) => r.words.includes(w)).length;
    const some = (...w: string[]) => recs.filter((r) => r.words.some((x) => w.includes(x))).length;
    assert.equal(await count('ro*'), some('router', 'routine'), 'a 2-letter prefix from the prefix index');
    assert.equal(await count('rout*'), some('router', 'routine'), 'a 4-letter prefix expanded from the term table');
    assert.equal(await count('route*'), n('router'));
    assert.equal(await count('warr*'), n('warranty'));
    assert.equal(await count('zzzz*'), 0);
    assert.equal(await count('"about the invoice"'), n('invoice'));
    assert.equal(await count('customer:invoice'), 0);
    assert.equal(await count('agent:invoice'), n('invoice'));
    assert.equal(await count('notes:callback'), 1);
    assert.equal(await count('invoice OR password -escalation'), recs.filter((r) => (r.words.includes('invoice') || r.words.includes('password')) && !r.words.includes('escalation')).length);
  });

  it('refuses a cursor from another search order', async () => {
    const page = await call(server, 'GET', '/api/v1/recordings?q=refund&pageSize=2');
    const cursor = new URL(page.json.next, 'http://x').searchParams.get('cursor')!;
    const res = await call(server, 'GET', `/api/v1/recordings?cursor=${cursor}&pageSize=2`);
    assert.equal(res.status, 400);
    assert.equal(res.json.error.code, 'INVALID_REQUEST');
  });

  it('replaces a recording\'s words on a new put, and forgets them when it is deleted', async () => {
    const r = recs[0]!;
    await index.put(server.accountId, r.id, { agent: 'completely different words', customer: '', other: '', notes: '' });
    assert.ok(!ids(await call(server, 'GET', '/api/v1/recordings?q=refund&pageSize=100')).includes(r.id));
    assert.deepEqual(ids(await call(server, 'GET', '/api/v1/recordings?q=completely')), [r.id]);
    assert.equal((await call(server, 'DELETE', `/api/v1/recordings/${r.id}`)).status, 204);
    assert.deepEqual(ids(await call(server, 'GET', '/api/v1/recordings?q=completely')), []);
    // Its words leave the prefix-expansion list too, in a delayed job (one for a burst of deletions).
    const terms = async () => (await store.db.selectFrom('transcript_terms').select('term').execute()).map((t) => t.term);
    assert.ok((await terms()).includes('completely'));
    const queued = await store.db.selectFrom('jobs').select(['kind', 'run_at']).where('kind', '=', 'terms').where('state', '=', 'queued').execute();
    assert.equal(queued.length, 1);
    assert.ok(Number(queued[0]!.run_at) > Date.now() + 60_000);
    assert.ok(await index.pruneTerms() >= 2);
    const left = await terms();
    assert.ok(!left.includes('completely') && !left.includes('different'));
    assert.ok(left.includes('refund') && left.includes('invoice'));
  });

  it('gives a call whose natural search key is taken the next free one', async () => {
    const a = recs[1]!; const b = recs[2]!;
    const row = (id: string) => store.db.selectFrom('recordings').select(['seq', 'start_time', 'search_key']).where('id', '=', id).executeTakeFirstOrThrow();
    await index.remove(server.accountId, a.id);
    await index.remove(server.accountId, b.id);
    const rb = await row(b.id);
    const natural = naturalSearchKey(Number(rb.start_time), Number(rb.seq));
    // a now holds the key b would get.
    await store.db.updateTable('recordings').set({ search_key: natural }).where('id', '=', a.id).execute();
    await index.put(server.accountId, a.id, { agent: 'alpha words', customer: '', other: '', notes: '' });
    await index.put(server.accountId, b.id, { agent: 'collision test', customer: '', other: '', notes: '' });
    assert.equal(Number((await row(a.id)).search_key), natural);
    assert.equal(Number((await row(b.id)).search_key), natural + 1);
    assert.deepEqual(ids(await call(server, 'GET', '/api/v1/recordings?q=collision')), [b.id]);
    assert.deepEqual(ids(await call(server, 'GET', '/api/v1/recordings?q=alpha')), [a.id]);
  });

  it('indexes calls dated far outside the key\'s range without colliding', async () => {
    const made: string[] = [];
    for (const startTime of ['2301-05-01T00:00:00Z', '2301-05-01T00:00:00Z', '1960-01-01T00:00:00Z']) {
      const res = await call(server, 'POST', '/api/v1/recordings', { json: { startTime } });
      assert.equal(res.status, 201, res.bytes.toString());
      made.push(res.json.id);
      assert.equal(await index.put(server.accountId, res.json.id, { agent: 'timeless zebra', customer: '', other: '', notes: '' }), true);
    }
    const found = ids(await call(server, 'GET', '/api/v1/recordings?q=zebra'));
    assert.deepEqual(found.sort(), [...made].sort());
  });
});
