import type { FastifyInstance } from 'fastify';

/**
 * JSON bodies in this plugin may be empty: some clients send `Content-Type: application/json`
 * with nothing after it where every field is optional (an export of everything, a DELETE).
 * An empty body reads as `{}`; anything else goes to Fastify's own JSON parser.
 */
export function acceptEmptyJson(app: FastifyInstance): void {
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if ((body as string).trim() === '') done(null, {});
    else void json(req, body as string, done);
  });
}
