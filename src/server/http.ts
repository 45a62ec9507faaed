/**
 * What the routes share in talking HTTP: a short plain-text answer that no cache keeps, an HTML
 * page with its security headers (pages/html.ts), and form posts read as flat string maps.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { LANDING_HEADERS } from './pages/html.js';

/** A short plain-text answer ("Not found", "ok"), never cached. */
export function sendText(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/plain; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(text);
}

/** An HTML page with its headers (default: the payment pages'). */
export function sendPage(
  reply: FastifyReply,
  status: number,
  html: string,
  headers: Record<string, string> = LANDING_HEADERS,
): FastifyReply {
  return reply.code(status).headers(headers).send(html);
}

/**
 * Form posts (application/x-www-form-urlencoded) as a flat map, the last value of a repeated
 * field winning. The app registers @fastify/formbody; this parser serves routes registered on
 * their own (tests), where no form parser exists yet.
 */
export function acceptFormPosts(scope: FastifyInstance, bodyLimit: number): void {
  if (scope.hasContentTypeParser('application/x-www-form-urlencoded')) return;
  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit },
    (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
}
