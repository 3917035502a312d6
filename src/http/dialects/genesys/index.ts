import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Vault } from '../../../context.js';
import { ErrorCode, forbidden, notFound } from '../../../core/errors.js';
import type { Principal, Role } from '../../../core/principals.js';
import { maskDeep } from '../../../core/privacy.js';
import { requireScope } from '../../../core/recordings.js';
import { principalOf } from '../../auth.js';
import { sendError, type ErrorFormatter } from '../../errors.js';
import { acceptEmptyJson } from '../../empty-json.js';
import { sendMp3 } from '../../mp3.js';
import { one, toQuery, wantsLabels, type GenesysQuery } from './params.js';
import { doorMasks, playable, renderRecording, type RenderContext } from './render.js';
import { applySettings, removeSettings, renderSettings } from './settings.js';

/** Genesys return values (statusCode) by HTTP status, where the error does not name its own. */
const STATUS_CODE: Record<number, number> = { 400: 2, 401: 20, 403: 5, 404: 6, 409: 2, 413: 2, 415: 2, 416: 2, 429: 2, 500: 4, 503: 4 };

/**
 * `{"statusCode":n,"statusMessage":"…"}` with the HTTP status. A recording protected from
 * deletion (nonDelete, legal hold) is the spec's "forbidden to delete" (403, statusCode 3), and
 * a search on a masked field is "forbidden" (3) rather than "no permission" (5).
 */
export const genesysFormatter: ErrorFormatter = (err) => {
  const protectedRec = err.code === ErrorCode.LEGAL_HOLD || err.code === ErrorCode.NON_DELETABLE;
  const status = protectedRec ? 403 : err.status;
  const given = err.details?.statusCode;
  const statusCode = typeof given === 'number' ? given : protectedRec || (status === 403 && err.details?.masked) ? 3 : STATUS_CODE[status] ?? 4;
  return {
    status,
    body: { statusCode, statusMessage: err.message },
    ...(status === 401 ? { headers: { 'www-authenticate': 'Basic realm="Interaction Recording Web Services"' } } : {}),
  };
};

const ROLE_NAMES: Record<Role, string> = { admin: 'Administrator', supervisor: 'Supervisor', agent: 'Agent' };

/** The Genesys role prerequisites, on top of the core's own rules (API clients go by their scopes). */
function requireRole(p: Principal, roles: Role[], what: string): void {
  if (p.kind === 'user' && !roles.includes(p.role ?? 'agent')) {
    throw forbidden(`${what} needs the ${roles.map((r) => ROLE_NAMES[r]).join(' or ')} role`);
  }
}

const encode = (params: Array<[string, string]>) => params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');

/**
 * The Genesys Interaction Recording door (specs/genesys-interaction-recording-api.txt): search
 * with offset/limit, one recording, its media as MP3, delete, and the `recording` settings
 * group (privacy masking). HTTP Basic with a user's username and password; bearer tokens work
 * too. Choices where the spec is silent: docs/dialects.md.
 */
export function genesysDoor(app: FastifyInstance, vault: Vault): void {
  app.setErrorHandler((err, req, reply) => sendError(err, req, reply, genesysFormatter));
  // A settings DELETE may come with a JSON content type and no body.
  acceptEmptyJson(app);
  // Unknown paths under /api/v2 (the spec's Sample 2 path, a POST to the search) answer in this door's body.
  void app.register(async (scope) => {
    scope.setNotFoundHandler((req, reply) => sendError(notFound(`${req.method} ${req.url.split('?')[0]}`), req, reply, genesysFormatter));
  }, { prefix: '/api/v2' });

  // The account's name is the media files' "tenant"; names change rarely, so a minute of caching.
  const tenants = new Map<string, { name: string; until: number }>();
  const tenantOf = async (accountId: string) => {
    const hit = tenants.get(accountId);
    if (hit && hit.until > Date.now()) return hit.name;
    const name = (await vault.store.getAccount(accountId))?.name ?? accountId;
    if (tenants.size > 10_000) tenants.clear();
    tenants.set(accountId, { name, until: Date.now() + 60_000 });
    return name;
  };
  const context = async (req: FastifyRequest, p: Principal, labels: boolean): Promise<RenderContext> =>
    ({ tenant: await tenantOf(p.accountId), origin: `${req.protocol}://${req.host}`, labels });

  const search = async (req: FastifyRequest<{ Querystring: GenesysQuery }>) => {
    const p = principalOf(req);
    requireRole(p, ['admin', 'supervisor'], 'searching recordings');
    const q = req.query;
    const labels = wantsLabels(q);
    const query = toQuery(q);
    if (!query) {
      requireScope(p, 'recordings:read');
      return { statusCode: 0, recordings: [], totalCount: 0 };
    }
    const page = await vault.recordings.list(p, query);
    const ctx = await context(req, p, labels);
    const rendered = page.items.map((r) => renderRecording(r, ctx));
    const recordings = page.masks ? maskDeep(rendered, doorMasks(page.masks)) : rendered;
    const offset = query.offset ?? 0;
    const limit = query.pageSize;
    // The request's own parameters (first value of each), then the new offset and limit.
    // (A token given as ?auth_token= is not copied into the links.)
    const kept = Object.keys(q).filter((k) => k !== 'offset' && k !== 'limit' && k !== 'auth_token' && one(q, k) !== undefined).map((k): [string, string] => [k, one(q, k)!]);
    const link = (at: number) => {
      const qs = encode([...kept, ['offset', String(at)], ['limit', String(limit)]]);
      return { path: `/recordings/?${qs}`, uri: `${ctx.origin}/api/v2/recordings?${qs}` };
    };
    const more = offset + page.items.length < page.total || (page.totalEstimated && page.items.length === limit);
    const next = more ? link(offset + limit) : null;
    const prev = offset > 0 ? link(Math.max(0, offset - limit)) : null;
    return {
      statusCode: 0, recordings, totalCount: page.total,
      ...(next ? { nextPath: next.path } : {}), ...(prev ? { prevPath: prev.path } : {}),
      ...(next ? { nextUri: next.uri } : {}), ...(prev ? { prevUri: prev.uri } : {}),
    };
  };
  // The spec's own nextPath is `/recordings/?…`: both spellings are served.
  app.get('/api/v2/recordings', { schema: { hide: true } }, search);
  app.get('/api/v2/recordings/', { schema: { hide: true } }, search);

  app.get<{ Params: { id: string }; Querystring: GenesysQuery }>('/api/v2/recordings/:id', { schema: { hide: true } }, async (req) => {
    const p = principalOf(req);
    requireRole(p, ['admin', 'supervisor'], 'reading a recording');
    const labels = wantsLabels(req.query);
    const rec = await vault.recordings.get(p, req.params.id);
    const rendered = { statusCode: 0, ...renderRecording(rec, await context(req, p, labels)) };
    const masks = await vault.recordings.masks(p);
    return masks ? maskDeep(rendered, doorMasks(masks)) : rendered;
  });

  // playPath (`decrypt`, per the field's description) and mediaPath (`play`, per the samples).
  const media = async (req: FastifyRequest<{ Params: { id: string; file: string } }>, reply: FastifyReply) => {
    const p = principalOf(req);
    const m = /^(.+)\.mp3$/.exec(req.params.file);
    if (!m) throw notFound(`media ${req.params.file} of recording ${req.params.id}`);
    const rec = await vault.recordings.get(p, req.params.id);
    const file = playable(rec).find((f) => f.id === m[1]);
    if (!file) throw notFound(`media ${m[1]} of recording ${rec.id}`);
    return sendMp3(vault, p, rec.id, file, reply);
  };
  app.get('/api/v2/recordings/:id/decrypt/:file', { schema: { hide: true } }, media);
  app.get('/api/v2/recordings/:id/play/:file', { schema: { hide: true } }, media);

  app.delete<{ Params: { id: string } }>('/api/v2/recordings/:id', { schema: { hide: true } }, async (req) => {
    const p = principalOf(req);
    requireRole(p, ['admin'], 'deleting a recording');
    await vault.recordings.delete(p, req.params.id, { mediaOnly: false });
    return { statusCode: 0 };
  });

  app.get('/api/v2/settings/recording', { schema: { hide: true } }, async (req) => renderSettings(await vault.settings.privacy(principalOf(req))));
  const write = async (req: FastifyRequest) => {
    const p = principalOf(req);
    const next = applySettings(await vault.settings.privacy(p), req.body);
    await vault.settings.setPrivacy(p, next);
    return { statusCode: 0 };
  };
  app.post('/api/v2/settings/recording', { schema: { hide: true } }, write);
  app.put('/api/v2/settings/recording', { schema: { hide: true } }, write);
  app.delete<{ Querystring: GenesysQuery }>('/api/v2/settings/recording', { schema: { hide: true } }, async (req) => {
    const p = principalOf(req);
    const name = one(req.query, 'name');
    await vault.settings.setPrivacy(p, removeSettings(await vault.settings.privacy(p), name !== undefined ? { name } : req.body));
    return { statusCode: 0 };
  });
}
