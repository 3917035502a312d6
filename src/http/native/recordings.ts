import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Vault } from '../../context.js';
import { RecordingPatchSchema } from '../../core/schemas.js';
import { principalOf } from '../auth.js';
import { maskDeep, nativeMasks } from '../../core/privacy.js';
import { ListParamsSchema, toRecordingQuery, type ListParams } from './list-params.js';
import { ErrorSchema, RecordingPageSchema, RecordingSchema } from './schemas.js';

const Id = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) });
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 429: ErrorSchema, 500: ErrorSchema };

/** Reading and editing recordings: thin handlers over the core's RecordingService. */
export function recordingRoutes(app: FastifyInstance, vault: Vault): void {
  // PATCH takes JSON, including the merge-patch media type; anything else is a 415.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('application/merge-patch+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
  app.get<{ Querystring: ListParams }>('/recordings', {
    schema: {
      tags: ['recordings'], summary: 'List recordings with filters, sort and paging', security: [{ bearer: [] }],
      querystring: ListParamsSchema, response: { 200: RecordingPageSchema, ...errors },
    },
  }, async (req) => {
    const q = toRecordingQuery(req.query);
    const p = principalOf(req);
    const page = await vault.recordings.list(p, q);
    const { masks } = page;
    let next: string | undefined;
    if (page.nextCursor) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(req.query)) {
        if (k === 'cursor' || k === 'page' || v === undefined) continue;
        for (const one of Array.isArray(v) ? v : [v]) params.append(k, String(one));
      }
      params.set('cursor', page.nextCursor);
      next = `/api/v1/recordings?${params.toString()}`;
    }
    let items: unknown[] = page.items;
    if (q.filter.text) {
      const hits = await vault.transcripts.hits(p, page.items, q.filter.text);
      items = page.items.map((r) => ({ ...r, hits: hits.get(r.id) ?? [] }));
    }
    return {
      data: masks ? maskDeep(items, nativeMasks(masks)) : items,
      ...(page.page !== undefined ? { page: page.page } : {}),
      pageSize: q.pageSize,
      total: page.total,
      totalEstimated: page.totalEstimated,
      ...(page.nextCursor ? { nextCursor: page.nextCursor, next } : {}),
    };
  });

  app.get<{ Params: { id: string } }>('/recordings/:id', {
    schema: { tags: ['recordings'], summary: 'Get one recording', security: [{ bearer: [] }], params: Id, response: { 200: Type.Ref(RecordingSchema), ...errors } },
  }, async (req, reply) => {
    const p = principalOf(req);
    // Callers who see everything unmasked (clients, admins) get the stored JSON as it is.
    const json = vault.recordings.getJson(p, req.params.id);
    if (json !== null) return reply.type('application/json; charset=utf-8').send(json);
    const rec = await vault.recordings.get(p, req.params.id);
    const masks = await vault.recordings.masks(p);
    return masks ? maskDeep(rec, nativeMasks(masks)) : rec;
  });

  app.patch<{ Params: { id: string }; Body: typeof RecordingPatchSchema.static }>('/recordings/:id', {
    schema: {
      tags: ['recordings'], summary: 'Edit tags, notes, user metadata, legal hold or expiry', security: [{ bearer: [] }],
      params: Id, body: RecordingPatchSchema, response: { 200: Type.Ref(RecordingSchema), ...errors, 409: ErrorSchema },
    },
  }, async (req) => {
    const p = principalOf(req);
    const rec = await vault.recordings.patch(p, req.params.id, req.body);
    const masks = await vault.recordings.masks(p);
    return masks ? maskDeep(rec, nativeMasks(masks)) : rec;
  });

  app.delete<{ Params: { id: string }; Querystring: { mediaOnly?: boolean } }>('/recordings/:id', {
    schema: {
      tags: ['recordings'], summary: 'Delete a recording (or only its media); refused under legal hold or non-delete',
      security: [{ bearer: [] }], params: Id,
      querystring: Type.Object({ mediaOnly: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      response: { 204: Type.Null(), ...errors, 409: ErrorSchema },
    },
  }, async (req, reply) => {
    await vault.recordings.delete(principalOf(req), req.params.id, { mediaOnly: req.query.mediaOnly ?? false });
    return reply.code(204).send();
  });
}
