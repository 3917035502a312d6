import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Vault } from '../../context.js';
import { principalOf } from '../auth.js';
import type { LoginThrottle } from '../throttle.js';
import { ErrorSchema, TokenSchema } from './schemas.js';

/** Password login for users, logout (token revocation) and "who am I". */
export function sessionRoutes(app: FastifyInstance, vault: Vault, throttle: LoginThrottle): void {
  app.post<{ Body: { username: string; password: string; account?: string } }>('/auth/login', {
    config: { public: true },
    schema: {
      tags: ['auth'], summary: "A user's bearer token from username and password (account needed only when the username exists in several accounts)",
      body: Type.Object({
        username: Type.String({ minLength: 1, maxLength: 128 }),
        password: Type.String({ minLength: 1, maxLength: 1024 }),
        account: Type.Optional(Type.String({ maxLength: 128 })),
      }, { additionalProperties: false }),
      response: { 200: TokenSchema, 400: ErrorSchema, 401: ErrorSchema, 429: ErrorSchema },
    },
  }, async (req, reply) => {
    reply.header('cache-control', 'no-store');
    return throttle.attempt(req.ip, `${req.body.account ?? ''}/${req.body.username}`,
      () => vault.auth.userLogin(req.body.username, req.body.password, req.body.account));
  });

  app.post('/auth/logout', {
    schema: { tags: ['auth'], summary: 'Revoke the bearer token of this request', security: [{ bearer: [] }], response: { 204: Type.Null(), 400: ErrorSchema, 401: ErrorSchema } },
  }, async (req, reply) => {
    await vault.auth.logout(principalOf(req));
    return reply.code(204).send();
  });

  app.get('/auth/me', {
    schema: {
      tags: ['auth'], summary: 'Who the caller is: kind, account, role, scopes', security: [{ bearer: [] }],
      response: {
        200: Type.Object({
          kind: Type.String(), id: Type.String(), accountId: Type.String(), role: Type.Optional(Type.String()),
          scopes: Type.Array(Type.String()), upn: Type.Optional(Type.String()), groups: Type.Optional(Type.Array(Type.String())),
          name: Type.Optional(Type.String()),
        }),
        401: ErrorSchema,
      },
    },
  }, (req) => {
    const p = principalOf(req);
    return {
      kind: p.kind, id: p.id, accountId: p.accountId, scopes: [...p.scopes].sort(),
      ...(p.role ? { role: p.role } : {}), ...(p.upn ? { upn: p.upn } : {}), ...(p.groups ? { groups: [...p.groups] } : {}), ...(p.name ? { name: p.name } : {}),
    };
  });
}
