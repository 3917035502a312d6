/**
 * The recordings list v1 door (specs/recordings-list-v1-api.txt): the documented request and
 * answer shape, every documented error, each filter, and paging through a few hundred calls.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer } from '../helpers/server.js';
import { call, type Res } from '../http/util.js';
import { hashSecret, newId } from '../../src/auth/secrets.js';
import { SqlSearchIndex } from '../../src/store/search-sql.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { updateRecording } from '../../src/jobs/recording-status.js';

const EXAMPLE_KEYS = ['analysisResult', 'channels', 'date', 'direction', 'duration', 'from', 'hasNotes', 'id', 'ownerId', 'tags', 'to', 'video'];

function assertError(res: Res, status: number, mentions?: RegExp): void {
  assert.equal(res.status, status, res.bytes.toString());
  assert.equal(res.json.status, status);
  assert.equal(typeof res.json.error, 'string');
  assert.equal(typeof res.json.message, 'string');
  if (mentions) assert.match(res.json.message, mentions);
}

describe('recordings list v1 door', () => {
  let server: TestServer;
  let amyId: string;
  let amy: string;
  const ids: string[] = [];

  before(async () => {
    server = await startServer();
    amyId = newId('usr', 10);
    await server.vault.store.createUser({
      id: amyId, accountId: server.accountId, username: 'amy', passwordHash: await hashSecret('amy password 1'), role: 'agent',
      upn: 'amy@acme.test', createdAt: new Date().toISOString(),
    });
    amy = (await call(server, 'POST', '/api/v1/auth/login', { token: null, json: { username: 'amy', password: 'amy password 1' } })).json.access_token;
    const store = server.vault.store as unknown as SqlStore;
    const index = new SqlSearchIndex(store.db, store.dialect);
    for (let i = 0; i < 300; i++) {
      const res = await call(server, 'POST', '/api/v1/recordings', {
        json: {
          startTime: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(), durationMs: 61_500 + i,
          callDirection: i % 2 ? 'incoming' : 'outgoing',
          calling: { displayName: `Caller ${i}`, phoneNumber: `+1555000${String(i).padStart(4, '0')}` },
          called: i % 10 === 0 ? { id: amyId, upn: 'amy@acme.test', displayName: 'Amy Agent', phoneNumber: '+15559999' } : { displayName: 'Desk', phoneNumber: '+15558888' },
          ...(i % 7 === 0 ? { tags: [{ tagName: 'Customer Complaint' }] } : {}),
          ...(i % 5 === 0 ? { notes: [{ content: i % 15 === 0 ? 'refund promised by phone' : 'called back' }] } : {}),
        },
      });
      assert.equal(res.status, 201, res.bytes.toString());
      ids.push(res.json.id);
      if (i % 3 === 0) await index.put(server.accountId, res.json.id, { agent: 'thank you for calling', customer: i % 6 === 0 ? 'my parcel is late' : 'all good', other: '', notes: i % 15 === 0 ? 'refund promised by phone' : '' });
      if (i % 4 === 0) {
        await updateRecording(server.vault.store, server.accountId, res.json.id, () => ({
          insightsStatus: 'ready', sentiment: i % 8 === 0 ? { label: 'NEGATIVE', score: -0.6 } : { label: 'POSITIVE', score: 0.8 },
        }));
      }
    }
  });
  after(() => server?.stop());

  const get = (qs: string, token?: string | null) => call(server, 'GET', `/v1/recordings?${qs}`, token === undefined ? {} : { token });

  it('answers the documented example shape: total and recordings, newest first', async () => {
    const res = await get('quantity=5&from=0');
    assert.equal(res.status, 200, res.bytes.toString());
    assert.deepEqual(Object.keys(res.json).sort(), ['recordings', 'total']);
    assert.equal(res.json.total, 300);
    assert.equal(res.json.recordings.length, 5);
    const r = res.json.recordings[0];
    assert.deepEqual(Object.keys(r).sort(), EXAMPLE_KEYS);
    assert.equal(r.id, ids[299]);
    assert.equal(r.direction, 'IN');
    assert.deepEqual(r.from, { fullName: 'Caller 299', phoneNumber: '+15550000299' });
    assert.deepEqual(r.to, { fullName: 'Desk', phoneNumber: '+15558888' });
    assert.match(r.date, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.equal(r.duration, 62);
    assert.deepEqual(Object.keys(r.analysisResult).sort(), ['score', 'sentiment', 'status']);
    assert.deepEqual(r.video, { status: 'NONE' });
    assert.equal(typeof r.hasNotes, 'boolean');
    const out = (await get('quantity=1&from=1')).json.recordings[0];
    assert.equal(out.direction, 'OUT');
  });

  it('pages with from and quantity, each recording exactly once', async () => {
    const seen: string[] = [];
    for (let from = 0; from < 300; from += 37) {
      const res = await get(`quantity=37&from=${from}`);
      seen.push(...res.json.recordings.map((r: { id: string }) => r.id));
    }
    assert.equal(seen.length, 300);
    assert.equal(new Set(seen).size, 300);
    assert.deepEqual((await get('quantity=10&from=300')).json.recordings, []);
  });

  it('refuses what the document forbids with 400 (and 401 without a token)', async () => {
    assertError(await get('from=0'), 400, /quantity/);
    assertError(await get('quantity=0&from=0'), 400, /quantity/);
    assertError(await get('quantity=5'), 400, /from/);
    assertError(await get('quantity=5&from=-1'), 400, /from/);
    assertError(await get('quantity=5&from=0&enddate=2026-01-02'), 400, /startdate/);
    assertError(await get('quantity=5&from=0&startdate=2026-01-05&enddate=2026-01-02'), 400, /after/);
    assertError(await get('quantity=5&from=0&startdate=yesterday'), 400, /startdate/);
    assertError(await get('quantity=5&from=0&sentiment=HAPPY'), 400, /sentiment/);
    assertError(await get('quantity=5&from=0&words=%22unclosed'), 400);
    assertError(await get('quantity=5&from=0', null), 401);
    assertError(await get('quantity=5&from=100000000000000000000'), 400, /from/);
    assertError(await get('quantity=5&from=0&startdate=2026-02-30'), 400, /startdate/);
    assertError(await get('quantity=5&from=0&startdate=1'), 400, /startdate/);
  });

  it('reads blank parameters as absent, repeated list parameters as one list, and tag ids in any case', async () => {
    const total = async (qs: string) => {
      const res = await get(`quantity=100&from=0&${qs}`);
      assert.equal(res.status, 200, `${qs}: ${res.bytes.toString()}`);
      return res.json.total as number;
    };
    assert.equal(await total('startdate=&enddate=&words=&noteswords=&sentiment=&tel=&users=&tagids='), 300);
    assert.equal(await total('sentiment=POSITIVE&sentiment=NEGATIVE'), 75);
    assert.equal(await total('tel=%2B15550000007&tel=15550000008'), 2);
    const complaint = (await get('quantity=1&from=0&startdate=2026-01-01T00:00:00Z&enddate=2026-01-01T00:30:00Z')).json.recordings[0].tags[0];
    assert.equal(await total(`tagids=${complaint.id.toUpperCase()}`), 43);
    assert.equal(await total(`tagids=${complaint.id}&tagids=1efc024d-5c55-456b-9e91-26cd3f57e689`), 43, 'tagids repeated');
  });

  it('filters by date range, phone number, sentiment, tag id, words and notes words', async () => {
    const total = async (qs: string) => (await get(`quantity=100&from=0&${qs}`)).json.total as number;
    assert.equal(await total('startdate=2026-01-01&enddate=2026-01-01'), 24, 'a date alone is that whole day');
    assert.equal(await total('startdate=2026-01-01T05:00:00Z&enddate=2026-01-01T10:00:00Z'), 5);
    assert.equal(await total('tel=+15550000007,15550000008'), 2);
    assert.equal(await total('sentiment=NEGATIVE'), 38);
    assert.equal(await total('sentiment=positive,negative'), 75);
    const complaint = (await get('quantity=1&from=0&startdate=2026-01-01T00:00:00Z&enddate=2026-01-01T00:30:00Z')).json.recordings[0].tags[0];
    assert.equal(complaint.value, 'Customer Complaint');
    assert.match(complaint.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(await total(`tagids=${complaint.id}`), 43);
    assert.equal(await total('tagids=1efc024d-5c55-456b-9e91-26cd3f57e689'), 0);
    assert.equal(await total('words=parcel'), 50);
    assert.equal(await total(`words=${encodeURIComponent('"my parcel" not late')}`), 0);
    assert.equal(await total(`words=${encodeURIComponent('parcel or good')}`), 100);
    assert.equal(await total('noteswords=refund'), 20);
    assert.equal(await total('words=parcel&noteswords=refund'), 10);
  });

  it('lets a standard user list their own recordings, and refuses other users\' with 403', async () => {
    const mine = await get('quantity=100&from=0', amy);
    assert.equal(mine.status, 200);
    assert.equal(mine.json.total, 30);
    assert.equal((await get(`quantity=100&from=0&users=include:${amyId}`, amy)).json.total, 30);
    assert.equal((await get('quantity=100&from=0&users=include:AMY@acme.test', amy)).json.total, 30, 'naming oneself by UPN');
    assertError(await get(`quantity=100&from=0&users=include:${newId('usr', 10)}`, amy), 403);
    // An API client may include or exclude anyone.
    assert.equal((await get(`quantity=100&from=0&users=${encodeURIComponent(JSON.stringify({ include: [amyId] }))}`)).json.total, 30);
    assert.equal((await get(`quantity=100&from=0&users=exclude:${amyId}`)).json.total, 270);
  });
});
