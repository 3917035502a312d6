import type { OutgoingHttpHeaders } from 'node:http';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Vault } from '../../context.js';
import { ErrorCode, VaultError } from '../../core/errors.js';
import { principalOf } from '../auth.js';
import { ErrorSchema } from './schemas.js';

/**
 * Parses a single `bytes=` range (RFC 9110). Returns undefined when the header should be
 * ignored (absent, multi-range, or not a bytes range) so the whole body is sent.
 */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined | 'unsatisfiable' {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return undefined;
  const [, a, b] = m as unknown as [string, string, string];
  if (a === '' && b === '') return undefined;
  if (a === '') {
    const n = Number(b);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  if (b !== '' && Number(b) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

export function mediaRoutes(app: FastifyInstance, vault: Vault): void {
  app.get<{ Params: { id: string; mediaId: string }; Querystring: { format?: 'original' | 'opus' | 'mp3' } }>('/recordings/:id/media/:mediaId', {
    schema: {
      tags: ['media'], security: [{ bearer: [] }],
      summary: 'Stream decrypted media; supports Range (206/416), ETag and If-None-Match',
      description: 'format=opus|mp3 serves the playback rendition the pipeline made (409 until it is ready). Callers without the '
        + 'originals:read scope get the redacted rendition (Opus, or MP3 with format=mp3) when something in the call was redacted.',
      params: Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }), mediaId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }) }),
      querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('original'), Type.Literal('opus'), Type.Literal('mp3')])) }, { additionalProperties: false }),
      response: {
        200: { description: 'The whole media file', content: { 'audio/*': { schema: {} } } },
        206: { description: 'The requested byte range', content: { 'audio/*': { schema: {} } } },
        304: { description: 'Not modified (If-None-Match matched)', type: 'null' },
        400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema, 416: ErrorSchema,
      },
    },
  }, async (req, reply) => {
    const media = await vault.media.find(principalOf(req), req.params.id, req.params.mediaId, req.query.format ?? 'original');
    const { file } = media;
    const etag = `"${file.sha256.slice(0, 32)}"`;
    if (media.served !== 'original') reply.header('x-callvault-rendition', media.served);
    reply.header('accept-ranges', 'bytes').header('etag', etag).header('cache-control', 'private, max-age=0, must-revalidate');
    const inm = req.headers['if-none-match'];
    if (inm && (inm.trim() === '*' || inm.split(',').map((t) => t.trim().replace(/^W\//, '')).includes(etag))) {
      return reply.code(304).send();
    }
    const ifRange = req.headers['if-range'];
    const rangeHeader = typeof ifRange === 'string' && ifRange.trim() !== etag ? undefined : req.headers.range;
    const range = parseRange(rangeHeader, file.size);
    if (range === 'unsatisfiable') {
      reply.header('content-range', `bytes */${file.size}`);
      throw new VaultError(ErrorCode.RANGE_NOT_SATISFIABLE, `range ${rangeHeader ?? ''} is outside the media's ${file.size} bytes`);
    }
    reply.type(file.mimeType);
    if (range) {
      reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${file.size}`).header('content-length', range.end - range.start + 1);
    } else {
      reply.code(200).header('content-length', file.size);
    }
    // HEAD answers the same headers without opening (and decrypting) the media.
    // (Fastify would rewrite Content-Length to 0 for an empty body, so the headers go out directly.)
    if (req.method === 'HEAD') {
      reply.hijack();
      reply.raw.writeHead(reply.statusCode, reply.getHeaders() as OutgoingHttpHeaders);
      reply.raw.end();
      return reply;
    }
    return reply.send(await vault.media.open(media, range));
  });
}
