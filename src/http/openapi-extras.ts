import { RecordingInputSchema } from '../core/schemas.js';

type Json = Record<string, unknown>;

function withoutIds(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutIds);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).filter(([k]) => k !== '$id').map(([k, x]) => [k, withoutIds(x)]));
  }
  return v;
}

/**
 * Streaming routes take bodies the route schemas cannot validate (multipart, raw media), so
 * their request bodies are described here and added to the generated document.
 */
export function addStreamingBodies(doc: Json): Json {
  const components = (doc.components ??= {}) as Json;
  const schemas = (components.schemas ??= {}) as Json;
  schemas.RecordingInput = withoutIds(RecordingInputSchema);
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const post = paths['/api/v1/recordings']?.post;
  if (post) {
    post.requestBody = {
      required: true,
      content: {
        'multipart/form-data': {
          schema: {
            type: 'object', required: ['metadata'],
            properties: {
              metadata: { $ref: '#/components/schemas/RecordingInput' },
              media: { type: 'array', items: { type: 'string', format: 'binary' }, description: 'One or more media files; any part name other than metadata' },
            },
          },
          encoding: { metadata: { contentType: 'application/json' } },
        },
        'application/json': { schema: { $ref: '#/components/schemas/RecordingInput' } },
      },
    };
  }
  const put = paths['/api/v1/recordings/{id}/media/{mediaId}']?.put;
  if (put) {
    put.requestBody = {
      required: true,
      content: { 'audio/*': { schema: { type: 'string', format: 'binary' } }, 'video/webm': { schema: { type: 'string', format: 'binary' } }, 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
    };
  }
  return doc;
}
