import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Vault } from '../../../context.js';
import { ErrorCode, VaultError, forbidden, invalid, notFound, unauthorized } from '../../../core/errors.js';
import type { Principal } from '../../../core/principals.js';
import type { RecordingFilter } from '../../../core/query.js';
import { principalOf } from '../../auth.js';
import { acceptEmptyJson } from '../../empty-json.js';
import { sendError } from '../../errors.js';
import type { LoginThrottle } from '../../throttle.js';
import { sendMp3 } from '../../mp3.js';
import { fromGregorian, kazooFormatter, sendEnvelope, toGregorian } from './envelope.js';
import { attachmentName, kazooMasks, renderRecording } from './render.js';
import { maskDeep } from '../../../core/privacy.js';

/** Kazoo's longest listing window: 31 days and an hour (crossbar's maximum_range). */
const MAX_RANGE_S = 2_682_000;

type Q = Record<string, string | undefined>;

/** The query with one value per parameter: the first, when a client repeats one. */
function single(q: Record<string, unknown>): Q {
  const out: Q = {};
  for (const [k, v] of Object.entries(q)) out[k] = Array.isArray(v) ? String(v[0]) : typeof v === 'string' ? v : undefined;
  return out;
}

function pageSize(q: Q): number {
  if (q.page_size === undefined) return 50;
  const n = Number(q.page_size);
  if (!Number.isInteger(n) || n < 1) throw invalid('page_size must be a positive integer', { field: 'page_size' });
  return Math.min(n, 100);
}

/** created_from / created_to (Gregorian seconds), defaulting to the last 31 days and an hour. */
function window(q: Q): { from: number; to: number } {
  const num = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw invalid(`${name} must be a number of Gregorian seconds`, { field: name });
    return Number(v);
  };
  const to = num('created_to', q.created_to) ?? toGregorian(Date.now()) + 1;
  const from = num('created_from', q.created_from) ?? to - MAX_RANGE_S;
  if (from > to) throw invalid(`created_to (${to}) is prior to created_from (${from})`, { field: 'created_from', rule: 'date_range', cause: from });
  if (to - from > MAX_RANGE_S) {
    throw invalid(`created_to is more than ${MAX_RANGE_S} seconds from created_from`, { field: 'created_from', rule: 'date_range', cause: from });
  }
  return { from, to };
}

/** `filter_<field>=value` on the document fields callvault can search by; others are refused, not silently ignored. */
function filters(q: Q): RecordingFilter {
  const f: RecordingFilter = {};
  for (const [k, v] of Object.entries(q)) {
    if (!k.startsWith('filter_') || v === undefined) continue;
    const field = k.slice('filter_'.length);
    switch (field) {
      case 'direction':
        if (v !== 'inbound' && v !== 'outbound') throw invalid('filter_direction must be inbound or outbound', { field: k });
        // Internal calls render as inbound (see render.ts), so they are found as inbound too.
        f.callDirection = v === 'inbound' ? ['incoming', 'none'] : ['outgoing'];
        break;
      case 'owner_id': f.user = [v]; break;
      case 'call_id': f.sipCallId = [v]; break;
      // As rendered: the calling / called party's number, else its extension.
      case 'caller_id_number': (f.parties ??= []).push({ roles: ['calling'], number: [v] }); break;
      case 'callee_id_number': (f.parties ??= []).push({ roles: ['called'], number: [v] }); break;
      default: throw invalid(`${k}: recordings cannot be filtered by '${field}' here`, { field: k });
    }
  }
  return f;
}

/**
 * The Kazoo recordings door (specs/kazoo-recordings-api.txt and NOTES.md): sign-in with
 * user_auth (md5/sha1 credentials hash) or api_auth, the account and user recording lists with
 * Kazoo paging and Gregorian time windows, the document or its MP3 depending on Accept, PATCH
 * of user_metadata and DELETE, all in Kazoo's envelope.
 */
export function kazooDoor(app: FastifyInstance, vault: Vault, throttle: LoginThrottle): void {
  app.setErrorHandler((err, req, reply) => sendError(err, req, reply, kazooFormatter));
  // Monster UI sends `{"data":{}}` with DELETE; other clients send nothing, or a form body
  // (curl -d): none of it is read, so none of it is refused.
  acceptEmptyJson(app);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, _body, done) => done(null, {}));
  // Under /v2, a path this door serves but not with this method is Kazoo's 405 invalid_method;
  // any other path is its 404 bad_identifier — both in the envelope, without a charset.
  void app.register(async (scope) => {
    scope.setNotFoundHandler((req, reply) => {
      const path = req.url.split('?')[0]!.replace(/\/+$/, '');
      const known = /^\/v2\/(user_auth|api_auth|accounts\/[^/]+\/(users\/[^/]+\/)?recordings(\/[^/]+)?)$/.test(path);
      const err = known
        ? new VaultError(ErrorCode.METHOD_NOT_ALLOWED, `${req.method} is not allowed on ${path}`)
        : notFound(`${req.method} ${path}`);
      return sendError(err, req, reply, kazooFormatter);
    });
  }, { prefix: '/v2' });
  // JSON without a charset parameter (see envelope.ts), errors included: Fastify adds one to any
  // JSON answer as it sends it, so it is taken off here, once for the whole door.
  app.addHook('onSend', async (_req, reply, payload) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('application/json')) reply.header('content-type', 'application/json');
    return payload;
  });

  const realmOf = async (accountId: string) => (await vault.store.getAccount(accountId))?.name ?? accountId;
  // Privacy masking for supervisors, in Kazoo's field names.
  const masked = async <T>(p: Principal, doc: T, masks?: Set<string> | null): Promise<T> => {
    const m = masks === undefined ? await vault.recordings.masks(p) : masks;
    return m ? maskDeep(doc, kazooMasks(m)) : doc;
  };
  const account = (req: FastifyRequest<{ Params: { accountId: string } }>): Principal => {
    const p = principalOf(req);
    if (req.params.accountId !== p.accountId) throw forbidden(`the token does not belong to account ${req.params.accountId}`);
    return p;
  };

  app.put<{ Body: { data?: Record<string, unknown> } }>('/v2/user_auth', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
    const d = req.body?.data ?? {};
    const credentials = typeof d.credentials === 'string' ? d.credentials : '';
    const accountName = typeof d.account_name === 'string' ? d.account_name : typeof d.account_realm === 'string' ? d.account_realm : '';
    if (!credentials) throw invalid('data.credentials is required', { field: 'credentials' });
    if (!accountName) throw invalid('data.account_name or data.account_realm is required (phone_number sign-in is not supported)', { field: 'account_name' });
    const { token, user } = await throttle.attempt(req.ip, accountName, () => vault.auth.credentialsLogin(credentials, accountName));
    return sendEnvelope(req, reply, {
      account_id: user.accountId, owner_id: user.id, account_name: accountName, is_reseller: false, reseller_id: user.accountId,
      language: 'en-us', apps: [], method: d.method === 'sha' ? 'sha' : 'md5',
    }, { auth_token: token.access_token }, 201);
  });

  app.put<{ Body: { data?: Record<string, unknown> } }>('/v2/api_auth', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
    const key = typeof req.body?.data?.api_key === 'string' ? req.body.data.api_key : '';
    // A Kazoo API key here is an API client's id and secret joined by a dot (see docs/dialects.md).
    const dot = key.indexOf('.');
    if (dot <= 0) {
      throttle.check(req.ip, key.slice(0, 64));
      throw unauthorized('invalid api key');
    }
    const token = await throttle.attempt(req.ip, key.slice(0, dot), () => vault.auth.clientCredentials(key.slice(0, dot), key.slice(dot + 1)));
    const p = vault.auth.principalFromBearer(token.access_token);
    return sendEnvelope(req, reply, { account_id: p.accountId, owner_id: null, is_reseller: false, reseller_id: p.accountId, apps: [] },
      { auth_token: token.access_token }, 201);
  });

  const list = async (req: FastifyRequest<{ Params: { accountId: string; userId?: string }; Querystring: Q }>, reply: FastifyReply) => {
    const p = account(req);
    const q = single(req.query);
    const { from, to } = window(q);
    // created_to names a whole second, which it includes.
    const filter: RecordingFilter = { ...filters(q), createdFrom: fromGregorian(from), createdTo: fromGregorian(to) + 1000 };
    if (req.params.userId) filter.user = [req.params.userId];
    const size = pageSize(q);
    const page = await vault.recordings.list(p, {
      filter, sort: { field: 'createdAt', desc: true }, pageSize: size, ...(q.start_key ? { cursor: q.start_key } : {}),
    }).catch((err: unknown) => {
      // The cursor is this door's start_key: a bad one is named so.
      if (err instanceof VaultError && err.details?.field === 'cursor') throw invalid(`start_key is not valid: ${err.message}`, { field: 'start_key' });
      throw err;
    });
    const realm = await realmOf(p.accountId);
    return sendEnvelope(req, reply, await masked(p, page.items.map((r) => renderRecording(r, realm)), page.masks), {
      page_size: page.items.length, ...(q.start_key ? { start_key: q.start_key } : {}), ...(page.nextCursor ? { next_start_key: page.nextCursor } : {}),
    });
  };
  app.get('/v2/accounts/:accountId/recordings', { schema: { hide: true } }, list);
  app.get('/v2/accounts/:accountId/users/:userId/recordings', { schema: { hide: true } }, list);

  app.get<{ Params: { accountId: string; recordingId: string }; Querystring: Q }>('/v2/accounts/:accountId/recordings/:recordingId', { schema: { hide: true } }, async (req, reply) => {
    const p = account(req);
    const rec = await vault.recordings.get(p, req.params.recordingId);
    const q = single(req.query);
    const accept = (q.accept ?? req.headers.accept ?? '').toLowerCase();
    if (!/audio\/(mpeg|mp3)|audio\/\*/.test(accept)) return sendEnvelope(req, reply, await masked(p, renderRecording(rec, await realmOf(p.accountId))));
    const file = rec.media.find((m) => m.kind === 'audio' && m.status === 'available');
    if (!file) throw new VaultError(ErrorCode.RESOURCE_NOT_FOUND, `recording ${rec.id} has no audio`);
    const disposition = `${q.inline === 'true' ? 'inline' : 'attachment'}; filename="${attachmentName(rec)}"`;
    reply.header('content-disposition', disposition);
    return sendMp3(vault, p, rec.id, file, reply);
  });

  app.patch<{ Params: { accountId: string; recordingId: string }; Body: { data?: { user_metadata?: unknown } } }>('/v2/accounts/:accountId/recordings/:recordingId', { schema: { hide: true } }, async (req, reply) => {
    const p = account(req);
    const meta = req.body?.data?.user_metadata;
    // Nothing to change (`{"data":{}}`) answers the document as it is, as crossbar does.
    if (meta === undefined) return sendEnvelope(req, reply, await masked(p, renderRecording(await vault.recordings.get(p, req.params.recordingId), await realmOf(p.accountId))));
    if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) throw invalid('data.user_metadata must be an object', { field: 'user_metadata' });
    const rec = await vault.recordings.patch(p, req.params.recordingId, { userMetadata: meta as Record<string, unknown> });
    return sendEnvelope(req, reply, await masked(p, renderRecording(rec, await realmOf(p.accountId))));
  });

  app.delete<{ Params: { accountId: string; recordingId: string } }>('/v2/accounts/:accountId/recordings/:recordingId', { schema: { hide: true } }, async (req, reply) => {
    const p = account(req);
    const rec = await vault.recordings.delete(p, req.params.recordingId, { mediaOnly: false });
    return sendEnvelope(req, reply, { ...await masked(p, renderRecording(rec, await realmOf(p.accountId))), _read_only: { deleted: true } });
  });
}
