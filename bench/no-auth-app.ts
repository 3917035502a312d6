/**
 * The reference for "auth and logging add at most 15% to get by id": the vault's own
 * recording routes, schemas, error handler, request ids and security headers on the same vault,
 * but with neither authentication (a fixed principal is set on every request) nor the
 * audit/activity hooks.
 * Lives in bench/ on purpose: nothing in src/ can serve without authentication.
 */
import Fastify from 'fastify';
import type { Vault } from '../src/context.js';
import { SCOPES, type Principal } from '../src/core/principals.js';
import { sendError } from '../src/http/errors.js';
import { securityHeadersFor } from '../src/http/app.js';
import { ErrorSchema, MediaFileSchema, RecordingSchema } from '../src/http/native/schemas.js';
import { recordingRoutes } from '../src/http/native/recordings.js';

export async function startNoAuthApp(vault: Vault, accountId: string): Promise<{ origin: string; close: () => Promise<void> }> {
  const app = Fastify({
    logger: false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
  });
  const principal: Principal = { kind: 'client', id: 'bench', accountId, scopes: new Set(SCOPES) };
  app.addSchema(ErrorSchema);
  app.addSchema(MediaFileSchema);
  app.addSchema(RecordingSchema);
  // The plumbing every answer gets (request id, security headers) stays: it is neither auth nor logging.
  const headers = securityHeadersFor(vault.config.http);
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    reply.headers(headers);
    req.principal = principal;
  });
  app.setErrorHandler((err, req, reply) => sendError(err, req, reply));
  await app.register(async (scope) => recordingRoutes(scope, vault), { prefix: '/api/v1' });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { origin: `http://127.0.0.1:${address.port}`, close: () => app.close() };
}
