import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Vault } from '../../context.js';
import { invalid, unsupportedMedia } from '../../core/errors.js';
import type { Recording } from '../../core/model.js';
import type { UploadPart } from '../../ingest/create.js';
import { principalOf } from '../auth.js';
import { multipartParts } from './multipart.js';
import { readBounded } from './read-bounded.js';
import { ErrorSchema, RecordingSchema } from './schemas.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 409: ErrorSchema, 413: ErrorSchema, 415: ErrorSchema, 500: ErrorSchema };

function idempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const v = Array.isArray(header) ? header[0] : header;
  if (!v || !IDEMPOTENCY_KEY.test(v)) throw invalid('Idempotency-Key must be 1-255 visible ASCII characters', { field: 'Idempotency-Key' });
  return v;
}

function answer(reply: FastifyReply, rec: Recording, created: boolean) {
  if (!created) reply.header('idempotent-replayed', 'true');
  reply.header('location', `/api/v1/recordings/${rec.id}`);
  return reply.code(created ? 201 : 200).send(rec);
}

async function* jsonOnly(body: unknown): AsyncGenerator<UploadPart> {
  yield { kind: 'metadata', json: body };
}

/**
 * Uploads. The body is never buffered: multipart parts and raw PUT bodies stream straight
 * into the intake (hash + encryption + probe). Content-type parsers registered here pass the
 * raw request through and apply only inside this plugin.
 */
export function uploadRoutes(app: FastifyInstance, vault: Vault): void {
  const passThrough = (_req: unknown, _payload: unknown, done: (err: Error | null, body?: unknown) => void) => done(null);
  // Fastify's built-in JSON and text parsers would consume the body before the handler streams it.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('multipart/form-data', passThrough);
  app.addContentTypeParser('*', passThrough);

  app.post('/recordings', {
    schema: {
      tags: ['recordings'], security: [{ bearer: [] }],
      summary: "Upload a recording: multipart with a 'metadata' JSON part and media file parts (or a JSON body with metadata only)",
      headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
      response: { 200: Type.Ref(RecordingSchema), 201: Type.Ref(RecordingSchema), ...errors },
    },
  }, async (req, reply) => {
    const p = principalOf(req);
    const key = idempotencyKey(req.headers['idempotency-key']);
    if (key) {
      const prior = await vault.ingest.existing(p, key);
      if (prior) {
        req.raw.resume();
        return answer(reply, prior, false);
      }
    }
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    let parts: AsyncIterable<UploadPart>;
    if (type.startsWith('multipart/form-data')) {
      parts = multipartParts(req.raw, { maxJsonBytes: vault.config.limits.maxJsonBytes, maxParts: vault.config.limits.maxMediaPerUpload });
    } else if (type.startsWith('application/json')) {
      parts = jsonOnly(await readJson(req.raw, vault.config.limits.maxJsonBytes));
    } else {
      req.raw.resume();
      throw unsupportedMedia('POST /api/v1/recordings takes multipart/form-data (metadata + media) or application/json (metadata only)');
    }
    const { recording, created } = await vault.ingest.create(p, parts, key);
    return answer(reply, recording, created);
  });

  app.put<{ Params: { id: string; mediaId: string } }>('/recordings/:id/media/:mediaId', {
    schema: {
      tags: ['media'], security: [{ bearer: [] }],
      summary: 'Upload one media file as the raw body (for large files). Raw G.711 needs ?codec=pcmu|pcma',
      params: Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }), mediaId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) }),
      querystring: Type.Object({
        codec: Type.Optional(Type.Union([Type.Literal('pcmu'), Type.Literal('pcma')])),
        sampleRate: Type.Optional(Type.Integer({ minimum: 8000, maximum: 192000 })),
        channels: Type.Optional(Type.Integer({ minimum: 1, maximum: 8 })),
        kind: Type.Optional(Type.Union([Type.Literal('audio'), Type.Literal('video'), Type.Literal('screen')])),
        fileName: Type.Optional(Type.String({ maxLength: 255 })),
      }, { additionalProperties: false }),
      response: { 200: Type.Ref(RecordingSchema), 201: Type.Ref(RecordingSchema), ...errors, 404: ErrorSchema },
    },
  }, async (req, reply) => {
    const q = req.query as { codec?: 'pcmu' | 'pcma'; sampleRate?: number; channels?: number; kind?: 'audio' | 'video' | 'screen'; fileName?: string };
    const { recording, created } = await vault.ingest.putMedia(principalOf(req), req.params.id, req.params.mediaId, req.raw, {
      ...(req.headers['content-type'] ? { declaredType: req.headers['content-type'] } : {}),
      ...(q.codec ? { raw: { codec: q.codec, ...(q.sampleRate ? { sampleRate: q.sampleRate } : {}), ...(q.channels ? { channels: q.channels } : {}) } } : {}),
      ...(q.kind ? { kind: q.kind } : {}),
      ...(q.fileName ? { fileName: q.fileName } : {}),
    });
    return reply.code(created ? 201 : 200).send(recording);
  });
}

async function readJson(stream: NodeJS.ReadableStream, max: number): Promise<unknown> {
  const text = await readBounded(stream, max, 'the JSON body');
  try {
    return JSON.parse(text);
  } catch {
    throw invalid('the body is not valid JSON');
  }
}
