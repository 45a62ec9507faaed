/**
 * Tracking routes: the open pixel `GET|HEAD /t/o/<token>` and the click redirect
 * `GET /t/c/<token>`; the opt-out page `/u/<token>` is registered from here too (opt-out.ts).
 *
 * A valid hit is answered at once — the 43-byte GIF, or a 302 to the target signed inside the
 * token (never a URL from the request: no open redirect) — and its signal is handed to the
 * dispatcher, which never waits on Temporal. Machine hits (machine.ts) are answered the same way
 * and counted, but not signalled. A bad token answers the shared 404.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { verifyLinkToken, type LinkClaims, type LinkPurpose } from '../../channels/tokens.js';
import type { EngagementEvent } from '../../ir/index.js';
import type { HitKind, ServerDeps } from '../deps.js';
import { trackingEventId } from '../event-id.js';
import { classifyHit } from '../machine.js';
import { sendNotFound } from '../not-found.js';
import { registerOptOutRoutes } from './opt-out.js';

/** A 1×1 transparent GIF (43 bytes). */
export const PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');

/** Every hit must reach the server (no cache may answer for it); HTTP/1.0-era Pragma/Expires add nothing today. */
const NO_STORE = 'no-store, private';

type TokenParams = { Params: { token: string } };

function webTarget(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

export function registerTrackingRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const clock = deps.clock ?? Date.now;
  const windowMs = deps.tracking?.machineWindowMs ?? 2_000;

  /** Classifies a hit of a valid link and signals it unless a machine made it. */
  function hit(
    request: FastifyRequest,
    claims: LinkClaims & { iat: number },
    now: number,
    kind: HitKind,
    type: EngagementEvent,
  ) {
    const verdict = classifyHit({
      method: request.method,
      userAgent: request.headers['user-agent'],
      issuedAtMs: claims.iat * 1000,
      nowMs: now,
      windowMs,
    });
    const result = verdict.machine
      ? undefined
      : deps.dispatcher.dispatch(claims.w, {
          kind: 'engagement',
          signal: {
            eventId: trackingEventId(claims, type),
            type,
            messageId: claims.k,
            at: new Date(now).toISOString(),
            ...(verdict.proxy !== undefined && { data: { proxy: verdict.proxy } }),
          },
        });
    deps.hits?.onHit(kind, {
      machine: verdict.machine,
      channel: claims.c === 'sms' ? 'sms' : 'email',
      workflowId: claims.w,
      messageKey: claims.k,
      ...(claims.v !== undefined && { version: claims.v }),
      ...(claims.a !== undefined && { variant: claims.a }),
      issuedAtMs: claims.iat * 1000,
      atMs: now,
      ...(verdict.reason !== undefined && { reason: verdict.reason }),
      ...(verdict.proxy !== undefined && { proxy: verdict.proxy }),
      ...(result !== undefined && { result }),
    });
  }

  const verify = (request: FastifyRequest<TokenParams>, purpose: LinkPurpose, now: number) =>
    verifyLinkToken(deps.secret, request.params.token, purpose, now);

  const pixel = (request: FastifyRequest<TokenParams>, reply: FastifyReply) => {
    const now = clock();
    const claims = verify(request, 'o', now);
    if (!claims) return sendNotFound(reply);
    hit(request, claims, now, 'open', 'opened');
    // A full queue still answers the pixel (the open is lost, and counted as `full`).
    return reply.code(200).header('content-type', 'image/gif').header('cache-control', NO_STORE).send(PIXEL_GIF);
  };
  app.route<TokenParams>({ method: ['GET', 'HEAD'], url: '/t/o/:token', handler: pixel });

  const click = (request: FastifyRequest<TokenParams>, reply: FastifyReply) => {
    const now = clock();
    const claims = verify(request, 'c', now);
    const target = webTarget(claims?.u);
    if (!claims || target === undefined) return sendNotFound(reply);
    hit(request, claims, now, 'click', 'clicked');
    // no-referrer: the target must not learn the tracking URL (its token) from the Referer header.
    return reply.header('cache-control', NO_STORE).header('referrer-policy', 'no-referrer').redirect(target, 302);
  };
  app.route<TokenParams>({ method: ['GET', 'HEAD'], url: '/t/c/:token', handler: click });

  registerOptOutRoutes(app, deps);
}
