import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { multipart, startServer, type TestServer } from '../helpers/server.js';
import { makeFixture, removeFixtures } from '../fixtures/media.js';
import { assertError, call, type Res } from './util.js';

/**
 * Thirty recordings with varied facts, seeded through the API. Every expectation below is
 * computed from the seed descriptions (not from what the server answers), so a filter that
 * returns too much or too little fails.
 */
interface Seed {
  i: number;
  start: number;
  durationMs: number;
  direction: 'incoming' | 'outgoing' | 'none';
  callType: 'queue' | 'pstn_p2p' | 'internal_p2p' | 'none';
  phones: string[]; // digits
  upns: string[]; // lower case
  owner?: string;
  tags: string[]; // lower case
  legalHold: boolean;
  mediaStatus: 'pending' | 'available' | 'deleted';
  // Filled in after creation:
  id: string;
  numericId: number;
}

const BASE = Date.parse('2024-03-01T00:00:00Z');
const N = 30;
const WITH_MEDIA = new Set([2, 11, 20]);
const MEDIA_DELETED = 20;

let server: TestServer;
const seeds: Seed[] = [];
const otherAccountIds: string[] = [];

function describeSeed(i: number): { seed: Omit<Seed, 'id' | 'numericId'>; body: Record<string, unknown> } {
  // Every fifth recording starts in the same hour as the one before it, and durations repeat
  // every ten recordings: ties exercise the keyset tie-breaker.
  const start = BASE + (i - Math.floor(i / 5)) * 3_600_000;
  const durationMs = ((i * 7) % 10) * 10_000 + 5_000;
  const direction = (['incoming', 'outgoing', 'none'] as const)[i % 3]!;
  const callType = (['queue', 'pstn_p2p', 'internal_p2p', 'none'] as const)[i % 4]!;
  const callingPhone = `+1 (555) 010-${String(i).padStart(4, '0')}`;
  const callingUpn = i % 3 === 0 ? 'Alice@Example.com' : `user${i}@example.com`;
  const body: Record<string, unknown> = {
    startTime: new Date(start).toISOString(),
    durationMs,
    callDirection: direction,
    ...(callType !== 'none' ? { callType } : {}),
    sysCallId: `sys-${i}`,
    calling: { phoneNumber: callingPhone, upn: callingUpn },
  };
  const phones = [callingPhone.replace(/\D/g, '')];
  const upns = [callingUpn.toLowerCase()];
  if (i % 5 === 0) {
    body.called = { upn: 'bob@example.com', phoneNumber: '555.777.0000' };
    phones.push('5557770000');
    upns.push('bob@example.com');
  }
  if (i % 7 === 0) {
    body.participants = [{ upn: 'Carol@Example.com', displayName: 'Carol' }];
    upns.push('carol@example.com');
  }
  const owner = i % 6 === 0 ? 'usr_owner1' : undefined;
  if (owner) body.ownerId = owner;
  const tags = [...(i % 3 === 1 ? ['vip'] : []), ...(i % 5 === 2 ? ['Escalation'] : [])];
  if (tags.length) body.tags = tags.map((tagName) => ({ tagName }));
  const legalHold = i % 8 === 0;
  if (legalHold) body.legalHold = true;
  const mediaStatus = i === MEDIA_DELETED ? 'deleted' : WITH_MEDIA.has(i) ? 'available' : 'pending';
  return {
    seed: { i, start, durationMs, direction, callType, phones, upns, ...(owner ? { owner } : {}), tags: tags.map((t) => t.toLowerCase()), legalHold, mediaStatus },
    body,
  };
}

before(async () => {
  server = await startServer();
  const wav = await readFile(await makeFixture('wav-pcm16', { seconds: 1 }));
  // Created in a shuffled order so that insertion order (seq) is not start-time order.
  const order = Array.from({ length: N }, (_, i) => (i * 11) % N);
  for (const i of order) {
    const { seed, body } = describeSeed(i);
    let res: Res;
    if (WITH_MEDIA.has(i)) {
      const mp = multipart(body, [{ fileName: `seed-${i}.wav`, type: 'audio/wav', data: wav }]);
      res = await call(server, 'POST', '/api/v1/recordings', { body: mp.body, headers: { 'content-type': mp.contentType } });
    } else {
      res = await call(server, 'POST', '/api/v1/recordings', { json: body });
    }
    assert.equal(res.status, 201, `seed ${i}: ${res.bytes.toString()}`);
    seeds.push({ ...seed, id: res.json.id, numericId: res.json.numericId });
  }
  seeds.sort((a, b) => a.i - b.i);
  const del = await call(server, 'DELETE', `/api/v1/recordings/${seeds[MEDIA_DELETED]!.id}?mediaOnly=true`);
  assert.equal(del.status, 204, del.bytes.toString());

  // Another account with look-alike recordings: none of them may ever show up.
  const other = await server.client({ newAccount: true });
  for (let k = 0; k < 2; k++) {
    const res = await call(server, 'POST', '/api/v1/recordings', {
      token: other.token,
      json: { ...describeSeed(k).body, tags: [{ tagName: 'vip' }] },
    });
    assert.equal(res.status, 201, res.bytes.toString());
    otherAccountIds.push(res.json.id);
  }
});
after(async () => {
  await server?.stop();
  await removeFixtures();
});

async function list(query: string): Promise<Res> {
  return call(server, 'GET', `/api/v1/recordings${query ? `?${query}` : ''}`);
}

const ids = (res: Res): string[] => (res.json.data as Array<{ id: string }>).map((r) => r.id);
const idsWhere = (pred: (s: Seed) => boolean): string[] => seeds.filter(pred).map((s) => s.id).sort();

/** The whole filtered set in one page (pageSize 100 > 30), compared as a set with the exact total. */
async function assertFilter(query: string, pred: (s: Seed) => boolean): Promise<void> {
  const res = await list(`${query}&pageSize=100`);
  assert.equal(res.status, 200, res.bytes.toString());
  const want = idsWhere(pred);
  assert.ok(want.length > 0 && want.length < N, `test data should make '${query}' selective (got ${want.length})`);
  assert.deepEqual([...ids(res)].sort(), want, `filter ${query}`);
  assert.equal(res.json.total, want.length);
  assert.equal(res.json.totalEstimated, false);
  for (const id of ids(res)) assert.ok(!otherAccountIds.includes(id), 'another account\'s recording leaked');
}

/** Seeds in the order the server must return them for a sort, ties broken by insertion order. */
function ordered(field: 'start' | 'durationMs', desc: boolean, pred: (s: Seed) => boolean = () => true): string[] {
  const sorted = seeds.filter(pred).sort((a, b) => (a[field] - b[field]) || (a.numericId - b.numericId));
  if (desc) sorted.reverse();
  return sorted.map((s) => s.id);
}

const iso = (ms: number) => new Date(ms).toISOString();

void describe('listing filters', () => {
  void test('with no filter the list holds exactly the account\'s recordings, newest first', async () => {
    const res = await list('pageSize=100');
    assert.equal(res.status, 200);
    assert.equal(res.json.total, N);
    assert.equal(res.json.totalEstimated, false);
    assert.equal(res.json.pageSize, 100);
    assert.equal(res.json.page, 1);
    assert.equal(res.json.nextCursor, undefined);
    assert.deepEqual(ids(res), ordered('start', true));
  });

  void test('the default page size is 25 and a next cursor is offered', async () => {
    const res = await list('');
    assert.equal(res.json.pageSize, 25);
    assert.equal(res.json.data.length, 25);
    assert.equal(res.json.total, N);
    assert.equal(typeof res.json.nextCursor, 'string');
  });

  void test('from is inclusive and to is exclusive', async () => {
    const from = seeds[10]!.start;
    const to = seeds[20]!.start;
    await assertFilter(`from=${iso(from)}&to=${iso(to)}`, (s) => s.start >= from && s.start < to);
  });

  void test('from and to accept other time zone offsets', async () => {
    const from = seeds[6]!.start;
    const local = new Date(from + 2 * 3_600_000).toISOString().replace('.000Z', '+02:00');
    await assertFilter(`from=${encodeURIComponent(local)}`, (s) => s.start >= from);
  });

  void test('from alone and to alone each bound one side', async () => {
    const t = seeds[15]!.start;
    await assertFilter(`from=${iso(t)}`, (s) => s.start >= t);
    await assertFilter(`to=${iso(t)}`, (s) => s.start < t);
  });

  void test('callDirection filters on one value', async () => {
    await assertFilter('callDirection=incoming', (s) => s.direction === 'incoming');
  });

  void test('callDirection accepts a comma-separated list', async () => {
    await assertFilter('callDirection=incoming,outgoing', (s) => s.direction !== 'none');
  });

  void test('callDirection accepts repeated parameters', async () => {
    await assertFilter('callDirection=incoming&callDirection=none', (s) => s.direction !== 'outgoing');
  });

  void test('callType filters on one or several types', async () => {
    await assertFilter('callType=queue', (s) => s.callType === 'queue');
    await assertFilter('callType=queue,pstn_p2p', (s) => s.callType === 'queue' || s.callType === 'pstn_p2p');
    await assertFilter('callType=none', (s) => s.callType === 'none');
  });

  void test('phone matches any party\'s number whatever the punctuation', async () => {
    await assertFilter(`phone=${encodeURIComponent('+1-555-010-0007')}`, (s) => s.phones.includes('15550100007'));
    await assertFilter(`phone=${encodeURIComponent('(555) 777 0000')}`, (s) => s.phones.includes('5557770000'));
    await assertFilter(`phone=15550100003&phone=${encodeURIComponent('+1 555 010 0004')}`, (s) => s.phones.includes('15550100003') || s.phones.includes('15550100004'));
  });

  void test('user matches a UPN case-insensitively, in any party role', async () => {
    await assertFilter('user=ALICE%40example.COM', (s) => s.upns.includes('alice@example.com'));
    await assertFilter('user=bob%40EXAMPLE.com', (s) => s.upns.includes('bob@example.com'));
    await assertFilter('user=carol%40example.com', (s) => s.upns.includes('carol@example.com'));
  });

  void test('user matches the owner id', async () => {
    await assertFilter('user=usr_owner1', (s) => s.owner === 'usr_owner1');
  });

  void test('tag matches case-insensitively and any of several tags', async () => {
    await assertFilter('tag=VIP', (s) => s.tags.includes('vip'));
    await assertFilter('tag=escalation', (s) => s.tags.includes('escalation'));
    await assertFilter('tag=vip,ESCALATION', (s) => s.tags.includes('vip') || s.tags.includes('escalation'));
  });

  void test('minDurationMs and maxDurationMs are inclusive bounds', async () => {
    await assertFilter('minDurationMs=45000', (s) => s.durationMs >= 45_000);
    await assertFilter('maxDurationMs=45000', (s) => s.durationMs <= 45_000);
    await assertFilter('minDurationMs=25000&maxDurationMs=65000', (s) => s.durationMs >= 25_000 && s.durationMs <= 65_000);
  });

  void test('legalHold filters held and not held recordings', async () => {
    await assertFilter('legalHold=true', (s) => s.legalHold);
    await assertFilter('legalHold=false', (s) => !s.legalHold);
  });

  void test('mediaStatus tells pending, available and deleted media apart', async () => {
    await assertFilter('mediaStatus=available', (s) => s.mediaStatus === 'available');
    await assertFilter('mediaStatus=deleted', (s) => s.mediaStatus === 'deleted');
    await assertFilter('mediaStatus=pending', (s) => s.mediaStatus === 'pending');
    await assertFilter('mediaStatus=available,deleted', (s) => s.mediaStatus !== 'pending');
  });

  void test('sysCallId filters on call ids', async () => {
    await assertFilter('sysCallId=sys-3,sys-17', (s) => s.i === 3 || s.i === 17);
  });

  void test('several filters combine with AND', async () => {
    const from = seeds[3]!.start;
    await assertFilter(
      `callDirection=incoming,outgoing&tag=vip&minDurationMs=20000&from=${iso(from)}`,
      (s) => s.direction !== 'none' && s.tags.includes('vip') && s.durationMs >= 20_000 && s.start >= from,
    );
  });

  void test('a filter that matches nothing answers 200 with an empty page and total 0', async () => {
    const res = await list('phone=9999999999');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.data, []);
    assert.equal(res.json.total, 0);
    assert.equal(res.json.nextCursor, undefined);
  });

  void test('another account sees only its own recordings', async () => {
    const other = await server.client({ newAccount: true });
    const res = await call(server, 'GET', '/api/v1/recordings?tag=vip', { token: other.token });
    assert.equal(res.status, 200);
    assert.equal(res.json.total, 0);
  });
});

void describe('sorting', () => {
  void test('sort=startTime lists oldest first, ties in insertion order', async () => {
    const res = await list('sort=startTime&pageSize=100');
    assert.deepEqual(ids(res), ordered('start', false));
  });

  void test('sort=-startTime lists newest first', async () => {
    const res = await list('sort=-startTime&pageSize=100');
    assert.deepEqual(ids(res), ordered('start', true));
  });

  void test('sort=durationMs lists shortest first, ties in insertion order', async () => {
    const res = await list('sort=durationMs&pageSize=100');
    assert.deepEqual(ids(res), ordered('durationMs', false));
  });

  void test('sort=-durationMs lists longest first', async () => {
    const res = await list('sort=-durationMs&pageSize=100');
    assert.deepEqual(ids(res), ordered('durationMs', true));
  });
});

void describe('paging', () => {
  async function walk(first: string): Promise<{ pages: string[][]; totals: number[] }> {
    const pages: string[][] = [];
    const totals: number[] = [];
    let path: string | undefined = `/api/v1/recordings?${first}`;
    while (path) {
      const res = await call(server, 'GET', path);
      assert.equal(res.status, 200, res.bytes.toString());
      pages.push(ids(res));
      totals.push(res.json.total);
      if (res.json.nextCursor) {
        assert.ok(res.json.next.includes(`cursor=${encodeURIComponent(res.json.nextCursor)}`) || res.json.next.includes(`cursor=${res.json.nextCursor}`));
      } else {
        assert.equal(res.json.next, undefined);
      }
      path = res.json.next;
      assert.ok(pages.length <= N, 'paging must end');
    }
    return { pages, totals };
  }

  for (const [sort, field, desc] of [['-startTime', 'start', true], ['startTime', 'start', false], ['durationMs', 'durationMs', false], ['-durationMs', 'durationMs', true]] as const) {
    void test(`following next links with sort=${sort} visits every recording exactly once in order`, async () => {
      const { pages, totals } = await walk(`sort=${sort}&pageSize=7`);
      assert.deepEqual(pages.map((p) => p.length), [7, 7, 7, 7, 2]);
      const all = pages.flat();
      assert.equal(new Set(all).size, all.length, 'no duplicates');
      assert.deepEqual(all, ordered(field, desc));
      assert.ok(totals.every((t) => t === N), 'every page reports the same exact total');
    });
  }

  void test('cursor paging keeps the filters of the first request', async () => {
    const pred = (s: Seed) => s.direction !== 'outgoing';
    const { pages, totals } = await walk('callDirection=incoming,none&sort=durationMs&pageSize=3');
    const all = pages.flat();
    assert.deepEqual(all, ordered('durationMs', false, pred));
    assert.ok(totals.every((t) => t === all.length));
  });

  void test('walking nextCursor by hand with the same query gives the same pages', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await list(`sort=startTime&pageSize=8${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(res.status, 200, res.bytes.toString());
      if (cursor) assert.equal(res.json.page, undefined, 'a cursor page has no page number');
      seen.push(...ids(res));
      cursor = res.json.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, ordered('start', false));
  });

  void test('page and pageSize walk the same order as cursors', async () => {
    const all: string[] = [];
    for (let page = 1; page <= 5; page++) {
      const res = await list(`sort=-durationMs&pageSize=7&page=${page}`);
      assert.equal(res.status, 200, res.bytes.toString());
      assert.equal(res.json.page, page);
      assert.equal(res.json.pageSize, 7);
      assert.equal(res.json.total, N);
      assert.equal(res.json.data.length, page < 5 ? 7 : 2);
      all.push(...ids(res));
    }
    assert.deepEqual(all, ordered('durationMs', true));
  });

  void test('a page past the end is empty but still reports the total', async () => {
    const res = await list('pageSize=10&page=4');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.data, []);
    assert.equal(res.json.total, N);
    assert.equal(res.json.nextCursor, undefined);
  });

  void test('pageSize 100 is allowed', async () => {
    const res = await list('pageSize=100');
    assert.equal(res.status, 200);
    assert.equal(res.json.data.length, N);
  });
});

void describe('bad list parameters', () => {
  const cases: Array<[string, string, string?]> = [
    ['an unknown filter', 'colour=blue', 'colour'],
    ['an unknown sort field', 'sort=colour', 'sort'],
    ['a sort on a field with a bad prefix', 'sort=%2BstartTime', 'sort'],
    ['from after to', `from=${encodeURIComponent('2024-03-02T00:00:00Z')}&to=${encodeURIComponent('2024-03-01T00:00:00Z')}`, 'from'],
    ['from equal to to', `from=${encodeURIComponent('2024-03-02T00:00:00Z')}&to=${encodeURIComponent('2024-03-02T00:00:00Z')}`, 'from'],
    ['from that is not a date', 'from=yesterday', 'from'],
    ['minDurationMs above maxDurationMs', 'minDurationMs=5000&maxDurationMs=1000', 'minDurationMs'],
    ['a negative minDurationMs', 'minDurationMs=-1', 'minDurationMs'],
    ['legalHold that is not a boolean', 'legalHold=maybe', 'legalHold'],
    ['a malformed cursor', 'cursor=not-a-cursor!!', 'cursor'],
    ['a cursor that decodes to the wrong shape', `cursor=${Buffer.from('{"a":1}').toString('base64url')}`, 'cursor'],
    ['pageSize 101', 'pageSize=101', 'pageSize'],
    ['pageSize 0', 'pageSize=0', 'pageSize'],
    ['pageSize that is not a number', 'pageSize=ten', 'pageSize'],
    ['page 0', 'page=0', 'page'],
    ['callDirection=bogus', 'callDirection=bogus', 'callDirection'],
    ['one bogus callDirection among good ones', 'callDirection=incoming,bogus', 'bogus'],
    ['mediaStatus=bogus', 'mediaStatus=bogus', 'mediaStatus'],
    ['callType=bogus', 'callType=bogus', 'callType'],
  ];
  for (const [label, query, mentions] of cases) {
    void test(`${label} is refused with 400`, async () => {
      assertError(await list(query), 400, 'INVALID_REQUEST', mentions);
    });
  }

  void test('a cursor from another sort order is refused with 400', async () => {
    const first = await list('sort=startTime&pageSize=5');
    const cursor = encodeURIComponent(first.json.nextCursor);
    assertError(await list(`sort=-startTime&pageSize=5&cursor=${cursor}`), 400, 'INVALID_REQUEST', 'cursor');
    assertError(await list(`sort=durationMs&pageSize=5&cursor=${cursor}`), 400, 'INVALID_REQUEST', 'cursor');
  });

  void test('page together with cursor is refused with 400', async () => {
    const first = await list('pageSize=5');
    assertError(await list(`pageSize=5&page=2&cursor=${encodeURIComponent(first.json.nextCursor)}`), 400, 'INVALID_REQUEST');
  });

  void test('SQL injection strings in phone, user and tag match nothing and harm nothing', async () => {
    const attacks = [
      "' OR 1=1 --",
      "1' OR '1'='1",
      "x'); DROP TABLE recordings; --",
      '%',
      '*',
      "\\' OR 1=1; --",
      '5550100003) OR (1=1',
    ];
    for (const a of attacks) {
      for (const field of ['phone', 'user', 'tag']) {
        const res = await list(`${field}=${encodeURIComponent(a)}`);
        assert.equal(res.status, 200, `${field}=${a}: ${res.bytes.toString()}`);
        assert.equal(res.json.total, 0, `${field}=${a} must match nothing`);
        assert.deepEqual(res.json.data, []);
      }
    }
    const all = await list('pageSize=100');
    assert.equal(all.json.total, N, 'the recordings table is intact');
    assert.deepEqual([...ids(all)].sort(), seeds.map((s) => s.id).sort());
  });
});
