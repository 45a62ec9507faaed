/**
 * The one "not found" answer: unknown routes and every bad link (tampered, expired, signed for
 * another route, malformed) get the same bytes, so a response never tells a prober which part of
 * a token was wrong.
 */
import type { FastifyReply } from 'fastify';
import { sendText } from './http.js';

export const NOT_FOUND_BODY = 'Not found\n';

export function sendNotFound(reply: FastifyReply): FastifyReply {
  return sendText(reply, 404, NOT_FOUND_BODY);
}
