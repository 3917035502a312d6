import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import type { Vault } from '../context.js';
import { ErrorCode, notFound } from '../core/errors.js';
import type { Socket } from 'node:net';
import { authenticate } from './auth.js';
import { LoginThrottle, RequestLimits } from './throttle.js';
import { registerCors } from './cors.js';
import { sessionRoutes } from './native/session.js';
import { sendError } from './errors.js';
import { addStreamingBodies } from './openapi-extras.js';
import { ErrorSchema, MediaFileSchema, RecordingSchema } from './native/schemas.js';
import { recordingRoutes } from './native/recordings.js';
import { uploadRoutes } from './native/upload.js';
import { mediaRoutes } from './native/media.js';
import { oauthRoutes } from './native/oauth.js';
import { logRoutes } from './native/logs.js';
import { settingsRoutes } from './native/settings.js';
import { transcriptRoutes } from './native/transcripts.js';
import { registerLogging, type RequestLogging } from './logging.js';
import { listV1Door } from './dialects/list-v1/index.js';
import { API_VERSION } from './app-version.js';
import { kazooDoor } from './dialects/kazoo/index.js';
import { insightsDoor } from './dialects/insights/index.js';
import { vonageDoor } from './dialects/vonage/index.js';
import { VONAGE_PREFIXES } from './dialects/vonage/envelope.js';
import { genesysDoor } from './dialects/genesys/index.js';
import { isoSeconds } from './time.js';

declare module 'fastify' {
  interface FastifyContextConfig { public?: boolean }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** An API answers data, never pages: forbid framing, sniffing, referrers and active content. */
const BASE_SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-opener-policy': 'same-origin',
};

export { API_VERSION } from './app-version.js';

/** The security headers every answer carries (HSTS too when the server speaks TLS itself). */
export function securityHeadersFor(http: { tlsCertFile?: string | undefined }): Record<string, string> {
  return http.tlsCertFile ? { ...BASE_SECURITY_HEADERS, 'strict-transport-security': 'max-age=31536000' } : BASE_SECURITY_HEADERS;
}

/** The one HTTP app: shared plumbing (request ids, auth, errors) and every door's routes. */
export async function buildApp(vault: Vault, opts: { logger?: FastifyServerOptions['logger'] } = {}): Promise<FastifyInstance> {
  const { http } = vault.config;
  // Request ids: a random per-process prefix and a counter (unique across processes, no entropy per request).
  const idPrefix = randomBytes(5).toString('hex');
  let requestCount = 0;
  const late: { logging?: RequestLogging } = {}; // set once logging is registered (below)
  const tls = http.tlsCertFile && http.tlsKeyFile ? { https: { cert: readFileSync(http.tlsCertFile), key: readFileSync(http.tlsKeyFile) } } : {};
  // One instance type for HTTP and HTTPS: the request/reply API the routes use is the same.
  const app = Fastify({
    logger: opts.logger ?? false,
    // A hop count is accepted at run time though the type lists only strings and booleans.
    trustProxy: http.trustProxy as boolean | string,
    ...(tls as object),
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : `req_${idPrefix}${(++requestCount).toString(36)}`;
    },
    bodyLimit: vault.config.limits.maxJsonBytes,
    // Clients compose URLs from a base that ends in '/' (as the Interaction Insights document
    // writes its base URLs): `…/STNG/{tenant}//api/…` finds the route.
    routerOptions: { maxParamLength: 256, ignoreDuplicateSlashes: true },
    // Requests Node's parser refuses before any route exists (oversized or malformed headers):
    // answered in the envelope too, on the raw socket.
    clientErrorHandler: (err: NodeJS.ErrnoException, socket: Socket) => {
      if (!socket.writable) return socket.destroy();
      const big = err.code === 'HPE_HEADER_OVERFLOW';
      const status = big ? 431 : 400;
      const id = `req_${idPrefix}${(++requestCount).toString(36)}`;
      const body = JSON.stringify({ error: {
        code: big ? ErrorCode.HEADERS_TOO_LARGE : ErrorCode.INVALID_REQUEST,
        description: big ? 'The request headers are too large' : 'The request could not be parsed',
        request_id: id, timestamp: isoSeconds(),
      } });
      socket.end(`HTTP/1.1 ${status} ${big ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: application/json\r\n`
        + `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${id}\r\nConnection: close\r\n\r\n${body}`);
    },
    // Refusals from the router itself (bad URL encoding, over-long ids) get the envelope too.
    frameworkErrors: (err, req, reply) => {
      void sendError(err, req, reply);
      late.logging?.routerRefusal(req, reply);
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
  }) as unknown as FastifyInstance;

  const throttle = new LoginThrottle(vault.config.limits);
  const requestLimits = new RequestLimits(vault.config.limits);
  const securityHeaders = securityHeadersFor(http);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'callvault native API', version: API_VERSION, description: 'Self-hosted vault for call and meeting recordings.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transformObject: (documentObject) => addStreamingBodies((documentObject as { openapiObject: Record<string, unknown> }).openapiObject) as never,
    refResolver: { buildLocalReference: (json, _base, _frag, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  app.addSchema(ErrorSchema);
  app.addSchema(MediaFileSchema);
  app.addSchema(RecordingSchema);

  // CORS first: an answer refused by authentication (401, 429) must still reach a browser
  // page on another origin, which otherwise sees a network failure instead of the error.
  registerCors(app, http.corsOrigins);
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    reply.headers(securityHeaders);
    if (req.routeOptions.config.public || !req.routeOptions.url) return;
    requestLimits.check(req.ip, await authenticate(vault.auth, throttle, req));
  });

  late.logging = registerLogging(app, vault);
  app.setErrorHandler((err, req, reply) => sendError(err, req, reply));
  app.setNotFoundHandler((req, reply) => sendError(notFound(`${req.method} ${req.url.split('?')[0]}`), req, reply));

  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, () => app.swagger());
  app.get('/healthz', { config: { public: true }, schema: { hide: true } }, () => ({ status: 'ok' }));

  await app.register(async (scope) => oauthRoutes(scope, vault, throttle));
  await app.register(async (scope) => sessionRoutes(scope, vault, throttle), { prefix: '/api/v1' });
  await app.register(async (scope) => {
    recordingRoutes(scope, vault);
    mediaRoutes(scope, vault);
    logRoutes(scope, vault);
    settingsRoutes(scope, vault);
    transcriptRoutes(scope, vault);
  }, { prefix: '/api/v1' });
  await app.register(async (scope) => uploadRoutes(scope, vault), { prefix: '/api/v1' });
  // The doors of other products' APIs, each with its own error envelope.
  await app.register(async (scope) => listV1Door(scope, vault));
  await app.register(async (scope) => kazooDoor(scope, vault, throttle));
  await app.register(async (scope) => insightsDoor(scope, vault, throttle));
  // Vonage's API under each path its clients use (see the door's envelope.ts).
  for (const prefix of VONAGE_PREFIXES) await app.register(async (scope) => vonageDoor(scope, vault), { prefix });
  await app.register(async (scope) => genesysDoor(scope, vault));
  return app;
}
