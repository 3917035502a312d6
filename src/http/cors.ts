import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const EXPOSED = ['X-Request-Id', 'Content-Range', 'Accept-Ranges', 'Content-Length', 'ETag', 'Retry-After', 'Location', 'Idempotent-Replayed'].join(', ');

/**
 * CORS, off unless origins are configured. Allowed origins get the usual headers on every
 * answer and a 204 to preflights; other origins get no CORS headers (the browser blocks them).
 */
export function registerCors(app: FastifyInstance, origins: string[]): void {
  if (origins.length === 0) return;
  const any = origins.includes('*');
  const allowed = (origin: string | undefined): origin is string => !!origin && (any || origins.includes(origin));

  const decorate = (req: FastifyRequest, reply: FastifyReply) => {
    const origin = req.headers.origin;
    if (!allowed(origin)) return false;
    reply.header('access-control-allow-origin', origin).header('vary', 'Origin').header('access-control-expose-headers', EXPOSED);
    return true;
  };

  app.addHook('onRequest', async (req, reply) => {
    decorate(req, reply);
  });

  app.options('*', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
    if (!decorate(req, reply)) return reply.code(404).send();
    reply.header('access-control-allow-methods', 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS')
      .header('access-control-allow-headers', req.headers['access-control-request-headers'] ?? 'Authorization, Content-Type, Idempotency-Key, Range, If-None-Match, If-Range, X-Request-Id')
      .header('access-control-max-age', '600');
    return reply.code(204).send();
  });
}
