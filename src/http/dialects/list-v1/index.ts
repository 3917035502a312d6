import type { FastifyInstance } from 'fastify';
import type { Vault } from '../../../context.js';
import { principalOf } from '../../auth.js';
import { sendError, type ErrorFormatter } from '../../errors.js';
import { maskDeep } from '../../../core/privacy.js';
import { toQuery, type ListV1Query } from './params.js';
import { renderRecording, tagGuid } from './render.js';

const REASON: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict',
  413: 'Payload Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

/** The list API documents status codes only; errors answer {status, error, message} (see docs/dialects.md). */
export const listV1Formatter: ErrorFormatter = (err) => ({
  status: err.status,
  body: { status: err.status, error: REASON[err.status] ?? 'Error', message: err.message },
});

/** A comma-separated list, or the parameter repeated. */
const LIST = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] };

/** This door's spelling of masked fields: what the native names hide, its own names hide too. */
function doorMasks(masks: Set<string>): Set<string> {
  const out = new Set(masks);
  if (['displayName', 'userName', 'username', 'firstName', 'lastName', 'fullName'].some((m) => masks.has(m))) out.add('fullName');
  if (['callerPhoneNumber', 'ani', 'calling.phoneNumber'].some((m) => masks.has(m))) out.add('from.phoneNumber');
  if (['dialedPhoneNumber', 'dnis', 'called.phoneNumber'].some((m) => masks.has(m))) out.add('to.phoneNumber');
  // A party without a phone number shows its extension as its number.
  if (masks.has('extension')) for (const n of ['from.phoneNumber', 'to.phoneNumber']) out.add(n);
  return out;
}

/**
 * The recordings list v1 door (specs/recordings-list-v1-api.txt): `GET /v1/recordings` with
 * `quantity`/`from` paging, `words`/`noteswords` full text, `sentiment`, `tel`, dates, users
 * and tag ids; `{total, recordings}` in the example's shape. Bearer tokens as everywhere.
 */
export function listV1Door(app: FastifyInstance, vault: Vault): void {
  app.setErrorHandler((err, req, reply) => sendError(err, req, reply, listV1Formatter));

  app.get<{ Querystring: ListV1Query }>('/v1/recordings', {
    schema: {
      tags: ['recordings list v1'], summary: 'Recordings list v1: a page of recordings (quantity/from), newest first', security: [{ bearer: [] }],
      querystring: { type: 'object', additionalProperties: true, properties: {
        quantity: { type: 'string', description: 'How many (at least 1; at most 1000 are served)' },
        from: { type: 'string', description: 'Zero-based index of the first recording' },
        words: { type: 'string' }, noteswords: { type: 'string' }, sentiment: LIST, tel: LIST,
        startdate: { type: 'string' }, enddate: { type: 'string' }, users: { type: 'string' }, tagids: LIST,
      } },
    },
  }, async (req) => {
    const p = principalOf(req);
    const tagids = req.query.tagids;
    const wantsTags = (Array.isArray(tagids) ? tagids.join('') : tagids ?? '').trim() !== '';
    const names = wantsTags ? await vault.store.tagNames(p.accountId) : [];
    const q = toQuery(req.query, p, (ids) => {
      const wanted = new Set(ids.map((id) => id.toLowerCase()));
      return names.filter((n) => wanted.has(tagGuid(p.accountId, n)));
    });
    const page = await vault.recordings.list(p, q);
    const recordings = page.items.map((r) => renderRecording(r, p));
    return { total: page.total, recordings: page.masks ? maskDeep(recordings, doorMasks(page.masks)) : recordings };
  });
}
