import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Vault } from '../context.js';
import { UNATTRIBUTED, type AuditOutcome, type PrincipalKind } from '../audit/model.js';
import { routeEvents } from '../audit/route-events.js';
import { errorDetailsOf } from './errors.js';

/** Query parameters whose values never reach a log. */
const SECRET_PARAM = /token|secret|password|passwd|api[-_]?key|signature|credential/i;
const MAX_LINE = 2048;
/** Public routes that are still actions worth auditing (sign-ins of any door); /healthz and /openapi.json are not. */
const SIGN_IN_OUT = /login|logout|token|session/i;

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** The raw query's pairs, decoded, with secret values replaced by ***. */
export function queryPairs(url: string): Array<[string, string]> {
  const q = url.indexOf('?');
  if (q < 0) return [];
  return url.slice(q + 1).split('&').filter(Boolean).map((part) => {
    const eq = part.indexOf('=');
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    return [key, eq < 0 ? '' : SECRET_PARAM.test(key) ? '***' : decode(part.slice(eq + 1))];
  });
}

/** `METHOD /path?query` as sent, except secret values (auth_token, client_secret, password…) masked. */
export function requestLine(method: string, url: string): string {
  const q = url.indexOf('?');
  let line = `${method} ${url}`;
  if (q >= 0) {
    const masked = url.slice(q + 1).split('&').map((part) => {
      const eq = part.indexOf('=');
      return eq >= 0 && SECRET_PARAM.test(decode(part.slice(0, eq))) ? `${part.slice(0, eq)}=***` : part;
    });
    line = `${method} ${url.slice(0, q)}?${masked.join('&')}`;
  }
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line;
}

type Claim = { kind: 'client' | 'user' | 'token'; id: string; account: string | null };
type Resolved = { accountId: string; id: string; name: string | null } | null;

/**
 * Who a caller without a verified principal claims to be: the client or user a sign-in names,
 * a Basic username, or a bearer token's unverified claims. Used only to file refusals under
 * the right account and to say who was tried.
 */
function claimed(headers: IncomingHttpHeaders, rawBody: unknown, route: string | undefined): Claim | null {
  const body = (typeof rawBody === 'object' && rawBody !== null ? rawBody : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length <= 128 ? v : null);
  const auth = headers.authorization ?? '';
  const basic = /^Basic\s+(\S+)$/i.exec(auth);
  const isClientSignIn = route === '/oauth/token';
  if (basic) {
    const text = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const id = str(decode(text.slice(0, Math.max(0, text.indexOf(':')))));
    if (id) return { kind: isClientSignIn ? 'client' : 'user', id, account: null };
  }
  const clientId = str(body.client_id) ?? str(body.clientId);
  if (clientId) return { kind: 'client', id: clientId, account: null };
  const username = str(body.username);
  if (username) return { kind: 'user', id: username, account: str(body.account) };
  const bearer = /^Bearer\s+[^.\s]+\.([^.\s]+)\./i.exec(auth);
  if (bearer) {
    try {
      const c = JSON.parse(Buffer.from(bearer[1]!, 'base64url').toString('utf8')) as { sub?: unknown; acc?: unknown };
      const sub = str(c.sub);
      if (sub) return { kind: 'token', id: sub, account: str(c.acc) };
    } catch { /* not a JWT */ }
  }
  return null;
}

/**
 * The API activity log and the audit trail, written for every finished request (onResponse,
 * after the answer went out; entries are buffered, so requests never wait for the database).
 */
export interface RequestLogging {
  /** Logs a request the router refused before any hook ran (a malformed URL): onResponse never sees those. */
  routerRefusal(req: FastifyRequest, reply: FastifyReply): void;
}

export function registerLogging(app: FastifyInstance, vault: Vault): RequestLogging {
  // Claims resolved to an account, briefly cached: refusals must be filed under the right account.
  const known = new Map<string, { found: Resolved; until: number }>();
  const resolve = async (c: Claim): Promise<Resolved> => {
    const key = `${c.kind}:${c.id}:${c.account ?? ''}`;
    const hit = known.get(key);
    if (hit && hit.until > Date.now()) return hit.found;
    let found: Resolved = null;
    if (c.kind === 'client') {
      const cl = await vault.store.getClient(c.id);
      if (cl) found = { accountId: cl.accountId, id: cl.id, name: cl.name };
    } else if (c.kind === 'user') {
      let users = await vault.store.findUsersByUsername(c.id);
      if (c.account) {
        const acc = (await vault.store.findAccountByName(c.account)) ?? (await vault.store.getAccount(c.account));
        users = users.filter((u) => u.accountId === acc?.id);
      }
      const u = users.length === 1 ? users[0]! : null;
      if (u) found = { accountId: u.accountId, id: u.id, name: [u.firstName, u.lastName].filter(Boolean).join(' ') || u.username };
    } else if (c.account) {
      const acc = await vault.store.getAccount(c.account);
      if (acc) found = { accountId: acc.id, id: c.id, name: null };
    }
    if (known.size >= 10_000) known.clear();
    known.set(key, { found, until: Date.now() + 60_000 });
    return found;
  };

  // A client that goes away before the answer is complete (an upload cut off half-way) is logged too.
  app.addHook('onRequestAbort', (req) => {
    vault.logs.activity({
      accountId: req.principal?.accountId ?? UNATTRIBUTED, at: Date.now(), method: req.method, requestLine: requestLine(req.method, req.url),
      clientId: req.principal?.kind === 'client' ? req.principal.id : null, principalId: req.principal?.id ?? null, status: 499,
      durationMs: 0, // Fastify keeps no start time on the request itself, and a timer per request would cost every request
      errorDetails: 'CLIENT_CLOSED_REQUEST: the client closed the connection before the answer was complete', requestId: req.id, ip: req.ip,
    });
  });

  app.addHook('onResponse', async (req, reply) => {
    try {
      await record(req, reply);
    } catch (err) {
      req.log.warn({ err }, 'could not log the request');
    }
  });

  async function record(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const status = reply.statusCode;
    const options = req.routeOptions; // a getter that builds an object: read once
    const route = options.url;
    const p = req.principal;
    const claim = p ? null : claimed(req.headers, req.body, route);
    const found = claim ? await resolve(claim) : null;
    // A sign-in that succeeded proves who it was; anything else without a principal is only a claim.
    const signedIn = !!found && status < 400 && claim!.kind !== 'token';
    const who = p
      ? { kind: p.kind as PrincipalKind, id: p.id, name: p.name ?? null }
      : signedIn ? { kind: claim!.kind as PrincipalKind, id: found.id, name: found.name } : { kind: 'unknown' as const, id: claim?.id ?? null, name: null };
    const accountId = p?.accountId ?? found?.accountId ?? UNATTRIBUTED;
    const err = status >= 400 ? errorDetailsOf(req) ?? `HTTP ${status}` : null;
    vault.logs.activity({
      accountId, at: Date.now(), method: req.method, requestLine: requestLine(req.method, req.url),
      clientId: p ? (p.kind === 'client' ? p.id : null) : claim?.kind === 'client' ? claim.id : null,
      principalId: p?.id ?? (signedIn ? who.id : null), status, durationMs: Math.round(reply.elapsedTime),
      errorDetails: err, requestId: req.id, ip: req.ip,
    });

    if (!route || (options.config.public && !SIGN_IN_OUT.test(route))) return;
    const outcome: AuditOutcome = status >= 500 ? 'failed' : status >= 400 ? 'refused' : 'success';
    const events = routeEvents({
      method: req.method, route, params: (req.params ?? {}) as Record<string, string>, query: queryPairs(req.url), body: req.body,
      status, hasRange: typeof req.headers.range === 'string', contentType: String(req.headers['content-type'] ?? '').toLowerCase(),
      location: reply.getHeader('location') as string | undefined, claimedId: found?.id ?? claim?.id ?? p?.id ?? null,
    });
    for (const e of events) {
      vault.logs.audit({
        accountId, item: e.item, action: e.action, outcome, principalId: who.id, principalKind: who.kind, principalName: who.name,
        description: outcome === 'success' ? e.did : `${outcome} (${status}): ${e.tried} — ${err}`,
        ip: req.ip, requestId: req.id, objectId: e.objectId,
      });
    }
  }

  app.addHook('onListen', async () => {
    const addr = app.server.address();
    const port = addr && typeof addr === 'object' ? addr.port : vault.config.port;
    const c = vault.config;
    vault.logs.system('info', 'configuration', `callvault started: listening on ${c.host}:${port}, database ${c.database.kind}, media store ${c.blobs.kind}`, {
      data: { host: c.host, port, database: c.database.kind, blobs: c.blobs.kind, dataDir: c.dataDir, logs: c.logs, limits: c.limits },
    });
  });
  app.addHook('onClose', async () => {
    vault.logs.system('info', 'configuration', 'callvault stopped');
  });

  return {
    routerRefusal(req, reply) {
      const claim = claimed(req.headers, undefined, undefined);
      void (claim ? resolve(claim) : Promise.resolve(null)).then((found) => vault.logs.activity({
        accountId: found?.accountId ?? UNATTRIBUTED, at: Date.now(), method: req.method, requestLine: requestLine(req.method, req.url),
        clientId: claim?.kind === 'client' ? claim.id : null, principalId: null, status: reply.statusCode, durationMs: Math.round(reply.elapsedTime),
        errorDetails: errorDetailsOf(req) ?? `HTTP ${reply.statusCode} (refused by the router)`, requestId: req.id, ip: req.ip,
      })).catch(() => undefined);
    },
  };
}
