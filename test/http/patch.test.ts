import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../helpers/server.js';
import { assertError, call } from './util.js';

describe('PATCH with the resource\'s own field names', () => {
  let server: TestServer;
  let id: string;
  before(async () => {
    server = await startServer();
    const rec = await call(server, 'POST', '/api/v1/recordings', { json: { startTime: '2026-01-01T00:00:00Z', tags: [{ tagName: 'old' }, { tagName: 'keep' }] } });
    id = rec.json.id;
  });
  after(() => server.stop());

  it('replaces the tag list with tags, keeping the ids of tags that stay', async () => {
    const before = await call(server, 'GET', `/api/v1/recordings/${id}`);
    const keepId = before.json.tags.find((t: { tagName: string }) => t.tagName === 'keep').id;
    const res = await call(server, 'PATCH', `/api/v1/recordings/${id}`, { json: { tags: [{ tagName: 'keep' }, { tagName: 'new', content: 'x' }] } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.tags.map((t: { tagName: string }) => t.tagName), ['keep', 'new']);
    assert.equal(res.json.tags[0].id, keepId);
    const listed = await call(server, 'GET', '/api/v1/recordings?tag=old');
    assert.equal(listed.json.total, 0);
  });

  it('appends notes given as notes', async () => {
    await call(server, 'PATCH', `/api/v1/recordings/${id}`, { json: { notes: [{ content: 'first' }] } });
    const res = await call(server, 'PATCH', `/api/v1/recordings/${id}`, { json: { notes: [{ content: 'second', visibility: 'private' }] } });
    assert.deepEqual(res.json.notes.map((n: { content: string }) => n.content), ['first', 'second']);
    assert.equal(res.json.notes[1].visibility, 'private');
  });

  it('accepts application/merge-patch+json and refuses text/plain with 415', async () => {
    const ok = await call(server, 'PATCH', `/api/v1/recordings/${id}`, { body: JSON.stringify({ userMetadata: { crm: 'A-1' } }), headers: { 'content-type': 'application/merge-patch+json' } });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.json.userMetadata, { crm: 'A-1' });
    const bad = await call(server, 'PATCH', `/api/v1/recordings/${id}`, { body: '{"legalHold":true}', headers: { 'content-type': 'text/plain' } });
    assertError(bad, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });
});
