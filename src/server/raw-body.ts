/**
 * JSON bodies keep their raw bytes: Stripe signs the exact payload (`constructEvent` on the raw
 * body), so a webhook route reads `request.rawBody` while other routes use the parsed
 * `request.body` (parsed by fastify's own JSON parser, with its prototype-poisoning guards).
 */
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The bytes of a JSON body as received (absent for other content types). */
    rawBody?: Buffer;
  }
}

export function keepRawJsonBody(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    request.rawBody = body as Buffer;
    void parseJson(request, (body as Buffer).toString('utf8'), done);
  });
}
