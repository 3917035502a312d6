import type { FastifyRequest } from 'fastify';
import { unauthorized } from '../core/errors.js';
import type { Principal } from '../core/principals.js';
import type { AuthService } from '../auth/service.js';
import type { LoginThrottle } from './throttle.js';

declare module 'fastify' {
  interface FastifyRequest { principal?: Principal }
}

/**
 * Reads the request's principal from `Authorization: Bearer …` (a token) or `Basic …` (a
 * user's username and password), else from `X-Auth-Token` or `?auth_token=` (Kazoo clients),
 * or refuses with 401.
 */
export async function authenticate(auth: AuthService, throttle: LoginThrottle, req: FastifyRequest): Promise<Principal> {
  const header = req.headers.authorization;
  if (!header) {
    // Kazoo clients send their token as X-Auth-Token, or as ?auth_token= where a browser plays audio.
    const kazoo = req.headers['x-auth-token'] ?? (req.query as Record<string, unknown> | undefined)?.auth_token;
    if (typeof kazoo === 'string' && kazoo !== '') return (req.principal = auth.principalFromBearer(kazoo));
    throw unauthorized('An access token is required (Authorization: Bearer …)');
  }
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (bearer) return (req.principal = auth.principalFromBearer(bearer[1]!));
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i <= 0) throw unauthorized('The Basic credentials are malformed');
    const username = decoded.slice(0, i);
    const password = decoded.slice(i + 1);
    const known = auth.cachedBasic(username, password);
    if (known) return (req.principal = known);
    // Each password check is a sign-in attempt exactly as POST /api/v1/auth/login is (same
    // buckets, per address and per name, checked before scrypt runs, so a locked-out name is
    // refused even with the right password until its allowance comes back; a success gives its
    // attempt back).
    return (req.principal = await throttle.attempt(req.ip, `/${username}`, () => auth.principalFromBasic(username, password)));
  }
  throw unauthorized('The Authorization header must use the Bearer or Basic scheme');
}

export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw unauthorized();
  return req.principal;
}
