import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Vault } from '../../context.js';
import { invalid, unauthorized } from '../../core/errors.js';
import type { LoginThrottle } from '../throttle.js';
import { ErrorSchema, TokenSchema } from './schemas.js';

/** OAuth 2.0 client credentials (RFC 6749 §4.4): form or JSON body, or HTTP Basic client auth. */
export function oauthRoutes(app: FastifyInstance, vault: Vault, throttle: LoginThrottle): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.post<{ Body: Record<string, string | undefined> }>('/oauth/token', {
    config: { public: true },
    schema: {
      tags: ['auth'], summary: 'Get a bearer token with client credentials (valid 15 minutes)',
      body: Type.Object({
        grant_type: Type.Optional(Type.String()), client_id: Type.Optional(Type.String({ maxLength: 128 })),
        client_secret: Type.Optional(Type.String({ maxLength: 256 })), scope: Type.Optional(Type.String({ maxLength: 1024 })),
      }),
      response: { 200: TokenSchema, 400: ErrorSchema, 401: ErrorSchema },
    },
  }, async (req, reply) => {
    const body = req.body ?? {};
    let id = body.client_id;
    let secret = body.client_secret;
    const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i > 0) {
        try {
          id = decodeURIComponent(decoded.slice(0, i));
          secret = decodeURIComponent(decoded.slice(i + 1));
        } catch {
          throw unauthorized('The Basic credentials are not validly encoded');
        }
      }
    }
    if (body.grant_type !== undefined && body.grant_type !== 'client_credentials') {
      throw invalid(`grant_type '${body.grant_type}' is not supported; use client_credentials`, { field: 'grant_type' });
    }
    if (!id || !secret) throw invalid('client_id and client_secret are required', { field: id ? 'client_secret' : 'client_id' });
    reply.header('cache-control', 'no-store');
    return throttle.attempt(req.ip, id, () => vault.auth.clientCredentials(id, secret, body.scope));
  });
}
