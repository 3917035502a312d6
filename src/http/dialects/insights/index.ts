import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Vault } from '../../../context.js';
import { forbidden, invalid } from '../../../core/errors.js';
import { requireScope } from '../../../core/recordings.js';
import type { Principal, Scope } from '../../../core/principals.js';
import { maskDeep, nativeMasks } from '../../../core/privacy.js';
import { toWebVtt } from '../../../transcripts/vtt.js';
import { principalOf } from '../../auth.js';
import { sendError } from '../../errors.js';
import type { LoginThrottle } from '../../throttle.js';
import { linksOf, pageEnvelope } from './envelope.js';
import { systemScope } from '../../../audit/query.js';
import { activityQuery, auditQuery, systemQuery } from './logs.js';
import { singleValues, toRecordingQuery } from './params.js';
import { renderRecording } from './render.js';

type ListQ = { filter?: string; sort?: string; page?: string; pageSize?: string };
type Tenant = { tenant?: string };

/** The long base URL form of section 1.2.1: `/live/v1/serviceTypeAPI/STNG/{tenant}` before the API prefix. */
const BASES = ['', '/live/v1/serviceTypeAPI/STNG/:tenant'] as const;
const API = '/api/integration/v1';

/** This door's spelling of masked fields: what hides a party's oid hides the target's azureOid too. */
function doorMasks(masks: Set<string>): Set<string> {
  const out = nativeMasks(masks);
  if (out.has('oid')) out.add('azureOid');
  if (out.has('id')) out.add('userGlobalId');
  return out;
}

function needs(p: Principal, scope: Scope): Principal {
  requireScope(p, scope);
  return p;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The Interaction Insights Integration API door (specs/interaction-insights-integration-api.txt):
 * `POST /live/v1/login`, the recordings list, one recording (as an array), its WebVTT transcript,
 * and the three logs, under `/api/integration/v1` at the root and under the tenant base URL.
 * Its error envelope is the native one (section 1.3.1 is where the native envelope comes from).
 */
export function insightsDoor(app: FastifyInstance, vault: Vault, throttle: LoginThrottle): void {
  app.setErrorHandler((err, req, reply) => sendError(err, req, reply));
  // The document sends JSON; a form-encoded LoginRequest (as OAuth clients send) is read too.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.post<{ Body: Record<string, unknown> | undefined }>('/live/v1/login', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
    const body = req.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalid('the body must be a JSON LoginRequest {client_id, client_secret}');
    // The document's pseudo-code sends {clientId, clientSecret}; both spellings are read.
    const id = body.client_id ?? body.clientId;
    const secret = body.client_secret ?? body.clientSecret;
    if (typeof id !== 'string' || id === '') throw invalid('client_id is required', { field: 'client_id' });
    if (typeof secret !== 'string' || secret === '') throw invalid('client_secret is required', { field: 'client_secret' });
    const token = await throttle.attempt(req.ip, id, () => vault.auth.clientCredentials(id, secret));
    reply.header('cache-control', 'no-store');
    return { access_token: token.access_token, token_type: token.token_type, expires_in: token.expires_in };
  });

  /**
   * The caller, checked against the tenant of the long base URL: a tenant naming another
   * existing account (by id or name) is refused; any other value is taken as this account's
   * (the token decides the account, as it does at the root).
   */
  const caller = async (req: FastifyRequest<{ Params: Tenant }>): Promise<Principal> => {
    const p = principalOf(req);
    const t = req.params.tenant;
    if (t !== undefined && t !== p.accountId) {
      const named = (await vault.store.getAccount(t)) ?? (await vault.store.findAccountByName(t));
      if (named && named.id !== p.accountId) throw forbidden(`the token does not belong to tenant ${t}`);
    }
    return p;
  };

  for (const base of BASES) {
    app.get<{ Params: Tenant; Querystring: ListQ }>(`${base}${API}/recordings`, { schema: { hide: true } }, async (req) => {
      const p = await caller(req);
      const q = toRecordingQuery(singleValues(req.query));
      const page = await vault.recordings.list(p, q);
      const links = linksOf(req, req.params.tenant);
      const data = page.items.map((r) => renderRecording(r, links));
      return pageEnvelope(req, page.masks ? maskDeep(data, doorMasks(page.masks)) : data, q.page ?? 1, q.pageSize, page.total, page.nextCursor !== undefined);
    });

    app.get<{ Params: Tenant & { id: string } }>(`${base}${API}/recordings/:id`, { schema: { hide: true } }, async (req) => {
      const p = await caller(req);
      const rec = await vault.recordings.get(p, req.params.id);
      const masks = await vault.recordings.masks(p);
      const one = renderRecording(rec, linksOf(req, req.params.tenant));
      // Section 2.3.2: the answer is an array holding the one recording.
      return [masks ? maskDeep(one, doorMasks(masks)) : one];
    });

    app.get<{ Params: Tenant & { id: string } }>(`${base}${API}/recordings/:id/transcript`, { schema: { hide: true } }, async (req, reply) => {
      // Section 2.3.3 needs both permissions: listing recordings and reading transcripts.
      const p = needs(await caller(req), 'recordings:read');
      const { transcript } = await vault.transcripts.transcript(p, req.params.id);
      return reply.type('text/vtt; charset=utf-8').send(toWebVtt(transcript.cues));
    });

    app.get<{ Params: Tenant; Querystring: ListQ }>(`${base}${API}/apiActivityLogs`, { schema: { hide: true } }, async (req) => {
      const p = needs(await caller(req), 'logs:read');
      const w = activityQuery(singleValues(req.query));
      await vault.logs.flush();
      const page = await vault.logs.listActivity({ ...w, accountId: p.accountId });
      const data = page.items.map((e) => ({
        id: e.id, timeStamp: iso(e.at), action: e.method.toLowerCase(), request: e.requestLine,
        applicationId: e.clientId ?? e.principalId ?? '', responseTime: e.durationMs, errorDetails: e.errorDetails ?? '',
      }));
      return pageEnvelope(req, data, w.page, w.pageSize, page.total, false);
    });

    app.get<{ Params: Tenant; Querystring: ListQ }>(`${base}${API}/auditLogs`, { schema: { hide: true } }, async (req) => {
      const p = needs(await caller(req), 'logs:read');
      const w = auditQuery(singleValues(req.query));
      await vault.logs.flush();
      const page = await vault.logs.listAudit({ ...w, accountId: p.accountId });
      const users = new Map<string, Promise<{ firstName?: string; lastName?: string; upn?: string } | null>>();
      const userOf = (id: string) => {
        if (!users.has(id)) users.set(id, vault.store.getUser(p.accountId, id));
        return users.get(id)!;
      };
      const data = await Promise.all(page.items.map(async (e) => {
        const u = e.principalKind === 'user' && e.principalId ? await userOf(e.principalId) : null;
        // Clients and unknown callers have no first and last name: their display name is the first name.
        const [first = '', ...rest] = (e.principalName ?? '').split(' ');
        return {
          id: e.id, item: e.item, timeStamp: iso(e.at), action: e.action,
          user: { firstName: u?.firstName ?? first, lastName: u?.lastName ?? (u ? '' : rest.join(' ')), upn: u?.upn ?? e.principalId ?? '' },
          description: e.description,
        };
      }));
      return pageEnvelope(req, data, w.page, w.pageSize, page.total, false);
    });

    app.get<{ Params: Tenant; Querystring: ListQ }>(`${base}${API}/systemActivityLogs`, { schema: { hide: true } }, async (req) => {
      // The document's one monitoring permission for all three logs; the log is shared by the
      // server's accounts, so without admin a caller sees the server's own events and its account's.
      const p = needs(await caller(req), 'logs:read');
      const w = systemQuery(singleValues(req.query));
      await vault.logs.flush();
      const page = await vault.logs.listSystem({ ...w, ...systemScope(p) });
      const data = page.items.map((e) => ({
        id: e.id, timeStamp: iso(e.at), logType: e.logType, systemActivityType: e.activityType, data: e.data, description: e.description,
      }));
      return pageEnvelope(req, data, w.page, w.pageSize, page.total, false);
    });
  }
}
