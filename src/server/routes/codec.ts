/**
 * The codec endpoint (Temporal's remote codec convention): `POST /codec/decode` and
 * `POST /codec/encode` take `{ "payloads": [...] }` in protobuf JSON (metadata values and data
 * base64) and answer the same shape, run through Settle's payload codec. The Temporal Web UI
 * ("Codec Server" setting) and the CLI (`temporal workflow show --codec-endpoint …/codec
 * --codec-auth 'Bearer …'`) call it to show decrypted payloads to operators who hold the token;
 * without the token nothing is decoded. Registered only when SETTLE_CODEC_TOKEN is set.
 *
 * Browsers call it cross-origin from the Web UI, so it answers CORS preflights for the origins
 * listed in `allowedOrigins` only, never `*`.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface CodecRouteDeps {
  codec: PayloadCodec;
  /** SETTLE_CODEC_TOKEN: callers send `Authorization: Bearer <token>`. */
  token: string;
  /** Origins allowed to call from a browser (the Web UI's, e.g. http://127.0.0.1:8233). */
  allowedOrigins?: string[];
}

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

/** Payloads per request and bytes per body: one workflow's history view needs far less. */
const MAX_PAYLOADS = 1000;
const BODY_LIMIT = 8 * 1024 * 1024;

function fromJson(p: JsonPayload): Payload {
  const metadata: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(p.metadata ?? {})) {
    if (typeof v !== 'string') throw new TypeError('metadata values are base64 strings');
    metadata[k] = Buffer.from(v, 'base64');
  }
  if (p.data !== undefined && typeof p.data !== 'string') throw new TypeError('data is a base64 string');
  return { metadata, data: Buffer.from(p.data ?? '', 'base64') };
}

function toJson(p: Payload): JsonPayload {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.metadata ?? {})) if (v) metadata[k] = Buffer.from(v).toString('base64');
  return { metadata, data: Buffer.from(p.data ?? new Uint8Array()).toString('base64') };
}

function authorised(request: FastifyRequest, token: string): boolean {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice('Bearer '.length).trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function cors(request: FastifyRequest, reply: FastifyReply, allowed: string[]): void {
  const origin = request.headers.origin;
  if (typeof origin !== 'string' || !allowed.includes(origin)) return;
  reply
    .header('access-control-allow-origin', origin)
    .header('vary', 'origin')
    .header('access-control-allow-credentials', 'true')
    .header('access-control-allow-methods', 'POST, OPTIONS')
    .header('access-control-allow-headers', 'authorization, content-type, x-namespace')
    .header('access-control-max-age', '600');
}

export function registerCodecRoutes(app: FastifyInstance, deps: CodecRouteDeps): void {
  if (deps.token.length < 16) throw new TypeError('registerCodecRoutes: the token must have at least 16 characters');
  const allowed = deps.allowedOrigins ?? [];
  for (const op of ['encode', 'decode'] as const) {
    const path = `/codec/${op}`;
    app.options(path, (request, reply) => {
      cors(request, reply, allowed);
      return reply.code(204).send();
    });
    app.post(path, { bodyLimit: BODY_LIMIT }, async (request, reply) => {
      cors(request, reply, allowed);
      reply.header('cache-control', 'no-store');
      if (!authorised(request, deps.token)) return reply.code(401).send({ error: 'unauthorised' });
      const body = request.body as { payloads?: unknown } | undefined;
      if (!body || !Array.isArray(body.payloads) || body.payloads.length > MAX_PAYLOADS) {
        return reply.code(400).send({ error: `expected {"payloads": [...]} with at most ${MAX_PAYLOADS} payloads` });
      }
      let payloads: Payload[];
      try {
        payloads = (body.payloads as JsonPayload[]).map(fromJson);
      } catch {
        return reply.code(400).send({ error: 'payloads must be protobuf JSON (metadata values and data base64)' });
      }
      try {
        const out = op === 'encode' ? await deps.codec.encode(payloads) : await deps.codec.decode(payloads);
        return reply.send({ payloads: out.map(toJson) });
      } catch (e) {
        request.log.warn({ op, reason: (e as Error).message }, 'codec request refused');
        return reply.code(400).send({ error: (e as Error).message });
      }
    });
  }
}
