import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { MetadataStore, MediaSecret } from '../../src/store/port.js';
import { newRecording } from '../../src/core/recordings.js';
import type { Principal } from '../../src/core/principals.js';
import type { Recording } from '../../src/core/model.js';
import type { RecordingQuery } from '../../src/core/query.js';
import type { RecordingInputBody } from '../../src/core/schemas.js';

const by: Principal = { kind: 'client', id: 'cli_test', accountId: 'acc_a', scopes: new Set() };

function rec(accountId: string, input: Partial<RecordingInputBody> & { startTime: string }): Recording {
  return newRecording(accountId, input, [], { ...by, accountId }, new Date().toISOString());
}

const q = (filter: RecordingQuery['filter'], extra: Partial<RecordingQuery> = {}): RecordingQuery =>
  ({ filter, sort: { field: 'startTime', desc: true }, pageSize: 100, ...extra });

/**
 * The metadata-store contract, run against every adapter (SQLite now; PostgreSQL runs the very
 * same suite). `make` returns a fresh, migrated, empty store.
 */
export function metadataStoreConformance(name: string, make: () => Promise<MetadataStore>): void {
  describe(`metadata store conformance: ${name}`, () => {
    let store: MetadataStore;
    const ids: Record<string, string> = {};

    before(async () => {
      store = await make();
      for (const acc of ['acc_a', 'acc_b']) await store.createAccount({ id: acc, name: acc, settings: {}, createdAt: new Date().toISOString() });
      const seed: Array<[string, Partial<RecordingInputBody> & { startTime: string }]> = [
        ['in1', {
          startTime: '2026-01-01T10:00:00Z', callDirection: 'incoming', durationMs: 60_000, calling: { phoneNumber: '+1 (555) 010-0001', displayName: 'Carol Customer' },
          called: { upn: 'Alice@Acme.com', extension: '201' }, tags: [{ tagName: 'VIP' }], accessGroups: [{ id: 'g-sales' }], releaseCause: 'abandoned',
        }],
        ['in2', { startTime: '2026-01-02T10:00:00Z', callDirection: 'incoming', durationMs: 5_000, calling: { phoneNumber: '15550100002' }, sysCallId: 'sys-2' }],
        ['out1', {
          startTime: '2026-01-03T10:00:00Z', callDirection: 'outgoing', durationMs: 120_000, calling: { upn: 'bob@acme.com' }, called: { phoneNumber: '+1 555 010 0001' },
          legalHold: true, tags: [{ tagName: 'complaint' }], profileType: 'recordOnDemand',
        }],
        ['out2', { startTime: '2026-01-04T10:00:00Z', callDirection: 'outgoing', durationMs: 30_000, callType: 'pstn_p2p', ownerId: 'usr_owner' }],
      ];
      for (const [key, input] of seed) {
        const r = rec('acc_a', input);
        r.numericId = await store.insertRecording(r, []);
        ids[key] = r.id;
      }
      const other = rec('acc_b', { startTime: '2026-01-01T10:00:00Z', callDirection: 'incoming' });
      await store.insertRecording(other, []);
      ids.other = other.id;
    });
    after(() => store.close());

    const listed = async (filter: RecordingQuery['filter'], extra: Partial<RecordingQuery> = {}) =>
      (await store.listRecordings('acc_a', q(filter, extra), 1000)).items.map((r) => r.id);

    it('returns a stored recording with the same fields and a numeric id', async () => {
      const got = await store.getRecording('acc_a', ids.in1!);
      assert.ok(got);
      assert.equal(got.callDirection, 'incoming');
      assert.equal(got.called?.upn, 'Alice@Acme.com');
      assert.ok(Number.isInteger(got.numericId) && got.numericId > 0);
    });

    it('finds a live recording by its numeric id, in its own account only', async () => {
      const got = await store.getRecording('acc_a', ids.in2!);
      const byNumber = await store.getRecordingByNumericId('acc_a', got!.numericId);
      assert.equal(byNumber?.id, ids.in2);
      assert.equal(byNumber?.numericId, got!.numericId);
      assert.equal(await store.getRecordingByNumericId('acc_b', got!.numericId), null);
      assert.equal(await store.getRecordingByNumericId('acc_a', 0), null);
      assert.equal(await store.getRecordingByNumericId('acc_a', 1e12), null);
    });

    it('filters by any of the call ids at once', async () => {
      assert.deepEqual(await listed({ callId: ['sys-2'] }), [ids.in2]);
      assert.deepEqual(await listed({ callId: ['nope'] }), []);
    });

    it('never returns another account\'s recording', async () => {
      assert.equal(await store.getRecording('acc_a', ids.other!), null);
      assert.ok(!(await listed({})).includes(ids.other!));
    });

    it('filters by time window, direction, duration, legal hold, call type and owner', async () => {
      assert.deepEqual(await listed({ from: Date.parse('2026-01-02T00:00:00Z'), to: Date.parse('2026-01-04T00:00:00Z') }), [ids.out1, ids.in2]);
      assert.deepEqual(await listed({ callDirection: ['incoming'] }), [ids.in2, ids.in1]);
      assert.deepEqual(await listed({ minDurationMs: 30_000, maxDurationMs: 60_000 }), [ids.out2, ids.in1]);
      assert.deepEqual(await listed({ legalHold: true }), [ids.out1]);
      assert.deepEqual(await listed({ callType: ['pstn_p2p'] }), [ids.out2]);
      assert.deepEqual(await listed({ user: ['usr_owner'] }), [ids.out2]);
    });

    it('matches phone numbers by digits and users by case-insensitive upn', async () => {
      assert.deepEqual(await listed({ phone: ['15550100002'] }), [ids.in2]);
      assert.deepEqual(await listed({ phone: ['+1 555 010 0002', '1-555-010-0001'] }), [ids.out1, ids.in2, ids.in1]);
      assert.deepEqual(await listed({ user: ['alice@acme.com'] }), [ids.in1]);
    });

    it('filters by release cause, recording type, media type, access group and extension', async () => {
      assert.deepEqual(await listed({ releaseCause: ['abandoned'] }), [ids.in1]);
      assert.deepEqual(await listed({ profileType: ['recordOnDemand'] }), [ids.out1]);
      assert.equal((await listed({ mediaType: ['none'] })).length, 4);
      assert.deepEqual(await listed({ mediaType: ['audio'] }), []);
      assert.deepEqual(await listed({ group: ['g-sales'] }), [ids.in1]);
      assert.deepEqual(await listed({ extension: ['201'] }), [ids.in1]);
    });

    it('scopes party conditions to roles', async () => {
      // The same number calls in in1 and is called in out1.
      assert.deepEqual(await listed({ phone: ['15550100001'] }), [ids.out1, ids.in1]);
      assert.deepEqual(await listed({ parties: [{ roles: ['calling'], phone: ['15550100001'] }] }), [ids.in1]);
      assert.deepEqual(await listed({ parties: [{ roles: ['called'], phone: ['15550100001'] }] }), [ids.out1]);
      assert.deepEqual(await listed({ parties: [{ roles: ['calling'], name: ['carol customer'] }, { roles: ['called'], user: ['ALICE@acme.com'] }] }), [ids.in1]);
      assert.deepEqual(await listed({ parties: [{ roles: ['calling'], user: ['alice@acme.com'] }] }), []);
    });

    it('filters by tag regardless of case', async () => {
      assert.deepEqual(await listed({ tag: ['vip'] }), [ids.in1]);
      assert.deepEqual(await listed({ tag: ['COMPLAINT', 'vip'] }), [ids.out1, ids.in1]);
    });

    it('matches phone patterns by role, names by word or upn, user data values, all or none of the tags, and end times', async () => {
      await store.createAccount({ id: 'acc_g', name: 'acc_g', settings: {}, createdAt: new Date().toISOString() });
      const g: Record<string, string> = {};
      const seed: Array<[string, Partial<RecordingInputBody> & { startTime: string }]> = [
        ['a', { startTime: '2026-02-01T10:00:00Z', durationMs: 10_000, calling: { phoneNumber: '+1 416 555 0001' }, called: { phoneNumber: '8522001', displayName: 'Agent1 Genesys', upn: 'agent1@genesys.com' },
          userMetadata: { reason: 'CreditCard', nested: { offer: '50% off_now' } }, tags: [{ tagName: 'comment_good' }, { tagName: 'rate_good' }] }],
        ['b', { startTime: '2026-02-02T10:00:00Z', durationMs: 20_000, calling: { phoneNumber: '4165550002', displayName: 'Bob Smith' }, called: { phoneNumber: '+1 905 555 0003' },
          userMetadata: { reason: 'loan' }, tags: [{ tagName: 'comment_good' }] }],
        ['c', { startTime: '2026-02-03T10:00:00Z', durationMs: 30_000, calling: { displayName: 'Alice Jones', upn: 'alice@acme.com' }, tags: [{ tagName: 'bad' }] }],
      ];
      for (const [key, input] of seed) {
        const r = rec('acc_g', input);
        await store.insertRecording(r, []);
        g[key] = r.id;
      }
      const ls = async (filter: RecordingQuery['filter']) => (await store.listRecordings('acc_g', q(filter), 1000)).items.map((r) => r.id);
      const caller = (...phonePattern: string[]) => ls({ parties: [{ roles: ['calling'], phonePattern }] });
      assert.deepEqual(await caller('14165550001'), [g.a]);
      assert.deepEqual(await caller('*4165550*'), [g.b, g.a]);
      assert.deepEqual(await caller('416555000?'), [g.b]);
      assert.deepEqual(await caller('8522001'), [], 'the called number is not the caller');
      assert.deepEqual(await ls({ parties: [{ roles: ['called'], phonePattern: ['852*'] }] }), [g.a]);
      assert.deepEqual(await ls({ names: [['agent1']] }), [g.a], 'a word of the display name');
      assert.deepEqual(await ls({ names: [['AGENT1@genesys.com']] }), [g.a], 'the upn, case-insensitively');
      assert.deepEqual(await ls({ names: [['agent1\\ genesys']] }), [g.a], 'the whole display name');
      assert.deepEqual(await ls({ names: [['gen']] }), [], 'exact, not a prefix');
      assert.deepEqual(await ls({ names: [['gen*']] }), [g.a]);
      assert.deepEqual(await ls({ names: [['bob'], ['alice']] }), [g.c, g.b], 'groups are ORed');
      assert.deepEqual(await ls({ names: [['bob', 'alice']] }), [], 'patterns of a group are ANDed');
      assert.deepEqual(await ls({ names: [['alice', 'jones']] }), [g.c]);
      assert.deepEqual(await ls({ userData: [['creditcard']] }), [g.a]);
      assert.deepEqual(await ls({ userData: [['loan'], ['creditcard']] }), [g.b, g.a]);
      assert.deepEqual(await ls({ userData: [['50% off_now']] }), [g.a], 'nested values, and % and _ taken literally');
      assert.deepEqual(await ls({ userData: [['50\\% off*']] }), [g.a]);
      assert.deepEqual(await ls({ userData: [['5_%']] }), []);
      assert.deepEqual(await ls({ userData: [['reason']] }), [], 'keys are not values');
      assert.deepEqual(await ls({ allTags: ['comment_good', 'RATE_GOOD'] }), [g.a]);
      assert.deepEqual(await ls({ allTags: ['comment_good'] }), [g.b, g.a]);
      assert.deepEqual(await ls({ notTags: ['bad', 'rate_good'] }), [g.b]);
      assert.deepEqual(await ls({ releasedBy: Date.parse('2026-02-02T10:00:20Z') }), [g.b, g.a], 'ended at or before');
      assert.deepEqual(await ls({ releasedBy: Date.parse('2026-02-02T10:00:19Z') }), [g.a]);
    });

    it('treats hostile filter values as plain data', async () => {
      assert.deepEqual(await listed({ tag: ["x' OR '1'='1"] }), []);
      assert.deepEqual(await listed({ user: ['"; DROP TABLE recordings; --'] }), []);
      assert.equal((await listed({})).length, 4);
    });

    it('sorts both ways and pages with a cursor without gaps or repeats', async () => {
      assert.deepEqual(await listed({}, { sort: { field: 'durationMs', desc: false } }), [ids.in2, ids.out2, ids.in1, ids.out1]);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listRecordings('acc_a', q({}, { pageSize: 3, ...(cursor ? { cursor } : {}) }), 1000);
        seen.push(...page.items.map((r) => r.id));
        cursor = page.nextCursor;
      } while (cursor);
      assert.deepEqual(seen, [ids.out2, ids.out1, ids.in2, ids.in1]);
    });

    it('counts exactly under the cap and marks the total estimated above it', async () => {
      const exact = await store.listRecordings('acc_a', q({}, { pageSize: 1 }), 1000);
      assert.equal(exact.total, 4);
      assert.equal(exact.totalEstimated, false);
      const capped = await store.listRecordings('acc_a', q({}, { pageSize: 1 }), 2);
      assert.equal(capped.total, 2);
      assert.equal(capped.totalEstimated, true);
    });

    it('refuses a stale revision and accepts the current one', async () => {
      const rev = await store.getRevision('acc_a', ids.in2!);
      const cur = await store.getRecording('acc_a', ids.in2!);
      assert.ok(rev !== null && cur);
      assert.equal(await store.updateRecording({ ...cur, legalHold: true }, rev), true);
      assert.equal(await store.updateRecording({ ...cur, legalHold: false }, rev), false);
      assert.equal((await store.getRecording('acc_a', ids.in2!))?.legalHold, true);
      assert.deepEqual(await listed({ legalHold: true }), [ids.out1, ids.in2]);
    });

    it('keeps an idempotency key to one recording', async () => {
      const a = rec('acc_a', { startTime: '2026-02-01T00:00:00Z' });
      await store.insertRecording(a, [], 'key-1');
      assert.equal(await store.findByIdempotencyKey('acc_a', 'key-1'), a.id);
      await assert.rejects(store.insertRecording(rec('acc_a', { startTime: '2026-02-01T00:00:00Z' }), [], 'key-1'), { code: 'CONFLICT' });
      assert.equal(await store.findByIdempotencyKey('acc_b', 'key-1'), null);
    });

    it('finds a duplicate by call id and media hash, and tombstones erase keys and personal data', async () => {
      const secret: MediaSecret = { mediaId: 'm1', blobKey: 'media/acc_a/x/m1.aa', size: 3, sha256: 'ab'.repeat(32), chunkSize: 65536, wrappedKey: 'w', keyId: 'k' };
      const r = rec('acc_a', { startTime: '2026-03-01T00:00:00Z', sipCallId: 'sip-9', calling: { phoneNumber: '999' } });
      await store.addPendingBlob(secret.blobKey, 'node_1');
      assert.deepEqual(await store.listPendingBlobs(), [{ blobKey: secret.blobKey, nodeId: 'node_1' }]);
      const seq = await store.insertRecording(r, [secret]);
      assert.deepEqual(await store.listPendingBlobs(), []);
      assert.equal(await store.findDuplicate('acc_a', { sipCallId: 'sip-9' }, secret.sha256), r.id);
      assert.equal(await store.findDuplicate('acc_a', { sipCallId: 'other' }, secret.sha256), null);
      const rev = (await store.getRevision('acc_a', r.id))!;
      assert.equal(await store.tombstone('acc_a', r.id, rev + 1, new Date().toISOString(), 'cli_test'), null, 'a stale revision deletes nothing');
      const erased = await store.tombstone('acc_a', r.id, rev, new Date().toISOString(), 'cli_test');
      assert.equal(erased?.length, 1);
      assert.equal(await store.getRecording('acc_a', r.id), null);
      assert.equal(await store.getRecordingByNumericId('acc_a', seq), null, 'a deleted recording is not found by its numeric id either');
      assert.deepEqual(await listed({ phone: ['999'] }), []);
      assert.deepEqual(await store.getMediaSecrets('acc_a', r.id), []);
    });

    it('refuses to tombstone a recording under legal hold even with the current revision', async () => {
      const r = rec('acc_a', { startTime: '2026-05-01T00:00:00Z', legalHold: true });
      await store.insertRecording(r, []);
      const rev = (await store.getRevision('acc_a', r.id))!;
      assert.equal(await store.tombstone('acc_a', r.id, rev, new Date().toISOString(), 'cli_test'), null);
      assert.ok(await store.getRecording('acc_a', r.id));
    });

    it('keeps a heartbeat row per node', async () => {
      await store.upsertNode({ id: 'node_a', host: 'h', pid: 1, startedAt: 1, seenAt: 1 });
      await store.upsertNode({ id: 'node_a', host: 'h', pid: 1, startedAt: 1, seenAt: 5 });
      assert.deepEqual((await store.listNodes()).filter((n) => n.id === 'node_a'), [{ id: 'node_a', host: 'h', pid: 1, startedAt: 1, seenAt: 5 }]);
      await store.removeNode('node_a');
      assert.equal((await store.listNodes()).some((n) => n.id === 'node_a'), false);
    });

    it('lists keys wrapped under old master keys and rewraps them', async () => {
      const r = rec('acc_a', { startTime: '2026-04-01T00:00:00Z' });
      const seq = await store.insertRecording(r, [{ mediaId: 'm', blobKey: 'media/acc_a/y/m.bb', size: 1, sha256: 'cd'.repeat(32), chunkSize: 65536, wrappedKey: 'old', keyId: 'k-old' }]);
      const todo = await store.keysNotUnder('k-new', 10);
      assert.ok(todo.some((k) => k.recordingSeq === seq && k.keyId === 'k-old'));
      await store.setWrappedKey(seq, 'm', 'k-old', 'new', 'k-new');
      assert.equal((await store.keysNotUnder('k-new', 10)).filter((k) => k.recordingSeq === seq).length, 0);
      assert.equal((await store.getMediaSecrets('acc_a', r.id))[0]?.wrappedKey, 'new');
    });
  });
}
