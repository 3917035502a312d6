import type { FastifyRequest } from 'fastify';
import { unauthorized } from '../core/errors.js';
import type { Principal } from '../core/principals.js';
import type { AuthService } from '../auth/service.js';

declare module 'fastify' {
  interface FastifyRequest { principal?: Principal }
}

/** Reads `Authorization: Bearer …` into the request's principal, or refuses with 401. */
export function bearerPrincipal(auth: AuthService, req: FastifyRequest): Principal {
  const header = req.headers.authorization;
  if (!header) throw unauthorized('An access token is required (Authorization: Bearer …)');
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) throw unauthorized('The Authorization header must use the Bearer scheme');
  const principal = auth.principalFromBearer(m[1]!);
  req.principal = principal;
  return principal;
}

export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw unauthorized();
  return req.principal;
}
