/**
 * Tracking routes: the open pixel `GET|HEAD /t/o/<token>` and the click redirect
 * `GET /t/c/<token>`; the opt-out page `/u/<token>` is registered from here too (opt-out.ts).
 *
 * A valid hit is answered at once — the 43-byte GIF, or a 302 to the target signed inside the
 * token (never a URL from the request: no open redirect) — and its signal is handed to the
 * dispatcher, which never waits on Temporal. Machine hits (machine.ts) are answered the same way
 * and counted, but not signalled. A test link (TEST_LINK, from `settle render --send-to`) is
 * answered the same way and neither signalled nor counted. A bad token answers the shared 404.
 */
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isTestLink } from '../../channels/tokens.js';
import type { EngagementEvent } from '../../ir/index.js';
import type { HitKind, ServerDeps } from '../deps.js';
import { trackingEventId } from '../event-id.js';
import { classifyHit } from '../machine.js';
import { sendNotFound } from '../not-found.js';
import { verifiedLinks, type VerifiedClaims, type VerifiedLink, type VerifiedLinks } from '../verified-links.js';
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

/** What a hit needs from its token, derived once per token (verified-links.ts). */
interface Hit {
  eventId: string;
  issuedAtMs: number;
  channel: 'sms' | 'email';
  /** A test send's link: answered, never recorded. */
  test: boolean;
}

const hitOf = (claims: VerifiedClaims, type: EngagementEvent): Hit => ({
  eventId: trackingEventId(claims, type),
  issuedAtMs: claims.iat * 1000,
  channel: claims.c === 'sms' ? 'sms' : 'email',
  test: isTestLink(claims),
});

/**
 * Pixel and click hits get the app's logger itself, not a per-request child (thousands a second;
 * they are not logged per request, see app.ts): their errors still reach the error handler's log.
 */
const noChildLogger = (logger: FastifyBaseLogger): FastifyBaseLogger => logger;

export function registerTrackingRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const clock = deps.clock ?? Date.now;
  const windowMs = deps.tracking?.machineWindowMs ?? 2_000;
  const opens = verifiedLinks(deps.secret, 'o', (claims) => hitOf(claims, 'opened'));
  const clicks = verifiedLinks(deps.secret, 'c', (claims) => {
    const target = webTarget(claims.u);
    return target === undefined ? undefined : { ...hitOf(claims, 'clicked'), target };
  });

  /**
   * Classifies a hit of a valid link and signals it unless a machine made it. Runs after the
   * answer is sent: a repeat (the dispatcher's dedupe) costs a map lookup, the first hit a queue push.
   */
  function hit(request: FastifyRequest, link: VerifiedLink<Hit>, now: number, kind: HitKind, type: EngagementEvent) {
    const { claims, derived } = link;
    if (derived.test) return; // a test send: nothing is recorded
    const verdict = classifyHit({
      method: request.method,
      userAgent: request.headers['user-agent'],
      issuedAtMs: derived.issuedAtMs,
      nowMs: now,
      windowMs,
    });
    const result = verdict.machine
      ? undefined
      : deps.dispatcher.dispatch(claims.w, {
          kind: 'engagement',
          signal: {
            eventId: derived.eventId,
            type,
            messageId: claims.k,
            at: new Date(now).toISOString(),
            ...(verdict.proxy !== undefined && { data: { proxy: verdict.proxy } }),
          },
        });
    deps.hits?.onHit(kind, {
      machine: verdict.machine,
      channel: derived.channel,
      workflowId: claims.w,
      messageKey: claims.k,
      ...(claims.v !== undefined && { version: claims.v }),
      ...(claims.a !== undefined && { variant: claims.a }),
      ...(claims.j !== undefined && { journey: claims.j }),
      issuedAtMs: derived.issuedAtMs,
      atMs: now,
      ...(verdict.reason !== undefined && { reason: verdict.reason }),
      ...(verdict.proxy !== undefined && { proxy: verdict.proxy }),
      ...(result !== undefined && { result }),
    });
  }

  /** A tracking route: a valid link is answered at once by `answer`, then its hit is classified and signalled. */
  function trackingRoute<T extends Hit>(
    url: string,
    links: VerifiedLinks<T>,
    kind: HitKind,
    type: EngagementEvent,
    answer: (reply: FastifyReply, link: VerifiedLink<T>) => void,
  ): void {
    app.route<TokenParams>({
      method: ['GET', 'HEAD'],
      url,
      childLoggerFactory: noChildLogger,
      handler: (request, reply) => {
        const now = clock();
        const link = links.get(request.params.token, now);
        if (!link) return sendNotFound(reply);
        answer(reply, link);
        hit(request, link, now, kind, type);
        return reply;
      },
    });
  }

  // A full queue still answers the pixel (the open is lost, and counted as `full`).
  trackingRoute('/t/o/:token', opens, 'open', 'opened', (reply) =>
    reply.code(200).header('content-type', 'image/gif').header('cache-control', NO_STORE).send(PIXEL_GIF),
  );
  // no-referrer: the target must not learn the tracking URL (its token) from the Referer header.
  trackingRoute('/t/c/:token', clicks, 'click', 'clicked', (reply, link) =>
    reply.header('cache-control', NO_STORE).header('referrer-policy', 'no-referrer').redirect(link.derived.target, 302),
  );

  registerOptOutRoutes(app, deps);
}
